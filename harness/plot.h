/* plot.h — `bench plot DIR`: one image per setting of a results folder, RSS against
 * iteration with one line per GC mode, drawn by gnuplot with plots/rss.gp (DESIGN.md §5).
 *
 * For each setting, DIR/plots/NAME.dat (the numbers, whitespace-separated, with a header
 * comment) and DIR/plots/NAME.png (or .svg). NAME is the scenario when the folder has one
 * setting of it, else SCENARIO-RUNTIME-POLICY-ALLOCATOR-THRESHOLD; any character other than
 * a letter, a digit, '.', '_' or '-' becomes '_' (so 700/10/10 gives 700_10_10).
 *
 * Each mode's line is the median over the runs with status "ok", with their min–max as a
 * band; each run that stopped early (any other status) and has samples is a dashed line
 * of its own, titled "MODE, RUN_ID STATUS".
 *
 * gnuplot not on PATH is not a failure: one line says plots were skipped and the result is
 * still success, since the CSV files and tables are complete without them.
 */
#ifndef GCB_PLOT_H
#define GCB_PLOT_H

#include <stdbool.h>

#include "dataset.h"

/* `bench plot DIR [--format png|svg]`; argv[0] is "plot". Returns the exit code: 0 plotted
 * (or gnuplot missing), 1 DIR unreadable or malformed or gnuplot failed, 2 usage error. */
int plot_main(int argc, char **argv);

/* Plots every setting of d into dir/plots in format "png" or "svg"; unless quiet, prints
 * "plot: PATH" on stdout for each image written. Errors go to stderr. Returns 0 (all
 * plotted, or gnuplot missing), or 1 (the plots folder or the scripts are unusable, or
 * gnuplot failed on some setting: the others are still plotted). */
int plot_results(const ds *d, const char *dir, const char *format, bool quiet);

#endif /* GCB_PLOT_H */
