/* runner.c — running one worker process and sampling it (see runner.h).
 *
 * The worker runs code gcbench does not trust (a user's scenario file), so:
 *   - it starts in a process group of its own, dies with bench (PR_SET_PDEATHSIG), and gets
 *     nothing of bench's but stdin (/dev/null), stdout and stderr (a pipe bench reads) and
 *     its record channel, at a high descriptor number drawn for the run, with the run's token
 *     in GCBENCH_WIRE_TOKEN (wire.h); every other descriptor is closed on exec;
 *   - every record it sends is checked before use (wire_check.h): the first malformed one
 *     kills it and fails the run;
 *   - the run ends when the worker exits (a pidfd in the poll set), not when its pipes close:
 *     a grandchild that keeps them open cannot hold bench; what is left in the pipes then is
 *     read without waiting, and the process group, and every process that was orphaned onto
 *     bench (a child subreaper; cmd_run.c), is killed.
 *
 * The parent's loop, for every live worker together (--jobs), until each has exited:
 *   poll(each one's data pipe, stderr pipe, pidfd; until the first one's next tick)
 *   data  -> checked wire records: an iteration sample (written to samples.csv) or the DONE
 *   tick  -> /proc/PID/statm (written to samples.csv), then the limits:
 *            RSS over --max-rss -> SIGKILL, rss_limit; past --timeout -> SIGKILL, timeout
 *   a signal to bench (SIGINT, SIGTERM, SIGHUP, SIGQUIT) -> SIGKILL, interrupted
 * then wait4() for the exit status and rusage.
 */
#include "runner.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "procfs.h"
#include "schema.h"
#include "util.h"
#include "wire_check.h"

/* What the parent knows about one live worker. */
struct runner {
    pid_t pid;
    int cpu;
    int data_r, err_r, pidfd; /* -1 once closed (or, pidfd, when the kernel has none) */
    int64_t start_ns;
    int64_t next_tick;
    int64_t last_iteration; /* -1 before the baseline sample */
    int64_t largest_rss;
    const char *kill_status; /* why we killed it, or NULL */
    char kill_message[512];
    char err_tail[4096]; /* the last bytes the worker wrote to stderr */
    size_t err_len;
    wire_reader wire; /* the records, checked */
    /* what the records go to: the run's own samples file, copied into samples.csv when the
     * run is committed (results_add_run), so that runs side by side never interleave rows */
    FILE *samples_fp;
    csvw samples;
    const plan_run *r;
    const runner_env *env;
    run_result *out;
    /* how the worker ended: exited is set once wait4 reaped it */
    bool exited;
    int wstatus;
    struct rusage ru;
};
typedef struct runner watch;

static void write_iter(watch *w, const plan_run *r, const wire_iter *s)
{
    csvw *c = &w->samples;
    csvw_str(c, r->run_id);
    csvw_str(c, "iter");
    csvw_i64(c, s->iteration);
    csvw_i64(c, s->t_ns - w->start_ns);
    csvw_count(c, s->rss_bytes);
    csvw_count(c, s->rss_anon_bytes);
    csvw_count(c, s->iter_peak_rss_bytes);
    csvw_count(c, s->live_objects);
    csvw_count(c, s->live_bytes);
    csvw_count(c, s->collections);
    csvw_count(c, s->collected);
    csvw_count(c, s->uncollectable);
    csvw_count(c, s->garbage);
    csvw_count(c, s->pause_ns);
    csvw_count(c, s->rss_file_bytes);
    for (int g = 0; g < 3; g++)
        csvw_count(c, s->count[g]);
    csvw_count(c, s->step_wall_ns);
    csvw_count(c, s->step_cpu_ns);
    csvw_count(c, s->gc_wall_ns);
    csvw_count(c, s->gc_cpu_ns);
    csvw_count(c, s->objects_scanned);
    csvw_count(c, s->arenas_current);
    csvw_count(c, s->arenas_allocated_total);
    csvw_count(c, s->arenas_reclaimed_total);
    csvw_count(c, s->arenas_highwater);
    csvw_count(c, s->blocks_in_use);
    csvw_empty(c); /* type_name */
    csvw_empty(c); /* type_growth_objects */
    for (int g = 0; g < 3; g++)
        csvw_count(c, s->collections_gen[g]);
    csvw_count(c, s->heap_objects);
    csvw_empty(c); /* alloc_site */
    csvw_empty(c); /* holder_chain */
    csvw_end_row(c);
}

/* A kind "type" row (one of the types that grew, at an iteration), "class" row (one of the
 * scenario's classes after an iteration), "site" row (an allocation site of a traced run, at
 * an iteration: its name goes to alloc_site, not type_name) or "holder" row (a chain of
 * referrers: to holder_chain). */
static void write_type(watch *w, const plan_run *r, const char *kind, const wire_type *t)
{
    bool site = strcmp(kind, "site") == 0, holder = strcmp(kind, "holder") == 0;
    csvw *c = &w->samples;
    csvw_str(c, r->run_id);
    csvw_str(c, kind);
    csvw_i64(c, t->iteration);
    for (int i = 0; i < 4; i++) /* t_ns, rss_bytes, rss_anon_bytes, iter_peak_rss_bytes */
        csvw_empty(c);
    csvw_i64(c, t->live_objects);
    csvw_count(c, t->live_bytes);
    for (int i = 0; i < 19; i++) /* collections … blocks_in_use */
        csvw_empty(c);
    if (site || holder)
        csvw_empty(c);
    else
        csvw_str(c, t->name);
    csvw_i64(c, t->growth_objects);
    for (int i = 0; i < 4; i++) /* collections_gen0 … heap_objects */
        csvw_empty(c);
    if (site)
        csvw_str(c, t->name);
    else
        csvw_empty(c);
    if (holder)
        csvw_str(c, t->name);
    else
        csvw_empty(c);
    csvw_end_row(c);
}

static void write_tick(watch *w, const plan_run *r, const procfs_mem *m, int64_t now)
{
    csvw *c = &w->samples;
    int64_t in_progress =
        w->last_iteration < r->iterations ? w->last_iteration + 1 : w->last_iteration;
    csvw_str(c, r->run_id);
    csvw_str(c, "tick");
    csvw_i64(c, in_progress);
    csvw_i64(c, now - w->start_ns);
    csvw_i64(c, m->rss_bytes);
    csvw_i64(c, m->rss_anon_bytes);
    for (int i = 0; i < 8; i++) /* iter_peak … pause_ns: not measured by a tick */
        csvw_empty(c);
    csvw_i64(c, m->rss_file_bytes);
    for (int i = 0; i < 21; i++) /* counts … heap_objects, alloc_site, holder_chain */
        csvw_empty(c);
    csvw_end_row(c);
}

static void kill_worker(watch *w, const char *status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void kill_worker(watch *w, const char *status, const char *fmt, ...)
{
    if (w->kill_status != NULL)
        return;
    w->kill_status = status;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(w->kill_message, sizeof w->kill_message, fmt, ap);
    va_end(ap);
    kill(-w->pid, SIGKILL); /* its process group: what it started too */
    kill(w->pid, SIGKILL);
}

static void check_rss(const runner_env *env, watch *w, int64_t rss)
{
    if (rss > w->largest_rss)
        w->largest_rss = rss;
    if (env->max_rss_bytes > 0 && rss > (int64_t)env->max_rss_bytes) {
        char got[32], lim[32];
        gcb_fmt_mib(got, sizeof got, rss);
        gcb_fmt_mib(lim, sizeof lim, (int64_t)env->max_rss_bytes);
        kill_worker(w, "rss_limit",
                    "RSS %s MiB exceeded --max-rss %s MiB during iteration %lld; killed", got, lim,
                    (long long)(w->last_iteration + 1));
    }
}

/* A record that passed wire_check: to samples.csv, or the run's outcome. */
static void on_record(void *ctx, const wire_msg *m)
{
    watch *w = ctx;
    const runner_env *env = w->env;
    run_result *out = w->out;
    (void)env;
    if (m->kind == WIRE_ITER) {
        const wire_iter *s = &m->u.iter;
        w->last_iteration = s->iteration;
        if (s->iteration == 0)
            out->baseline_rss_bytes = s->rss_bytes;
        else
            out->final_rss_bytes = s->rss_bytes;
        out->iterations_done = s->iteration;
        write_iter(w, w->r, s);
        check_rss(env, w,
                  s->iter_peak_rss_bytes > s->rss_bytes ? s->iter_peak_rss_bytes : s->rss_bytes);
    } else if (m->kind == WIRE_DONE) {
        out->done = m->u.done;
        out->have_done = true;
    } else {
        write_type(w, w->r,
                   m->kind == WIRE_TYPE    ? "type"
                   : m->kind == WIRE_CLASS ? "class"
                   : m->kind == WIRE_SITE  ? "site"
                                           : "holder",
                   &m->u.type);
    }
}

/* Reads what the data pipe has (once). Returns 1 after reading, -1 when nothing is there yet
 * (EAGAIN, EINTR), 0 at end of file, on an error, or once a record was malformed (the worker
 * is killed then, and the run fails). */
static int read_data(int fd, watch *w)
{
    char buf[8192];
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0)
        return errno == EINTR || errno == EAGAIN ? -1 : 0;
    if (n == 0)
        return 0;
    w->wire.t_max = gcb_now_ns(); /* a sample was taken before it was sent */
    if (wire_reader_feed(&w->wire, buf, (size_t)n, on_record, w) != 0) {
        kill_worker(w, "failed", "worker sent a malformed record: %s", w->wire.error);
        return 0;
    }
    return 1;
}

/* Keeps the tail of what the worker writes to stderr; false at end of file. */
static bool read_err(int fd, watch *w)
{
    char buf[1024];
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0)
        return errno == EINTR || errno == EAGAIN;
    if (n == 0)
        return false;
    /* invariant: err_tail holds the last err_len (< its size) bytes written, NUL-ended */
    size_t cap = sizeof w->err_tail - 1;
    _Static_assert(sizeof buf < sizeof w->err_tail, "a read must fit in the tail");
    if (w->err_len + (size_t)n > cap) {
        size_t drop = w->err_len + (size_t)n - cap;
        memmove(w->err_tail, w->err_tail + drop, w->err_len - drop);
        w->err_len -= drop;
    }
    memcpy(w->err_tail + w->err_len, buf, (size_t)n);
    w->err_len += (size_t)n;
    w->err_tail[w->err_len] = '\0';
    return true;
}

static void tick(const plan_run *r, const runner_env *env, watch *w)
{
    procfs_mem m;
    int64_t now = gcb_now_ns();
    if (procfs_statm(w->pid, &m) == 0) {
        write_tick(w, r, &m, now);
        check_rss(env, w, m.rss_bytes);
    }
    if (env->timeout_ns > 0 && now - w->start_ns > env->timeout_ns)
        kill_worker(w, "timeout", "still running after --timeout %.3g s (iteration %lld); killed",
                    (double)env->timeout_ns / 1e9, (long long)(w->last_iteration + 1));
}

/* Room for the worker's argv: its strings, packed. */
#define ARGV_MAX (20 + PLAN_MAX_PARAMS + SCN_MAX_PARAMS)
typedef struct argv_buf {
    char *argv[ARGV_MAX + 1];
    char text[ARGV_MAX * 64 + 4 * PATH_MAX];
    size_t argc, used;
} argv_buf;

static void arg(argv_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void arg(argv_buf *b, const char *fmt, ...)
{
    if (b->argc == ARGV_MAX || b->used >= sizeof b->text)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(b->text + b->used, sizeof b->text - b->used, fmt, ap);
    va_end(ap);
    b->argv[b->argc++] = b->text + b->used;
    b->used += (size_t)n + 1;
}

/* Whether an interpreter run is isolated with -I: not under --python-env, and not with
 * --allocator malloc, which -I would not let through (PYTHONMALLOC is an environment
 * variable: those runs get -s and an environment without other PYTHON* variables). */
static bool interpreter_isolated(const plan_run *r, const runner_env *env)
{
    return !env->python_env && r->config.allocator != GCR_ALLOC_MALLOC;
}

/* The program that runs the worker, and what comes before the worker's own arguments: the
 * worker itself; or the interpreter, its flags and worker.py; or node and the Pyodide host. */
static const char *program(const plan_run *r, const runner_env *env, argv_buf *b)
{
    const plan_runtime *rt = plan_run_runtime(r);
    const char *worker = env->worker_path[rt->kind];
    switch (rt->kind) {
    case PLAN_NATIVE:
        arg(b, "bench-worker");
        return worker;
    case PLAN_PYTHON:
        arg(b, "bench-worker-python");
        return worker;
    case PLAN_INTERPRETER:
        arg(b, "%s", rt->path);
        if (interpreter_isolated(r, env))
            arg(b, "-I");
        else if (!env->python_env)
            arg(b, "-s");
        arg(b, "%s", worker);
        return rt->path;
    case PLAN_PYODIDE:
    case PLAN_KINDS:
        break;
    }
    arg(b, "%s", env->node_path);
    arg(b, "%s", worker);
    arg(b, "--pyodide=%s", rt->path);
    return env->node_path;
}

/* The worker's argv (worker_core.h) after program()'s part. A native run names its built-in
 * and passes every parameter's value; a CPython run names its file and passes the --param
 * given, as given. Returns the program to exec. */
static const char *build_argv(const plan_run *r, const runner_env *env, int chan, argv_buf *b)
{
    const char *path = program(r, env, b);
    arg(b, "--fd=%d", chan);
    arg(b, "--mode=%s", plan_mode_names[r->mode]);
    arg(b, "--iterations=%lld", (long long)r->iterations);
    arg(b, "--allocator=%s", plan_allocator_name(r));
    if (r->threshold_set)
        arg(b, "--threshold=%d,%d,%d", r->threshold[0], r->threshold[1], r->threshold[2]);
    const scn_scenario *s = r->scenario->native;
    if (plan_run_runtime(r)->kind == PLAN_NATIVE) {
        arg(b, "--scenario=%s", s->name);
        arg(b, "--policy=%s", gcr_policy_name(r->config.policy));
        arg(b, "--interpreter-objects=%zu", r->config.interpreter_objects);
        for (size_t k = 0; k < s->param_count; k++)
            arg(b, "--param=%s=%ld", s->params[k].key, r->params.v[k]);
    } else {
        arg(b, "--file=%s", r->scenario->py_path);
        if (env->python_env)
            arg(b, "--python-env");
        const plan_options *o = r->options;
        for (size_t i = 0; i < o->nparams; i++) /* a built-in's twin takes only its own keys */
            if (s == NULL || scn_param_index(s, o->param_keys[i]) >= 0)
                arg(b, "--param=%s=%s", o->param_keys[i], o->param_values[i]);
    }
    if (r->trace_frames > 0)
        arg(b, "--trace-alloc=%d", r->trace_frames);
    b->argv[b->argc] = NULL;
    return path;
}

/* An interpreter run's environment (in the child): isolated runs keep no PYTHON* variable
 * but PYTHONMALLOC=malloc when asked for; --python-env keeps them all, with PYTHONMALLOC set
 * to the allocator asked for. */
static void interpreter_environment(const plan_run *r, const runner_env *env)
{
    bool malloc_asked = r->config.allocator == GCR_ALLOC_MALLOC;
    if (!env->python_env) {
        extern char **environ;
        char name[256];
        for (size_t i = 0; environ[i] != NULL;) {
            const char *eq = strchr(environ[i], '=');
            size_t len = eq != NULL ? (size_t)(eq - environ[i]) : strlen(environ[i]);
            if (strncmp(environ[i], "PYTHON", 6) == 0 && len < sizeof name) {
                snprintf(name, sizeof name, "%.*s", (int)len, environ[i]);
                unsetenv(name); /* environ shifts down: look at index i again */
                continue;
            }
            i++;
        }
    }
    if (malloc_asked)
        setenv("PYTHONMALLOC", "malloc", 1);
    else if (env->python_env)
        setenv("PYTHONMALLOC", "pymalloc", 1);
}

/* The channel's descriptor in the worker: drawn from the token, high (64 and up, below the
 * descriptor limit and 1024), where a scenario that writes to fd 3 or to the descriptors after
 * stdio does not reach it by accident. */
static int channel_fd(uint32_t token)
{
    struct rlimit rl;
    long hi = 1023;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
        (long)rl.rlim_cur - 1 < hi)
        hi = (long)rl.rlim_cur - 1;
    if (hi < 64)
        return hi > 3 ? (int)hi : 3;
    return 64 + (int)(token % (uint32_t)(hi - 64 + 1));
}

/* A nonzero number for the run's token (wire.h); getrandom, else the clock and the pid. */
static uint32_t draw_token(void)
{
    uint32_t t = 0;
    if (getrandom(&t, sizeof t, GRND_NONBLOCK) != (ssize_t)sizeof t)
        t = (uint32_t)gcb_now_ns() ^ ((uint32_t)getpid() << 16);
    return t != 0 ? t : 1;
}

/* In the child: every descriptor from 3 up but keep closed on exec. */
static void cloexec_all_but(int keep)
{
#ifdef SYS_close_range
    if (syscall(SYS_close_range, 3u, (unsigned)keep - 1, 4u /* CLOSE_RANGE_CLOEXEC */) == 0 &&
        syscall(SYS_close_range, (unsigned)keep + 1, ~0u, 4u) == 0)
        return;
#endif
    DIR *d = opendir("/proc/self/fd");
    if (d == NULL)
        _exit(127);
    int self = dirfd(d);
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        int fd = atoi(e->d_name);
        if (fd >= 3 && fd != keep && fd != self)
            fcntl(fd, F_SETFD, FD_CLOEXEC);
    }
    closedir(d);
}

/* In the child: its own process group, death with bench, pin, stdin from /dev/null, the
 * channel at chan (and the token in the environment), stdout and stderr to the captured
 * stderr pipe (so that a scenario's prints never mix with bench's tables), nothing else
 * inherited; exec the worker. Never returns. */
static void exec_worker(const plan_run *r, const runner_env *env, int cpu, int data_w, int err_w,
                        int chan, uint32_t token, pid_t parent)
{
    setpgid(0, 0);
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent)
        _exit(127); /* bench died before the line above */
    /* what the scenario orphans is reparented to the worker (kept across exec), not to bench,
     * while the worker lives: bench kills only an ended run's leftovers (runner_reap_strays) */
    prctl(PR_SET_CHILD_SUBREAPER, 1);
    if (cpu >= 0)
        machine_bind_self(env->machine, cpu);
    int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (null < 0 || dup2(null, 0) < 0 || dup2(data_w, chan) < 0 || dup2(err_w, 2) < 0 ||
        dup2(err_w, 1) < 0)
        _exit(127);
    cloexec_all_but(chan);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE};
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        signal(sigs[i], SIG_DFL);
    char text[16];
    snprintf(text, sizeof text, "%u", token);
    setenv("GCBENCH_WIRE_TOKEN", text, 1);
    if (plan_run_runtime(r)->kind == PLAN_INTERPRETER)
        interpreter_environment(r, env);
    static argv_buf b; /* the child's own copy: nothing else runs in it */
    const char *path = build_argv(r, env, chan, &b);
    execv(path, b.argv);
    dprintf(2, "cannot run the worker %s: %s\n", path, strerror(errno));
    _exit(127);
}

static const char *signal_name(int sig)
{
    const char *s = strsignal(sig);
    return s != NULL ? s : "unknown signal";
}

/* Sets status and message from how the worker ended. */
static void classify(const watch *w, int wstatus, run_result *out)
{
    out->exit_code = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : -1;
    out->signal = WIFSIGNALED(wstatus) ? WTERMSIG(wstatus) : 0;
    const char *tail = w->err_tail;
    if (w->kill_status != NULL) {
        out->status = w->kill_status;
        snprintf(out->message, sizeof out->message, "%s", w->kill_message);
    } else if (out->signal != 0) {
        out->status = "crashed";
        snprintf(out->message, sizeof out->message, "worker killed by signal %d (%s)%s%s",
                 out->signal, signal_name(out->signal), *tail ? ": " : "", tail);
    } else if (out->have_done && out->done.ok && out->exit_code == 0) {
        out->status = "ok";
    } else if (out->have_done) {
        out->status = "failed";
        snprintf(out->message, sizeof out->message, "%s", out->done.message);
    } else {
        out->status = "failed";
        snprintf(out->message, sizeof out->message, "worker exited with status %d%s%s",
                 out->exit_code, *tail ? ": " : "", tail);
    }
    /* a message keeps its lines (a Python traceback); CSV quotes them. The last newline goes. */
    size_t len = strlen(out->message);
    while (len > 0 && out->message[len - 1] == '\n')
        out->message[--len] = '\0';
}

/* Reaps the worker if it has exited (pidfd readable, or no pidfd); sets w->exited. */
static void try_reap(watch *w, bool block)
{
    pid_t got;
    while ((got = wait4(w->pid, &w->wstatus, block ? 0 : WNOHANG, &w->ru)) < 0 && errno == EINTR)
        ;
    if (got == w->pid) {
        w->exited = true;
    } else if (got < 0 && errno == ECHILD) {
        /* not bench's child any more (reaped elsewhere): the run cannot be waited for; it
         * ends failed rather than holding the batch */
        w->exited = true;
        w->wstatus = 0;
        if (w->kill_status == NULL) {
            w->kill_status = "failed";
            snprintf(w->kill_message, sizeof w->kill_message,
                     "the worker's exit status was lost (it was reaped elsewhere)");
        }
    }
}

/* After the worker exited: what its pipes hold now, read without waiting (a grandchild that
 * keeps writing gets no more than this many reads). */
static void drain(int data_r, int err_r, watch *w)
{
    fcntl(data_r, F_SETFL, O_NONBLOCK);
    fcntl(err_r, F_SETFL, O_NONBLOCK);
    for (int i = 0; i < 4096 && data_r >= 0; i++)
        if (read_data(data_r, w) != 1)
            break;
    for (int i = 0; i < 64; i++) {
        errno = 0;
        if (!read_err(err_r, w) || errno == EAGAIN)
            break;
    }
}

/* The pids (of bench's children) a stray scan must leave alone. */
static bool spared(pid_t pid, const pid_t *spare, size_t nspare)
{
    for (size_t i = 0; i < nspare; i++)
        if (spare[i] == pid)
            return true;
    return false;
}

void runner_reap_strays(const pid_t *spare, size_t nspare)
{
    /* Every child of bench but the live workers is a stray: a scenario's process orphaned onto
     * bench (the subreaper) when its run's worker, or its own parent, ended. Killing one
     * orphans its children onto bench in turn, once it is gone: so each round waits until the
     * ones it killed are reaped (a killed process's children are reparented before it can be
     * reaped), then looks again, until a round finds none. Bounded by 10 s in all (a process
     * stuck in the kernel cannot hold bench). */
    pid_t self = getpid();
    int64_t deadline = gcb_now_ns() + 10000000000LL;
    pid_t killed[512];
    for (;;) {
        size_t nk = 0;
        DIR *d = opendir("/proc");
        if (d == NULL)
            return;
        for (struct dirent *e; (e = readdir(d)) != NULL && nk < sizeof killed / sizeof *killed;) {
            if (e->d_name[0] < '1' || e->d_name[0] > '9')
                continue;
            pid_t pid = (pid_t)atoi(e->d_name);
            if (procfs_parent(pid) == self && !spared(pid, spare, nspare)) {
                kill(pid, SIGKILL);
                killed[nk++] = pid;
            }
        }
        closedir(d);
        if (nk == 0)
            return;
        size_t left = nk;
        while (left > 0) {
            for (size_t i = 0; i < nk; i++) {
                if (killed[i] == 0)
                    continue;
                pid_t got = waitpid(killed[i], NULL, WNOHANG);
                if (got == killed[i] || (got < 0 && errno == ECHILD)) {
                    killed[i] = 0;
                    left--;
                }
            }
            if (left == 0)
                break;
            if (gcb_now_ns() > deadline)
                return;
            struct timespec pause = {0, 1000000};
            nanosleep(&pause, NULL);
        }
    }
}

const char *runner_signal_name(int sig)
{
    switch (sig) {
    case SIGINT:
        return "SIGINT";
    case SIGTERM:
        return "SIGTERM";
    case SIGHUP:
        return "SIGHUP";
    case SIGQUIT:
        return "SIGQUIT";
    default:
        return "a signal";
    }
}

runner *runner_start(const plan_run *r, const runner_env *env, int cpu, run_result *out)
{
    memset(out, 0, sizeof *out);
    out->baseline_rss_bytes = out->final_rss_bytes = -1;
    watch *w = calloc(1, sizeof *w);
    if (w == NULL) {
        snprintf(out->message, sizeof out->message, "cannot start a worker: out of memory");
        return NULL;
    }
    w->data_r = w->err_r = w->pidfd = -1;
    w->last_iteration = -1;
    w->largest_rss = -1;
    w->cpu = cpu;
    w->r = r;
    w->env = env;
    w->out = out;
    int data[2] = {-1, -1}, err[2] = {-1, -1};
    /* the samples file: unlinked at once (O_TMPFILE), gone with the run */
    w->samples_fp = tmpfile();
    if (w->samples_fp == NULL || pipe2(data, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0)
        goto no_start;
    static const char *const sample_cols[] = {GCB_SAMPLES_COLUMNS};
    csvw_attach(&w->samples, w->samples_fp, sizeof sample_cols / sizeof sample_cols[0]);
    uint32_t token = draw_token();
    int chan = channel_fd(token);
    wire_reader_init(&w->wire, token, r->iterations);
    pid_t parent = getpid();
    w->start_ns = gcb_now_ns();
    w->next_tick = w->start_ns + env->interval_ns;
    w->wire.t_min = w->start_ns;
    w->pid = fork();
    if (w->pid == 0)
        exec_worker(r, env, cpu, data[1], err[1], chan, token, parent);
    if (w->pid < 0)
        goto no_start;
    close(data[1]);
    close(err[1]);
    w->data_r = data[0];
    w->err_r = err[0];
    setpgid(w->pid, w->pid); /* as the child does: whichever runs first */
#ifdef SYS_pidfd_open
    w->pidfd = (int)syscall(SYS_pidfd_open, w->pid, 0);
#endif
    return w;

no_start:;
    int saved = errno;
    for (int i = 0; i < 2; i++) {
        if (data[i] >= 0)
            close(data[i]);
        if (err[i] >= 0)
            close(err[i]);
    }
    if (w->samples_fp != NULL)
        fclose(w->samples_fp);
    free(w);
    snprintf(out->message, sizeof out->message, "cannot start a worker: %s", strerror(saved));
    return NULL;
}

void runner_pollfds(const runner *w, struct pollfd *fds, int64_t *due_ns)
{
    const runner_env *env = w->env;
    fds[0] = (struct pollfd){w->data_r, POLLIN, 0};
    fds[1] = (struct pollfd){w->err_r, POLLIN, 0};
    fds[2] = (struct pollfd){w->pidfd, POLLIN, 0};
    int64_t now = gcb_now_ns();
    int64_t due = now + 100000000; /* at least every 100 ms: the interrupt flag */
    if (env->interval_ns > 0 && w->next_tick < due)
        due = w->next_tick;
    if (env->timeout_ns > 0 && w->start_ns + env->timeout_ns + 1 < due)
        due = w->start_ns + env->timeout_ns + 1;
    if (w->pidfd < 0 && now + 10000000 < due)
        due = now + 10000000; /* no pidfd: look for the exit every 10 ms */
    *due_ns = due;
}

bool runner_service(runner *w, const struct pollfd *fds)
{
    const runner_env *env = w->env;
    if (w->exited)
        return true;
    if (*env->interrupted)
        kill_worker(w, "interrupted", "interrupted by %s during iteration %lld",
                    runner_signal_name((int)*env->interrupted),
                    (long long)(w->last_iteration + 1));
    if (w->data_r >= 0 && fds[0].revents && read_data(w->data_r, w) == 0) {
        close(w->data_r);
        w->data_r = -1;
    }
    if (w->err_r >= 0 && fds[1].revents && !read_err(w->err_r, w)) {
        close(w->err_r);
        w->err_r = -1;
    }
    int64_t now = gcb_now_ns();
    if (env->interval_ns > 0 && now >= w->next_tick) {
        tick(w->r, env, w);
        w->next_tick += env->interval_ns;
        if (w->next_tick < now)
            w->next_tick = now + env->interval_ns;
    } else if (env->interval_ns == 0 && env->timeout_ns > 0 && now - w->start_ns > env->timeout_ns) {
        tick(w->r, env, w); /* no tick sampling: still enforce the timeout */
    }
    if (w->pidfd < 0 || fds[2].revents)
        try_reap(w, false);
    return w->exited;
}

int64_t runner_iteration(const runner *w)
{
    return w->last_iteration < w->r->iterations ? w->last_iteration + 1 : w->last_iteration;
}

pid_t runner_pid(const runner *w)
{
    return w->pid;
}

FILE *runner_samples(runner *w)
{
    return w->samples_fp;
}

int runner_finish(runner *w)
{
    run_result *out = w->out;
    if (!w->exited)
        try_reap(w, true);
    if (w->data_r >= 0 || w->err_r >= 0)
        drain(w->data_r, w->err_r, w);
    if (w->kill_status == NULL && wire_reader_end(&w->wire) != 0) {
        w->kill_status = "failed";
        snprintf(w->kill_message, sizeof w->kill_message, "worker sent a malformed record: %s",
                 w->wire.error);
    }
    kill(-w->pid, SIGKILL); /* what the scenario started and left in the group */
    out->wall_ns = gcb_now_ns() - w->start_ns;
    out->rusage_maxrss_bytes = (int64_t)w->ru.ru_maxrss * 1024;
    out->user_cpu_ns = (int64_t)w->ru.ru_utime.tv_sec * 1000000000 + w->ru.ru_utime.tv_usec * 1000;
    out->sys_cpu_ns = (int64_t)w->ru.ru_stime.tv_sec * 1000000000 + w->ru.ru_stime.tv_usec * 1000;
    out->peak_rss_bytes =
        out->have_done && out->done.peak_rss_bytes > 0 ? out->done.peak_rss_bytes : w->largest_rss;
    classify(w, w->wstatus, out);
    return w->samples.failed || fflush(w->samples_fp) != 0 ? -1 : 0;
}

void runner_free(runner *w)
{
    if (w == NULL)
        return;
    if (w->data_r >= 0)
        close(w->data_r);
    if (w->err_r >= 0)
        close(w->err_r);
    if (w->pidfd >= 0)
        close(w->pidfd);
    if (w->samples_fp != NULL)
        fclose(w->samples_fp);
    free(w);
}
