/* plot.h — `bench plot DIR`: the pictures of a results folder, drawn by gnuplot with the
 * scripts of plots/ (DESIGN.md §5), each from a data file written beside it in DIR/plots:
 *
 * - per setting, NAME.png (or .svg) from NAME.dat: RSS against iteration (for a setting whose
 *   RSS is not comparable — Pyodide — the live instances of the scenario's classes instead, and
 *   no tick samples), one line per GC
 *   mode — the median over the runs with status "ok", their min–max as a band — and a dashed
 *   line for each run that stopped early (any other status) with samples, titled "MODE,
 *   RUN_ID STATUS"; where the runs have tick samples, NAME-ticks.dat and a thin line per mode
 *   of its first ok run's ticks, each placed on the iteration axis between the boundary
 *   samples around it (plots/README.md). NAME is the scenario when the folder has one
 *   setting of it, else SCENARIO-RUNTIME-POLICY-ALLOCATOR-THRESHOLD; any character other
 *   than a letter, a digit, '.', '_' or '-' becomes '_' (so 700/10/10 gives 700_10_10);
 * - per scenario run in several runtimes or policies (a "lineup"), a line per setting and a
 *   panel per GC mode: SCENARIO-instances.png, the live instances of the scenario's class that
 *   the report's table shows (report_instances_class; shared y scale), when two settings or
 *   more counted them, and SCENARIO-rss-compared.png, the RSS of the settings whose RSS is
 *   comparable only, when two or more are; colour = the CPython collector run or modelled,
 *   dash = the kind of runtime (native solid, CPython dashed, Pyodide dash-dot);
 * - with two panels or more, overview.png from overview.list: the folder on one page, a grid
 *   of panels — per lineup with live instances, its two lineup panels in one mode (auto
 *   first: py314inc's line climbing while the others saw-tooth), else each drawn setting's;
 * - per scenario and runtime run at two thresholds or more (same policy and allocator),
 *   SCENARIO-RUNTIME-thresholds.png from its .dat: final and peak RSS (MiB), collections
 *   and total pause (ms) per run against threshold0 on a log axis, one line per mode
 *   (-POLICY-ALLOCATOR is added to the name when the runtime has several such groups);
 * - per native setting whose CPython twin (runtime python, same scenario, allocator and
 *   threshold) was drawn too, SCENARIO-native-vs-cpython.png: both runtimes' RSS against
 *   iteration, native solid, CPython dashed, one colour per mode (-POLICY-ALLOCATOR-THRESHOLD
 *   is added to the name when the scenario has several such pairs).
 *
 * gnuplot not on PATH is not a failure: one line says plots were skipped and the result is
 * still success, since the CSV files and tables are complete without them.
 */
#ifndef GCB_PLOT_H
#define GCB_PLOT_H

#include <stdbool.h>

#include "dataset.h"

/* Whether plot_results draws in format: "png" and "svg" only (what `bench plot --format`
 * takes). */
bool plot_format_known(const char *format);

/* Draws every picture of d into dir/plots in format "png" or "svg"; unless quiet, prints
 * "plot: PATH" on stdout for each image written. Errors go to stderr. Returns 0 (all
 * plotted, or gnuplot missing), or 1 (the plots folder or a script is unusable, or gnuplot
 * failed on some picture: the others are still drawn). */
int plot_results(const ds *d, const char *dir, const char *format, bool quiet);

#endif /* GCB_PLOT_H */
