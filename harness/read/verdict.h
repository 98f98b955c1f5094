/* verdict.h — the rule that turns a setting's growth figures into a verdict.
 *
 * Growth is judged over the later half of the run: iterations L..N, L = N/2 + 1 (so that a
 * warm-up, a cache that fills and stops, or a one-time step early on is not read as growth),
 * as the Theil–Sen slope (the median of the slopes between every two samples, robust to one
 * jump), median over repeats. The whole run's slope (iterations 1..N; the baseline, iteration
 * 0, is always left out) only tells "bounded" from "released".
 *
 *   limit          the flat/growing line, per iteration, scaled by the run: the largest of
 *                    the floor (the basis' granularity),
 *                    5 % of the step footprint (the most one iteration added over the
 *                      sample before it: a step of 40 MiB may wobble by 2 MiB),
 *                    0.2 % of the baseline (a 2 GiB process moves by more than a 10 MiB one),
 *                    and, per mode, the noise across repeats (half the range of their
 *                      later-half slopes).
 *   inconclusive   fewer than 5 iterations (the later half then has fewer than 3 samples), or
 *                  a mode the rule needs was not run or had no successful run
 *   uncollectable  grows in the later half with forced collection, and gc.garbage grows
 *   leak           grows in the later half with forced collection
 *   delayed        flat with forced collection, but without it (auto mode) grows in the later
 *                  half, or its mean stays above the forced mode's by more than half a
 *                  footprint
 *   bounded        flat in the later half in both modes, but the whole run grew: grew, then
 *                  stopped (a bounded cache filling, a warm-up). Named for what it is: memory
 *                  that is held but does not keep growing.
 *   released       flat with forced collection and without it, over the whole run too
 *
 * What grows depends on the setting's basis:
 *
 *   rss            (runs whose RSS is comparable: the native runtime, CPython) RSS in bytes;
 *                  the footprint is measured from each iteration's peak, where the kernel lets
 *                  us; floor 64 KiB.
 *   class_objects  (runs whose RSS is not: Pyodide, a Node.js process whose WebAssembly memory
 *                  only grows) the live instances of the scenario's own classes, summed over
 *                  its classes; floor 0.5 objects; no baseline term. RSS never enters such a
 *                  verdict.
 */
#ifndef GCB_VERDICT_H
#define GCB_VERDICT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum verdict_basis { VERDICT_BASIS_RSS, VERDICT_BASIS_CLASS_OBJECTS } verdict_basis;

/* "rss", "class_objects": summary.csv's verdict_basis */
extern const char *const verdict_basis_names[2];

/* One mode's figures, in the basis' unit (bytes, or objects). */
typedef struct verdict_mode {
    bool present;                   /* the mode was run and has at least one successful run */
    double growth_per_iter;         /* the later half's slope (iterations L..N) */
    double mean;                    /* over iterations 1..N */
    double garbage_growth_per_iter; /* len(gc.garbage), later half */
    double whole_growth_per_iter;   /* iterations 1..N */
    double noise;                   /* half the range of the repeats' later-half slopes */
} verdict_mode;

/* Indexed as the modes: 0 forced, 1 auto, 2 off (off does not enter the rule). */
typedef struct verdict_input {
    verdict_basis basis;
    verdict_mode mode[3];
    double footprint;   /* the most one iteration added, in the basis' unit */
    double baseline;    /* rss: the baseline RSS (bytes); class_objects: unused */
    int64_t iterations; /* the fewest iterations a successful run of the setting made */
    /* class_objects only: no successful run counted any instance of the scenario's classes
     * (it defines none the worker sees): nothing to judge by */
    bool basis_missing;
} verdict_input;

typedef struct verdict {
    const char *name; /* released, bounded, delayed, leak, uncollectable, inconclusive */
    verdict_basis basis;
    double limit_per_iter; /* forced mode's, in the basis' unit */
    int64_t late_first;    /* L: the later half is iterations L..N (0 when not judged) */
    char reason[512];      /* the evidence, in words (naming the basis when not RSS) */
    char rule[256];        /* how the limit was made: "max(floor …, 5 % of step …, …)" */
} verdict;

#define VERDICT_MIN_LIMIT_BYTES (64.0 * 1024.0)
#define VERDICT_MIN_LIMIT_OBJECTS 0.5
#define VERDICT_FOOTPRINT_SHARE 0.05
#define VERDICT_BASELINE_SHARE 0.002
#define VERDICT_MIN_ITERATIONS 5

/* The first iteration of the later half of a run of n iterations. */
static inline int64_t verdict_late_first(int64_t n) { return n / 2 + 1; }

void verdict_decide(const verdict_input *in, verdict *out);

#endif /* GCB_VERDICT_H */
