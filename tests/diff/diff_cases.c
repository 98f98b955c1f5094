/* diff_cases.c — the gcbench runtime's side of the differential tests: each case of cases.py
 * built with the runtime's API, printing the same line CPython prints. run_diff.py runs both
 * and compares. Usage: diff_cases [--policy P] CASE... (or --list): one line per case, the
 * runtime under policy P (py311 by default). */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gcr.h"

/* ---- what every case shares ---------------------------------------------------------------- */

/* The policy of every case's runtime (--policy; py311 by default). */
static gcr_policy case_policy = GCR_POLICY_PY311;

/* cases.py's fresh(): a new runtime (the policy, pymalloc), collector disabled. */
static gcr_runtime *fresh(void)
{
    gcr_config config = {.policy = case_policy};
    gcr_runtime *rt = gcr_open(&config);
    if (rt == NULL) {
        fprintf(stderr, "cannot open a runtime\n");
        exit(2);
    }
    gcr_gc_disable(rt);
    return rt;
}

static size_t garbage_len(gcr_runtime *rt) { return gcr_list_len(gcr_gc_garbage(rt)); }

/* class Node: the attributes the cases use */
static gcr_class *node_class(gcr_runtime *rt)
{
    static const char *const attrs[] = {"name", "t", "self", "r", "data"};
    return gcr_class_new(rt, "Node", attrs, 5);
}

static int attr(const gcr_object *inst, const char *name)
{
    (void)inst;
    static const char *const attrs[] = {"name", "t", "self", "r", "data"};
    for (int i = 0; i < 5; i++)
        if (strcmp(attrs[i], name) == 0)
            return i;
    abort();
}

static gcr_object *new_str(gcr_runtime *rt, const char *s) { return gcr_str_new(rt, s, strlen(s)); }

/* Node(name): a new instance with its name set. */
static gcr_object *node(gcr_runtime *rt, gcr_class *cls, const char *name)
{
    gcr_object *o = gcr_instance_new(rt, cls);
    gcr_object *n = new_str(rt, name);
    gcr_instance_set(rt, o, attr(o, "name"), n);
    gcr_decref(rt, n);
    return o;
}

static void set(gcr_runtime *rt, gcr_object *o, const char *name, gcr_object *v)
{
    gcr_instance_set(rt, o, attr(o, name), v);
}

/* A text log the callbacks and finalizers append to ("r3,r2,r1"). */
typedef struct text_log {
    char text[256];
} text_log;

static void log_add(text_log *log, const char *entry)
{
    size_t used = strlen(log->text);
    snprintf(log->text + used, sizeof log->text - used, "%s%s", used ? "," : "", entry);
}

static const char *log_or_dash(const text_log *log) { return log->text[0] ? log->text : "-"; }

/* A callable that appends its tag to a log: ctx is a tag_call. */
typedef struct tag_call {
    text_log *log;
    const char *tag;
} tag_call;

static void call_tag(gcr_runtime *rt, void *ctx, gcr_object *data, gcr_object *arg)
{
    (void)rt, (void)data, (void)arg;
    tag_call *t = ctx;
    log_add(t->log, t->tag);
}

/* The gcr_error text without its "TypeError: " prefix (Python's str(e)), spaces as '_'. */
static const char *error_text(gcr_runtime *rt, bool with_type)
{
    static char buf[256];
    const char *e = gcr_error(rt);
    const char *colon = strstr(e, ": ");
    snprintf(buf, sizeof buf, "%s", with_type || colon == NULL ? e : colon + 2);
    for (char *p = buf; *p; p++)
        if (*p == ' ')
            *p = '_';
    return buf;
}

/* ---- cycles ---------------------------------------------------------------------------------- */

static void self_list(void)
{
    gcr_runtime *rt = fresh();
    gcr_object *a = gcr_list_new(rt);
    gcr_list_append(rt, a, a);
    gcr_decref(rt, a);
    long n = gcr_gc_collect(rt, 2);
    printf("collect=%ld garbage=%zu\n", n, garbage_len(rt));
    gcr_close(rt);
}

static void list_pair(void)
{
    gcr_runtime *rt = fresh();
    gcr_object *a = gcr_list_new(rt), *b = gcr_list_new(rt);
    gcr_list_append(rt, a, b);
    gcr_list_append(rt, b, a);
    gcr_decref(rt, a);
    gcr_decref(rt, b);
    long n = gcr_gc_collect(rt, 2);
    printf("collect=%ld garbage=%zu\n", n, garbage_len(rt));
    gcr_close(rt);
}

static void instance_cycle(void)
{
    gcr_runtime *rt = fresh();
    gcr_class *cls = node_class(rt);
    gcr_object *a = node(rt, cls, "a"), *b = node(rt, cls, "b");
    set(rt, a, "t", b);
    set(rt, b, "t", a);
    gcr_decref(rt, a);
    gcr_decref(rt, b);
    long n = gcr_gc_collect(rt, 2);
    printf("collect=%ld garbage=%zu\n", n, garbage_len(rt));
    gcr_close(rt);
}

static void append_new(gcr_runtime *rt, gcr_object *list, gcr_object *item)
{
    gcr_list_append(rt, list, item);
    gcr_decref(rt, item);
}

static void cycle_with_leaves(void)
{
    gcr_runtime *rt = fresh();
    gcr_object *a = gcr_list_new(rt), *b = gcr_list_new(rt);
    append_new(rt, a, gcr_float_new(rt, 1.5));
    append_new(rt, a, new_str(rt, "xxxxxxxxxxxxxxxxxxxx"));
    append_new(rt, a, gcr_float_new(rt, 2.5));
    gcr_list_append(rt, b, a);
    append_new(rt, b, gcr_float_new(rt, 3.5));
    gcr_list_append(rt, a, b);
    gcr_decref(rt, a);
    gcr_decref(rt, b);
    long n = gcr_gc_collect(rt, 2);
    printf("collect=%ld garbage=%zu\n", n, garbage_len(rt));
    gcr_close(rt);
}

static void reachable_cycle_kept(void)
{
    gcr_runtime *rt = fresh();
    gcr_object *a = gcr_list_new(rt), *b = gcr_list_new(rt), *keep = gcr_list_new(rt);
    gcr_list_append(rt, a, b);
    gcr_list_append(rt, b, a);
    gcr_list_append(rt, keep, a);
    gcr_decref(rt, a);
    gcr_decref(rt, b);
    long first = gcr_gc_collect(rt, 2);
    gcr_list_clear(rt, keep);
    long second = gcr_gc_collect(rt, 2);
    printf("first=%ld second=%ld\n", first, second);
    gcr_decref(rt, keep);
    gcr_close(rt);
}

static void collect_young_only(void)
{
    gcr_runtime *rt = fresh();
    gcr_object *a = gcr_list_new(rt);
    gcr_list_append(rt, a, a);
    gcr_gc_collect(rt, 0);
    gcr_decref(rt, a);
    long gen0 = gcr_gc_collect(rt, 0);
    long gen1 = gcr_gc_collect(rt, 1);
    printf("gen0=%ld gen1=%ld\n", gen0, gen1);
    gcr_close(rt);
}

/* ---- weak references ------------------------------------------------------------------------ */

static void weakref_callback_order(void)
{
    gcr_runtime *rt = fresh();
    gcr_class *cls = node_class(rt);
    text_log log = {""};
    tag_call tags[3] = {{&log, "r1"}, {&log, "r2"}, {&log, "r3"}};
    gcr_object *t = node(rt, cls, "t");
    gcr_object *refs[3];
    for (int i = 0; i < 3; i++) {
        gcr_object *cb = gcr_callable_new(rt, call_tag, &tags[i], NULL);
        refs[i] = gcr_weakref_new(rt, t, cb);
        gcr_decref(rt, cb);
    }
    gcr_decref(rt, t);
    int dead = 1;
    for (int i = 0; i < 3; i++)
        dead &= gcr_weakref_get(refs[i]) == NULL;
    printf("calls=%s dead=%d\n", log_or_dash(&log), dead);
    for (int i = 0; i < 3; i++)
        gcr_decref(rt, refs[i]);
    gcr_close(rt);
}

static void weakref_plain_reused(void)
{
    gcr_runtime *rt = fresh();
    gcr_class *cls = node_class(rt);
    text_log log = {""};
    tag_call tag = {&log, "cb"};
    gcr_object *t = node(rt, cls, "t");
    gcr_object *r1 = gcr_weakref_new(rt, t, NULL), *r2 = gcr_weakref_new(rt, t, NULL);
    gcr_object *cb = gcr_callable_new(rt, call_tag, &tag, NULL);
    gcr_object *r3 = gcr_weakref_new(rt, t, cb);
    printf("same=%d callback_distinct=%d count=%zu\n", r1 == r2, r3 != r1, gcr_weakref_count(t));
    gcr_decref(rt, r1);
    gcr_decref(rt, r2);
    gcr_decref(rt, r3);
    gcr_decref(rt, cb);
    gcr_decref(rt, t);
    gcr_close(rt);
}

static void weakref_to_cycle_callback(void)
{
    gcr_runtime *rt = fresh();
    gcr_class *cls = node_class(rt);
    text_log log = {""};
    tag_call tag = {&log, "called"};
    gcr_object *a = node(rt, cls, "a"), *b = node(rt, cls, "b");
    set(rt, a, "t", b);
    set(rt, b, "t", a);
    gcr_object *cb = gcr_callable_new(rt, call_tag, &tag, NULL);
    gcr_object *r = gcr_weakref_new(rt, a, cb);
    gcr_decref(rt, cb);
    gcr_decref(rt, a);
    gcr_decref(rt, b);
    long n = gcr_gc_collect(rt, 2);
    printf("collect=%ld calls=%s dead=%d\n", n, log_or_dash(&log), gcr_weakref_get(r) == NULL);
    gcr_decref(rt, r);
    gcr_close(rt);
}

static void weakref_in_garbage_no_callback(void)
{
    gcr_runtime *rt = fresh();
    gcr_class *cls = node_class(rt);
    text_log log = {""};
    tag_call tag = {&log, "called"};
    gcr_object *record = gcr_callable_new(rt, call_tag, &tag, NULL); /* module-level */
    gcr_object *a = node(rt, cls, "a");
    set(rt, a, "self", a);
    gcr_object *r = gcr_weakref_new(rt, a, record);
    set(rt, a, "r", r);
    gcr_decref(rt, r);
    gcr_decref(rt, a);
    long n = gcr_gc_collect(rt, 2);
    printf("collect=%ld calls=%s\n", n, log_or_dash(&log));
    gcr_decref(rt, record);
    gcr_close(rt);
}

static void proxy_dead_error(void)
{
    gcr_runtime *rt = fresh();
    gcr_class *cls = node_class(rt);
    gcr_object *t = node(rt, cls, "t");
    gcr_object *p = gcr_proxy_new(rt, t, NULL);
    gcr_object *target = gcr_proxy_target(rt, p);
    const char *before = gcr_str_data(gcr_instance_get(target, attr(target, "name")));
    char saved[32];
    snprintf(saved, sizeof saved, "%s", before);
    gcr_decref(rt, t);
    const char *err = gcr_proxy_target(rt, p) == NULL ? error_text(rt, true) : "none";
    printf("before=%s error=%s\n", saved, err);
    gcr_decref(rt, p);
    gcr_close(rt);
}

static void weakref_unsupported(void)
{
    gcr_runtime *rt = fresh();
    gcr_object *l = gcr_list_new(rt);
    gcr_object *r = gcr_weakref_new(rt, l, NULL);
    printf("error=%s\n", r == NULL ? error_text(rt, false) : "none");
    gcr_xdecref(rt, r);
    gcr_decref(rt, l);
    gcr_close(rt);
}

/* d[key] = value with a fresh str key */
static void wd_set(gcr_runtime *rt, gcr_object *d, const char *key, gcr_object *value)
{
    gcr_object *k = new_str(rt, key);
    gcr_weakdict_set(rt, d, k, value);
    gcr_decref(rt, k);
}

static gcr_object *wd_get(gcr_runtime *rt, gcr_object *d, const char *key)
{
    gcr_object *k = new_str(rt, key);
    gcr_object *v = gcr_weakdict_get(d, k);
    gcr_decref(rt, k);
    return v;
}

static void weakvaluedict_refcount(void)
{
    gcr_runtime *rt = fresh();
    gcr_class *cls = node_class(rt);
    gcr_object *d = gcr_weakvaluedict_new(rt);
    gcr_object *keep = node(rt, cls, "keep");
    wd_set(rt, d, "k1", keep);
    gcr_object *gone = node(rt, cls, "gone");
    wd_set(rt, d, "k2", gone);
    gcr_decref(rt, gone);
    gcr_object *v = node(rt, cls, "v");
    wd_set(rt, d, "k3", v);
    size_t n1 = gcr_weakdict_len(d);
    gcr_decref(rt, v);
    printf("after_set=%zu after_del=%zu k1=%d k2=%d\n", n1, gcr_weakdict_len(d),
           wd_get(rt, d, "k1") == keep, wd_get(rt, d, "k2") == NULL);
    gcr_decref(rt, keep);
    gcr_decref(rt, d);
    gcr_close(rt);
}

static void weakvaluedict_cycle(void)
{
    gcr_runtime *rt = fresh();
    gcr_class *cls = node_class(rt);
    gcr_object *d = gcr_weakvaluedict_new(rt);
    gcr_object *v = node(rt, cls, "v");
    set(rt, v, "self", v);
    wd_set(rt, d, "k", v);
    gcr_decref(rt, v);
    size_t before = gcr_weakdict_len(d);
    long n = gcr_gc_collect(rt, 2);
    printf("before=%zu collect=%ld after=%zu\n", before, n, gcr_weakdict_len(d));
    gcr_decref(rt, d);
    gcr_close(rt);
}

static void weakkeydict(void)
{
    gcr_runtime *rt = fresh();
    gcr_class *cls = node_class(rt);
    gcr_object *d = gcr_weakkeydict_new(rt);
    gcr_object *k1 = node(rt, cls, "k1"), *k2 = node(rt, cls, "k2");
    gcr_object *v1 = gcr_list_new(rt), *v2 = gcr_list_new(rt);
    append_new(rt, v1, gcr_int_new(rt, 1));
    append_new(rt, v2, gcr_int_new(rt, 2));
    gcr_weakdict_set(rt, d, k1, v1);
    gcr_weakdict_set(rt, d, k2, v2);
    gcr_decref(rt, v1);
    gcr_decref(rt, v2);
    size_t n1 = gcr_weakdict_len(d);
    gcr_decref(rt, k1);
    gcr_object *got = gcr_weakdict_get(d, k2);
    int k2_ok = got != NULL && gcr_list_len(got) == 1 && gcr_int_value(gcr_list_get(got, 0)) == 2;
    printf("before=%zu after=%zu k2=%d\n", n1, gcr_weakdict_len(d), k2_ok);
    gcr_decref(rt, k2);
    gcr_decref(rt, d);
    gcr_close(rt);
}

/* ---- finalizers ----------------------------------------------------------------------------- */

static void fin_log_name(gcr_runtime *rt, gcr_object *self, void *ctx)
{
    (void)rt;
    log_add(ctx, gcr_str_data(gcr_instance_get(self, attr(self, "name"))));
}

static gcr_class *fin_class(gcr_runtime *rt, text_log *log)
{
    static const char *const attrs[] = {"name", "t", "self", "r", "data"};
    gcr_class *cls = gcr_class_new(rt, "Fin", attrs, 5);
    gcr_class_set_finalizer(cls, fin_log_name, log);
    return cls;
}

static size_t log_entries(const text_log *log)
{
    size_t n = log->text[0] ? 1 : 0;
    for (const char *p = log->text; *p; p++)
        n += *p == ',';
    return n;
}

static void finalizer_pair_cycle(void)
{
    gcr_runtime *rt = fresh();
    text_log log = {""};
    gcr_class *cls = fin_class(rt, &log);
    gcr_object *c1 = node(rt, cls, "c1"), *c2 = node(rt, cls, "c2");
    set(rt, c1, "t", c2);
    set(rt, c2, "t", c1);
    gcr_decref(rt, c1);
    gcr_decref(rt, c2);
    long n = gcr_gc_collect(rt, 2);
    printf("collect=%ld garbage=%zu finalized=%zu\n", n, garbage_len(rt), log_entries(&log));
    gcr_close(rt);
}

/* seed 002's test_code_1: x.t = x with __del__ */
static void finalizer_self_cycle(void)
{
    gcr_runtime *rt = fresh();
    text_log log = {""};
    gcr_class *cls = fin_class(rt, &log);
    gcr_object *x = node(rt, cls, "x");
    set(rt, x, "t", x);
    gcr_decref(rt, x);
    long n = gcr_gc_collect(rt, 2);
    printf("collect=%ld garbage=%zu finalized=%zu\n", n, garbage_len(rt), log_entries(&log));
    gcr_close(rt);
}

/* seed 002's test_code_2 and 3: a.t = b, and b.t = a when cycle */
static void fin_pair(bool cycle)
{
    gcr_runtime *rt = fresh();
    text_log log = {""};
    gcr_class *cls = fin_class(rt, &log);
    gcr_object *a = node(rt, cls, "a"), *b = node(rt, cls, "b");
    set(rt, a, "t", b);
    if (cycle)
        set(rt, b, "t", a);
    gcr_decref(rt, a);
    gcr_decref(rt, b);
    long n = gcr_gc_collect(rt, 2);
    printf("collect=%ld garbage=%zu finalized=%zu\n", n, garbage_len(rt), log_entries(&log));
    gcr_close(rt);
}

static void finalizer_two_class_cycle(void) { fin_pair(true); }

static void finalizer_two_class_no_cycle(void) { fin_pair(false); }

static void finalizer_by_refcount(void)
{
    gcr_runtime *rt = fresh();
    text_log log = {""};
    gcr_class *cls = fin_class(rt, &log);
    gcr_object *f = node(rt, cls, "f");
    gcr_decref(rt, f);
    char finalized[64];
    snprintf(finalized, sizeof finalized, "%s", log.text);
    printf("finalized=%s collect=%ld\n", finalized, gcr_gc_collect(rt, 2));
    gcr_close(rt);
}

/* Phoenix.__del__: calls += 1; KEEP.append(self) */
typedef struct phoenix {
    gcr_object *keep;
    int calls;
} phoenix;

static void phoenix_del(gcr_runtime *rt, gcr_object *self, void *ctx)
{
    phoenix *p = ctx;
    p->calls++;
    gcr_list_append(rt, p->keep, self);
}

static void resurrection(void)
{
    gcr_runtime *rt = fresh();
    static const char *const attrs[] = {"self", "data"};
    gcr_class *cls = gcr_class_new(rt, "Phoenix", attrs, 2);
    phoenix ph = {gcr_list_new(rt), 0};
    gcr_class_set_finalizer(cls, phoenix_del, &ph);
    gcr_object *p = gcr_instance_new(rt, cls);
    gcr_instance_set(rt, p, 0, p);
    gcr_object *data = gcr_list_new(rt);
    for (int i = 1; i <= 3; i++)
        append_new(rt, data, gcr_int_new(rt, i));
    gcr_instance_set(rt, p, 1, data);
    gcr_decref(rt, data);
    gcr_decref(rt, p);
    long n1 = gcr_gc_collect(rt, 2);
    int alive = 0;
    if (gcr_list_len(ph.keep) == 1) {
        gcr_object *kept = gcr_instance_get(gcr_list_get(ph.keep, 0), 1);
        alive =
            kept != NULL && gcr_list_len(kept) == 3 && gcr_int_value(gcr_list_get(kept, 2)) == 3;
    }
    gcr_list_clear(rt, ph.keep);
    long n2 = gcr_gc_collect(rt, 2);
    printf("first=%ld alive=%d second=%ld calls=%d\n", n1, alive, n2, ph.calls);
    gcr_decref(rt, ph.keep);
    gcr_close(rt);
}

/* ---- debug flags, garbage, freeze ------------------------------------------------------------ */

static void list_pair_garbage(gcr_runtime *rt)
{
    gcr_object *a = gcr_list_new(rt), *b = gcr_list_new(rt);
    gcr_list_append(rt, a, b);
    gcr_list_append(rt, b, a);
    gcr_decref(rt, a);
    gcr_decref(rt, b);
}

static void saveall(void)
{
    gcr_runtime *rt = fresh();
    gcr_gc_set_debug(rt, GCR_DEBUG_SAVEALL);
    list_pair_garbage(rt);
    long n = gcr_gc_collect(rt, 2);
    size_t g = garbage_len(rt);
    gcr_gc_set_debug(rt, 0);
    gcr_list_clear(rt, gcr_gc_garbage(rt));
    printf("collect=%ld garbage=%zu after_clear=%ld\n", n, g, gcr_gc_collect(rt, 2));
    gcr_close(rt);
}

static void debug_leak_list_pair(void)
{
    gcr_runtime *rt = fresh();
    gcr_gc_set_debug(rt, GCR_DEBUG_SAVEALL);
    list_pair_garbage(rt);
    long n = gcr_gc_collect(rt, 2);
    size_t g = garbage_len(rt);
    gcr_gc_set_debug(rt, 0);
    gcr_list_clear(rt, gcr_gc_garbage(rt));
    gcr_gc_collect(rt, 2);
    printf("collect=%ld garbage=%zu\n", n, g);
    gcr_close(rt);
}

static void freeze_unfreeze(void)
{
    gcr_runtime *rt = fresh();
    gcr_object *a = gcr_list_new(rt);
    gcr_list_append(rt, a, a);
    gcr_decref(rt, a);
    gcr_gc_freeze(rt);
    int frozen = gcr_gc_get_freeze_count(rt) >= 1;
    long n1 = gcr_gc_collect(rt, 2);
    gcr_gc_unfreeze(rt);
    long n2 = gcr_gc_collect(rt, 2);
    printf("frozen=%d while_frozen=%ld after_unfreeze=%ld count=%zu\n", frozen, n1, n2,
           gcr_gc_get_freeze_count(rt));
    gcr_close(rt);
}

/* ---- counts, thresholds, tracking ------------------------------------------------------------ */

static void count_after_allocations(void)
{
    gcr_runtime *rt = fresh();
    gcr_class *cls = node_class(rt);
    gcr_object *keep[10];
    int c[3];
    gcr_gc_get_count(rt, c);
    int c0 = c[0];
    for (int i = 0; i < 10; i++)
        keep[i] = gcr_instance_new(rt, cls);
    gcr_gc_get_count(rt, c);
    int c1 = c[0];
    for (int i = 0; i < 5; i++)
        gcr_decref(rt, keep[i]);
    gcr_gc_get_count(rt, c);
    printf("allocated=%d after_freeing_5=%d\n", c1 - c0, c[0] - c0);
    for (int i = 5; i < 10; i++)
        gcr_decref(rt, keep[i]);
    gcr_close(rt);
}

static long automatic_collections(gcr_runtime *rt, gcr_class *cls, int instances)
{
    gcr_gen_stats s0[3], s1[3];
    gcr_object *keep = gcr_list_new(rt);
    gcr_gc_get_stats(rt, s0);
    gcr_gc_collect(rt, 2);
    gcr_gc_enable(rt);
    gcr_eval_breaker(rt); /* after gc.enable(), a call into C (3.12+ collect there) */
    for (int i = 0; i < instances; i++) {
        gcr_object *node = gcr_instance_new(rt, cls);
        gcr_eval_breaker(rt); /* Node.__init__'s first instruction */
        append_new(rt, keep, node);
        gcr_eval_breaker(rt); /* the loop's back edge */
    }
    gcr_gc_disable(rt);
    gcr_gc_get_stats(rt, s1);
    gcr_decref(rt, keep);
    return (long)(s1[0].collections - s0[0].collections);
}

static void threshold_fires(void)
{
    gcr_runtime *rt = fresh();
    gcr_class *cls = node_class(rt);
    gcr_gc_set_threshold(rt, 10, 10, 10);
    long ten = automatic_collections(rt, cls, 10);
    long eleven = automatic_collections(rt, cls, 11);
    long twenty_two = automatic_collections(rt, cls, 22);
    printf("ten=%ld eleven=%ld twenty_two=%ld\n", ten, eleven, twenty_two);
    gcr_close(rt);
}

static void tuple_untracking(void)
{
    gcr_runtime *rt = fresh();
    gcr_object *x = gcr_int_new(rt, 1000), *s = new_str(rt, "s"), *f = gcr_float_new(rt, 2.5);
    gcr_object *l = gcr_list_new(rt);
    gcr_object *atoms_items[] = {x, s, f}, *list_items[] = {x, l};
    gcr_object *t_atoms = gcr_tuple_new(rt, 3, atoms_items);
    gcr_object *t_list = gcr_tuple_new(rt, 2, list_items);
    gcr_object *empty = gcr_tuple_new(rt, 0, NULL);
    int b0 = gcr_gc_is_tracked(t_atoms), b1 = gcr_gc_is_tracked(t_list);
    gcr_gc_collect(rt, 2);
    printf("before=%d before_list=%d after=%d after_list=%d empty=%d\n", b0, b1,
           gcr_gc_is_tracked(t_atoms), gcr_gc_is_tracked(t_list), gcr_gc_is_tracked(empty));
    gcr_object *all[] = {x, s, f, l, t_atoms, t_list, empty};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        gcr_decref(rt, all[i]);
    gcr_close(rt);
}

static void dict_tracking(void)
{
    gcr_runtime *rt = fresh();
    gcr_object *d = gcr_dict_new(rt);
    gcr_object *ka = new_str(rt, "a"), *kb = new_str(rt, "b"), *one = gcr_int_new(rt, 1);
    gcr_object *l = gcr_list_new(rt);
    int t0 = gcr_gc_is_tracked(d);
    gcr_dict_set(rt, d, ka, one);
    int t1 = gcr_gc_is_tracked(d);
    gcr_dict_set(rt, d, kb, l);
    int t2 = gcr_gc_is_tracked(d);
    gcr_dict_del(rt, d, kb);
    int t3 = gcr_gc_is_tracked(d);
    gcr_gc_collect(rt, 2);
    printf("empty=%d atoms=%d with_list=%d list_removed=%d after_collect=%d\n", t0, t1, t2, t3,
           gcr_gc_is_tracked(d));
    gcr_object *all[] = {d, ka, kb, one, l};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        gcr_decref(rt, all[i]);
    gcr_close(rt);
}

static void referents_and_referrers(void)
{
    gcr_runtime *rt = fresh();
    gcr_class *cls = node_class(rt);
    gcr_object *a = node(rt, cls, "a");
    gcr_object *b = gcr_list_new(rt), *c = gcr_list_new(rt);
    gcr_list_append(rt, b, a);
    append_new(rt, b, gcr_float_new(rt, 1.5));
    append_new(rt, b, new_str(rt, "s"));
    gcr_list_append(rt, c, a);
    gcr_object *referrers = gcr_gc_get_referrers(rt, &a, 1);
    size_t rc = 0;
    for (size_t i = 0; i < gcr_list_len(referrers); i++) {
        gcr_object *r = gcr_list_get(referrers, i);
        rc += r == b || r == c;
    }
    gcr_object *referents = gcr_gc_get_referents(rt, &b, 1);
    printf("referents=%zu referrers=%zu\n", gcr_list_len(referents), rc);
    gcr_object *all[] = {referents, referrers, a, b, c};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        gcr_decref(rt, all[i]);
    gcr_close(rt);
}

static size_t count_among(gcr_object *list, gcr_object *const *objs, size_t n)
{
    size_t found = 0;
    for (size_t i = 0; i < gcr_list_len(list); i++)
        for (size_t k = 0; k < n; k++)
            found += gcr_list_get(list, i) == objs[k];
    return found;
}

static void get_objects_generation(void)
{
    gcr_runtime *rt = fresh();
    gcr_object *o[3];
    o[0] = gcr_list_new(rt);
    o[1] = gcr_list_new(rt);
    gcr_gc_collect(rt, 0);
    o[2] = gcr_list_new(rt);
    gcr_object *g0 = gcr_gc_get_objects(rt, 0);
    size_t n0 = count_among(g0, o, 3);
    gcr_object *g1 = gcr_gc_get_objects(rt, 1);
    size_t n1 = count_among(g1, o, 3);
    printf("gen0=%zu gen1=%zu\n", n0, n1);
    gcr_object *all[] = {g0, g1, o[0], o[1], o[2]};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        gcr_decref(rt, all[i]);
    gcr_close(rt);
}

static void record_event(void *ctx, gcr_gc_phase phase, const gcr_gc_info *info)
{
    text_log *log = ctx;
    char entry[64];
    snprintf(entry, sizeof entry, "%s/%d/%llu/%llu", phase == GCR_GC_START ? "start" : "stop",
             info->generation, (unsigned long long)(phase == GCR_GC_START ? 0 : info->collected),
             (unsigned long long)(phase == GCR_GC_START ? 0 : info->uncollectable));
    size_t used = strlen(log->text);
    snprintf(log->text + used, sizeof log->text - used, "%s%s", used ? ";" : "", entry);
}

static void callbacks_info(void)
{
    gcr_runtime *rt = fresh();
    text_log log = {""};
    gcr_gc_set_callback(rt, record_event, &log);
    gcr_object *a = gcr_list_new(rt);
    gcr_list_append(rt, a, a);
    gcr_decref(rt, a);
    gcr_gc_collect(rt, 2);
    gcr_gc_set_callback(rt, NULL, NULL);
    printf("events=%s\n", log.text);
    gcr_close(rt);
}

static void slots_cycle(void)
{
    gcr_runtime *rt = fresh();
    static const char *const slots[] = {"a", "b"};
    gcr_class *cls = gcr_class_new_slots(rt, "Slotted", slots, 2);
    gcr_object *x = gcr_instance_new(rt, cls), *y = gcr_instance_new(rt, cls);
    int a = gcr_class_attr(cls, "a");
    gcr_instance_set(rt, x, a, y);
    gcr_instance_set(rt, y, a, x);
    size_t size = gcr_sizeof(x);
    int tracked = gcr_gc_is_tracked(x);
    gcr_object *r = gcr_weakref_new(rt, x, NULL);
    const char *weak = r == NULL ? "refused" : "accepted";
    gcr_xdecref(rt, r);
    gcr_clear_error(rt);
    gcr_decref(rt, x);
    gcr_decref(rt, y);
    printf("size=%zu tracked=%d weakref=%s collect=%ld\n", size, tracked, weak,
           gcr_gc_collect(rt, 2));
    gcr_close(rt);
}

static int count0(gcr_runtime *rt)
{
    int c[3];
    gcr_gc_get_count(rt, c);
    return c[0];
}

static void list_freelist_count(void)
{
    gcr_runtime *rt = fresh();
    gcr_gc_collect(rt, 2); /* as cases.py's fresh(): free lists empty */
    int c0 = count0(rt);
    gcr_object *a = gcr_list_new(rt);
    int c1 = count0(rt);
    gcr_decref(rt, a);
    int c2 = count0(rt);
    gcr_object *b = gcr_list_new(rt);
    int c3 = count0(rt);
    printf("new=%d freed=%d reused=%d\n", c1 - c0, c2 - c0, c3 - c0);
    gcr_decref(rt, b);
    gcr_close(rt);
}

/* ---- the table ---------------------------------------------------------------------------------
 */

typedef struct diff_case {
    const char *name;
    void (*run)(void);
} diff_case;

#define CASE(name)                                                                                 \
    {                                                                                              \
#name, name                                                                                \
    }
static const diff_case cases[] = {
    CASE(self_list),
    CASE(list_pair),
    CASE(instance_cycle),
    CASE(cycle_with_leaves),
    CASE(reachable_cycle_kept),
    CASE(collect_young_only),
    CASE(weakref_callback_order),
    CASE(weakref_plain_reused),
    CASE(weakref_to_cycle_callback),
    CASE(weakref_in_garbage_no_callback),
    CASE(proxy_dead_error),
    CASE(weakref_unsupported),
    CASE(weakvaluedict_refcount),
    CASE(weakvaluedict_cycle),
    CASE(weakkeydict),
    CASE(finalizer_pair_cycle),
    CASE(finalizer_self_cycle),
    CASE(finalizer_two_class_cycle),
    CASE(finalizer_two_class_no_cycle),
    CASE(finalizer_by_refcount),
    CASE(resurrection),
    CASE(saveall),
    CASE(debug_leak_list_pair),
    CASE(freeze_unfreeze),
    CASE(count_after_allocations),
    CASE(threshold_fires),
    CASE(tuple_untracking),
    CASE(dict_tracking),
    CASE(referents_and_referrers),
    CASE(get_objects_generation),
    CASE(callbacks_info),
    CASE(slots_cycle),
    CASE(list_freelist_count),
};

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "--list") == 0) {
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
            puts(cases[i].name);
        return 0;
    }
    int first = 1;
    if (argc >= 3 && strcmp(argv[1], "--policy") == 0) {
        if (gcr_policy_parse(argv[2], &case_policy) != 0) {
            fprintf(stderr, "diff_cases: unknown policy %s\n", argv[2]);
            return 2;
        }
        first = 3;
    }
    if (first >= argc) {
        fprintf(stderr, "usage: diff_cases [--policy P] CASE... | --list\n");
        return 2;
    }
    for (int a = first; a < argc; a++) {
        size_t i = 0;
        while (i < sizeof cases / sizeof cases[0] && strcmp(cases[i].name, argv[a]) != 0)
            i++;
        if (i == sizeof cases / sizeof cases[0]) {
            fprintf(stderr, "diff_cases: no case %s\n", argv[a]);
            return 2;
        }
        cases[i].run();
    }
    return 0;
}
