/* report.h — `bench report DIR`: the seeds' "With GC / Without GC" table for each setting of a
 * results folder, with its verdict and failed runs (DESIGN.md §5 "Reports").
 *
 * For each setting (scenario, runtime, policy, allocator, threshold), in runs.csv order:
 *
 *   cross_reference (runtime native, policy py311, allocator pymalloc, threshold 700/10/10)
 *   iteration              With GC              Without GC
 *   start         1.47 (1.40–1.54)        1.48 (1.42–1.53)
 *   1          39.86 (39.83–39.89)     40.27 (40.24–40.29)
 *   2          40.05 (40.02–40.08)     78.86 (78.84–78.88)
 *   verdict: delayed — growth per iteration: With GC +0.04 MiB, Without GC +14.14 MiB; gc.garbage
 * +0/iter reason: <verdict_reason, when summary.csv has one> failed: r0007 Without GC repeat 3:
 * rss_limit at iteration 6 (512.00 MiB) — <message>
 *
 * Cells are RSS in MiB with two decimals, the median over the runs with status "ok"; the
 * min–max over those runs follows in parentheses when there are several; "—" when no ok run
 * has that iteration. Columns are the modes the setting has, in the order forced ("With GC"),
 * auto ("Without GC"), off ("GC off"). Runs with any other status never enter a cell of a
 * mode that has a successful run; a mode with none (every repeat stopped by --max-rss, say)
 * shows its stopped runs instead, titled "With GC (stopped early)". Each such run is listed
 * under its setting with how far it got and its message (later lines of a multi-line
 * message, a traceback, indented). Settings are separated by a blank line.
 */
#ifndef GCB_REPORT_H
#define GCB_REPORT_H

#include <stddef.h>
#include <stdio.h>

#include "dataset.h"

/* `bench report DIR [--format text] [--scenario NAME[,NAME…]]`; argv[0] is "report".
 * Returns the exit code: 0 printed, 1 DIR unreadable or malformed, 2 usage error. */
int report_main(int argc, char **argv);

/* Prints the tables of the settings whose scenario is one of scenarios[0..nscenarios) (all
 * settings when nscenarios is 0) to out. Returns 0, or -1 when writing to out failed or
 * summary.csv holds a malformed number ("bench: FILE:LINE: …" on stderr). */
int report_print(FILE *out, const ds *d, const char *const *scenarios, size_t nscenarios);

/* "cross_reference (runtime native, policy py311, allocator pymalloc, threshold 700/10/10)":
 * the setting's title as the report and the plots show it; parts absent from runs.csv are
 * left out. */
void report_setting_title(const ds *d, size_t setting, char *buf, size_t len);

#endif /* GCB_REPORT_H */
