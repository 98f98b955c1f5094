/* test_plan.c — expanding bench run's options into runs (plan.h): order, ids, parameters,
 * threshold texts, runtimes, and scenario files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan.h"

/* A built-in as cmd_run makes it, with a Python twin path (any non-empty path will do). */
static plan_scenario builtin(const char *name)
{
    plan_scenario s = {.native = scn_find(name)};
    assert_non_null(s.native);
    snprintf(s.name, sizeof s.name, "%s", name);
    snprintf(s.py_path, sizeof s.py_path, "/src/scenarios/%s.py", name);
    return s;
}

static plan_options options(const plan_scenario *s, size_t n)
{
    plan_options o = {0};
    o.scenarios = s;
    o.nscenarios = n;
    assert_non_null(plan_add_runtime(&o, PLAN_NATIVE, "native"));
    o.modes[PLAN_FORCED] = o.modes[PLAN_AUTO] = true;
    o.iterations = 10;
    o.repeat = 1;
    return o;
}

static void defaults_expand_to_scenarios_times_modes(void **state)
{
    (void)state;
    size_t n;
    const scn_scenario *const *all = scn_all(&n);
    plan_scenario s[16];
    for (size_t i = 0; i < n; i++)
        s[i] = builtin(all[i]->name);
    plan_options o = options(s, n);
    size_t count;
    plan_run *runs = plan_expand(&o, &count);
    assert_non_null(runs);
    assert_int_equal(count, 2 * n);
    assert_string_equal(runs[0].run_id, "r0001");
    assert_string_equal(runs[0].scenario->name, "cross_reference");
    assert_int_equal(plan_run_runtime(&runs[0])->kind, PLAN_NATIVE);
    assert_string_equal(plan_run_runtime(&runs[0])->name, "native");
    assert_int_equal(runs[0].mode, PLAN_FORCED);
    assert_int_equal(runs[1].mode, PLAN_AUTO); /* a setting's modes back to back */
    assert_string_equal(runs[0].threshold_text, "700/10/10");
    assert_false(runs[0].threshold_set);
    assert_string_equal(runs[0].params_text, "objects=100;floats=10000");
    assert_string_equal(plan_policy_name(&runs[0]), "py311");
    assert_int_equal(runs[count - 1].iterations, 10);
    free(runs);
}

static void settings_repeats_and_params(void **state)
{
    (void)state;
    plan_scenario s[] = {builtin("global_cache")};
    plan_options o = options(s, 1);
    o.modes[PLAN_FORCED] = o.modes[PLAN_AUTO] = false;
    o.modes[PLAN_OFF] = true;
    o.iterations = 3;
    o.repeat = 2;
    o.nthresholds = 2;
    memcpy(o.thresholds[0], (int[3]){100, 5, 5}, sizeof o.thresholds[0]);
    memcpy(o.thresholds[1], (int[3]){2000, 10, 10}, sizeof o.thresholds[1]);
    o.param_keys[0] = "objects";
    o.param_values[0] = "7";
    o.param_keys[1] = "nosuch"; /* another scenario's key: ignored here */
    o.param_values[1] = "1";
    o.nparams = 2;
    size_t count;
    plan_run *runs = plan_expand(&o, &count);
    assert_int_equal(count, 4); /* 2 settings x 2 repeats x 1 mode */
    assert_string_equal(runs[0].threshold_text, "100/5/5");
    assert_int_equal(runs[0].repeat, 1);
    assert_int_equal(runs[1].repeat, 2);
    assert_string_equal(runs[2].threshold_text, "2000/10/10");
    assert_true(runs[2].threshold_set);
    assert_string_equal(runs[3].run_id, "r0004");
    assert_string_equal(runs[3].params_text, "objects=7;floats=10000");
    assert_int_equal(runs[3].params.v[0], 7);
    free(runs);
}

static void runtimes_and_files(void **state)
{
    (void)state;
    plan_scenario s[2] = {builtin("cross_reference")};
    snprintf(s[1].name, sizeof s[1].name, "my_leak");
    snprintf(s[1].py_path, sizeof s[1].py_path, "/tmp/my_leak.py"); /* a user's file */
    plan_options o = options(s, 2);
    assert_non_null(plan_add_runtime(&o, PLAN_PYTHON, "python"));
    o.modes[PLAN_AUTO] = false;
    o.config.policy = GCR_POLICY_PY313;
    o.param_keys[0] = "n";
    o.param_values[0] = "five";
    o.nparams = 1;
    size_t count;
    plan_run *runs = plan_expand(&o, &count);
    /* cross_reference in both runtimes, my_leak in python only */
    assert_int_equal(count, 3);
    assert_int_equal(plan_run_runtime(&runs[0])->kind, PLAN_NATIVE);
    assert_string_equal(runs[0].threshold_text, "2000/10/10"); /* py313's */
    assert_string_equal(plan_policy_name(&runs[0]), "py313");
    assert_string_equal(plan_run_runtime(&runs[1])->name, "python");
    assert_string_equal(runs[1].threshold_text, "700/10/10"); /* CPython 3.11's own */
    assert_string_equal(plan_policy_name(&runs[1]), "cpython");
    assert_string_equal(runs[1].params_text, "objects=100;floats=10000");
    assert_string_equal(runs[2].scenario->name, "my_leak");
    assert_int_equal(plan_run_runtime(&runs[2])->kind, PLAN_PYTHON);
    assert_string_equal(runs[2].params_text, "n=five"); /* a file's --param, as given */
    free(runs);
}

/* Interpreters and Pyodide packages: runs in table order, each with its own default
 * thresholds; Pyodide's allocator is malloc and its RSS not comparable. */
static void interpreters_and_pyodide(void **state)
{
    (void)state;
    plan_scenario s[] = {builtin("cross_reference")};
    plan_options o = options(s, 1);
    o.modes[PLAN_AUTO] = false;
    plan_runtime *py = plan_add_runtime(&o, PLAN_INTERPRETER, "cpython-3.13.2");
    memcpy(py->default_threshold, (int[3]){2000, 10, 10}, sizeof py->default_threshold);
    plan_runtime *pyo = plan_add_runtime(&o, PLAN_PYODIDE, "pyodide-3.14.2");
    memcpy(pyo->default_threshold, (int[3]){2000, 10, 0}, sizeof pyo->default_threshold);
    assert_ptr_equal(plan_find_runtime(&o, "pyodide-3.14.2"), pyo);
    assert_null(plan_find_runtime(&o, "python"));
    size_t count;
    plan_run *runs = plan_expand(&o, &count);
    assert_int_equal(count, 3);
    assert_string_equal(plan_run_runtime(&runs[1])->name, "cpython-3.13.2");
    assert_string_equal(runs[1].threshold_text, "2000/10/10");
    assert_string_equal(plan_policy_name(&runs[1]), "cpython");
    assert_string_equal(plan_allocator_name(&runs[1]), "pymalloc");
    assert_int_equal(plan_rss_comparable(&runs[1]), 1);
    assert_string_equal(plan_run_runtime(&runs[2])->name, "pyodide-3.14.2");
    assert_string_equal(runs[2].threshold_text, "2000/10/0");
    assert_string_equal(plan_allocator_name(&runs[2]), "malloc");
    assert_int_equal(plan_rss_comparable(&runs[2]), 0);
    assert_int_equal(plan_rss_comparable(&runs[0]), 1);
    free(runs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(defaults_expand_to_scenarios_times_modes),
        cmocka_unit_test(settings_repeats_and_params),
        cmocka_unit_test(runtimes_and_files),
        cmocka_unit_test(interpreters_and_pyodide),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
