/* perf.c — `bench perf`'s measurement: the workloads in a fresh native runtime, the CPython
 * subprocess (perf_cpython.py --serve) and its protocol, and the rounds timed in turn (see
 * perf.h). */
#include "perf.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "gcr.h"
#include "scenario.h"
#include "stats.h"
#include "util.h"

extern char **environ;

/* ---------------------------------------------------------------------------------------
 * The native side: one round of each workload in a fresh runtime
 * ------------------------------------------------------------------------------------- */

/* One timed round: the objects it built (or collected) and its wall time. */
typedef struct perf_round {
    int64_t objects;
    int64_t ns;
} perf_round;

/* Runs one round of a workload with n objects. Returns 0, or -1 with a message in err. */
typedef int (*perf_native_fn)(int64_t n, perf_round *out, char *err, size_t errlen);

/* A runtime with the defaults (py311, the default allocator) and class N with one slot `o`:
 * the reference script's `class N: __slots__ = ('o',)`, as perf_cpython.py has it. */
typedef struct perf_rt {
    gcr_runtime *rt;
    gcr_class *cls;
    int attr_o;
} perf_rt;

static int perf_rt_open(perf_rt *p, char *err, size_t errlen)
{
    p->rt = gcr_open(NULL);
    p->cls = p->rt != NULL ? gcr_class_new_slots(p->rt, "N", (const char *[]){"o"}, 1) : NULL;
    if (p->cls == NULL) {
        gcr_close(p->rt);
        snprintf(err, errlen, "out of memory opening a runtime");
        return -1;
    }
    p->attr_o = gcr_class_attr(p->cls, "o");
    return 0;
}

/* A new list holding `pairs` instances a, each in a cycle a.o = b, b.o = a; or NULL. */
static gcr_object *perf_build_pairs(perf_rt *p, int64_t pairs)
{
    gcr_runtime *rt = p->rt;
    gcr_object *list = gcr_list_new(rt);
    for (int64_t i = 0; list != NULL && i < pairs; i++) {
        gcr_object *a = gcr_instance_new(rt, p->cls);
        gcr_object *b = a != NULL ? gcr_instance_new(rt, p->cls) : NULL;
        int rc = -1;
        if (b != NULL) {
            gcr_instance_set(rt, a, p->attr_o, b);
            gcr_instance_set(rt, b, p->attr_o, a);
            rc = gcr_list_append(rt, list, a);
        }
        gcr_xdecref(rt, a);
        gcr_xdecref(rt, b);
        if (rc != 0) {
            gcr_decref(rt, list);
            list = NULL;
        }
    }
    return list;
}

/* Builds n / 2 pairs with the collector disabled, drops the list first when garbage, and
 * times one full collection, which must find 0 (reachable) or every object (garbage). */
static int perf_collect(int64_t n, bool garbage, perf_round *out, char *err, size_t errlen)
{
    perf_rt p;
    if (perf_rt_open(&p, err, errlen) != 0)
        return -1;
    int64_t objects = n / 2 * 2;
    gcr_gc_disable(p.rt);
    gcr_object *list = perf_build_pairs(&p, n / 2);
    if (list == NULL) {
        gcr_close(p.rt);
        snprintf(err, errlen, "out of memory building %lld objects", (long long)objects);
        return -1;
    }
    if (garbage)
        gcr_decref(p.rt, list);
    int64_t t0 = gcb_now_ns();
    long found = gcr_gc_collect(p.rt, 2);
    int64_t t1 = gcb_now_ns();
    if (!garbage)
        gcr_decref(p.rt, list);
    gcr_close(p.rt); /* frees what is left, untimed */
    int64_t expected = garbage ? objects : 0;
    if (found != expected) {
        snprintf(err, errlen, "the collection found %ld unreachable objects, expected %lld", found,
                 (long long)expected);
        return -1;
    }
    *out = (perf_round){.objects = objects, .ns = t1 - t0};
    return 0;
}

static int perf_collect_reachable(int64_t n, perf_round *out, char *err, size_t errlen)
{
    return perf_collect(n, false, out, err, errlen);
}

static int perf_collect_garbage(int64_t n, perf_round *out, char *err, size_t errlen)
{
    return perf_collect(n, true, out, err, errlen);
}

/* `for _ in range(n): a = N()`: create and drop one instance, n times. */
static int perf_alloc_free(int64_t n, perf_round *out, char *err, size_t errlen)
{
    perf_rt p;
    if (perf_rt_open(&p, err, errlen) != 0)
        return -1;
    int64_t t0 = gcb_now_ns();
    for (int64_t i = 0; i < n; i++) {
        gcr_object *o = gcr_instance_new(p.rt, p.cls);
        if (o == NULL) {
            gcr_close(p.rt);
            snprintf(err, errlen, "out of memory creating an instance");
            return -1;
        }
        gcr_decref(p.rt, o);
    }
    int64_t t1 = gcb_now_ns();
    gcr_close(p.rt);
    *out = (perf_round){.objects = n, .ns = t1 - t0};
    return 0;
}

/* One iteration of the cross_reference scenario with its defaults, the collector enabled as
 * the seed runs it; per object created (the runtime's allocation counter). */
static int perf_scenario_step(int64_t n, perf_round *out, char *err, size_t errlen)
{
    (void)n;
    const scn_scenario *s = scn_find("cross_reference");
    if (s == NULL) {
        snprintf(err, errlen, "this build has no cross_reference scenario");
        return -1;
    }
    scn_values params;
    scn_defaults(s, &params);
    gcr_runtime *rt = gcr_open(NULL);
    if (rt == NULL) {
        snprintf(err, errlen, "out of memory opening a runtime");
        return -1;
    }
    void *state = NULL;
    int rc = s->setup != NULL ? s->setup(rt, &params, &state, err, errlen) : 0;
    gcr_counters before, after;
    gcr_counters_get(rt, &before);
    int64_t t0 = gcb_now_ns();
    if (rc == 0)
        rc = s->step(rt, &params, state, err, errlen);
    int64_t t1 = gcb_now_ns();
    gcr_counters_get(rt, &after);
    if (s->teardown != NULL)
        s->teardown(rt, &params, state);
    gcr_close(rt); /* collects the step's cycles, untimed */
    if (rc != 0)
        return -1;
    *out = (perf_round){
        .objects = (int64_t)(after.allocated_objects_total - before.allocated_objects_total),
        .ns = t1 - t0};
    return 0;
}

/* ---------------------------------------------------------------------------------------
 * The workloads
 * ------------------------------------------------------------------------------------- */

typedef struct perf_workload {
    const char *name; /* also perf_cpython.py's name for it */
    perf_native_fn native;
} perf_workload;

static const perf_workload perf_workloads[] = {
    {"collect_reachable", perf_collect_reachable},
    {"collect_garbage", perf_collect_garbage},
    {"alloc_free", perf_alloc_free},
    {"scenario_step", perf_scenario_step},
};

_Static_assert(sizeof perf_workloads / sizeof perf_workloads[0] == PERF_WORKLOADS,
               "perf.h's PERF_WORKLOADS counts perf_workloads");

const char *perf_workload_name(size_t w)
{
    assert(w < PERF_WORKLOADS && "perf_workload_name: no such workload");
    return perf_workloads[w].name;
}

/* ---------------------------------------------------------------------------------------
 * The CPython side: perf_cpython.py --serve, one round per request
 * ------------------------------------------------------------------------------------- */

static bool is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* The CPython side's script: $GCBENCH_PERF_SCRIPT, else the installed share/gcbench/ next
 * to the executable, else the source tree's harness/cmd/. Returns 0 with the path in buf, or -1
 * when none of them exists. */
static int perf_find_script(char *buf, size_t len)
{
    const char *env = getenv("GCBENCH_PERF_SCRIPT");
    if (env != NULL && *env != '\0') {
        snprintf(buf, len, "%s", env);
        return is_file(buf) ? 0 : -1;
    }
    char exe[PATH_MAX];
    if (gcb_exe_dir(exe, sizeof exe) == 0) {
        snprintf(buf, len, "%s/../share/gcbench/perf_cpython.py", exe);
        if (is_file(buf))
            return 0;
    }
    /* The source tree's root: GCB_SOURCE_ROOT (harness/meson.build). */
    snprintf(buf, len, "%s/harness/cmd/perf_cpython.py", GCB_SOURCE_ROOT);
    return is_file(buf) ? 0 : -1;
}

/* perf_find_script's path made absolute and without "..", for messages; buf is PATH_MAX. */
static int perf_script_path(char *buf)
{
    char found[PATH_MAX];
    if (perf_find_script(found, sizeof found) != 0)
        return -1;
    if (realpath(found, buf) == NULL)
        snprintf(buf, PATH_MAX, "%s", found);
    return 0;
}

/* Stops the subprocess (end of its input ends it) and waits for it. */
static void perf_python_stop(perf_python *py)
{
    if (py->to != NULL)
        fclose(py->to);
    if (py->from != NULL)
        fclose(py->from);
    if (py->pid > 0)
        waitpid(py->pid, NULL, 0);
    *py = (perf_python){0};
}

/* Starts `python script --serve` with pipes to its stdin and stdout (its stderr is ours) and
 * reads its "ready VERSION" line. Returns 0, or -1 after a warning (py left stopped). */
static int perf_python_start(perf_python *py, const char *python)
{
    *py = (perf_python){0};
    char script[PATH_MAX];
    if (perf_script_path(script) != 0) {
        gcb_error("warning: perf_cpython.py not found (set GCBENCH_PERF_SCRIPT); the CPython "
                  "columns are left empty");
        return -1;
    }
    int in[2], out[2];
    if (pipe2(in, O_CLOEXEC) != 0) {
        gcb_error("warning: pipe: %s; the CPython columns are left empty", strerror(errno));
        return -1;
    }
    if (pipe2(out, O_CLOEXEC) != 0) {
        gcb_error("warning: pipe: %s; the CPython columns are left empty", strerror(errno));
        close(in[0]);
        close(in[1]);
        return -1;
    }
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, in[0], STDIN_FILENO);
    posix_spawn_file_actions_adddup2(&fa, out[1], STDOUT_FILENO);
    char *argv[] = {(char *)python, script, "--serve", NULL};
    int rc = posix_spawnp(&py->pid, python, &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(in[0]);
    close(out[1]);
    if (rc != 0) {
        close(in[1]);
        close(out[0]);
        py->pid = 0;
        gcb_error("warning: cannot run '%s': %s; the CPython columns are left empty (use "
                  "--python PATH)",
                  python, strerror(rc));
        return -1;
    }
    py->to = fdopen(in[1], "w");
    py->from = fdopen(out[0], "r");
    char line[128];
    if (py->to == NULL || py->from == NULL || fgets(line, sizeof line, py->from) == NULL ||
        sscanf(line, "ready %31s", py->version) != 1) {
        if (py->to == NULL)
            close(in[1]);
        if (py->from == NULL)
            close(out[0]);
        perf_python_stop(py);
        gcb_error("warning: '%s %s --serve' did not start; the CPython columns are left empty "
                  "(use --python PATH)",
                  python, script);
        return -1;
    }
    if (strncmp(py->version, "3.11.", 5) != 0)
        gcb_error("warning: '%s' is CPython %s, not 3.11: its column is that version's", python,
                  py->version);
    return 0;
}

/* Runs one round of workload w in the subprocess. Returns 0; 1 when the workload failed
 * there (warned; the subprocess goes on); -1 when the subprocess is gone (warned, stopped). */
static int perf_python_round(perf_python *py, const perf_workload *w, int64_t n, perf_round *out)
{
    char line[512], name[64];
    long long objects, ns;
    fprintf(py->to, "%s %lld\n", w->name, (long long)n);
    if (fflush(py->to) != 0 || fgets(line, sizeof line, py->from) == NULL) {
        gcb_error("warning: the CPython subprocess ended; its remaining columns are left empty");
        perf_python_stop(py);
        return -1;
    }
    line[strcspn(line, "\n")] = '\0';
    if (sscanf(line, "%63s %lld %lld", name, &objects, &ns) == 3 && strcmp(name, w->name) == 0 &&
        objects > 0 && ns >= 0) {
        *out = (perf_round){.objects = objects, .ns = ns};
        return 0;
    }
    gcb_error("warning: CPython %s: %s", w->name, line);
    return 1;
}

/* ---------------------------------------------------------------------------------------
 * Measuring
 * ------------------------------------------------------------------------------------- */

static void perf_progress(const char *name, int64_t round, int64_t rounds, const char *side)
{
    if (isatty(STDERR_FILENO))
        fprintf(stderr, "bench: perf %s round %lld/%lld (%s)…\033[K\r", name, (long long)round,
                (long long)rounds, side);
}

void perf_progress_end(void)
{
    if (isatty(STDERR_FILENO))
        fputs("\033[K", stderr);
}

int perf_open(perf_bench *b, int64_t rounds, int64_t objects, const char *python)
{
    assert(rounds >= 1 && objects >= 2 && "perf_open: rounds >= 1, objects >= 2");
    *b = (perf_bench){.rounds = rounds, .objects = objects};
    b->native = malloc((size_t)rounds * sizeof *b->native);
    b->cpython = malloc((size_t)rounds * sizeof *b->cpython);
    if (b->native == NULL || b->cpython == NULL) {
        free(b->native);
        free(b->cpython);
        gcb_error("out of memory");
        return -1;
    }
    /* A subprocess that dies must not kill us with SIGPIPE: writes then fail instead. */
    signal(SIGPIPE, SIG_IGN);
    perf_python_start(&b->py, python);
    return 0;
}

int perf_measure(perf_bench *b, size_t w, perf_result *res)
{
    assert(w < PERF_WORKLOADS && "perf_measure: no such workload");
    const perf_workload *wl = &perf_workloads[w];
    perf_python *py = &b->py;
    size_t nc = 0;
    bool cpython_ok = py->pid > 0;
    *res = (perf_result){.native_ns = -1, .cpython_ns = -1};
    for (int64_t r = 0; r < b->rounds; r++) {
        perf_round nr, cr;
        char err[256] = "";
        perf_progress(wl->name, r + 1, b->rounds, "native");
        if (wl->native(b->objects, &nr, err, sizeof err) != 0) {
            gcb_error("native %s: %s", wl->name, err);
            return -1;
        }
        b->native[r] = (double)nr.ns / (double)nr.objects;
        res->objects = nr.objects;
        if (!cpython_ok)
            continue;
        perf_progress(wl->name, r + 1, b->rounds, "CPython");
        cpython_ok = perf_python_round(py, wl, b->objects, &cr) == 0;
        if (cpython_ok) {
            b->cpython[nc++] = (double)cr.ns / (double)cr.objects;
            if (cr.objects != nr.objects && r == 0)
                gcb_error("warning: %s: CPython counted %lld objects, the native runtime %lld",
                          wl->name, (long long)cr.objects, (long long)nr.objects);
        }
    }
    res->native_ns = stats_median_f64(b->native, (size_t)b->rounds);
    if (cpython_ok && nc > 0)
        res->cpython_ns = stats_median_f64(b->cpython, nc);
    return 0;
}

const char *perf_cpython_version(const perf_bench *b) { return b->py.version; }

void perf_close(perf_bench *b)
{
    perf_python_stop(&b->py);
    free(b->native);
    free(b->cpython);
    *b = (perf_bench){0};
}
