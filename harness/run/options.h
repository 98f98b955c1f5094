/* options.h — `bench run`'s options (also `bench plan`'s, which writes runs of them): parsed
 * and checked before anything is written, the runtimes probed, into a run_cli whose plan
 * expands into the runs (plan.h). */
#ifndef GCB_OPTIONS_H
#define GCB_OPTIONS_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "machine.h"
#include "plan.h"

enum { PIN_AUTO = -2, PIN_NONE = -1, PIN_LIST = -3 };

/* The verdicts --fail-on takes (released never fails a run), in run_cli.fail_on's order. */
extern const char *const run_fail_names[5];

#define RUN_MAX_SCENARIOS 64
#define RUN_MAX_EXTRA (5 * PLAN_MAX_RUNTIMES + 1)

/* What --runtime names (plan_runtime_choices' order). */
enum { WANT_NATIVE, WANT_PYTHON, WANT_PYODIDE };

typedef struct run_cli {
    plan_options plan;
    plan_scenario scenario_list[RUN_MAX_SCENARIOS];
    bool user_files; /* a --scenario FILE.py is among them */
    bool runtime_given;
    bool want[PLAN_RUNTIME_CHOICES];           /* what --runtime names */
    char pythons[PLAN_MAX_RUNTIMES][PATH_MAX]; /* --python PATH, in order, each once */
    size_t npythons;
    char pyodides[PLAN_MAX_RUNTIMES][PATH_MAX]; /* --pyodide DIR, as given, each once */
    size_t npyodides;
    bool builtins_stay_native;   /* no --runtime, a FILE.py: built-ins run natively only */
    char node[PATH_MAX];         /* Node.js, when a Pyodide package runs */
    char node_version[64];       /* its --version */
    char pyodide_host[PATH_MAX]; /* worker_pyodide.mjs */
    char worker_py[PATH_MAX];    /* worker.py, what an interpreter runs */
    /* machine.csv's keys for the runtimes: names built here, values in the runtime table */
    char extra_keys[RUN_MAX_EXTRA][128];
    machine_extra extra[RUN_MAX_EXTRA];
    size_t nextra;
    int64_t interval_ms;
    int pin;                 /* PIN_AUTO, PIN_NONE, or PIN_LIST: pins[0..npins) */
    int pins[64];            /* --pin CPU[,CPU...], each once */
    size_t npins;
    int64_t jobs;            /* --jobs N [1] */
    int64_t shard_k, shard_n; /* --shard K/N; 0/0: the whole plan */
    uint64_t max_rss_bytes; /* 0: half of RAM, decided once the machine is known */
    double timeout_s;
    const char *out;
    bool no_plot, quiet, python_env;
    /* --fail-on: the verdicts (verdict_fail_names' order) that make the run exit 3 */
    bool fail_on[5];
    char scenarios_dir[PATH_MAX]; /* the built-ins' Python twins; "" when not found */
} run_cli;


/* `bench run`'s --help (both parts). */
void run_options_usage(FILE *out);

/* Parses `bench CMD` (cmd: "run" or "plan", for the messages) options from argv[1..). Returns
 * 0, 1 for --help (printed), or -1 after a usage error (printed). Free with
 * run_options_free whatever it returns. */
int run_options_parse(const char *cmd, int argc, char **argv, run_cli *c);
void run_options_free(run_cli *c);
/* Marks in marked[0..argc) the elements of argv (argv[0] is the command) that getopt_long
 * reads as one of the options names[0..nnames) (long names, "out") or as its value: what
 * `bench plan` leaves out of the `bench run` lines it writes. */
void run_options_mark(int argc, char **argv, const char *const *names, size_t nnames, bool *marked);

#endif /* GCB_OPTIONS_H */
