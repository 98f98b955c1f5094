/* options.c — `bench run`'s options, parsed and checked (see options.h). */
#include "options.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "results.h"
#include "runtimes.h"
#include "util.h"

/* The command the messages name ("run", "plan"): set by run_options_parse. */
static const char *cmd_name = "run";

const char *const run_fail_names[5] = {"leak", "uncollectable", "delayed", "bounded",
                                       "inconclusive"};

static const char run_usage[] =
    "Usage: bench run [OPTION]...\n"
    "Run scenarios, each mode and repeat in its own worker process, and write a results\n"
    "folder (machine.csv, runs.csv, samples.csv, summary.csv, plots/), then print the\n"
    "tables and verdicts.\n"
    "\n"
    "  --scenario NAME[,NAME...]|all|FILE.py\n"
    "                                 scenarios to run (see 'bench list'), or your own\n"
    "                                 Python file (setup/step/teardown, see README) [all]\n"
    "  --runtime native|python|pyodide[,...]\n"
    "                                 the gcbench runtime, real CPython 3.11 embedded, the\n"
    "                                 --pyodide packages' CPythons [native; python for a\n"
    "                                 FILE.py; only the --python/--pyodide ones if given]\n"
    "  --python PATH[,PATH...]        also run in the CPython (3.9 or newer) at PATH: runtime\n"
    "                                 cpython-X.Y.Z; may repeat\n"
    "  --pyodide DIR[,DIR...]         also run in the CPython of an unpacked Pyodide package\n"
    "                                 (npm pack pyodide@V), under Node.js: runtime\n"
    "                                 pyodide-X.Y.Z (its RSS is not comparable); a folder\n"
    "                                 of packages (~/.cache/gcbench/pyodide): each; may\n"
    "                                 repeat\n"
    "  --iterations N                 iterations per run [10]\n"
    "  --repeat R                     runs per scenario, setting and mode [1]\n"
    "  --gc MODE[,MODE...]            forced (collect after every iteration), auto\n"
    "                                 (automatic collection only), off (collector\n"
    "                                 disabled) [forced,auto]\n"
    "  --threshold T0,T1,T2           collector thresholds; repeat the option for one\n"
    "                                 setting each [the policy's: 700,10,10; py313, py314,\n"
    "                                 py315: 2000,10,10; py314inc: 2000,10,0; a --python or\n"
    "                                 --pyodide CPython's own]\n"
    "  --threshold0 START:STOP:xF|+S  a sweep: one setting per threshold0 from START to\n"
    "                                 STOP, times F (e.g. 100:100000:x10) or plus S;\n"
    "                                 threshold1 and 2 at 10 (adds to --threshold)\n"
    "";

/* The rest of the help (one string would exceed what C11 compilers must accept). */
static const char run_usage_settings[] =
    "  --policy P[,P...]              the native runtime's collector, one setting each (may\n"
    "                                 repeat): py311, py312, py313 (CPython 3.11, 3.12,\n"
    "                                 3.13), py314inc (3.14.0-3.14.4's incremental\n"
    "                                 collector), py314 (3.14.5+), py315, py27 (Python 2.7's\n"
    "                                 legacy finalizers and instance dicts) [py311]\n"
    "  --interpreter-objects N        the native runtime's share of an interpreter's own\n"
    "                                 long-lived containers (modules, functions, classes)\n"
    "                                 [each policy's reference interpreter's: 6214 for\n"
    "                                 py311 and py27, 17624 py312, 17510 py313, 19500\n"
    "                                 py314inc, 20241 py314, 19581 py315]\n"
    "  --allocator pymalloc|malloc    object allocator: the pymalloc model, or the\n"
    "                                 system malloc (PYTHONMALLOC=malloc) [pymalloc;\n"
    "                                 Pyodide: always malloc]\n"
    "  --param KEY=VALUE              set a scenario parameter (see 'bench list'); may repeat\n"
    "  --interval-ms X                tick sampling period of /proc/PID/statm, 0 for none [10]\n"
    "  --jobs N                       run up to N workers at once, each on a core of its\n"
    "                                 own; capped by the cores --pin allows [1]\n"
    "  --pin auto|none|CPU[,CPU...]   pin the workers to CPUs: auto = one per core from the\n"
    "                                 last, the ones no other bench here holds first [auto]\n"
    "  --shard K/N                    run only the K-th of N equal parts of the plan (bench\n"
    "                                 plan writes these; bench merge joins them)\n"
    "  --max-rss SIZE                 kill a worker whose RSS exceeds SIZE (K, M, G suffixes)\n"
    "                                 [half of RAM]\n"
    "  --timeout SECONDS              kill a worker running longer than this, start-up\n"
    "                                 included (Pyodide's takes seconds) [none]\n"
    "  --out DIR                      write results under DIR/<date>-<host>/, and link\n"
    "                                 DIR/latest to it [results]\n"
    "  --no-plot                      do not draw plots\n"
    "  --quiet                        print only errors and the results folder\n"
    "  --trace-alloc N                also make one traced run per CPython setting and mode\n"
    "                                 (tracemalloc, N frames): the allocation sites whose\n"
    "                                 retained size grows, in samples.csv (kind site) and\n"
    "                                 the report; its RSS and times enter no summary [off]\n"
    "  --fail-on VERDICT[,VERDICT...] exit 3 when a scenario's verdict is one of these:\n"
    "                                 leak, uncollectable, delayed, bounded, inconclusive\n"
    "                                 (for a test suite or CI) [none]\n"
    "  --python-env                   python runtime and --python interpreters: let PYTHON*\n"
    "                                 variables and the user site-packages in (isolated by\n"
    "                                 default)\n"
    "  --help                         show this help\n"
    "\n"
    "Exit status: 0 every run succeeded; 1 a run failed, crashed or was killed (the others\n"
    "still ran); 2 bad options (nothing written); 3 every run succeeded and a scenario got a\n"
    "--fail-on verdict (each named on stderr); 128+N stopped by signal N: 130 SIGINT,\n"
    "129 SIGHUP, 131 SIGQUIT, 143 SIGTERM (the completed runs are kept and summarized).\n";

void run_options_usage(FILE *out)
{
    fputs(run_usage, out);
    fputs(run_usage_settings, out);
}

/* ---- option parsing: each returns 0, or -1 after printing the usage error --------------- */

/* Adds a scenario once (by name). Returns 0, or -1 when there are too many. */
static int add_scenario(run_cli *c, const scn_scenario *native, const char *name,
                        const char *py_path)
{
    for (size_t i = 0; i < c->plan.nscenarios; i++)
        if (strcmp(c->scenario_list[i].name, name) == 0 &&
            strcmp(c->scenario_list[i].py_path, py_path) == 0)
            return 0;
    if (c->plan.nscenarios == RUN_MAX_SCENARIOS) {
        gcb_usage_error(cmd_name, "too many scenarios (at most %d)", RUN_MAX_SCENARIOS);
        return -1;
    }
    plan_scenario *s = &c->scenario_list[c->plan.nscenarios++];
    s->native = native;
    snprintf(s->name, sizeof s->name, "%s", name);
    snprintf(s->py_path, sizeof s->py_path, "%s", py_path);
    return 0;
}

/* A built-in: the native scenario and its Python twin (when the twins' folder is known). */
static int add_builtin(run_cli *c, const scn_scenario *s)
{
    char py[PATH_MAX + 160] = "";
    if (c->scenarios_dir[0] != '\0')
        snprintf(py, sizeof py, "%s/%s.py", c->scenarios_dir, s->name);
    return add_scenario(c, s, s->name, access(py, R_OK) == 0 ? py : "");
}

/* A user's scenario file: it must exist and be a readable .py file. */
static int add_file(run_cli *c, const char *path)
{
    size_t len = strlen(path);
    struct stat st;
    if (len < 4 || strcmp(path + len - 3, ".py") != 0) {
        gcb_usage_error(cmd_name, "--scenario %s: not a built-in scenario, nor a .py file", path);
        return -1;
    }
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode) || access(path, R_OK) != 0) {
        gcb_usage_error(cmd_name, "--scenario %s: no such readable file (%s)", path,
                        stat(path, &st) != 0 ? strerror(errno) : "not a regular file");
        return -1;
    }
    char real[PATH_MAX], name[128];
    if (realpath(path, real) == NULL) {
        gcb_usage_error(cmd_name, "--scenario %s: %s", path, strerror(errno));
        return -1;
    }
    const char *base = strrchr(real, '/');
    snprintf(name, sizeof name, "%.*s", (int)(strlen(base + 1) - 3), base + 1);
    c->user_files = true;
    return add_scenario(c, NULL, name, real);
}

static void list_names(char *buf, size_t len)
{
    size_t n, used = 0;
    const scn_scenario *const *all = scn_all(&n);
    buf[0] = '\0';
    for (size_t i = 0; i < n && used < len; i++)
        used += (size_t)snprintf(buf + used, len - used, "%s%s", i ? ", " : "", all[i]->name);
}

static int parse_scenarios(run_cli *c, const char *arg)
{
    char copy[4096];
    snprintf(copy, sizeof copy, "%s", arg);
    char *save = NULL;
    for (char *name = strtok_r(copy, ",", &save); name; name = strtok_r(NULL, ",", &save)) {
        const scn_scenario *s = scn_find(name);
        int rc = 0;
        if (strcmp(name, "all") == 0) {
            size_t n;
            const scn_scenario *const *all = scn_all(&n);
            for (size_t i = 0; i < n && rc == 0; i++)
                rc = add_builtin(c, all[i]);
        } else if (s != NULL) {
            rc = add_builtin(c, s);
        } else if (strchr(name, '/') != NULL || strstr(name, ".py") != NULL) {
            rc = add_file(c, name);
        } else {
            char names[512];
            list_names(names, sizeof names);
            gcb_usage_error(cmd_name, "unknown scenario '%s'; available: %s, all, or a FILE.py", name,
                            names);
            rc = -1;
        }
        if (rc != 0)
            return -1;
    }
    if (c->plan.nscenarios == 0) {
        gcb_usage_error(cmd_name, "--scenario '%s' names no scenario", arg);
        return -1;
    }
    return 0;
}

/* A comma list of names (arg of option opt) into flags[0..n): each must be one of names.
 * Returns 0, or -1 after the usage error (naming the bad one and the choices). */
static int parse_name_set(const char *opt, const char *arg, const char *const *names, int n,
                          bool *flags)
{
    char copy[256], choices[128] = "";
    snprintf(copy, sizeof copy, "%s", arg);
    for (int i = 0, used = 0; i < n; i++)
        used += snprintf(choices + used, sizeof choices - (size_t)used, "%s%s",
                         i == 0       ? ""
                         : i == n - 1 ? " or "
                                      : ", ",
                         names[i]);
    memset(flags, 0, (size_t)n * sizeof *flags);
    bool any = false;
    char *save = NULL;
    for (char *name = strtok_r(copy, ",", &save); name; name = strtok_r(NULL, ",", &save)) {
        int i = 0;
        while (i < n && strcmp(names[i], name) != 0)
            i++;
        if (i == n) {
            gcb_usage_error(cmd_name, "unknown %s '%s'; use %s", opt, name, choices);
            return -1;
        }
        flags[i] = any = true;
    }
    if (!any) {
        gcb_usage_error(cmd_name, "%s '%s' names nothing; use %s", opt, arg, choices);
        return -1;
    }
    return 0;
}

static int parse_runtimes(run_cli *c, const char *arg)
{
    c->runtime_given = true;
    return parse_name_set("--runtime", arg, plan_runtime_choices, PLAN_RUNTIME_CHOICES, c->want);
}

/* --python PATH[,PATH…] or --pyodide DIR[,DIR…]: appended to list, each once. */
static int parse_paths(const char *opt, const char *arg, char (*list)[PATH_MAX], size_t *n)
{
    char copy[4 * PATH_MAX];
    if (snprintf(copy, sizeof copy, "%s", arg) >= (int)sizeof copy) {
        gcb_usage_error(cmd_name, "%s: too long a list", opt);
        return -1;
    }
    char *save = NULL;
    bool any = false;
    for (char *p = strtok_r(copy, ",", &save); p != NULL; p = strtok_r(NULL, ",", &save)) {
        any = true;
        bool seen = false;
        for (size_t i = 0; i < *n; i++)
            seen |= strcmp(list[i], p) == 0;
        if (seen)
            continue;
        if (*n == PLAN_MAX_RUNTIMES || strlen(p) >= PATH_MAX) {
            gcb_usage_error(cmd_name, "%s %s: too many values (at most %d) or too long a path", opt, p,
                            PLAN_MAX_RUNTIMES);
            return -1;
        }
        snprintf(list[(*n)++], PATH_MAX, "%s", p);
    }
    if (!any) {
        gcb_usage_error(cmd_name, "%s '%s' names nothing", opt, arg);
        return -1;
    }
    return 0;
}

/* --policy P[,P...], repeatable: each named policy once, in the order first given. */
static int parse_policies(run_cli *c, const char *arg)
{
    char copy[256], choices[160] = "";
    snprintf(copy, sizeof copy, "%s", arg);
    for (int i = 0, used = 0; i < GCR_POLICIES; i++)
        used += snprintf(choices + used, sizeof choices - (size_t)used, "%s%s", i ? ", " : "",
                         gcr_policy_name((gcr_policy)i));
    plan_options *o = &c->plan;
    bool any = false;
    char *save = NULL;
    for (char *name = strtok_r(copy, ",", &save); name; name = strtok_r(NULL, ",", &save)) {
        gcr_policy p;
        if (gcr_policy_parse(name, &p) != 0) {
            gcb_usage_error(cmd_name, "unknown --policy '%s'; use %s", name, choices);
            return -1;
        }
        any = true;
        bool seen = false;
        for (size_t i = 0; i < o->npolicies; i++)
            seen |= o->policies[i] == p;
        if (!seen)
            o->policies[o->npolicies++] = p;
    }
    if (!any) {
        gcb_usage_error(cmd_name, "--policy '%s' names nothing; use %s", arg, choices);
        return -1;
    }
    return 0;
}

static int parse_modes(run_cli *c, const char *arg)
{
    return parse_name_set("--gc", arg, plan_mode_names, PLAN_MODES, c->plan.modes);
}

static int parse_threshold(run_cli *c, const char *arg)
{
    int t[3];
    char extra;
    if (sscanf(arg, "%d,%d,%d%c", &t[0], &t[1], &t[2], &extra) != 3 || t[0] < 0 || t[1] < 0 ||
        t[2] < 0) {
        gcb_usage_error(cmd_name,
                        "bad --threshold '%s': expected T0,T1,T2, three whole numbers >= 0 "
                        "(e.g. 700,10,10)",
                        arg);
        return -1;
    }
    if (c->plan.nthresholds == PLAN_MAX_THRESHOLDS) {
        gcb_usage_error(cmd_name, "too many --threshold settings (at most %d)", PLAN_MAX_THRESHOLDS);
        return -1;
    }
    memcpy(c->plan.thresholds[c->plan.nthresholds++], t, sizeof t);
    return 0;
}

/* --threshold0 START:STOP:xFACTOR (a geometric range) or START:STOP:+STEP: one setting per
 * threshold0, threshold1 and threshold2 at 10, 10 (every policy's, and CPython's). */
static int parse_threshold0(run_cli *c, const char *arg)
{
    long long start, stop;
    double step;
    char kind, extra;
    if (sscanf(arg, "%lld:%lld:%c%lf%c", &start, &stop, &kind, &step, &extra) != 4 ||
        (kind != 'x' && kind != '+') || start < 1 || stop < start || stop > 1000000000 ||
        (kind == 'x' && !(step > 1)) || (kind == '+' && !(step >= 1))) {
        gcb_usage_error(cmd_name,
                        "bad --threshold0 '%s': expected START:STOP:xFACTOR (e.g. 100:100000:x10) "
                        "or START:STOP:+STEP, with 1 <= START <= STOP and FACTOR > 1",
                        arg);
        return -1;
    }
    for (double t = (double)start; t <= (double)stop * (1 + 1e-9);
         t = kind == 'x' ? t * step : t + step) {
        if (c->plan.nthresholds == PLAN_MAX_THRESHOLDS) {
            gcb_usage_error(cmd_name, "--threshold0 %s: more than %d settings", arg,
                            PLAN_MAX_THRESHOLDS);
            return -1;
        }
        int *th = c->plan.thresholds[c->plan.nthresholds++];
        th[0] = (int)llround(t);
        th[1] = th[2] = 10;
    }
    return 0;
}

static int parse_param(run_cli *c, const char *arg)
{
    const char *eq = strchr(arg, '=');
    if (eq == NULL || eq == arg) {
        gcb_usage_error(cmd_name, "bad --param '%s': expected KEY=VALUE", arg);
        return -1;
    }
    if (c->plan.nparams == PLAN_MAX_PARAMS) {
        gcb_usage_error(cmd_name, "too many --param options (at most %d)", PLAN_MAX_PARAMS);
        return -1;
    }
    char *key = strndup(arg, (size_t)(eq - arg));
    if (key == NULL)
        return -1;
    c->plan.param_keys[c->plan.nparams] = key;
    c->plan.param_values[c->plan.nparams++] = eq + 1;
    return 0;
}

/* A --param key must belong to a chosen built-in scenario, whose parameters are whole
 * numbers, unless a user's file is chosen: its parameters are its own (its worker checks
 * them against its PARAMS). */
static int check_params(const run_cli *c)
{
    for (size_t i = 0; i < c->plan.nparams; i++) {
        const char *key = c->plan.param_keys[i], *value = c->plan.param_values[i];
        bool builtin = false;
        for (size_t s = 0; s < c->plan.nscenarios; s++)
            builtin |= c->plan.scenarios[s].native != NULL &&
                       scn_param_index(c->plan.scenarios[s].native, key) >= 0;
        int64_t v;
        if (builtin && gcb_parse_i64(value, 0, LONG_MAX, &v) != 0) {
            gcb_usage_error(cmd_name, "bad --param %s=%s: expected a whole number >= 0", key, value);
            return -1;
        }
        if (!builtin && !c->user_files) {
            gcb_usage_error(cmd_name,
                            "--param %s: no chosen scenario has a parameter '%s' (see 'bench "
                            "list')",
                            key, key);
            return -1;
        }
    }
    return 0;
}

/* ---- the runtimes -------------------------------------------------------------------------- */

/* Adds a runtime called BASE, or BASE-2, BASE-3 … when BASE is taken (the same version at
 * another path): returns it, or NULL after the usage error. */
static plan_runtime *add_runtime(run_cli *c, plan_kind kind, const char *base)
{
    char name[64];
    snprintf(name, sizeof name, "%s", base);
    for (int i = 2; plan_find_runtime(&c->plan, name) != NULL; i++)
        snprintf(name, sizeof name, "%.50s-%d", base, i);
    plan_runtime *rt = plan_add_runtime(&c->plan, kind, name);
    if (rt == NULL)
        gcb_usage_error(cmd_name, "too many runtimes (at most %d)", PLAN_MAX_RUNTIMES);
    else if (strcmp(name, base) != 0)
        snprintf(rt->same_version_as, sizeof rt->same_version_as, "%s", base);
    return rt;
}

/* What a probe learnt, as a runtime of kind named PREFIX-X.Y.Z (made unique as add_runtime
 * makes it). 0, or -1 when the table is full. */
static int add_probed(run_cli *c, plan_kind kind, const char *prefix, const char *xyz,
                      const plan_runtime *probe)
{
    char name[64];
    snprintf(name, sizeof name, "%s-%s", prefix, xyz);
    plan_runtime *rt = add_runtime(c, kind, name);
    if (rt == NULL)
        return -1;
    char same[64];
    snprintf(same, sizeof same, "%s", rt->same_version_as);
    snprintf(name, sizeof name, "%s", rt->name);
    *rt = *probe;
    rt->kind = kind;
    snprintf(rt->name, sizeof rt->name, "%s", name);
    snprintf(rt->same_version_as, sizeof rt->same_version_as, "%s", same);
    return 0;
}

/* Each --python PATH, asked who it is: a runtime cpython-X.Y.Z. */
static int add_interpreters(run_cli *c)
{
    for (size_t i = 0; i < c->npythons; i++) {
        plan_runtime probe;
        char xyz[32], err[1024];
        memset(&probe, 0, sizeof probe);
        if (rtm_probe_python(c->pythons[i], &probe, xyz, sizeof xyz, err, sizeof err) != 0) {
            gcb_usage_error(cmd_name,
                            "--python %s: %s; give the path of a CPython %d.%d or newer "
                            "(e.g. /usr/bin/python3)",
                            c->pythons[i], err, RTM_MIN_MAJOR, RTM_MIN_MINOR);
            return -1;
        }
        if (add_probed(c, PLAN_INTERPRETER, "cpython", xyz, &probe) != 0)
            return -1;
    }
    return 0;
}

/* The package at pkg (named by --pyodide given), loaded once in Node.js to learn its CPython:
 * a runtime pyodide-X.Y.Z, unless a package at the same path is one already. */
static int add_pyodide(run_cli *c, const char *given, const char *pkg)
{
    char err[1024], xyz[32];
    for (size_t k = 0; k < c->plan.nruntimes; k++)
        if (c->plan.runtimes[k].kind == PLAN_PYODIDE && strcmp(c->plan.runtimes[k].path, pkg) == 0)
            return 0;
    plan_runtime probe;
    memset(&probe, 0, sizeof probe);
    if (rtm_probe_pyodide(c->node, c->pyodide_host, pkg, &probe, xyz, sizeof xyz, err,
                          sizeof err) != 0) {
        gcb_usage_error(cmd_name, "--pyodide %s: %s", given, err);
        return -1;
    }
    return add_probed(c, PLAN_PYODIDE, "pyodide", xyz, &probe);
}

/* Each --pyodide DIR (a package, or a folder of packages: each in it), loaded once in Node.js
 * to learn its CPython: a runtime pyodide-X.Y.Z. */
static int add_pyodides(run_cli *c)
{
    char err[1024];
    if (c->npyodides == 0) {
        gcb_usage_error(cmd_name,
                        "--runtime pyodide needs --pyodide DIR, an unpacked Pyodide "
                        "package: %s",
                        rtm_pyodide_hint);
        return -1;
    }
    if (rtm_find_node(c->node, sizeof c->node, err, sizeof err) != 0) {
        gcb_usage_error(cmd_name, "--pyodide %s: %s", c->pyodides[0], err);
        return -1;
    }
    if (gcb_find_share_file("worker_pyodide.mjs", c->pyodide_host, sizeof c->pyodide_host) != 0) {
        gcb_usage_error(cmd_name, "--pyodide: cannot find worker_pyodide.mjs next to bench or in "
                               "share/gcbench; reinstall gcbench");
        return -1;
    }
    rtm_node_version(c->node, c->node_version, sizeof c->node_version);
    char(*pkgs)[PATH_MAX] = calloc(PLAN_MAX_RUNTIMES, sizeof *pkgs); /* 64 KiB */
    if (pkgs == NULL) {
        gcb_error("out of memory");
        return -1;
    }
    int rc = 0;
    for (size_t i = 0; i < c->npyodides && rc == 0; i++) {
        size_t n = rtm_pyodide_dirs(c->pyodides[i], pkgs, PLAN_MAX_RUNTIMES);
        if (n == 0) {
            gcb_usage_error(cmd_name,
                            "--pyodide %s: not a Pyodide package (no pyodide.js, "
                            "pyodide.asm.wasm and python_stdlib.zip in it, in its package/ or "
                            "in its node_modules/pyodide/), nor a folder of them; %s",
                            c->pyodides[i], rtm_pyodide_hint);
            rc = -1;
        }
        for (size_t k = 0; k < n && rc == 0; k++)
            rc = add_pyodide(c, c->pyodides[i], pkgs[k]);
    }
    free(pkgs);
    return rc;
}

/* machine.csv's keys for the runtimes of this run: each interpreter's and package's path and
 * sys.version (and a package's npm version, and Node's). */
static void add_extra(run_cli *c, const char *key_fmt, const char *name, const char *value)
{
    if (c->nextra == RUN_MAX_EXTRA)
        return;
    snprintf(c->extra_keys[c->nextra], sizeof c->extra_keys[0], key_fmt, name);
    c->extra[c->nextra].key = c->extra_keys[c->nextra];
    c->extra[c->nextra].value = value;
    c->nextra++;
}

static void runtime_keys(run_cli *c)
{
    bool pyodide = false;
    for (size_t i = 0; i < c->plan.nruntimes; i++) {
        const plan_runtime *rt = &c->plan.runtimes[i];
        const char *prefix = rt->kind == PLAN_PYODIDE ? "pyodide.%s" : "interpreter.%s";
        char fmt[64];
        if (rt->kind != PLAN_INTERPRETER && rt->kind != PLAN_PYODIDE)
            continue;
        pyodide |= rt->kind == PLAN_PYODIDE;
        snprintf(fmt, sizeof fmt, "%s.path", prefix);
        add_extra(c, fmt, rt->name, rt->path);
        if (rt->kind == PLAN_PYODIDE) {
            snprintf(fmt, sizeof fmt, "%s.npm_version", prefix);
            add_extra(c, fmt, rt->name, rt->npm_version);
        }
        snprintf(fmt, sizeof fmt, "%s.version", prefix);
        add_extra(c, fmt, rt->name, rt->version);
        if (rt->same_version_as[0] != '\0') {
            snprintf(fmt, sizeof fmt, "%s.same_version_as", prefix);
            add_extra(c, fmt, rt->name, rt->same_version_as);
        }
    }
    if (pyodide)
        add_extra(c, "%s", "node_version", c->node_version);
}

/* The runtime table, in the order runs are made: native, python, the --python interpreters,
 * the --pyodide packages. Without --runtime: the --python and --pyodide ones alone when
 * given, else native (and python for a FILE.py, built-ins then staying native). */
static int choose_runtimes(run_cli *c)
{
    bool *want = c->want;
    if (!c->runtime_given && c->npythons == 0 && c->npyodides == 0) {
        want[WANT_NATIVE] = true;
        want[WANT_PYTHON] = c->user_files;
        c->builtins_stay_native = c->user_files;
        for (size_t i = 0; c->user_files && i < c->plan.nscenarios; i++)
            if (c->scenario_list[i].native != NULL)
                c->scenario_list[i].py_path[0] = '\0'; /* built-ins stay native */
    }
    want[WANT_PYODIDE] |= c->npyodides > 0;
    if (want[WANT_NATIVE] && plan_add_runtime(&c->plan, PLAN_NATIVE, "native") == NULL)
        return -1;
    if (want[WANT_PYTHON] && plan_add_runtime(&c->plan, PLAN_PYTHON, "python") == NULL)
        return -1;
    if (add_interpreters(c) != 0)
        return -1;
    if (want[WANT_PYODIDE] && add_pyodides(c) != 0)
        return -1;
    if (c->npythons > 0 &&
        gcb_find_share_file("worker.py", c->worker_py, sizeof c->worker_py) != 0) {
        gcb_usage_error(cmd_name, "--python: cannot find worker.py next to bench or in "
                               "share/gcbench; reinstall gcbench");
        return -1;
    }
    runtime_keys(c);
    return 0;
}

/* Whether the table has a CPython runtime (embedded, interpreter or Pyodide). */
static bool has_cpython(const run_cli *c)
{
    for (size_t i = 0; i < c->plan.nruntimes; i++)
        if (c->plan.runtimes[i].kind != PLAN_NATIVE)
            return true;
    return false;
}

/* Which runtimes run what: built-ins in each runtime (a CPython needs their twins), files in
 * the CPython runtimes only. */
static int check_runtimes(run_cli *c, bool policy_given)
{
    bool native = plan_find_runtime(&c->plan, "native") != NULL, cpython = has_cpython(c);
    for (size_t i = 0; i < c->plan.nscenarios; i++) {
        const plan_scenario *s = &c->scenario_list[i];
        if (s->native == NULL && !cpython) {
            gcb_usage_error(cmd_name,
                            "--scenario %s runs in a CPython runtime only; add "
                            "--runtime python (or --python PATH)",
                            s->py_path);
            return -1;
        }
        if (s->native != NULL && cpython && s->py_path[0] == '\0' && !c->builtins_stay_native) {
            gcb_usage_error(cmd_name,
                            "cannot find %s.py, the Python twin of scenario %s; set "
                            "GCBENCH_SCENARIOS_DIR to the scenarios folder",
                            s->name, s->name);
            return -1;
        }
    }
    if (policy_given && !native) {
        gcb_usage_error(cmd_name, "--policy applies to the native runtime; the python runtimes are "
                               "CPython itself");
        return -1;
    }
    bool traceable = false;
    for (size_t i = 0; i < c->plan.nruntimes; i++)
        traceable = traceable || plan_can_trace(&c->plan.runtimes[i]);
    if (c->plan.trace_frames > 0 && !traceable) {
        gcb_usage_error(cmd_name, "--trace-alloc traces CPython's allocations (tracemalloc); add "
                               "--runtime python or --python PATH");
        return -1;
    }
    return 0;
}

static int parse_pin(run_cli *c, const char *arg)
{
    c->npins = 0;
    if (strcmp(arg, "auto") == 0) {
        c->pin = PIN_AUTO;
        return 0;
    }
    if (strcmp(arg, "none") == 0) {
        c->pin = PIN_NONE;
        return 0;
    }
    size_t len = strlen(arg);
    if (len == 0 || len >= 1024 || arg[0] == ',' || arg[len - 1] == ',' || strstr(arg, ",,")) {
        gcb_usage_error(cmd_name, "bad --pin '%s': use auto, none or CPU numbers (0,2,3)", arg);
        return -1;
    }
    char buf[1024];
    snprintf(buf, sizeof buf, "%s", arg);
    char *save = NULL;
    for (char *tok = strtok_r(buf, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
        int64_t v;
        if (gcb_parse_i64(tok, 0, 1 << 20, &v) != 0) {
            gcb_usage_error(cmd_name, "bad --pin '%s': use auto, none or CPU numbers (0,2,3)",
                            arg);
            return -1;
        }
        for (size_t i = 0; i < c->npins; i++)
            if (c->pins[i] == (int)v) {
                gcb_usage_error(cmd_name, "--pin '%s': CPU %d twice (never two workers on one)",
                                arg, (int)v);
                return -1;
            }
        if (c->npins == sizeof c->pins / sizeof c->pins[0]) {
            gcb_usage_error(cmd_name, "--pin '%s': at most %zu CPUs", arg,
                            sizeof c->pins / sizeof c->pins[0]);
            return -1;
        }
        c->pins[c->npins++] = (int)v;
    }
    if (c->npins == 0) {
        gcb_usage_error(cmd_name, "bad --pin '%s': use auto, none or CPU numbers (0,2,3)", arg);
        return -1;
    }
    c->pin = PIN_LIST;
    return 0;
}

/* --shard K/N: 1 <= K <= N. */
static int parse_shard(run_cli *c, const char *arg)
{
    const char *slash = strchr(arg, '/');
    char k[32];
    if (slash == NULL || (size_t)(slash - arg) >= sizeof k) {
        gcb_usage_error(cmd_name, "bad --shard '%s': use K/N, the K-th of N parts (1/4)", arg);
        return -1;
    }
    snprintf(k, sizeof k, "%.*s", (int)(slash - arg), arg);
    if (gcb_parse_i64(k, 1, 1000000000, &c->shard_k) != 0 ||
        gcb_parse_i64(slash + 1, 1, 1000000000, &c->shard_n) != 0 || c->shard_k > c->shard_n) {
        gcb_usage_error(cmd_name, "bad --shard '%s': use K/N with 1 <= K <= N (1/4)", arg);
        return -1;
    }
    return 0;
}

static int parse_number(const char *opt, const char *arg, int64_t min, int64_t max, int64_t *out)
{
    if (gcb_parse_i64(arg, min, max, out) != 0) {
        gcb_usage_error(cmd_name, "bad %s '%s': expected a whole number from %lld to %lld", opt, arg,
                        (long long)min, (long long)max);
        return -1;
    }
    return 0;
}

enum {
    OPT_SCENARIO = 256,
    OPT_RUNTIME,
    OPT_ITERATIONS,
    OPT_REPEAT,
    OPT_GC,
    OPT_THRESHOLD,
    OPT_POLICY,
    OPT_ALLOCATOR,
    OPT_PARAM,
    OPT_INTERVAL,
    OPT_PIN,
    OPT_JOBS,
    OPT_SHARD,
    OPT_MAX_RSS,
    OPT_TIMEOUT,
    OPT_OUT,
    OPT_NO_PLOT,
    OPT_QUIET,
    OPT_PYTHON_ENV,
    OPT_THRESHOLD0,
    OPT_INTERPRETER_OBJECTS,
    OPT_PYTHON,
    OPT_PYODIDE,
    OPT_FAIL_ON,
    OPT_TRACE_ALLOC,
    OPT_HELP
};

/* --fail-on LIST: adds each verdict named (the option may repeat). */
static int parse_fail_on(run_cli *c, const char *arg)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", arg);
    char *save = NULL;
    bool any = false;
    for (char *w = strtok_r(buf, ",", &save); w != NULL; w = strtok_r(NULL, ",", &save)) {
        size_t i = 0;
        while (i < 5 && strcmp(w, run_fail_names[i]) != 0)
            i++;
        if (i == 5) {
            gcb_usage_error(cmd_name,
                            "--fail-on: unknown verdict '%s' (leak, uncollectable, delayed, "
                            "bounded, inconclusive)",
                            w);
            return -1;
        }
        c->fail_on[i] = any = true;
    }
    if (!any) {
        gcb_usage_error(cmd_name, "--fail-on: name a verdict (leak, uncollectable, delayed, bounded, "
                               "inconclusive)");
        return -1;
    }
    return 0;
}

static int parse_one(run_cli *c, int opt, const char *arg)
{
    switch (opt) {
    case OPT_SCENARIO:
        c->plan.nscenarios = 0;
        return parse_scenarios(c, arg);
    case OPT_RUNTIME:
        return parse_runtimes(c, arg);
    case OPT_ITERATIONS:
        return parse_number("--iterations", arg, 1, 1000000000, &c->plan.iterations);
    case OPT_REPEAT:
        return parse_number("--repeat", arg, 1, 1000000, &c->plan.repeat);
    case OPT_GC:
        return parse_modes(c, arg);
    case OPT_THRESHOLD:
        return parse_threshold(c, arg);
    case OPT_THRESHOLD0:
        return parse_threshold0(c, arg);
    case OPT_POLICY:
        return parse_policies(c, arg);
    case OPT_INTERPRETER_OBJECTS:
        return parse_number("--interpreter-objects", arg, 0, 100000000,
                            &c->plan.interpreter_objects);
    case OPT_ALLOCATOR:
        if (gcr_allocator_parse(arg, &c->plan.config.allocator) != 0) {
            gcb_usage_error(cmd_name, "unknown --allocator '%s'; use pymalloc or malloc", arg);
            return -1;
        }
        return 0;
    case OPT_PARAM:
        return parse_param(c, arg);
    case OPT_INTERVAL:
        return parse_number("--interval-ms", arg, 0, 3600000, &c->interval_ms);
    case OPT_JOBS:
        return parse_number("--jobs", arg, 1, 1024, &c->jobs);
    case OPT_SHARD:
        return parse_shard(c, arg);
    case OPT_PIN:
        return parse_pin(c, arg);
    case OPT_MAX_RSS:
        if (gcb_parse_size(arg, &c->max_rss_bytes) != 0 || c->max_rss_bytes == 0) {
            gcb_usage_error(cmd_name, "bad --max-rss '%s': expected a size such as 512M or 4G", arg);
            return -1;
        }
        return 0;
    case OPT_TIMEOUT:
        if (gcb_parse_seconds(arg, &c->timeout_s) != 0) {
            gcb_usage_error(cmd_name, "bad --timeout '%s': expected seconds > 0 (e.g. 60 or 2.5)",
                            arg);
            return -1;
        }
        return 0;
    case OPT_OUT: {
        char err[PATH_MAX + 256];
        if (results_check_out(arg, err, sizeof err) != 0) {
            gcb_usage_error(cmd_name, "%s", err);
            return -1;
        }
        c->out = arg;
    }
        return 0;
    case OPT_NO_PLOT:
        c->no_plot = true;
        return 0;
    case OPT_QUIET:
        c->quiet = true;
        return 0;
    case OPT_PYTHON_ENV:
        c->python_env = true;
        return 0;
    case OPT_PYTHON:
        return parse_paths("--python", arg, c->pythons, &c->npythons);
    case OPT_PYODIDE:
        return parse_paths("--pyodide", arg, c->pyodides, &c->npyodides);
    case OPT_FAIL_ON:
        return parse_fail_on(c, arg);
    case OPT_TRACE_ALLOC: {
        int64_t v;
        if (parse_number("--trace-alloc", arg, 1, 100, &v) != 0)
            return -1;
        c->plan.trace_frames = (int)v;
        return 0;
    }
    default:
        return -1;
    }
}

/* Returns 0, 1 for --help (printed), or -1 after a usage error. */
/* The options getopt_long reads (run_options_parse, run_options_mark). */
static const struct option opts[] = {
    {"scenario", required_argument, NULL, OPT_SCENARIO},
    {"runtime", required_argument, NULL, OPT_RUNTIME},
    {"iterations", required_argument, NULL, OPT_ITERATIONS},
    {"repeat", required_argument, NULL, OPT_REPEAT},
    {"gc", required_argument, NULL, OPT_GC},
    {"threshold", required_argument, NULL, OPT_THRESHOLD},
    {"policy", required_argument, NULL, OPT_POLICY},
    {"allocator", required_argument, NULL, OPT_ALLOCATOR},
    {"param", required_argument, NULL, OPT_PARAM},
    {"interval-ms", required_argument, NULL, OPT_INTERVAL},
    {"pin", required_argument, NULL, OPT_PIN},
    {"jobs", required_argument, NULL, OPT_JOBS},
    {"shard", required_argument, NULL, OPT_SHARD},
    {"max-rss", required_argument, NULL, OPT_MAX_RSS},
    {"timeout", required_argument, NULL, OPT_TIMEOUT},
    {"out", required_argument, NULL, OPT_OUT},
    {"no-plot", no_argument, NULL, OPT_NO_PLOT},
    {"quiet", no_argument, NULL, OPT_QUIET},
    {"python-env", no_argument, NULL, OPT_PYTHON_ENV},
    {"threshold0", required_argument, NULL, OPT_THRESHOLD0},
    {"interpreter-objects", required_argument, NULL, OPT_INTERPRETER_OBJECTS},
    {"python", required_argument, NULL, OPT_PYTHON},
    {"pyodide", required_argument, NULL, OPT_PYODIDE},
    {"fail-on", required_argument, NULL, OPT_FAIL_ON},
    {"trace-alloc", required_argument, NULL, OPT_TRACE_ALLOC},
    {"help", no_argument, NULL, OPT_HELP},
    {NULL, 0, NULL, 0},
};

int run_options_parse(const char *cmd, int argc, char **argv, run_cli *c)
{
    cmd_name = cmd;
    memset(c, 0, sizeof *c);
    c->plan.scenarios = c->scenario_list;
    c->plan.modes[PLAN_FORCED] = c->plan.modes[PLAN_AUTO] = true;
    c->plan.iterations = 10;
    c->plan.repeat = 1;
    c->plan.interpreter_objects = -1;
    c->interval_ms = 10;
    c->pin = PIN_AUTO;
    c->jobs = 1;
    c->out = "results";
    if (gcb_share_dir("scenarios", "GCBENCH_SCENARIOS_DIR", c->scenarios_dir,
                      sizeof c->scenarios_dir) != 0)
        c->scenarios_dir[0] = '\0';
    bool scenario_given = false, policy_given = false;
    opterr = 0;
    optind = 0; /* a fresh scan (GNU), whatever scanned argv before */
    int opt;
    while ((opt = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
        if (opt == OPT_HELP) {
            run_options_usage(stdout);
            return 1;
        }
        if (opt == '?' || opt == ':') {
            gcb_usage_getopt(cmd_name, opt, argv[optind - 1]);
            return -1;
        }
        scenario_given |= opt == OPT_SCENARIO;
        policy_given |= opt == OPT_POLICY;
        if (parse_one(c, opt, optarg) != 0)
            return -1;
    }
    if (optind < argc) {
        gcb_usage_error(cmd_name, "unexpected argument '%s'", argv[optind]);
        return -1;
    }
    if (!scenario_given && parse_scenarios(c, "all") != 0)
        return -1;
    if (check_params(c) != 0 || choose_runtimes(c) != 0)
        return -1;
    return check_runtimes(c, policy_given);
}

void run_options_free(run_cli *c)
{
    for (size_t i = 0; i < c->plan.nparams; i++)
        free((char *)c->plan.param_keys[i]);
    c->plan.nparams = 0;
}

void run_options_mark(int argc, char **argv, const char *const *names, size_t nnames, bool *marked)
{
    /* "-": no permutation (a non-option comes back as 1), so the elements an option took are
     * the ones between optind before and after it */
    for (int i = 0; i < argc; i++)
        marked[i] = false;
    opterr = 0;
    optind = 0;
    int before = 1, opt, index;
    while ((index = -1, opt = getopt_long(argc, argv, "-:", opts, &index)) != -1) {
        const char *name = index >= 0 ? opts[index].name : NULL;
        for (size_t k = 0; name != NULL && k < nnames; k++)
            if (strcmp(name, names[k]) == 0)
                for (int i = before; i < optind && i < argc; i++)
                    marked[i] = true;
        before = optind;
    }
    optind = 0;
}
