/* verdict.h — the rule that turns a setting's growth figures into a verdict:
 *
 *   limit = max(floor, 5 % of the step footprint) per iteration, where the step footprint is
 *           the most one iteration added over the sample before it; growth below the limit is
 *           "flat".
 *   uncollectable  grows with forced collection, and gc.garbage grows
 *   leak           grows with forced collection
 *   delayed        flat with forced collection, but without it (auto mode) grows, or its mean
 *                  stays above the forced mode's by more than half a footprint
 *   released       flat with forced collection and without it
 *   inconclusive   a mode the rule needs was not run or had no successful run
 *
 * What grows depends on the setting's basis:
 *
 *   rss            (runs whose RSS is comparable: the native runtime, CPython) RSS in bytes;
 *                  the footprint is measured from each iteration's peak, where the kernel lets
 *                  us; floor 64 KiB.
 *   class_objects  (runs whose RSS is not: Pyodide, a Node.js process whose WebAssembly memory
 *                  only grows) the live instances of the scenario's own classes, summed over
 *                  its classes; floor 0.5 objects. RSS never enters such a verdict.
 *
 * Growth is the Theil–Sen slope over iterations 1..N (the median of the slopes between every
 * two samples; the baseline, iteration 0, is left out so that one-time set-up costs do not
 * count), median over repeats. A least-squares fit would read a one-time step — an allocator
 * warming up — as steady growth; the median of pairwise slopes does not.
 */
#ifndef GCB_VERDICT_H
#define GCB_VERDICT_H

#include <stdbool.h>
#include <stddef.h>

typedef enum verdict_basis { VERDICT_BASIS_RSS, VERDICT_BASIS_CLASS_OBJECTS } verdict_basis;

/* "rss", "class_objects": summary.csv's verdict_basis */
extern const char *const verdict_basis_names[2];

/* One mode's figures, in the basis' unit (bytes, or objects). */
typedef struct verdict_mode {
    bool present; /* the mode was run and has at least one successful run */
    double growth_per_iter;
    double mean; /* over iterations 1..N */
    double garbage_growth_per_iter;
} verdict_mode;

/* Indexed as the modes: 0 forced, 1 auto, 2 off (off does not enter the rule). */
typedef struct verdict_input {
    verdict_basis basis;
    verdict_mode mode[3];
    double footprint; /* the most one iteration added, in the basis' unit */
    /* class_objects only: no successful run counted any instance of the scenario's classes
     * (it defines none the worker sees): nothing to judge by */
    bool basis_missing;
} verdict_input;

typedef struct verdict {
    const char *name; /* released, delayed, leak, uncollectable, inconclusive */
    verdict_basis basis;
    double limit_per_iter; /* in the basis' unit */
    char reason[384];      /* the evidence, in words (naming the basis when not RSS) */
} verdict;

#define VERDICT_MIN_LIMIT_BYTES (64.0 * 1024.0)
#define VERDICT_MIN_LIMIT_OBJECTS 0.5
#define VERDICT_FOOTPRINT_SHARE 0.05

void verdict_decide(const verdict_input *in, verdict *out);

#endif /* GCB_VERDICT_H */
