/* worker_python.c — bench-worker-python, the process that runs one scenario run in real
 * CPython 3.11, embedded through libpython: an isolated interpreter (no user site, no PYTHON*
 * variables, unless --python-env), the allocator chosen before it starts (pymalloc or
 * malloc: PYTHONMALLOC's choice), the scenario module loaded from its file, the GC settings
 * applied through the gc module, and worker_core's loop (arguments, samples and exit status:
 * worker_core.h). `bench-worker-python --version` prints the embedded Python's version.
 *
 * The scenario contract (README): a module with an optional PARAMS dict, an optional
 * setup(params), a required step(params) — one iteration — and an optional teardown(). An
 * exception in any of them fails the run with its traceback, on stderr and in runs.csv.
 *
 * Counters come from the gc module (get_count, get_stats totals, len(gc.garbage)) and
 * sys.getallocatedblocks() (as blocks_in_use); pauses from a gc.callbacks entry written in C.
 * CPython does not count live objects, bytes or objects scanned: those cells stay empty.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "util.h"
#include "worker_core.h"

/* The Python half of the worker, run once in a module of its own: everything that is easier
 * said in Python than through the C API. Every call into the scenario goes through call(),
 * which returns None, or the formatted traceback of what it raised. */
static const char bootstrap[] =
    "import collections, gc, importlib.util, os, sys, traceback\n"
    "scenario = None\n"
    "params = None\n"
    "mark = collections.Counter()\n"
    "def load(path, overrides):\n"
    "    global scenario, params\n"
    "    sys.path.insert(0, os.path.dirname(os.path.abspath(path)))\n"
    "    name = os.path.splitext(os.path.basename(path))[0]\n"
    "    spec = importlib.util.spec_from_file_location(name, path)\n"
    "    module = importlib.util.module_from_spec(spec)\n"
    "    sys.modules[name] = module\n"
    "    spec.loader.exec_module(module)\n"
    "    if not callable(getattr(module, 'step', None)):\n"
    "        raise AttributeError(f'{path} has no step(params) function')\n"
    "    params = dict(getattr(module, 'PARAMS', None) or {})\n"
    "    for key, text in overrides:\n"
    "        if key not in params:\n"
    "            have = ', '.join(sorted(params)) or 'none'\n"
    "            raise KeyError(f'--param {key}: {path} has no parameter {key!r} (PARAMS: "
    "{have})')\n"
    "        kind = type(params[key])\n"
    "        params[key] = text if kind is str else kind(text)\n"
    "    scenario = module\n"
    "def call(what, *args):\n"
    "    try:\n"
    "        if callable(what):\n"
    "            what(*args)\n"
    "        else:\n"
    "            fn = getattr(scenario, what, None)\n"
    "            if fn is not None:\n"
    "                fn(*args)\n"
    "        return None\n"
    "    except BaseException:\n"
    "        text = traceback.format_exc()\n"
    "        sys.stderr.write(text)\n"
    "        sys.stderr.flush()\n"
    "        return text\n"
    "def setup():\n"
    "    return call('setup', params)\n"
    "def step():\n"
    "    return call(scenario.step, params)\n"
    "def teardown():\n"
    "    return call('teardown')\n"
    "def counters():\n"
    "    count = gc.get_count()\n"
    "    stats = gc.get_stats()\n"
    "    return (count[0], count[1], count[2], sum(s['collections'] for s in stats),\n"
    "            sum(s['collected'] for s in stats), sum(s['uncollectable'] for s in stats),\n"
    "            len(gc.garbage), sys.getallocatedblocks())\n"
    "def type_counts():\n"
    "    counts, sizes = collections.Counter(), collections.Counter()\n"
    "    for o in gc.get_objects():\n"
    "        name = type(o).__name__\n"
    "        counts[name] += 1\n"
    "        sizes[name] += sys.getsizeof(o)\n"
    "    return counts, sizes\n"
    "def mark_types():\n"
    "    global mark\n"
    "    mark = type_counts()[0]\n"
    "def top_types(n):\n"
    "    counts, sizes = type_counts()\n"
    "    return [(name, c, sizes[name], c - mark[name]) for name, c in counts.most_common(n)]\n"
    "def params_text():\n"
    "    return ';'.join(f'{k}={v}' for k, v in params.items()) if params else ''\n"
    "def flush():\n"
    "    for f in (sys.stdout, sys.stderr):\n"
    "        try:\n"
    "            f.flush()\n"
    "        except Exception:\n"
    "            pass\n";

typedef struct python {
    const wk_args *a;
    PyObject *boot; /* the bootstrap module */
    wk_pauses *pauses;
    int64_t gc_start_ns;
    int64_t pause_total_ns;
} python;

/* ---- calling the bootstrap --------------------------------------------------------------- */

/* boot.name(*args) as a new reference, or NULL (the Python error printed on stderr). */
static PyObject *boot_call(python *p, const char *name, PyObject *args)
{
    PyObject *fn = PyObject_GetAttrString(p->boot, name);
    PyObject *r = NULL;
    if (fn != NULL)
        r = args != NULL ? PyObject_Call(fn, args, NULL) : PyObject_CallNoArgs(fn);
    Py_XDECREF(fn);
    if (r == NULL)
        PyErr_Print();
    return r;
}

/* Runs one of the scenario calls (setup, step, teardown) through boot.call: 0, or -1 with the
 * traceback in err. */
static int scenario_call(python *p, const char *name, char *err, size_t errlen)
{
    PyObject *r = boot_call(p, name, NULL);
    if (r == NULL) {
        snprintf(err, errlen, "the worker's own Python failed in %s (see stderr)", name);
        return -1;
    }
    int rc = 0;
    if (r != Py_None) {
        const char *text = PyUnicode_AsUTF8(r);
        snprintf(err, errlen, "%s", text != NULL ? text : "an exception");
        rc = -1;
    }
    Py_DECREF(r);
    return rc;
}

/* ---- the interpreter ------------------------------------------------------------------------ */

static int start_python(const wk_args *a, char *err, size_t errlen)
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
        config.parse_argv = 0;
        status = PyConfig_SetBytesString(&config, &config.program_name, "bench-worker-python");
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

/* gc.callbacks entry: the pause of every collection, start to stop. */
static PyObject *on_gc(PyObject *self, PyObject *args)
{
    const char *phase;
    PyObject *info;
    if (!PyArg_ParseTuple(args, "sO", &phase, &info))
        return NULL;
    python *p = PyCapsule_GetPointer(self, "gcbench.python");
    if (p == NULL)
        return NULL;
    if (strcmp(phase, "start") == 0) {
        p->gc_start_ns = gcb_now_ns();
    } else {
        int64_t pause = gcb_now_ns() - p->gc_start_ns;
        p->pause_total_ns += pause;
        wk_pauses_add(p->pauses, pause);
    }
    Py_RETURN_NONE;
}

static PyMethodDef on_gc_def = {"gcbench_pause", on_gc, METH_VARARGS, NULL};

/* The bootstrap module, the GC settings, the pause callback, the scenario loaded. */
static int prepare(python *p, char *err, size_t errlen)
{
    const wk_args *a = p->a;
    PyObject *code = Py_CompileString(bootstrap, "<gcbench>", Py_file_input);
    p->boot = code != NULL ? PyImport_ExecCodeModule("_gcbench", code) : NULL;
    Py_XDECREF(code);
    if (p->boot == NULL) {
        PyErr_Print();
        snprintf(err, errlen, "the worker's bootstrap failed (see stderr)");
        return -1;
    }
    PyObject *gc = PyImport_ImportModule("gc");
    PyObject *capsule = PyCapsule_New(p, "gcbench.python", NULL);
    PyObject *cb = capsule != NULL ? PyCFunction_New(&on_gc_def, capsule) : NULL;
    PyObject *callbacks = gc != NULL ? PyObject_GetAttrString(gc, "callbacks") : NULL;
    PyObject *r = NULL;
    if (callbacks != NULL && cb != NULL && PyList_Append(callbacks, cb) == 0) {
        r = a->threshold_set ? PyObject_CallMethod(gc, "set_threshold", "iii", a->threshold[0],
                                                   a->threshold[1], a->threshold[2])
                             : Py_NewRef(Py_None);
        if (r != NULL && a->mode == WK_OFF) {
            Py_DECREF(r);
            r = PyObject_CallMethod(gc, "disable", NULL);
        }
    }
    int rc = r != NULL ? 0 : -1;
    if (rc != 0) {
        PyErr_Print();
        snprintf(err, errlen, "cannot apply the GC settings (see stderr)");
    }
    Py_XDECREF(r), Py_XDECREF(callbacks), Py_XDECREF(cb), Py_XDECREF(capsule), Py_XDECREF(gc);
    return rc;
}

/* boot.load(path, [(key, value), …]) through boot.call, so that an import error or a syntax
 * error becomes the run's message. */
static int load_scenario(python *p, char *err, size_t errlen)
{
    PyObject *overrides = PyList_New(0);
    for (size_t i = 0; overrides != NULL && i < p->a->nparams; i++) {
        PyObject *kv = Py_BuildValue("(ss)", p->a->param_keys[i], p->a->param_values[i]);
        if (kv == NULL || PyList_Append(overrides, kv) != 0)
            Py_CLEAR(overrides);
        Py_XDECREF(kv);
    }
    PyObject *load = PyObject_GetAttrString(p->boot, "load");
    PyObject *args = load != NULL && overrides != NULL
                         ? Py_BuildValue("(OsO)", load, p->a->file, overrides)
                         : NULL;
    PyObject *r = args != NULL ? boot_call(p, "call", args) : NULL;
    Py_XDECREF(args), Py_XDECREF(load), Py_XDECREF(overrides);
    if (r == NULL) {
        snprintf(err, errlen, "cannot load %s (see stderr)", p->a->file);
        return -1;
    }
    int rc = 0;
    if (r != Py_None) {
        snprintf(err, errlen, "%s", PyUnicode_AsUTF8(r));
        rc = -1;
    }
    Py_DECREF(r);
    return rc;
}

/* ---- the backend ------------------------------------------------------------------------------
 */

static int py_setup(void *ctx, wk_pauses *pauses, char *err, size_t errlen)
{
    python *p = ctx;
    p->pauses = pauses;
    if (prepare(p, err, errlen) != 0 || load_scenario(p, err, errlen) != 0)
        return -1;
    return scenario_call(p, "setup", err, errlen);
}

static int py_step(void *ctx, char *err, size_t errlen)
{
    return scenario_call(ctx, "step", err, errlen);
}

static void py_collect(void *ctx)
{
    (void)ctx;
    PyObject *gc = PyImport_ImportModule("gc");
    PyObject *r = gc != NULL ? PyObject_CallMethod(gc, "collect", NULL) : NULL;
    if (r == NULL)
        PyErr_Print();
    Py_XDECREF(r), Py_XDECREF(gc);
}

/* boot.counters() into a: count0..2, collections, collected, uncollectable, garbage, blocks. */
static void counters(python *p, int64_t a[8])
{
    for (int i = 0; i < 8; i++)
        a[i] = -1;
    PyObject *r = boot_call(p, "counters", NULL);
    for (Py_ssize_t i = 0; r != NULL && i < 8 && i < PyTuple_Size(r); i++)
        a[i] = PyLong_AsLongLong(PyTuple_GET_ITEM(r, i));
    Py_XDECREF(r);
}

static void py_sample(void *ctx, wire_iter *s)
{
    python *p = ctx;
    int64_t c[8];
    counters(p, c);
    for (int g = 0; g < 3; g++)
        s->count[g] = c[g];
    s->collections = c[3];
    s->collected = c[4];
    s->uncollectable = c[5];
    s->garbage = c[6];
    s->blocks_in_use = c[7];
    s->pause_ns = p->pause_total_ns;
    s->live_objects = s->live_bytes = s->objects_scanned = -1;
    s->arenas_current = s->arenas_allocated_total = s->arenas_reclaimed_total = -1;
    s->arenas_highwater = -1;
    for (int g = 0; g < 3; g++)
        s->collections_gen[g] = -1;
    s->heap_objects = -1;
}

static void py_mark_types(void *ctx)
{
    PyObject *r = boot_call(ctx, "mark_types", NULL);
    Py_XDECREF(r);
}

static size_t py_types(void *ctx, wire_type *out, size_t max)
{
    PyObject *args = Py_BuildValue("(n)", (Py_ssize_t)max);
    PyObject *r = args != NULL ? boot_call(ctx, "top_types", args) : NULL;
    Py_XDECREF(args);
    size_t n = 0;
    for (Py_ssize_t i = 0; r != NULL && i < PyList_Size(r) && n < max; i++) {
        const char *name;
        long long count, bytes, growth;
        if (!PyArg_ParseTuple(PyList_GET_ITEM(r, i), "sLLL", &name, &count, &bytes, &growth)) {
            PyErr_Clear();
            continue;
        }
        memset(&out[n], 0, sizeof out[n]);
        snprintf(out[n].name, sizeof out[n].name, "%s", name);
        out[n].live_objects = count;
        out[n].live_bytes = bytes;
        out[n].growth_objects = growth;
        n++;
    }
    Py_XDECREF(r);
    return n;
}

static void py_params(void *ctx, char *buf, size_t len)
{
    PyObject *r = boot_call(ctx, "params_text", NULL);
    const char *text = r != NULL ? PyUnicode_AsUTF8(r) : NULL;
    snprintf(buf, len, "%s", text != NULL ? text : "");
    Py_XDECREF(r);
}

static void py_totals(void *ctx, wire_done *d)
{
    python *p = ctx;
    int64_t c[8];
    counters(p, c);
    d->collections = c[3];
    d->collected = c[4];
    d->uncollectable = c[5];
    d->garbage = c[6];
    d->objects_scanned = -1;
    d->pause_ns_total = p->pause_total_ns;
}

static void py_teardown(void *ctx)
{
    char err[16];
    scenario_call(ctx, "teardown", err, sizeof err); /* its traceback is on stderr */
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "--version") == 0) {
        printf("CPython %s\n", Py_GetVersion());
        return 0;
    }
    wk_args a;
    wk_parse_args(argc, argv, &a);
    if (a.file == NULL)
        wk_die_usage("bench-worker-python runs a scenario --file");
    if (a.policy != NULL && strcmp(a.policy, "cpython") != 0)
        wk_die_usage("the CPython runtime has no policy '%s'", a.policy);
    char err[512];
    if (start_python(&a, err, sizeof err) != 0) {
        fprintf(stderr, "bench-worker-python: %s\n", err);
        return 1;
    }
    python p = {.a = &a};
    const wk_backend backend = {
        .ctx = &p,
        .setup = py_setup,
        .step = py_step,
        .collect = py_collect,
        .sample = py_sample,
        .mark_types = py_mark_types,
        .types = py_types,
        .params = py_params,
        .totals = py_totals,
        .teardown = py_teardown,
    };
    int rc = wk_run(&a, &backend);
    if (p.boot != NULL) {
        PyObject *r = boot_call(&p, "flush", NULL);
        Py_XDECREF(r);
    }
    fflush(NULL);
    _exit(rc); /* no finalization: the run is over, and a scenario's threads must not hang it */
}
