/* report.h — `bench report DIR`: the seeds' "With GC / Without GC" table for each setting of a
 * results folder, with its verdict and failed runs, and, for a scenario run in several settings
 * or runtimes, one table that sets them side by side (DESIGN.md §5 "Reports"). Three formats:
 * text (the terminal, and the end of `bench run`), markdown (to paste into a report), csv (the
 * side-by-side table of every setting, for a spreadsheet).
 *
 * Text, for each scenario, its settings (scenario, runtime, policy, allocator, threshold) in
 * runs.csv order:
 *
 *   cross_reference (runtime native, policy py311, allocator pymalloc, threshold 700/10/10)
 *   iteration              With GC              Without GC
 *   start         1.47 (1.40–1.54)        1.48 (1.42–1.53)
 *   1          39.86 (39.83–39.89)     40.27 (40.24–40.29)
 *   2          40.05 (40.02–40.08)     78.86 (78.84–78.88)
 *   verdict: delayed — growth per iteration: With GC +0.04 MiB, Without GC +14.14 MiB; gc.garbage
 *   +0/iter
 *   reason: <verdict_reason, when summary.csv has one>
 *   native beside CPython: <growth and peak of both runtimes per mode, when summary.csv has them>
 *   failed: r0007 Without GC repeat 3: rss_limit at iteration 6 (512.00 MiB) — <message>
 *
 * A setting whose RSS is not comparable (runs.csv's rss_comparable 0: Pyodide, a Node.js
 * process) counts the live instances of the scenario's classes instead, said on a line above
 * its table ("live instances of the scenario's classes (A + B) after each iteration: …"); its
 * verdict line gives their growth per iteration.
 *
 * Then, when the scenario has several settings:
 *
 *   cross_reference: settings side by side (medians over the repeats that succeeded)
 *   runtime  policy  allocator  threshold  mode  final RSS (MiB)  peak RSS (MiB)  growth …
 *
 * one row per setting and mode, the figures from summary.csv ("—" where it has none; the RSS
 * figures of a setting whose RSS is not comparable "n/c", never a number beside the others';
 * the live-instance and per-generation columns only when some row has them), a note under it
 * for each of "instances" and "n/c"; and, when two settings or more counted the scenario's
 * classes, their live instances side by side:
 *
 *   cross_reference: live B instances per iteration, Without GC (B: the scenario's class …)
 *                  native    native
 *   iteration       py311  py314inc  pyodide-3.12.7
 *   start               0         0               0
 *   1                 100       100             100
 *
 * one column per setting (report_setting_label), the class and mode of
 * report_instances_class, each cell the median over the successful runs.
 *
 * Cells of the seeds' table are RSS in MiB with two decimals, the median over the runs with
 * status "ok"; the min–max over those runs follows in parentheses when there are several; "—"
 * when no ok run has that iteration. Columns are the modes the setting has, in the order
 * forced ("With GC"), auto ("Without GC"), off ("GC off"). Runs with any other status never
 * enter a cell of a mode that has a successful run; a mode with none (every repeat stopped by
 * --max-rss, say) shows its stopped runs instead, titled "With GC (stopped early)". Each such
 * run is listed under its setting with how far it got and its message (later lines of a
 * multi-line message, a traceback, indented). Blocks are separated by a blank line.
 *
 * Markdown holds the same content: "## SCENARIO", "### runtime …, threshold …" per setting,
 * pipe tables, the verdict as a paragraph, failed runs as a list (a multi-line message in a
 * code block), "### Settings side by side", "### Live B instances per iteration, Without GC".
 * CSV: see REPORT_CSV_COLUMNS.
 */
#ifndef GCB_REPORT_H
#define GCB_REPORT_H

#include <stddef.h>
#include <stdio.h>

#include "dataset.h"

typedef enum report_format { REPORT_TEXT, REPORT_MARKDOWN, REPORT_CSV, REPORT_JSON } report_format;

/* The header of `bench report --format csv`: one row per (scenario, setting, mode) of the
 * folder, the figures from summary.csv (empty cells where it has none, and in the RSS columns
 * of a setting whose RSS is not comparable). MiB, ms, s and ratios with three decimals; counts
 * as integers; mode as in runs.csv (forced, auto, off); rss_comparable from runs.csv. */
#define REPORT_CSV_COLUMNS                                                                         \
    "scenario", "runtime", "policy", "allocator", "threshold", "mode", "repeats_ok",               \
        "repeats_failed", "final_rss_mib", "peak_rss_mib", "rss_growth_mib_per_iter",              \
        "rss_growth_mib_per_iter_min", "rss_growth_mib_per_iter_max", "garbage_growth_per_iter",   \
        "collections", "objects_scanned", "pause_median_ms", "pause_p95_ms", "pause_max_ms",       \
        "wall_s", "growth_ratio_to_cpython", "peak_ratio_to_cpython", "verdict", "verdict_reason", \
        "rss_comparable", "verdict_basis", "class_objects_final", "class_objects_growth_per_iter", \
        "collections_gen0", "collections_gen1", "collections_gen2"

/* Prints the text report of the settings whose scenario is one of scenarios[0..nscenarios)
 * (all settings when nscenarios is 0) to out: what `bench run` shows at its end. Returns 0, or -1
 * when writing to out failed or summary.csv holds a malformed number ("bench: FILE:LINE: …" on
 * stderr). */
int report_print(FILE *out, const ds *d, const char *const *scenarios, size_t nscenarios);

/* The folder as one JSON document (report_json.c; schema harness/read/schemas/report.schema.json).
 * Returns 0, or -1 after a message. */
int report_write_json(FILE *out, const ds *d, const char *const *scenarios, size_t nscenarios);

/* report_print in the given format; returns the same. */
int report_write(FILE *out, const ds *d, report_format format, const char *const *scenarios,
                 size_t nscenarios);

/* Whether each of scenarios[0..nscenarios) is a scenario of d (what `bench report --scenario`
 * may name). Returns 0 when all are, else -1 after a usage error naming the first that is
 * not and the scenarios d has ("bench report: no scenario 'x' in DIR; it has: a, b"). */
int report_check_scenarios(const ds *d, const char *const *scenarios, size_t nscenarios);

/* "cross_reference (runtime native, policy py311, allocator pymalloc, threshold 700/10/10)":
 * the setting's title as the report and the plots show it; parts absent from runs.csv are
 * left out. */
void report_setting_title(const ds *d, size_t setting, char *buf, size_t len);

/* "runtime native, policy py311, allocator pymalloc, threshold 700/10/10": the title without
 * the scenario ("" when runs.csv has none of them). */
void report_setting_parts(const ds *d, size_t setting, char *buf, size_t len);

/* "native py311", "cpython-3.11.2", "pyodide-3.14.2": a setting's name beside the other
 * settings of its scenario — the runtime, then (after sep) the policy unless it is "cpython",
 * and the allocator and threshold where another setting of the same runtime and policy differs
 * in them. */
void report_setting_label(const ds *d, size_t setting, char *buf, size_t len, char sep);

/* The summary.csv row (in d->summary) of (setting, mode), or -1 when the folder has none. */
long report_summary_row(const ds *d, size_t setting, int mode);

/* The class whose live instances stand for a scenario's settings[0..n) in mode: of the classes
 * counted by the most of those settings (a class only some runtimes define — BWeakRef, in
 * CPython's seed004 module — does not stand for them all), the one with the most live instances
 * after the last iteration, summed over the settings (medians over repeats); on a tie the later
 * in d->class_names (the later defined: seed 004's B, which owns its A). Returns its class id,
 * or -1 when none of them counted a class. */
long report_shown_class(const ds *d, const size_t *settings, size_t n, int mode);

/* The class and mode of scenario's live-instances table (and plot): the mode is auto ("Without
 * GC": the collector's own doing), else off, else forced — the first in which two settings or
 * more counted the scenario's classes — and the class report_shown_class over those settings.
 * Returns the class id (with *mode), or -1 when no mode has two such settings. */
long report_instances_class(const ds *d, const char *scenario, int *mode);

#endif /* GCB_REPORT_H */
