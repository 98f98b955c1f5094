/* report.h — `bench report DIR`: the seeds' "With GC / Without GC" table for each setting of a
 * results folder, with its verdict and failed runs (DESIGN.md §5 "Reports").
 *
 * For each setting (scenario, runtime, policy, allocator, threshold), in runs.csv order:
 *
 *   cross_reference (runtime native, policy py311, allocator pymalloc, threshold 700/10/10)
 *   iteration  With GC             Without GC
 *   start      172.94 (171.20–173.02)  12.61 (12.60–12.70)
 *   1           49.69 (…)          51.42 (…)
 *   verdict: delayed — growth per iteration: With GC +0.01 MiB, Without GC +9.30 MiB; gc.garbage +0/iter
 *   reason: <verdict_reason, when summary.csv has one>
 *   failed: r0007 Without GC repeat 2: rss_limit at iteration 6 (512.00 MiB) — <message>
 *
 * Cells are RSS in MiB with two decimals, the median over the runs with status "ok"; the
 * min–max over those runs follows in parentheses when there are several; "—" when no ok run
 * has that iteration. Columns are the modes the setting has, in the order forced ("With GC"),
 * auto ("Without GC"), off ("GC off"). Settings are separated by a blank line.
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
