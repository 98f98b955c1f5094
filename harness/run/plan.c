/* plan.c — expanding `bench run`'s options into the list of runs (see plan.h). */
#include "plan.h"

#include <inttypes.h>
#include <stdio.h>

#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const plan_mode_names[PLAN_MODES] = {"forced", "auto", "off"};
const char *const plan_runtime_choices[PLAN_RUNTIME_CHOICES] = {"native", "python", "pyodide"};

const plan_runtime *plan_run_runtime(const plan_run *r)
{
    return &r->options->runtimes[r->runtime];
}

const char *plan_policy_name(const plan_run *r)
{
    return plan_run_runtime(r)->kind == PLAN_NATIVE ? gcr_policy_name(r->config.policy) : "cpython";
}

const char *plan_allocator_name(const plan_run *r)
{
    return plan_run_runtime(r)->kind == PLAN_PYODIDE ? "malloc"
                                                     : gcr_allocator_name(r->config.allocator);
}

int plan_rss_comparable(const plan_run *r) { return plan_run_runtime(r)->kind != PLAN_PYODIDE; }

plan_runtime *plan_add_runtime(plan_options *o, plan_kind kind, const char *name)
{
    if (o->nruntimes == PLAN_MAX_RUNTIMES)
        return NULL;
    plan_runtime *rt = &o->runtimes[o->nruntimes++];
    memset(rt, 0, sizeof *rt);
    rt->kind = kind;
    snprintf(rt->name, sizeof rt->name, "%s", name);
    return rt;
}

const plan_runtime *plan_find_runtime(const plan_options *o, const char *name)
{
    for (size_t i = 0; i < o->nruntimes; i++)
        if (strcmp(o->runtimes[i].name, name) == 0)
            return &o->runtimes[i];
    return NULL;
}

/* The run's parameters and their text: a built-in's defaults with the --param values it has
 * a key for (both runtimes: the twins share their parameters); a user's file: the --param
 * given, as given. */
static void fill_params(const plan_options *o, plan_run *r)
{
    const scn_scenario *s = r->scenario->native;
    size_t used = 0;
    r->params_text[0] = '\0';
    if (s == NULL) {
        for (size_t i = 0; i < o->nparams && used < sizeof r->params_text; i++)
            used += (size_t)snprintf(r->params_text + used, sizeof r->params_text - used, "%s%s=%s",
                                     i ? ";" : "", o->param_keys[i], o->param_values[i]);
        return;
    }
    scn_defaults(s, &r->params);
    for (size_t i = 0; i < o->nparams; i++) {
        int k = scn_param_index(s, o->param_keys[i]);
        if (k >= 0)
            r->params.v[k] = strtol(o->param_values[i], NULL, 10); /* checked by cmd_run */
    }
    for (size_t k = 0; k < s->param_count && used < sizeof r->params_text; k++)
        used += (size_t)snprintf(r->params_text + used, sizeof r->params_text - used, "%s%s=%ld",
                                 k ? ";" : "", s->params[k].key, r->params.v[k]);
}

/* The setting's thresholds and their text: the given ones, else the runtime's defaults. */
static void fill_threshold(const plan_options *o, size_t t, plan_run *r)
{
    const plan_runtime *rt = plan_run_runtime(r);
    r->threshold_set = o->nthresholds > 0;
    if (r->threshold_set) {
        memcpy(r->threshold, o->thresholds[t], sizeof r->threshold);
    } else if (rt->kind == PLAN_PYTHON) {
        static const int cpython[3] = PLAN_CPYTHON_THRESHOLDS;
        memcpy(r->threshold, cpython, sizeof r->threshold);
    } else if (rt->kind != PLAN_NATIVE) {
        memcpy(r->threshold, rt->default_threshold, sizeof r->threshold);
    } else {
        gcr_config config = r->config; /* the policy's defaults, as the worker sees them */
        config.interpreter_objects = 0;
        gcr_runtime *rt = gcr_open(&config);
        if (rt != NULL) {
            gcr_gc_get_threshold(rt, r->threshold);
            gcr_close(rt);
        }
    }
    snprintf(r->threshold_text, sizeof r->threshold_text, "%d/%d/%d", r->threshold[0],
             r->threshold[1], r->threshold[2]);
}

/* Whether the scenario can run in that runtime: a native one needs the built-in, the others
 * (CPython) a Python file. */
static bool runs_in(const plan_options *o, const plan_scenario *s, size_t rt)
{
    return o->runtimes[rt].kind == PLAN_NATIVE ? s->native != NULL : s->py_path[0] != '\0';
}

bool plan_can_trace(const plan_runtime *rt)
{
    return rt->kind == PLAN_PYTHON || rt->kind == PLAN_INTERPRETER;
}

plan_run *plan_expand(const plan_options *o, size_t *count)
{
    size_t nsettings = o->nthresholds > 0 ? o->nthresholds : 1;
    size_t npolicies = o->npolicies > 0 ? o->npolicies : 1;
    size_t nmodes = 0, nruntimes = 0, ntraced = 0;
    for (int m = 0; m < PLAN_MODES; m++)
        nmodes += o->modes[m];
    for (size_t s = 0; s < o->nscenarios; s++)
        for (size_t rt = 0; rt < o->nruntimes; rt++)
            if (runs_in(o, &o->scenarios[s], rt)) {
                nruntimes += o->runtimes[rt].kind == PLAN_NATIVE ? npolicies : 1;
                ntraced += o->trace_frames > 0 && plan_can_trace(&o->runtimes[rt]);
            }
    size_t n = (nruntimes * (size_t)o->repeat + ntraced) * nsettings * nmodes;
    plan_run *runs = calloc(n ? n : 1, sizeof *runs);
    if (runs == NULL)
        return NULL;
    size_t i = 0;
    for (size_t s = 0; s < o->nscenarios; s++)
        for (size_t rt = 0; rt < o->nruntimes; rt++) {
            if (!runs_in(o, &o->scenarios[s], rt))
                continue;
            size_t np = o->runtimes[rt].kind == PLAN_NATIVE ? npolicies : 1;
            bool traced = o->trace_frames > 0 && plan_can_trace(&o->runtimes[rt]);
            for (size_t p = 0; p < np; p++)
                for (size_t t = 0; t < nsettings; t++)
                    for (int64_t rep = 1; rep <= o->repeat + traced; rep++)
                        for (int m = 0; m < PLAN_MODES; m++) {
                            if (!o->modes[m])
                                continue;
                            plan_run *r = &runs[i++];
                            snprintf(r->run_id, sizeof r->run_id, "r%04zu", i);
                            r->index = i;
                            r->scenario = &o->scenarios[s];
                            r->runtime = rt;
                            r->options = o;
                            r->config = o->config;
                            if (o->npolicies > 0)
                                r->config.policy = o->policies[p];
                            r->config.interpreter_objects =
                                o->interpreter_objects >= 0
                                    ? (size_t)o->interpreter_objects
                                    : gcr_policy_interpreter_objects(r->config.policy);
                            fill_params(o, r);
                            fill_threshold(o, t, r);
                            r->mode = (plan_mode)m;
                            r->iterations = o->iterations;
                            /* the traced run comes after the repeats, as repeat 1 of its own */
                            r->trace_frames = rep > o->repeat ? o->trace_frames : 0;
                            r->repeat = rep > o->repeat ? 1 : rep;
                        }
        }
    *count = n;
    return runs;
}

void plan_id(const plan_run *runs, size_t n, char out[17])
{
    /* every field that makes a run what it is, run by run; not where or how it is run (--out,
     * --jobs, --pin, --shard, limits), which may differ between the shards of one plan */
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++) {
        const plan_run *r = &runs[i];
        char nums[128];
        snprintf(nums, sizeof nums, "%zu %lld %lld %d %zu", r->index, (long long)r->repeat,
                 (long long)r->iterations, r->trace_frames, r->config.interpreter_objects);
        const char *parts[] = {r->run_id,           r->scenario->name,
                               plan_run_runtime(r)->name, plan_policy_name(r),
                               plan_allocator_name(r), r->threshold_text,
                               plan_mode_names[r->mode], r->params_text,
                               nums};
        h = h * 1099511628211ull ^ gcb_hash_strings(parts, sizeof parts / sizeof parts[0]);
    }
    snprintf(out, 17, "%016" PRIx64, h);
}

void plan_shard(size_t n, size_t k, size_t parts, size_t *first, size_t *count)
{
    /* part k (1-based) of parts: runs [n(k-1)/parts, nk/parts), sizes differing by one at most */
    size_t lo = n * (k - 1) / parts, hi = n * k / parts;
    *first = lo;
    *count = hi - lo;
}
