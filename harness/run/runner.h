/* runner.h — running one planned run: fork + exec of a worker, pinned; its boundary samples
 * read from the pipe and tick samples read from /proc/PID/statm, both written to samples.csv
 * as they arrive; --max-rss and --timeout enforced; the outcome classified. */
#ifndef GCB_RUNNER_H
#define GCB_RUNNER_H

#include <signal.h>
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
    int cpu;                /* PU to pin the worker to, or -1 */
    uint64_t max_rss_bytes; /* 0: no limit */
    int64_t timeout_ns;     /* 0: no limit */
    int64_t interval_ns;    /* tick sampling period; 0: no ticks */
    /* the signal that asked bench to stop (SIGINT, SIGTERM, SIGHUP, SIGQUIT), or 0 */
    volatile sig_atomic_t *interrupted;
    csvw *samples;
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

/* Runs r. Returns 0 with *out filled (whatever the run's status), or -1 when the run could
 * not be started at all (message in out->message), or when writing samples failed. */
int runner_run(const plan_run *r, const runner_env *env, run_result *out);

/* Kills and reaps every child of bench: called when no run is going on (runner_run does after
 * each run), it finds what a scenario left behind and was orphaned onto bench, which makes
 * itself a child subreaper (PR_SET_CHILD_SUBREAPER) before the first run. */
void runner_reap_strays(void);

/* "SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT" (the signals that stop `bench run`). */
const char *runner_signal_name(int sig);

#endif /* GCB_RUNNER_H */
