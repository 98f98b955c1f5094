/* verdict.h — the rule that turns a setting's growth figures into a verdict:
 *
 *   limit = max(64 KiB, 5 % of the step footprint) bytes per iteration, where the step
 *           footprint is the most memory one iteration added over the RSS before it
 *           (from its peak, where measured); growth below the limit is "flat".
 *   uncollectable  RSS grows with forced collection, and gc.garbage grows
 *   leak           RSS grows with forced collection
 *   delayed        flat with forced collection, but without it (auto mode) RSS grows, or
 *                  its mean stays above the forced mode's by more than half a footprint
 *   released       flat with forced collection and without it
 *   inconclusive   a mode the rule needs was not run or had no successful run
 *
 * Growth is the Theil–Sen slope of RSS over iterations 1..N (the median of the slopes between
 * every two samples; the baseline, iteration 0, is left out so that one-time set-up costs do
 * not count), median over repeats. A least-squares fit would read a one-time step — an
 * allocator warming up — as steady growth; the median of pairwise slopes does not.
 */
#ifndef GCB_VERDICT_H
#define GCB_VERDICT_H

#include <stdbool.h>
#include <stddef.h>

typedef struct verdict_mode {
    bool present; /* the mode was run and has at least one successful run */
    double growth_bytes_per_iter;
    double mean_rss_bytes;
    double garbage_growth_per_iter;
} verdict_mode;

/* Indexed as the modes: 0 forced, 1 auto, 2 off (off does not enter the rule). */
typedef struct verdict_input {
    verdict_mode mode[3];
    double footprint_bytes;
} verdict_input;

typedef struct verdict {
    const char *name; /* released, delayed, leak, uncollectable, inconclusive */
    double limit_bytes_per_iter;
    char reason[256]; /* the evidence, in words */
} verdict;

#define VERDICT_MIN_LIMIT_BYTES (64.0 * 1024.0)
#define VERDICT_FOOTPRINT_SHARE 0.05

void verdict_decide(const verdict_input *in, verdict *out);

#endif /* GCB_VERDICT_H */
