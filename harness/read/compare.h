/* compare.h — `bench compare DIR_A DIR_B [DIR…]`: the same rows of several results folders
 * side by side — different machines, or one machine before and after a change — with
 * ratios, and a mark on the differences that exceed run-to-run noise (DESIGN.md §5
 * "Reports").
 *
 * A row is one (scenario, runtime, policy, allocator, threshold, mode). The first folder is
 * A, the next B, C, …; every figure of B, C, … is set beside A's as a ratio (B/A). The
 * figures of a row in a folder come from its runs.csv and samples.csv (summary.csv only for
 * the growth per iteration and the verdict, when the folder has one), over its successful
 * runs ("repeats"):
 *
 *   repeats                     successful runs (and the failed ones beside them)
 *   final_rss_bytes             median of each run's RSS after its last iteration
 *   peak_rss_bytes              median of runs.csv's peak_rss_bytes
 *   rss_growth_bytes_per_iter   summary.csv's, or the median of each run's Theil–Sen slope
 *                               over iterations 1..N (ds_run_growth)
 *   collections, pause_ns_median, wall_ns   medians of runs.csv's
 *   verdict                     summary.csv's
 *
 * Text (the default):
 *
 *   A: results/before — vm, AMD EPYC, 2 cores, 23.54 GiB, Linux 6.18.44 x86_64
 *   B: results/after — vm, AMD EPYC, 2 cores, 23.54 GiB, Linux 6.18.44 x86_64
 *
 *   all rows: runtime native, policy py311, allocator pymalloc, threshold 700/10/10
 *
 *   final RSS (MiB, median over repeats)
 *   scenario         mode        A       B   B/A
 *   cross_reference  forced  40.02   45.10  1.13*
 *   …one table per figure…
 *
 *   * differs from A beyond run-to-run noise: Mann–Whitney U over repeats, two-sided p < 0.05
 *   B/A: no significance can be given where A or B has a single repeat: global_cache auto
 *
 *   only in A:
 *     weakref_cycle (runtime native, policy py311, allocator pymalloc, threshold 700/10/10),
 *     mode off   (on one line)
 *
 * Tables hold the rows found in two folders or more; the key columns runtime, policy,
 * allocator and threshold appear only when they differ between rows (else the "all rows:"
 * line names them). "—" is a figure a folder does not have. --format markdown prints the
 * same as GitHub tables; --format csv prints one row per row and figure, --format json one
 * document (schemas/compare.schema.json; see the --help
 * text in cmd/cmd_compare.c for its columns).
 *
 * The mark: final RSS and wall time are tested, per row, with a two-sided Mann–Whitney U
 * test over the per-run values of A and of the other folder (compare_mann_whitney_p), '*'
 * when p < 0.05. Rows where either folder has a single repeat get no test, and a line says
 * so; so do rows whose repeat counts are too small for any p to reach 0.05 (3 and 3: the
 * smallest possible p is 2/20).
 */
#ifndef GCB_COMPARE_H
#define GCB_COMPARE_H

#include <stddef.h>
#include <stdio.h>

#include "dataset.h"

typedef enum compare_format {
    COMPARE_TEXT,
    COMPARE_MARKDOWN,
    COMPARE_CSV,
    COMPARE_JSON
} compare_format;

/* The most folders one comparison takes (named A to Z). */
#define COMPARE_MAX_FOLDERS 26

/* Prints the comparison of folders[0..nfolders) (2 ≤ nfolders ≤ COMPARE_MAX_FOLDERS, the
 * first being A) to out in format. Everything is computed before the first byte is
 * written. Returns 0, or -1 when a summary.csv holds a malformed number ("bench:
 * FILE:LINE: …" on stderr), memory ran out, or writing to out failed. */
int compare_print(FILE *out, const ds *folders, size_t nfolders, compare_format format);

/* The two-sided p-value of the Mann–Whitney U test of x[0..nx) against y[0..ny) (both ≥ 1;
 * NAN otherwise). Ties get mid-ranks. When nx + ny ≤ 50: exact — the permutation
 * distribution of x's rank sum over all C(nx+ny, nx) ways to pick x's ranks from the pooled
 * ranks (counted, not listed), p = min(1, 2·min(P(R ≤ r), P(R ≥ r))); without ties this is
 * scipy.stats.mannwhitneyu(x, y, method="exact"). Beyond: the normal approximation of U with
 * the tie correction of its variance and a continuity correction of 0.5 (scipy's
 * method="asymptotic", use_continuity=True). */
double compare_mann_whitney_p(const double *x, size_t nx, const double *y, size_t ny);

#endif /* GCB_COMPARE_H */
