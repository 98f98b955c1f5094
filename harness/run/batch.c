/* batch.c — a batch of runs, several workers at once (see batch.h).
 *
 * Invariants: a slot is free (w == NULL) or holds one live runner; a PU holds at most one
 * worker; a run is committed (samples, then its runs.csv row, fsynced) only after its worker
 * exited, so that the rows of runs side by side never interleave. */
#include "batch.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "progress.h"
#include "util.h"

typedef struct slot {
    runner *w;
    size_t i; /* index into the batch's runs */
    run_result rr;
} slot;

/* The live workers' pids (what a stray scan spares), into pids; returns how many. */
static size_t live_pids(const slot *slots, size_t jobs, pid_t *pids)
{
    size_t n = 0;
    for (size_t j = 0; j < jobs; j++)
        if (slots[j].w != NULL)
            pids[n++] = runner_pid(slots[j].w);
    return n;
}

/* Commits a finished run's rows. 0, or -1 when a write failed (rolled back). */
static int commit(const batch *b, size_t i, int cpu, const run_result *rr, FILE *samples)
{
    results *res = b->res;
    if (results_begin_run(res) != 0 || results_add_run(res, &b->runs[i], cpu, rr, samples) != 0 ||
        results_commit_run(res) != 0) {
        int saved = results_error(res) != 0 ? results_error(res) : errno;
        results_rollback_run(res);
        errno = saved;
        return -1;
    }
    return 0;
}

/* Kills and ends every live worker (after a failed write): nothing more is committed. */
static void abandon(slot *slots, size_t jobs)
{
    for (size_t j = 0; j < jobs; j++)
        if (slots[j].w != NULL) {
            kill(-runner_pid(slots[j].w), SIGKILL);
            kill(runner_pid(slots[j].w), SIGKILL);
            runner_finish(slots[j].w);
            runner_free(slots[j].w);
            slots[j].w = NULL;
        }
    runner_reap_strays(NULL, 0);
}

long batch_run(const batch *b, size_t *done)
{
    size_t jobs = b->jobs < 1 ? 1 : b->jobs > BATCH_MAX_JOBS ? BATCH_MAX_JOBS : b->jobs;
    slot *slots = calloc(jobs, sizeof *slots);
    struct pollfd *fds = calloc(jobs * RUNNER_POLLFDS, sizeof *fds);
    pid_t *pids = calloc(jobs, sizeof *pids);
    progress_slot *view = calloc(jobs, sizeof *view);
    if (slots == NULL || fds == NULL || pids == NULL || view == NULL) {
        free(slots);
        free(fds);
        free(pids);
        free(view);
        errno = ENOMEM;
        return -1;
    }
    progress pr;
    progress_begin(&pr, stderr, b->tty, b->quiet, b->n);
    long failed = 0;
    size_t next = 0, active = 0;
    *done = 0;
    int write_error = 0;
    for (;;) {
        /* fill the free slots */
        for (size_t j = 0; j < jobs && next < b->n && !*b->env->interrupted; j++) {
            if (slots[j].w != NULL)
                continue;
            slot *s = &slots[j];
            s->i = next++;
            s->w = runner_start(&b->runs[s->i], b->env, b->cpus[j], &s->rr);
            if (s->w != NULL) {
                active++;
                continue;
            }
            /* no worker: the run is recorded as failed, with why, and the batch goes on */
            s->rr.status = "failed";
            if (commit(b, s->i, b->cpus[j], &s->rr, NULL) != 0) {
                write_error = errno;
                break;
            }
            ++*done;
            failed++;
            progress_run_ended(&pr, *done, &b->runs[s->i], &s->rr);
        }
        if (write_error != 0 || active == 0)
            break;
        /* one poll for every live worker, until the first one's next tick or timeout */
        int64_t due = INT64_MAX;
        size_t nv = 0;
        for (size_t j = 0; j < jobs; j++) {
            if (slots[j].w == NULL)
                continue;
            int64_t d;
            runner_pollfds(slots[j].w, &fds[j * RUNNER_POLLFDS], &d);
            if (d < due)
                due = d;
            view[nv].r = &b->runs[slots[j].i];
            view[nv++].iteration = runner_iteration(slots[j].w);
        }
        progress_update(&pr, *done, view, nv, false);
        for (size_t j = 0; j < jobs; j++)
            if (slots[j].w == NULL)
                for (int k = 0; k < RUNNER_POLLFDS; k++)
                    fds[j * RUNNER_POLLFDS + k] = (struct pollfd){-1, 0, 0};
        int64_t wait_ns = due - gcb_now_ns();
        if (poll(fds, (nfds_t)(jobs * RUNNER_POLLFDS),
                 wait_ns > 0 ? (int)((wait_ns + 999999) / 1000000) : 0) < 0)
            for (size_t k = 0; k < jobs * RUNNER_POLLFDS; k++)
                fds[k].revents = 0; /* EINTR: the interrupt flag is looked at in service */
        for (size_t j = 0; j < jobs && write_error == 0; j++) {
            slot *s = &slots[j];
            if (s->w == NULL || !runner_service(s->w, &fds[j * RUNNER_POLLFDS]))
                continue;
            int rc = runner_finish(s->w);
            if (rc != 0 || commit(b, s->i, b->cpus[j], &s->rr, runner_samples(s->w)) != 0)
                write_error = errno != 0 ? errno : EIO;
            runner_free(s->w);
            s->w = NULL;
            active--;
            /* what this run left behind, not the workers still running */
            runner_reap_strays(pids, live_pids(slots, jobs, pids));
            if (write_error != 0)
                break;
            ++*done;
            failed += strcmp(s->rr.status, "ok") != 0;
            progress_run_ended(&pr, *done, &b->runs[s->i], &s->rr);
        }
        if (write_error != 0)
            break;
    }
    if (write_error != 0)
        abandon(slots, jobs);
    progress_clear(&pr);
    if (write_error == 0)
        progress_end(&pr, *done, failed);
    free(slots);
    free(fds);
    free(pids);
    free(view);
    errno = write_error;
    return write_error != 0 ? -1 : failed;
}
