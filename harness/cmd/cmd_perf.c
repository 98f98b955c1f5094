/* cmd_perf.c — `bench perf`: the speed of the native runtime against CPython 3.11 on the same
 * heaps. Each workload is built and timed in a fresh native runtime and in a CPython
 * subprocess (harness/cmd/perf_cpython.py --serve), round by round in turn (native round 1,
 * CPython round 1, native round 2, …) so that both sides share the machine's noise; the
 * table gives the median nanoseconds per object of each side and their ratio.
 *
 * A benchmark, not a test: it never fails because one side is slow. It exits 1 only when
 * the native side cannot run a workload; a CPython side that is missing or fails leaves its
 * column empty, with a warning. */
#include "commands.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
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

static const char perf_usage[] =
    "Usage: bench perf [OPTION]...\n"
    "Time the same heaps in the native runtime and in CPython 3.11 (a python3 subprocess),\n"
    "round by round in turn, and print the median nanoseconds per object of each and their\n"
    "ratio.\n"
    "\n"
    "Workloads:\n"
    "  collect_reachable  a full collection of N objects in two-object cycles, all held\n"
    "  collect_garbage    the same heap with nothing holding it: all N are garbage\n"
    "  alloc_free         create and drop one instance, N times\n"
    "  scenario_step      one cross_reference iteration (seed 004: 100 B<->A cycles, each A\n"
    "                     holding 10 000 floats), per object it creates (N does not apply)\n"
    "\n"
    "  --format text|csv         an aligned table, or CSV with the header\n"
    "                            workload,objects,native_ns_per_object,cpython_ns_per_object,\n"
    "                            speedup [text]\n"
    "  --rounds N                rounds per workload and side; the median is reported [5]\n"
    "  --objects N               objects per collection and allocation workload [1000000]\n"
    "  --workload NAME[,NAME...] workloads to run [all]\n"
    "  --python PATH             the CPython interpreter [python3]\n"
    "  --help                    show this help\n"
    "\n"
    "speedup = CPython ns per object / native ns per object: above 1, the native runtime is\n"
    "faster. Without a working CPython its columns are left empty (with a warning).\n"
    "\n"
    "Exit status: 0 measured; 1 the native runtime failed a workload; 2 bad options.\n";

#define PERF_MAX_ROUNDS 1000
#define PERF_MAX_OBJECTS 100000000

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

#define PERF_WORKLOADS (sizeof perf_workloads / sizeof perf_workloads[0])

/* ---------------------------------------------------------------------------------------
 * The CPython side: perf_cpython.py --serve, one round per request
 * ------------------------------------------------------------------------------------- */

typedef struct perf_python {
    pid_t pid;  /* 0 when not running */
    FILE *to;   /* its stdin: requests "WORKLOAD OBJECTS" */
    FILE *from; /* its stdout: answers "WORKLOAD OBJECTS NS" */
    char version[32];
} perf_python;

static bool is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* The CPython side's script: $GCBENCH_PERF_SCRIPT, else the installed share/gcbench/ next
 * to the executable, else the source tree's harness/. Returns 0 with the path in buf, or -1
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
    /* The source tree's root, from the plots folder's path (harness/meson.build). */
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
 * Measuring and printing
 * ------------------------------------------------------------------------------------- */

typedef struct perf_cli {
    bool csv;
    int64_t rounds, objects;
    bool selected[PERF_WORKLOADS];
    const char *python;
} perf_cli;

/* A workload's result: median ns per object of each side, < 0 when that side has none. */
typedef struct perf_result {
    int64_t objects;
    double native_ns, cpython_ns;
} perf_result;

static void perf_progress(const char *name, int64_t round, int64_t rounds, const char *side)
{
    if (isatty(STDERR_FILENO))
        fprintf(stderr, "bench: perf %s round %lld/%lld (%s)…\033[K\r", name, (long long)round,
                (long long)rounds, side);
}

/* Runs every round of w on both sides, in turn. Returns 0, or -1 when the native side
 * failed (reported). */
static int perf_measure(const perf_cli *c, const perf_workload *w, perf_python *py,
                        perf_result *res, double *native, double *cpython)
{
    size_t nc = 0;
    bool cpython_ok = py->pid > 0;
    *res = (perf_result){.native_ns = -1, .cpython_ns = -1};
    for (int64_t r = 0; r < c->rounds; r++) {
        perf_round nr, cr;
        char err[256] = "";
        perf_progress(w->name, r + 1, c->rounds, "native");
        if (w->native(c->objects, &nr, err, sizeof err) != 0) {
            gcb_error("native %s: %s", w->name, err);
            return -1;
        }
        native[r] = (double)nr.ns / (double)nr.objects;
        res->objects = nr.objects;
        if (!cpython_ok)
            continue;
        perf_progress(w->name, r + 1, c->rounds, "CPython");
        cpython_ok = perf_python_round(py, w, c->objects, &cr) == 0;
        if (cpython_ok) {
            cpython[nc++] = (double)cr.ns / (double)cr.objects;
            if (cr.objects != nr.objects && r == 0)
                gcb_error("warning: %s: CPython counted %lld objects, the native runtime %lld",
                          w->name, (long long)cr.objects, (long long)nr.objects);
        }
    }
    res->native_ns = stats_median_f64(native, (size_t)c->rounds);
    if (cpython_ok && nc > 0)
        res->cpython_ns = stats_median_f64(cpython, nc);
    return 0;
}

/* "12.34", or "" when v < 0 (no value). */
static const char *perf_fmt(char *buf, size_t len, double v)
{
    if (v < 0)
        buf[0] = '\0';
    else
        snprintf(buf, len, "%.2f", v);
    return buf;
}

static void perf_print_row(const perf_cli *c, const char *name, const perf_result *r)
{
    char native[32], cpython[32], speedup[32];
    perf_fmt(native, sizeof native, r->native_ns);
    perf_fmt(cpython, sizeof cpython, r->cpython_ns);
    perf_fmt(speedup, sizeof speedup,
             r->native_ns > 0 && r->cpython_ns >= 0 ? r->cpython_ns / r->native_ns : -1);
    if (c->csv)
        printf("%s,%lld,%s,%s,%s\n", name, (long long)r->objects, native, cpython, speedup);
    else
        printf("%-18s %9lld %14s %15s %8s%s\n", name, (long long)r->objects, native, cpython,
               speedup, speedup[0] != '\0' ? "x" : "");
}

static void perf_print_header(const perf_cli *c)
{
    if (c->csv)
        puts("workload,objects,native_ns_per_object,cpython_ns_per_object,speedup");
    else
        printf("%-18s %9s %14s %15s %8s\n", "WORKLOAD", "OBJECTS", "NATIVE ns/obj",
               "CPYTHON ns/obj", "SPEEDUP");
}

static void perf_print_footer(const perf_cli *c, const perf_python *py)
{
    if (c->csv)
        return;
    printf("\nspeedup = CPython ns per object / native ns per object (above 1: the native "
           "runtime is faster);\nmedian of %lld round%s each, run in turn; ",
           (long long)c->rounds, c->rounds == 1 ? "" : "s");
    if (py->version[0] != '\0')
        printf("CPython %s (%s).\n", py->version, c->python);
    else
        printf("no CPython (%s did not run).\n", c->python);
}

/* ---------------------------------------------------------------------------------------
 * Options
 * ------------------------------------------------------------------------------------- */

/* --workload NAME[,NAME…]: marks each named workload. Returns 0, or -1 (usage error). */
static int perf_parse_workloads(perf_cli *c, const char *arg)
{
    char copy[512];
    snprintf(copy, sizeof copy, "%s", arg);
    memset(c->selected, 0, sizeof c->selected);
    bool any = false;
    for (char *save = NULL, *name = strtok_r(copy, ",", &save); name != NULL;
         name = strtok_r(NULL, ",", &save)) {
        size_t i = 0;
        while (i < PERF_WORKLOADS && strcmp(perf_workloads[i].name, name) != 0)
            i++;
        if (i == PERF_WORKLOADS) {
            gcb_usage_error("perf",
                            "unknown workload '%s'; workloads: collect_reachable, "
                            "collect_garbage, alloc_free, scenario_step",
                            name);
            return -1;
        }
        c->selected[i] = any = true;
    }
    if (!any) {
        gcb_usage_error("perf", "--workload '%s' names no workload", arg);
        return -1;
    }
    return 0;
}

static int perf_parse_number(const char *opt, const char *arg, int64_t min, int64_t max,
                             int64_t *out)
{
    if (gcb_parse_i64(arg, min, max, out) != 0) {
        gcb_usage_error("perf", "bad %s '%s': expected a whole number from %lld to %lld", opt, arg,
                        (long long)min, (long long)max);
        return -1;
    }
    return 0;
}

enum { OPT_FORMAT = 256, OPT_ROUNDS, OPT_OBJECTS, OPT_WORKLOAD, OPT_PYTHON, OPT_HELP };

static int perf_parse_one(perf_cli *c, int opt, const char *arg)
{
    switch (opt) {
    case OPT_FORMAT:
        if (strcmp(arg, "text") != 0 && strcmp(arg, "csv") != 0) {
            gcb_usage_error("perf", "unknown --format '%s'; use text or csv", arg);
            return -1;
        }
        c->csv = strcmp(arg, "csv") == 0;
        return 0;
    case OPT_ROUNDS:
        return perf_parse_number("--rounds", arg, 1, PERF_MAX_ROUNDS, &c->rounds);
    case OPT_OBJECTS:
        return perf_parse_number("--objects", arg, 2, PERF_MAX_OBJECTS, &c->objects);
    case OPT_WORKLOAD:
        return perf_parse_workloads(c, arg);
    case OPT_PYTHON:
        if (*arg == '\0') {
            gcb_usage_error("perf", "--python needs an interpreter (a path or a name on PATH)");
            return -1;
        }
        c->python = arg;
        return 0;
    default:
        return -1;
    }
}

/* Returns 0, 1 for --help (printed), or -1 after a usage error. */
static int perf_parse(int argc, char **argv, perf_cli *c)
{
    static const struct option opts[] = {
        {"format", required_argument, NULL, OPT_FORMAT},
        {"rounds", required_argument, NULL, OPT_ROUNDS},
        {"objects", required_argument, NULL, OPT_OBJECTS},
        {"workload", required_argument, NULL, OPT_WORKLOAD},
        {"python", required_argument, NULL, OPT_PYTHON},
        {"help", no_argument, NULL, OPT_HELP},
        {NULL, 0, NULL, 0},
    };
    *c = (perf_cli){.rounds = 5, .objects = 1000000, .python = "python3"};
    for (size_t i = 0; i < PERF_WORKLOADS; i++)
        c->selected[i] = true;
    opterr = 0;
    int opt;
    while ((opt = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
        if (opt == OPT_HELP) {
            fputs(perf_usage, stdout);
            return 1;
        }
        if (opt == '?' || opt == ':') {
            gcb_usage_error("perf", "%s '%s'", opt == ':' ? "missing value for" : "unknown option",
                            argv[optind - 1]);
            return -1;
        }
        if (perf_parse_one(c, opt, optarg) != 0)
            return -1;
    }
    if (optind < argc) {
        gcb_usage_error("perf", "unexpected argument '%s'", argv[optind]);
        return -1;
    }
    return 0;
}

/* ---------------------------------------------------------------------------------------
 * The command
 * ------------------------------------------------------------------------------------- */

int cmd_perf(int argc, char **argv)
{
    perf_cli c;
    int rc = perf_parse(argc, argv, &c);
    if (rc != 0)
        return rc > 0 ? GCB_EXIT_OK : GCB_EXIT_USAGE;
    double *native = malloc((size_t)c.rounds * sizeof *native);
    double *cpython = malloc((size_t)c.rounds * sizeof *cpython);
    if (native == NULL || cpython == NULL) {
        free(native);
        free(cpython);
        gcb_error("out of memory");
        return GCB_EXIT_FAILED;
    }
    /* A subprocess that dies must not kill us with SIGPIPE: writes then fail instead. */
    signal(SIGPIPE, SIG_IGN);
    perf_python py;
    perf_python_start(&py, c.python);

    perf_result results[PERF_WORKLOADS];
    bool failed = false;
    for (size_t i = 0; i < PERF_WORKLOADS; i++)
        if (c.selected[i] &&
            perf_measure(&c, &perf_workloads[i], &py, &results[i], native, cpython) != 0)
            failed = true;
    if (isatty(STDERR_FILENO))
        fputs("\033[K", stderr);

    perf_print_header(&c);
    for (size_t i = 0; i < PERF_WORKLOADS; i++)
        if (c.selected[i])
            perf_print_row(&c, perf_workloads[i].name, &results[i]);
    perf_print_footer(&c, &py);
    perf_python_stop(&py);
    free(native);
    free(cpython);
    return failed ? GCB_EXIT_FAILED : GCB_EXIT_OK;
}
