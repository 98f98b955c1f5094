/* results.h — a results folder being written by `bench run`: its creation
 * (<out>/<YYYYmmdd-HHMMSS>-<host>/ and the <out>/latest link), and runs.csv / samples.csv
 * written row by row, so that a run stopped at any moment leaves valid CSV behind.
 *
 * Durability: a run's rows are committed when it ends (both files flushed and fsynced), so a
 * crash of bench loses at most the run in progress. A write that fails (a full disk) cuts both
 * files back to the last commit: the folder never holds part of a row. machine.csv's `status`
 * says whether the folder is complete: `running` while bench runs (and forever, if bench was
 * killed), then `complete`, `interrupted` or `stopped`; `runs_planned` and `runs_done` count.
 * Readers take samples of a run missing from runs.csv in a folder that is not complete as the
 * run that was in progress, and leave them out. */
#ifndef GCB_RESULTS_H
#define GCB_RESULTS_H

#include <limits.h>

#include "csvio.h"
#include "plan.h"
#include "runner.h"

typedef struct results {
    char dir[PATH_MAX];
    csvw runs;
    csvw samples;
    /* where the run in progress began in each file; all before is committed */
    long long runs_mark, samples_mark;
    /* what every run's row records: this machine (machine_id) and --jobs */
    char machine_id[320];
    int jobs;
} results;

/* Whether out_base may hold results folders: not /, and not in /dev, /proc or /sys (after
 * following the links of the part that exists), with no control character in its name.
 * Returns 0, or -1 with the reason in err (the name shown with control characters escaped). */
int results_check_out(const char *out_base, char *err, size_t errlen);

/* Creates the folder under out_base (made if missing) and opens runs.csv and samples.csv.
 * Returns 0, or -1 with a message in err (and nothing left behind but out_base). */
int results_create(results *res, const char *out_base, char *err, size_t errlen);
/* Appends a run's sample rows (samples: a file of whole samples.csv rows, without a header, or
 * NULL) to samples.csv, then its row to runs.csv. 0 or -1. */
int results_add_run(results *res, const plan_run *r, int cpu, const run_result *rr, FILE *samples);
/* Before a run: marks where its rows begin. 0, or -1 (errno set). */
int results_begin_run(results *res);
/* After the run's row: flushes and fsyncs both files. 0, or -1 (errno set). */
int results_commit_run(results *res);
/* The errno of the first write to runs.csv or samples.csv that failed, or 0. */
int results_error(const results *res);
/* After a write failed: cuts both files back to where the run began (dropping whatever was
 * buffered), so that they hold whole rows of committed runs only. */
void results_rollback_run(results *res);
/* Records in machine.csv (rewritten whole: a new file renamed over the old one, fsynced) the
 * folder's status and how many runs were planned and done. 0, or -1 (errno set). */
int results_set_status(const results *res, const char *status, size_t planned, size_t done);

/* Closes both files and points <out_base>/latest at the folder. 0 or -1. */
int results_close(results *res, const char *out_base);

/* A path inside the folder: <dir>/<name>. */
void results_path(const results *res, const char *name, char *buf, size_t len);

#endif /* GCB_RESULTS_H */
