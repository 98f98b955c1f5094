/* worker_python.c — bench-worker-python, the process that runs one scenario run in real
 * CPython 3.11, embedded through libpython. It is only a host: it checks the worker's
 * arguments (worker_core.h), starts an isolated interpreter (no user site, no PYTHON*
 * variables, unless --python-env) with the allocator chosen before it starts (pymalloc or
 * malloc: PYTHONMALLOC's choice, made through PyPreConfig), and runs worker.py — the Python
 * side of every interpreter's worker, installed beside it — as __main__ with the same
 * arguments. Everything else (loading the scenario, the loop, the samples, the records, the
 * exit status) is worker.py's, as it is under `bench run --python PATH`.
 *
 * `bench-worker-python --version` prints the embedded Python's version.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "worker_core.h"

/* Starts the interpreter with argv as sys.argv and worker.py as the file Py_RunMain runs.
 * Returns 0, or -1 with a message in err. */
static int start_python(const wk_args *a, const char *worker_py, int argc, char **argv, char *err,
                        size_t errlen)
{
    PyPreConfig pre;
    if (a->python_env)
        PyPreConfig_InitPythonConfig(&pre);
    else
        PyPreConfig_InitIsolatedConfig(&pre);
    if (a->allocator == NULL || strcmp(a->allocator, "pymalloc") == 0)
        pre.allocator = PYMEM_ALLOCATOR_PYMALLOC;
    else if (strcmp(a->allocator, "malloc") == 0)
        pre.allocator = PYMEM_ALLOCATOR_MALLOC;
    else
        wk_die_usage("unknown allocator '%s' for CPython", a->allocator);
    PyStatus status = Py_PreInitialize(&pre);
    PyConfig config;
    if (!PyStatus_Exception(status)) {
        if (a->python_env)
            PyConfig_InitPythonConfig(&config);
        else
            PyConfig_InitIsolatedConfig(&config);
        config.install_signal_handlers = 0; /* Ctrl-C and kills act as on any worker */
        config.parse_argv = 0;              /* the worker's options are worker.py's */
        status = PyConfig_SetBytesString(&config, &config.program_name, "bench-worker-python");
        if (!PyStatus_Exception(status))
            status = PyConfig_SetBytesString(&config, &config.run_filename, worker_py);
        /* sys.argv: worker.py, then this program's arguments */
        char *saved = argv[0];
        argv[0] = (char *)worker_py;
        if (!PyStatus_Exception(status))
            status = PyConfig_SetBytesArgv(&config, argc, argv);
        argv[0] = saved;
        if (!PyStatus_Exception(status))
            status = Py_InitializeFromConfig(&config);
        PyConfig_Clear(&config);
    }
    if (PyStatus_Exception(status)) {
        snprintf(err, errlen, "cannot start CPython: %s", status.err_msg ? status.err_msg : "?");
        return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "--version") == 0) {
        printf("CPython %s\n", Py_GetVersion());
        return 0;
    }
    /* getopt_long may reorder its argv and wk_parse_args cuts --param strings: check a deep
     * copy, pass the original on */
    char **copy = calloc((size_t)argc + 1, sizeof *copy);
    if (copy == NULL)
        return 1;
    for (int i = 0; i < argc; i++)
        if ((copy[i] = strdup(argv[i])) == NULL)
            return 1;
    wk_args a; /* points into copy, which lives as long as the process */
    wk_parse_args(argc, copy, &a);
    if (a.file == NULL)
        wk_die_usage("bench-worker-python runs a scenario --file");
    if (a.policy != NULL && strcmp(a.policy, "cpython") != 0)
        wk_die_usage("the CPython runtime has no policy '%s'", a.policy);
    char worker_py[PATH_MAX], err[PATH_MAX + 256];
    if (gcb_find_share_file("worker.py", worker_py, sizeof worker_py) != 0) {
        fprintf(stderr, "bench-worker-python: cannot find worker.py beside it or in "
                        "share/gcbench; reinstall gcbench\n");
        return 1;
    }
    if (start_python(&a, worker_py, argc, argv, err, sizeof err) != 0) {
        fprintf(stderr, "bench-worker-python: %s\n", err);
        return 1;
    }
    /* worker.py ends the process itself (os._exit, no finalization); a return means it could
     * not run at all (its error is on stderr). */
    int rc = Py_RunMain();
    fflush(NULL);
    _exit(rc == 0 ? 1 : rc);
}
