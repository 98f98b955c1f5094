/* dataset.h — a results folder loaded into memory: its runs, each run's samples, and the
 * settings and modes they group into. What summary, report, plot and compare read; they
 * never re-run anything (DESIGN.md §1).
 *
 * A setting is one (scenario, runtime, policy, allocator, threshold); a group is one setting
 * in one mode ("forced", "auto", "off"), holding its repeats. Settings are kept in the
 * order their first run appears in runs.csv; modes in the order forced, auto, off.
 *
 * Loading is tolerant of what can legitimately vary (optional columns missing, runs with no
 * samples because they failed at once) and strict about what cannot (a required column
 * missing, a non-numeric number, a sample whose run_id is in no run): those fail with
 * "FILE:LINE: …".
 */
#ifndef GCB_DATASET_H
#define GCB_DATASET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "csvio.h"

#define DS_MISSING INT64_MIN /* a number the file does not have */
/* The most settings a folder may hold. The readers compare settings with one another (a
 * scenario's settings side by side, native beside CPython), which costs the square of their
 * number; `bench run` writes a setting per scenario, runtime, policy, allocator and threshold,
 * and a folder of more than this many would take days of runs. */
#define DS_MAX_SETTINGS 16384
/* The largest magnitude of a number a loaded folder holds (2^50: a petabyte, thirteen days in
 * nanoseconds): a cell beyond it fails the load, so that sums and differences of a few values
 * never overflow (and no cell reads as DS_MISSING). */
#define DS_VALUE_MAX ((int64_t)1 << 50)

/* The modes, in the order tables and plots show them. */
#define DS_MODES 3
extern const char *const ds_mode_names[DS_MODES];  /* "forced", "auto", "off" */
extern const char *const ds_mode_titles[DS_MODES]; /* "With GC", "Without GC", "GC off" */
int ds_mode_index(const char *mode);               /* 0..2, or -1 */

/* One row of samples.csv. */
typedef struct ds_sample {
    int64_t iteration;
    int64_t t_ns;
    int64_t rss_bytes;
    int64_t rss_anon_bytes;
    int64_t iter_peak_rss_bytes;
    int64_t live_objects;
    int64_t live_bytes;
    int64_t collections;
    int64_t collected;
    int64_t uncollectable;
    int64_t garbage;
    int64_t pause_ns;
    int64_t objects_scanned;
    int64_t collections_gen[3]; /* per generation (gc.get_stats()'s entries) */
    int64_t heap_objects;       /* containers the collector tracks */
    int64_t count0;             /* gc.get_count()[0] */
    /* iter samples: the live instances of the scenario's own classes (the sum of the run's
     * kind "class" rows at this iteration); DS_MISSING when it has none */
    int64_t class_objects;
} ds_sample;

/* One kind "class" row of samples.csv: the live instances of one of the scenario's classes at
 * one iteration. class_id indexes ds.class_names. */
typedef struct ds_class_count {
    int64_t iteration;
    size_t class_id;
    int64_t live_objects; /* DS_MISSING when the cell is empty */
} ds_class_count;

/* One kind "type" row of samples.csv: the live objects and bytes of a type that grew over its
 * run (the worker's census sends the most-grown), at one iteration. type_id indexes
 * ds.type_names (module-qualified: "myapp.ReportService", "list"). */
typedef struct ds_type_count {
    int64_t iteration;
    size_t type_id;
    int64_t live_objects, live_bytes; /* DS_MISSING when the cell is empty */
} ds_type_count;

/* One row of runs.csv with its samples. Strings are never NULL ("" when absent). */
typedef struct ds_run {
    const char *run_id, *scenario, *runtime, *policy, *allocator, *threshold, *mode;
    const char *params, *status, *message;
    int64_t repeat, iterations, cpu;
    int64_t wall_ns, peak_rss_bytes, collections, collected, uncollectable, garbage;
    int64_t objects_scanned, pause_ns_total, pause_ns_median, pause_ns_p95, pause_ns_max;
    int64_t interpreter_objects; /* the interpreter's own containers modelled (native) */
    bool ok;                     /* status == "ok" */
    /* runs.csv's rss_comparable: false only where it says 0 (Pyodide: a Node.js process whose
     * WebAssembly memory only grows); folders without the column are comparable */
    bool rss_comparable;
    size_t setting;   /* index into ds.settings */
    int mode_index;   /* 0..2 */
    ds_sample *iters; /* kind "iter", sorted by iteration (0 = baseline) */
    size_t niters;
    ds_sample *ticks; /* kind "tick", sorted by t_ns */
    size_t nticks;
    ds_class_count *classes; /* kind "class", sorted by iteration, then samples.csv order */
    size_t nclasses;
    ds_type_count *types; /* kind "type", in samples.csv's order */
    size_t ntypes;
    /* kind "site" (a traced run): type_id indexes ds.site_names; in samples.csv's order */
    ds_type_count *sites;
    size_t nsites;
    /* runs.csv's trace_alloc_frames: > 0 for a traced run (tracemalloc), which is in its
     * setting's traced[], never in runs[]: its RSS and times enter no figure */
    int64_t trace_frames;
    /* kind "holder": who holds the fastest-growing type after the run (a chain of referrers
     * from a root); NULL when the run sent none; owned */
    char *holder_chain;
} ds_run;

typedef struct ds_setting {
    const char *scenario, *runtime, *policy, *allocator, *threshold;
    /* runs[m] lists the indexes (into ds.runs) of this setting's runs in mode m, by repeat */
    size_t *runs[DS_MODES];
    size_t nruns[DS_MODES];
    /* traced[m]: the setting's traced runs in mode m (--trace-alloc), by repeat */
    size_t *traced[DS_MODES];
    size_t ntraced[DS_MODES];
    bool rss_comparable; /* every run of the setting is (ds_run.rss_comparable) */
    /* the settings of one scenario, in order: whether this is its first, and the index of its
     * next (ds.nsettings after the last), so that a reader walks a scenario's settings without
     * searching them all */
    bool first_of_scenario;
    size_t next_of_scenario;
    /* summary.csv's row of the setting in mode m (the first that names them), -1 when none */
    long summary_row[DS_MODES];
} ds_setting;

typedef struct ds {
    char *dir;
    csvt machine; /* key,value rows (empty table if machine.csv is missing) */
    csvt runs_csv;
    ds_run *runs;
    size_t nruns;
    ds_setting *settings;
    size_t nsettings;
    csvt summary; /* summary.csv as written, when present */
    bool has_summary;
    /* machine.csv's status is there and not "complete" (results.h): bench was stopped or
     * killed. The samples of a run missing from runs.csv (the run in progress) were left out;
     * dropped_samples counts them. A folder from before statuses were recorded is complete. */
    bool incomplete;
    size_t dropped_samples;
    /* the names of the classes of kind "class" rows, in order of first appearance in
     * samples.csv (a scenario's classes in definition order); owned */
    char **class_names;
    size_t nclass_names;
    /* the names of the types of kind "type" rows, in order of first appearance; owned */
    char **type_names;
    size_t ntype_names;
    /* the allocation sites of kind "site" rows, in order of first appearance; owned */
    char **site_names;
    size_t nsite_names;
} ds;

/* Loads DIR/runs.csv and DIR/samples.csv (required), DIR/machine.csv and DIR/summary.csv
 * (optional). Returns 0, or -1 with a message naming the file and line in err. */
int ds_load(ds *d, const char *dir, char *err, size_t errlen);
void ds_free(ds *d);
/* When d is incomplete, says so on stderr ("bench: note: DIR is not complete: …"): its
 * status, runs done of planned, samples left out. Readers call it after ds_load. */
void ds_note_incomplete(const ds *d);

/* The machine.csv value for key, or "" if absent. */
const char *ds_machine(const ds *d, const char *key);

/* The median over the setting's successful runs in mode m of the iteration sample
 * `iteration`'s field (offsetof a ds_sample member), with the min and max beside it.
 * Returns the number of runs that had it (0: nothing to show; *median etc. untouched). */
size_t ds_iter_stat(const ds *d, size_t setting, int mode, int64_t iteration, size_t field,
                    int64_t *median, int64_t *min, int64_t *max);

/* The growth per iteration of a run's field (offsetof a ds_sample member) over its
 * iteration samples 1..N (the baseline left out): their Theil–Sen slope (stats.h); a missing
 * value counts as 0. *out is 0 with fewer than two such samples. Returns 0, or -1 when memory
 * ran out. What summary.csv's rss_growth_bytes_per_iter is made of. */
int ds_run_growth(const ds_run *run, size_t field, double *out);
/* As ds_run_growth, over the iteration samples first..N only (the verdict's later half). */
int ds_run_growth_from(const ds_run *run, size_t field, int64_t first, double *out);

/* The index of class `name` in d->class_names, or -1. */
long ds_class_id(const ds *d, const char *name);

/* The live instances of class class_id in run at iteration (DS_MISSING when the run has no
 * such class row, or its cell is empty). */
int64_t ds_class_live(const ds_run *run, size_t class_id, int64_t iteration);

/* As ds_iter_stat, for the live instances of class class_id (ds_class_live) over the setting's
 * successful runs in mode m. Returns the number of runs that had it. */
size_t ds_class_stat(const ds *d, size_t setting, int mode, int64_t iteration, size_t class_id,
                     int64_t *median, int64_t *min, int64_t *max);

/* Whether any run of setting has a class row of class_id (any class when class_id < 0). */
bool ds_setting_has_class(const ds *d, size_t setting, long class_id);

/* The largest iteration number any run of (setting, mode) reached (-1 if none). */
int64_t ds_last_iteration(const ds *d, size_t setting, int mode);

#endif /* GCB_DATASET_H */
