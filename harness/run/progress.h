/* progress.h — what `bench run` shows on stderr while it runs: on a terminal, one live line
 * (runs done of the batch, each running run's iteration, elapsed time, an ETA), redrawn in
 * place and cut to the terminal's width so that it never wraps, with a line per finished run
 * above it; not on a terminal, only the runs that did not end ok and one final line. */
#ifndef GCB_PROGRESS_H
#define GCB_PROGRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "plan.h"
#include "runner.h"

typedef struct progress {
    FILE *out;
    bool tty, quiet;
    size_t n;            /* runs in the batch */
    int64_t start_ns;
    int64_t drawn_ns;    /* when the live line was last drawn */
    bool line_shown;     /* a live line is on the screen (the cursor is at its end) */
} progress;

/* One running run, as the live line shows it. */
typedef struct progress_slot {
    const plan_run *r;
    int64_t iteration; /* in progress (0 = setup) */
} progress_slot;

void progress_begin(progress *p, FILE *out, bool tty, bool quiet, size_t n);
/* Redraws the live line (a terminal only; at most 5 times a second unless force): done runs
 * ended, slots[0..nslots) running. */
void progress_update(progress *p, size_t done, const progress_slot *slots, size_t nslots,
                     bool force);
/* A run ended (the done-th): its line (a terminal: every run, or only the ones not ok under
 * --quiet; otherwise the ones not ok). */
void progress_run_ended(progress *p, size_t done, const plan_run *r, const run_result *rr);
/* Removes the live line (before other output). */
void progress_clear(progress *p);
/* The final line: how many runs ended ok of how many, in how long (not under --quiet). */
void progress_end(progress *p, size_t done, long failed);

/* The live line's text for a terminal width columns wide: never longer than columns - 1
 * characters (so it never wraps). Exposed for the tests. */
void progress_format(char *buf, size_t len, int columns, size_t n, size_t done,
                     const progress_slot *slots, size_t nslots, int64_t elapsed_ns);

#endif /* GCB_PROGRESS_H */
