/* test_weakref.c — weak references of the gcr runtime: ref and proxy, their reuse, their
 * callbacks (order, and who gets one when the collector finds garbage), dead proxies, and
 * the weak dictionaries (entries vanishing by reference counting and by the collector). */
#include <stdio.h>
#include <string.h>

#include "rt_test.h"

static int setup(void **state)
{
    *state = gcr_open(NULL);
    return *state == NULL ? -1 : 0;
}

static int teardown(void **state)
{
    gcr_close(*state);
    return 0;
}

/* Every call of a logging callback: the weak reference it got, and what that reference
 * pointed to at the time. */
#define LOG_MAX 16
typedef struct cb_log {
    int n;
    gcr_object *ref[LOG_MAX];
    gcr_object *target_seen[LOG_MAX];
} cb_log;

static void log_callback(gcr_runtime *rt, void *ctx, gcr_object *data, gcr_object *ref)
{
    (void)rt;
    (void)data;
    cb_log *log = ctx;
    assert_true(log->n < LOG_MAX);
    log->ref[log->n] = ref;
    log->target_seen[log->n] = gcr_weakref_get(ref);
    log->n++;
}

static gcr_class *node_class(gcr_runtime *rt)
{
    static const char *const attrs[] = {"peer", "other"};
    gcr_class *cls = gcr_class_new(rt, "Node", attrs, 2);
    assert_non_null(cls);
    return cls;
}

/* ---------------------------------------------------------------------------------------
 * ref and proxy
 * ------------------------------------------------------------------------------------- */

static void test_ref_basics(void **state)
{
    gcr_runtime *rt = *state;
    cb_log log = {0};
    gcr_object *cb = gcr_callable_new(rt, log_callback, &log, NULL);
    gcr_object *x = gcr_instance_new(rt, node_class(rt));
    gcr_object *r1 = gcr_weakref_new(rt, x, NULL);
    assert_non_null(r1);
    assert_string_equal(gcr_type_name(r1), "ReferenceType");
    assert_int_equal(gcr_sizeof(r1), 80);
    assert_true(gcr_gc_is_tracked(r1));
    assert_ptr_equal(gcr_weakref_get(r1), x);
    assert_int_equal(x->refcnt, 1); /* weak: no reference taken */
    gcr_object *r2 = gcr_weakref_new(rt, x, NULL);
    assert_ptr_equal(r2, r1); /* the plain ref is reused */
    assert_int_equal(r1->refcnt, 2);
    gcr_object *r3 = gcr_weakref_new(rt, x, cb);
    assert_ptr_not_equal(r3, r1); /* with a callback: always a new one */
    assert_int_equal(gcr_weakref_count(x), 2);
    gcr_decref(rt, x);
    assert_null(gcr_weakref_get(r1));
    assert_null(gcr_weakref_get(r3));
    assert_int_equal(log.n, 1);
    assert_ptr_equal(log.ref[0], r3);
    assert_null(log.target_seen[0]); /* cleared before the callback */
    gcr_decref(rt, r1);
    gcr_decref(rt, r2);
    gcr_decref(rt, r3);
    gcr_decref(rt, cb);
    assert_int_equal(rt_live_objects(rt), 0);
}

/* Callbacks run most recent first (the plain ref and proxy, which have none, lead the
 * list); all references are cleared before the first runs. */
static void test_callback_order(void **state)
{
    gcr_runtime *rt = *state;
    cb_log log = {0};
    gcr_object *cb = gcr_callable_new(rt, log_callback, &log, NULL);
    gcr_object *x = gcr_instance_new(rt, node_class(rt));
    gcr_object *with_cb[4];
    with_cb[0] = gcr_weakref_new(rt, x, cb);
    gcr_object *plain = gcr_weakref_new(rt, x, NULL);
    with_cb[1] = gcr_proxy_new(rt, x, cb);
    gcr_object *proxy = gcr_proxy_new(rt, x, NULL);
    with_cb[2] = gcr_weakref_new(rt, x, cb);
    with_cb[3] = gcr_weakref_new(rt, x, cb);
    assert_int_equal(gcr_weakref_count(x), 6);
    gcr_decref(rt, x);
    assert_int_equal(log.n, 4);
    for (int i = 0; i < 4; i++) {
        assert_ptr_equal(log.ref[i], with_cb[3 - i]);
        assert_null(log.target_seen[i]);
    }
    for (int i = 0; i < 4; i++)
        gcr_decref(rt, with_cb[i]);
    gcr_decref(rt, plain);
    gcr_decref(rt, proxy);
    gcr_decref(rt, cb);
    assert_int_equal(rt_live_objects(rt), 0);
}

/* A weak reference that dies before its referent never calls back. */
static void test_dead_ref_no_callback(void **state)
{
    gcr_runtime *rt = *state;
    cb_log log = {0};
    gcr_object *cb = gcr_callable_new(rt, log_callback, &log, NULL);
    gcr_object *x = gcr_instance_new(rt, node_class(rt));
    gcr_object *r = gcr_weakref_new(rt, x, cb);
    gcr_decref(rt, r);
    assert_int_equal(gcr_weakref_count(x), 0);
    gcr_decref(rt, x);
    assert_int_equal(log.n, 0);
    gcr_decref(rt, cb);
    assert_int_equal(rt_live_objects(rt), 0);
}

static void test_proxy(void **state)
{
    gcr_runtime *rt = *state;
    gcr_object *x = gcr_instance_new(rt, node_class(rt));
    gcr_object *p = gcr_proxy_new(rt, x, NULL);
    assert_non_null(p);
    assert_string_equal(gcr_type_name(p), "ProxyType");
    assert_int_equal(gcr_sizeof(p), 80);
    assert_ptr_equal(gcr_proxy_new(rt, x, NULL), p); /* reused too */
    gcr_decref(rt, p);
    assert_ptr_equal(gcr_proxy_target(rt, p), x);
    assert_string_equal(gcr_error(rt), "");
    gcr_decref(rt, x);
    assert_null(gcr_proxy_target(rt, p));
    assert_string_equal(gcr_error(rt), "ReferenceError: weakly-referenced object no longer exists");
    gcr_clear_error(rt);
    assert_string_equal(gcr_error(rt), "");
    gcr_decref(rt, p);
    assert_int_equal(rt_live_objects(rt), 0);
}

static void nop_call(gcr_runtime *rt, void *ctx, gcr_object *data, gcr_object *arg)
{
    (void)rt;
    (void)ctx;
    (void)data;
    (void)arg;
}

/* Only instances and callables accept weak references; a proxy to a callable is callable. */
static void test_weakref_targets(void **state)
{
    gcr_runtime *rt = *state;
    gcr_object *objs[] = {gcr_list_new(rt), gcr_float_new(rt, 1), gcr_dict_new(rt),
                          gcr_int_new(rt, 5000)};
    const char *names[] = {"list", "float", "dict", "int"};
    for (int i = 0; i < 4; i++) {
        char want[128];
        snprintf(want, sizeof want, "TypeError: cannot create weak reference to '%s' object",
                 names[i]);
        assert_null(gcr_weakref_new(rt, objs[i], NULL));
        assert_string_equal(gcr_error(rt), want);
        assert_null(gcr_proxy_new(rt, objs[i], NULL));
        assert_int_equal(gcr_weakref_count(objs[i]), 0);
        gcr_decref(rt, objs[i]);
    }
    gcr_object *f = gcr_callable_new(rt, nop_call, NULL, NULL);
    gcr_object *r = gcr_weakref_new(rt, f, NULL);
    gcr_object *p = gcr_proxy_new(rt, f, NULL);
    assert_non_null(r);
    assert_string_equal(gcr_type_name(p), "CallableProxyType");
    gcr_decref(rt, f);
    assert_null(gcr_weakref_get(r));
    gcr_decref(rt, r);
    gcr_decref(rt, p);
    assert_int_equal(rt_live_objects(rt), 0);
}

/* ---------------------------------------------------------------------------------------
 * Weak references and the collector (handle_weakrefs)
 * ------------------------------------------------------------------------------------- */

/* a <-> b garbage. A reachable weak reference to a gets its callback, after it was cleared;
 * a weak reference to a that is itself garbage (held by b) gets none. */
static void test_collector_callbacks(void **state)
{
    gcr_runtime *rt = *state;
    gcr_class *cls = node_class(rt);
    cb_log log = {0};
    gcr_object *cb = gcr_callable_new(rt, log_callback, &log, NULL);
    gcr_object *a = gcr_instance_new(rt, cls), *b = gcr_instance_new(rt, cls);
    gcr_instance_set(rt, a, 0, b);
    gcr_instance_set(rt, b, 0, a);
    gcr_object *live = gcr_weakref_new(rt, a, cb);
    gcr_object *in_garbage = gcr_weakref_new(rt, a, cb);
    gcr_instance_set(rt, b, 1, in_garbage);
    gcr_decref(rt, in_garbage);
    gcr_decref(rt, a);
    gcr_decref(rt, b);
    assert_int_equal(log.n, 0);
    assert_int_equal(gcr_gc_collect(rt, 2), 3); /* a, b and the weakref b held */
    assert_int_equal(log.n, 1);
    assert_ptr_equal(log.ref[0], live);
    assert_null(log.target_seen[0]);
    assert_null(gcr_weakref_get(live));
    gcr_decref(rt, live);
    gcr_decref(rt, cb);
    assert_int_equal(rt_live_objects(rt), 0);
}

/* A callback that is itself part of the garbage is not called either (its weakref is). */
static void test_collector_weakref_cycle_with_callback(void **state)
{
    gcr_runtime *rt = *state;
    cb_log log = {0};
    gcr_object *x = gcr_instance_new(rt, node_class(rt));
    /* x.peer = ref(x, cb) where cb holds x: everything is one garbage cycle */
    gcr_object *cb = gcr_callable_new(rt, log_callback, &log, x);
    gcr_object *r = gcr_weakref_new(rt, x, cb);
    gcr_instance_set(rt, x, 0, r);
    gcr_decref(rt, r);
    gcr_decref(rt, cb);
    gcr_decref(rt, x);
    assert_int_equal(gcr_gc_collect(rt, 2), 3);
    assert_int_equal(log.n, 0);
    assert_int_equal(rt_live_objects(rt), 0);
}

/* ---------------------------------------------------------------------------------------
 * WeakValueDictionary and WeakKeyDictionary
 * ------------------------------------------------------------------------------------- */

static void test_weakvaluedict_refcount(void **state)
{
    gcr_runtime *rt = *state;
    gcr_class *cls = node_class(rt);
    gcr_object *wd = gcr_weakvaluedict_new(rt);
    assert_non_null(wd);
    assert_string_equal(gcr_type_name(wd), "WeakValueDictionary");
    assert_int_equal(gcr_sizeof(wd), 56);
    assert_true(gcr_gc_is_tracked(wd));
    gcr_object *k1 = gcr_str_new(rt, "one", 3), *k2 = gcr_int_new(rt, 2);
    gcr_object *v1 = gcr_instance_new(rt, cls), *v2 = gcr_instance_new(rt, cls);
    assert_int_equal(gcr_weakdict_set(rt, wd, k1, v1), 0);
    assert_int_equal(gcr_weakdict_set(rt, wd, k2, v2), 0);
    assert_int_equal(gcr_weakdict_len(wd), 2);
    assert_ptr_equal(gcr_weakdict_get(wd, k1), v1);
    assert_int_equal(v1->refcnt, 1); /* values are held weakly */
    assert_int_equal(k1->refcnt, 3); /* keys strongly: the dict's key and KeyedRef.key */
    gcr_object *other = gcr_str_new(rt, "one", 3);
    assert_ptr_equal(gcr_weakdict_get(wd, other), v1); /* keys by value */
    gcr_decref(rt, other);

    gcr_decref(rt, v1); /* the entry vanishes with its value */
    assert_int_equal(gcr_weakdict_len(wd), 1);
    assert_null(gcr_weakdict_get(wd, k1));
    assert_int_equal(k1->refcnt, 1);

    gcr_object *f = gcr_float_new(rt, 1);
    assert_int_equal(gcr_weakdict_set(rt, wd, k1, f), -1);
    assert_string_equal(gcr_error(rt), "TypeError: cannot create weak reference to 'float' object");
    gcr_decref(rt, f);
    assert_int_equal(gcr_weakdict_del(rt, wd, k1), -1);
    assert_string_equal(gcr_error(rt), "KeyError: 'one'");
    assert_int_equal(gcr_weakdict_del(rt, wd, k2), 0);
    assert_int_equal(gcr_weakdict_len(wd), 0);
    assert_int_equal(gcr_weakref_count(v2), 0);

    /* overwriting an entry: the old KeyedRef's death does not remove the new entry */
    gcr_object *v3 = gcr_instance_new(rt, cls);
    assert_int_equal(gcr_weakdict_set(rt, wd, k2, v2), 0);
    assert_int_equal(gcr_weakdict_set(rt, wd, k2, v3), 0);
    gcr_decref(rt, v2);
    assert_ptr_equal(gcr_weakdict_get(wd, k2), v3);
    gcr_decref(rt, wd); /* the dictionary dies first: its references go, the values stay */
    assert_int_equal(gcr_weakref_count(v3), 0);
    assert_int_equal(v3->refcnt, 1);
    gcr_decref(rt, v3);
    gcr_decref(rt, k1);
    gcr_decref(rt, k2);
    assert_int_equal(rt_live_objects(rt), 0);
}

/* A value dying in a garbage cycle: the collector clears its KeyedRef and calls _remove,
 * which deletes the entry; the KeyedRef it frees is counted as collected, as CPython
 * counts it (handle_weakrefs' num_freed). */
static void test_weakvaluedict_collector(void **state)
{
    gcr_runtime *rt = *state;
    gcr_class *cls = node_class(rt);
    gcr_object *wd = gcr_weakvaluedict_new(rt);
    gcr_object *key = gcr_str_new(rt, "k", 1);
    gcr_object *a = gcr_instance_new(rt, cls), *b = gcr_instance_new(rt, cls);
    gcr_instance_set(rt, a, 0, b);
    gcr_instance_set(rt, b, 0, a);
    assert_int_equal(gcr_weakdict_set(rt, wd, key, a), 0);
    gcr_decref(rt, a);
    gcr_decref(rt, b);
    assert_int_equal(gcr_weakdict_len(wd), 1);
    assert_ptr_equal(gcr_weakdict_get(wd, key), a);
    assert_int_equal(gcr_gc_collect(rt, 2), 3);
    assert_int_equal(gcr_weakdict_len(wd), 0);
    assert_null(gcr_weakdict_get(wd, key));
    gcr_decref(rt, wd);
    gcr_decref(rt, key);
    assert_int_equal(rt_live_objects(rt), 0);
}

static void test_weakkeydict(void **state)
{
    gcr_runtime *rt = *state;
    gcr_class *cls = node_class(rt);
    gcr_object *wd = gcr_weakkeydict_new(rt);
    assert_string_equal(gcr_type_name(wd), "WeakKeyDictionary");
    gcr_object *k1 = gcr_instance_new(rt, cls), *k2 = gcr_instance_new(rt, cls);
    gcr_object *v = gcr_bytes_new(rt, 1000);
    assert_int_equal(gcr_weakdict_set(rt, wd, k1, v), 0);
    assert_int_equal(gcr_weakdict_set(rt, wd, k2, v), 0);
    assert_int_equal(gcr_weakdict_set(rt, wd, k1, v), 0); /* same key: replaced */
    assert_int_equal(gcr_weakdict_len(wd), 2);
    assert_int_equal(gcr_weakref_count(k1), 1); /* the extra ref died with the set */
    assert_ptr_equal(gcr_weakdict_get(wd, k1), v);
    assert_int_equal(v->refcnt, 3); /* values are held strongly */
    assert_int_equal(k1->refcnt, 1);

    gcr_decref(rt, k1); /* by reference counting */
    assert_int_equal(gcr_weakdict_len(wd), 1);
    assert_int_equal(v->refcnt, 2);

    /* by the collector: k2 in a cycle */
    gcr_instance_set(rt, k2, 0, k2);
    gcr_decref(rt, k2);
    assert_int_equal(gcr_weakdict_len(wd), 1);
    assert_int_equal(gcr_gc_collect(rt, 2), 2); /* k2, and the ref whose callback removed it */
    assert_int_equal(gcr_weakdict_len(wd), 0);
    assert_int_equal(v->refcnt, 1);

    gcr_object *l = gcr_list_new(rt), *k3 = gcr_instance_new(rt, cls);
    assert_int_equal(gcr_weakdict_set(rt, wd, l, v), -1);
    assert_string_equal(gcr_error(rt), "TypeError: cannot create weak reference to 'list' object");
    assert_int_equal(gcr_weakdict_del(rt, wd, k3), -1);
    assert_string_equal(gcr_error(rt), "KeyError: <Node object>");
    assert_int_equal(gcr_weakdict_set(rt, wd, k3, v), 0);
    assert_int_equal(gcr_weakdict_del(rt, wd, k3), 0);
    assert_int_equal(gcr_weakdict_len(wd), 0);
    gcr_decref(rt, l);
    gcr_decref(rt, k3);
    gcr_decref(rt, v);
    gcr_decref(rt, wd);
    assert_int_equal(rt_live_objects(rt), 0);
}

/* The weak dictionaries work the same under py27 (their attributes in a dict). */
static void test_weakdicts_py27(void **state)
{
    (void)state;
    gcr_config config = {.policy = GCR_POLICY_PY27};
    gcr_runtime *rt = gcr_open(&config);
    gcr_class *cls = node_class(rt);
    gcr_object *wvd = gcr_weakvaluedict_new(rt), *wkd = gcr_weakkeydict_new(rt);
    gcr_object *key = gcr_int_new(rt, 1), *x = gcr_instance_new(rt, cls);
    assert_int_equal(gcr_weakdict_set(rt, wvd, key, x), 0);
    assert_int_equal(gcr_weakdict_set(rt, wkd, x, key), 0);
    assert_ptr_equal(gcr_weakdict_get(wvd, key), x);
    assert_ptr_equal(gcr_weakdict_get(wkd, x), key);
    gcr_decref(rt, x);
    assert_int_equal(gcr_weakdict_len(wvd), 0);
    assert_int_equal(gcr_weakdict_len(wkd), 0);
    gcr_decref(rt, key);
    gcr_decref(rt, wvd);
    gcr_decref(rt, wkd);
    assert_int_equal(rt_live_objects(rt), 0);
    gcr_close(rt);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_ref_basics),
        T(test_callback_order),
        T(test_dead_ref_no_callback),
        T(test_proxy),
        T(test_weakref_targets),
        T(test_collector_callbacks),
        T(test_collector_weakref_cycle_with_callback),
        T(test_weakvaluedict_refcount),
        T(test_weakvaluedict_collector),
        T(test_weakkeydict),
        cmocka_unit_test(test_weakdicts_py27),
    };
#undef T
    return cmocka_run_group_tests_name("runtime weakref", tests, NULL, NULL);
}
