/* batch.h — running a list of planned runs with up to `jobs` workers at once (--jobs), each
 * on its own PU, all polled by one loop in the parent so that every worker's tick samples stay
 * on time; each run committed to the results folder (results.h) as it ends, in the order they
 * end; the progress on stderr (progress.h). */
#ifndef GCB_BATCH_H
#define GCB_BATCH_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#include "plan.h"
#include "results.h"
#include "runner.h"

#define BATCH_MAX_JOBS 1024

typedef struct batch {
    const plan_run *runs; /* the runs to run, in order */
    size_t n;
    const runner_env *env;
    /* jobs workers at most at once; slot j's worker is pinned to cpus[j] (-1: not pinned);
     * invariant: the cpus that are >= 0 are distinct */
    const int *cpus;
    size_t jobs;
    results *res;
    bool quiet;
    bool tty; /* stderr is a terminal: a live progress line */
} batch;

/* Runs them all (or until *env->interrupted: the runs going on then end as `interrupted` and
 * are kept). Returns how many runs did not end ok, or -1 when writing the results failed (the
 * folder then holds the runs committed before; the other workers are killed). *done counts
 * the runs committed. */
long batch_run(const batch *b, size_t *done);

#endif /* GCB_BATCH_H */
