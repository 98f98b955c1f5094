/* runner.h — running one planned run: fork + exec of a worker, pinned; its boundary samples
 * read from the pipe and tick samples read from /proc/PID/statm, both written to samples.csv
 * as they arrive; --max-rss and --timeout enforced; the outcome classified. */
#ifndef GCB_RUNNER_H
#define GCB_RUNNER_H

#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <sys/types.h>
#include <stdbool.h>
#include <stdint.h>

#include "csvio.h"
#include "machine.h"
#include "plan.h"
#include "wire.h"

typedef struct runner_env {
    /* per kind: bench-worker, bench-worker-python, worker.py (an interpreter runs it), and
     * worker_pyodide.mjs (node runs it); NULL for a kind that is not run */
    const char *worker_path[PLAN_KINDS];
    const char *node_path; /* Node.js, for pyodide runs */
    bool python_env;       /* python runs: --python-env */
    const machine *machine;
    uint64_t max_rss_bytes; /* 0: no limit */
    int64_t timeout_ns;     /* 0: no limit */
    int64_t interval_ns;    /* tick sampling period; 0: no ticks */
    /* the signal that asked bench to stop (SIGINT, SIGTERM, SIGHUP, SIGQUIT), or 0 */
    volatile sig_atomic_t *interrupted;
} runner_env;

typedef struct run_result {
    const char *status; /* ok failed timeout rss_limit crashed interrupted */
    char message[4096];
    int64_t wall_ns;
    int64_t peak_rss_bytes; /* the worker's own peak (VmHWM), else the largest sample */
    int64_t rusage_maxrss_bytes;
    int64_t baseline_rss_bytes; /* iteration 0 sample, -1 if none arrived */
    int64_t final_rss_bytes;    /* last iteration sample, -1 if none */
    int64_t iterations_done;
    int64_t user_cpu_ns, sys_cpu_ns;
    int exit_code; /* -1 when killed by a signal */
    int signal;    /* 0 when it exited */
    bool have_done;
    wire_done done; /* valid when have_done */
} run_result;

/* One live worker and what the parent knows of it. Several can live at once (--jobs): each
 * has its own pipes, samples file and limits; the caller polls them all together. */
typedef struct runner runner;

/* The descriptors runner_pollfds fills per runner. */
#define RUNNER_POLLFDS 3

/* Starts r's worker, pinned to PU cpu (-1: not pinned). Returns the runner, or NULL when the
 * worker could not be started (out->message says why) or memory ran out. */
runner *runner_start(const plan_run *r, const runner_env *env, int cpu, run_result *out);
/* The descriptors to poll for w (RUNNER_POLLFDS of them, fd -1 for those closed), and the
 * time (gcb_now_ns) by which runner_service must run even if none is ready (the next tick,
 * the timeout). */
void runner_pollfds(const runner *w, struct pollfd *fds, int64_t *due_ns);
/* After poll: reads what is ready (checked records to the run's samples), takes a tick when
 * due, enforces --max-rss, --timeout and the interrupt, and reaps the worker once it exited.
 * Returns true once it has. */
bool runner_service(runner *w, const struct pollfd *fds);
/* The iteration in progress (0 = setup) and the run's planned iterations. */
int64_t runner_iteration(const runner *w);
pid_t runner_pid(const runner *w);
/* After the worker exited: reads what its pipes still hold, kills its process group, and
 * fills the result. Returns 0, or -1 when the run's samples could not be written. */
int runner_finish(runner *w);
/* The run's sample rows (whole samples.csv rows, no header), for results_add_run; valid until
 * runner_free. */
FILE *runner_samples(runner *w);
void runner_free(runner *w);

/* Kills and reaps every child of bench but the live workers spare[0..nspare): what a scenario
 * left behind and was orphaned onto bench, which makes itself a child subreaper
 * (PR_SET_CHILD_SUBREAPER) before the first run. A worker is a subreaper too, so that what
 * its scenario orphans stays its own while it lives: only an ended run's leftovers reach
 * bench. Waits (bounded) until each process it killed is gone, so that their children,
 * orphaned onto bench in turn, are found and killed too. */
void runner_reap_strays(const pid_t *spare, size_t nspare);

/* "SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT" (the signals that stop `bench run`). */
const char *runner_signal_name(int sig);

#endif /* GCB_RUNNER_H */
