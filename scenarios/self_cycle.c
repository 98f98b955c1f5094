/* self_cycle.c — objects that refer to themselves (seeds 000 §2.2 and 002 test_code_1):
 *
 *   a = []; a.append(a)                     # seed 000, example 2
 *   x = CGcLeak(); x._text = '#' * 10
 *   x._self = x                             # seed 002
 *
 * each also holding a payload here, so that the memory shows; the lists in one loop, the
 * instances in a second (the twin, scenarios/self_cycle.py, says why). Only the cycle collector can
 * free them (verdict: delayed). */
#include <stdio.h>
#include <stdlib.h>

#include "scenario.h"

enum { P_OBJECTS, P_PAYLOAD };

typedef struct state {
    gcr_class *gcleak;
    int text, self, payload;
} state;

static int setup(gcr_runtime *rt, const scn_values *p, void **out, char *err, size_t errlen)
{
    (void)p;
    static const char *const attrs[] = {"_text", "_self", "_payload"};
    state *s = malloc(sizeof *s);
    if (s == NULL || (s->gcleak = gcr_class_new(rt, "CGcLeak", attrs, 3)) == NULL) {
        free(s);
        snprintf(err, errlen, "out of memory in setup");
        return -1;
    }
    s->text = gcr_class_attr(s->gcleak, "_text");
    s->self = gcr_class_attr(s->gcleak, "_self");
    s->payload = gcr_class_attr(s->gcleak, "_payload");
    *out = s;
    return 0;
}

/* a = []; a.append(a); a.append(payload): a is left for the next one to replace, as the
 * twin's loop variable is. Returns 0, or -1 (with nothing left but garbage). */
static int self_list(gcr_runtime *rt, long bytes, gcr_object **a)
{
    gcr_object *list = gcr_list_new(rt);
    gcr_object *payload = list != NULL ? gcr_bytes_new(rt, (size_t)bytes) : NULL;
    int rc = payload != NULL && gcr_list_append(rt, list, list) == 0 &&
                     gcr_list_append(rt, list, payload) == 0
                 ? 0
                 : -1;
    gcr_xdecref(rt, payload);
    gcr_xdecref(rt, *a); /* the previous a, rebound */
    *a = list;
    return rc;
}

/* x = CGcLeak() (whose __init__ sets _text and _payload); x._self = x. x is left for the next
 * one to replace. */
static int self_instance(gcr_runtime *rt, const state *s, long bytes, gcr_object **x)
{
    gcr_object *o = gcr_instance_new(rt, s->gcleak);
    if (o != NULL)
        gcr_eval_breaker(rt); /* CGcLeak.__init__: its first instruction */
    gcr_object *text = o != NULL ? gcr_str_new(rt, "##########", 10) : NULL;
    gcr_object *payload = text != NULL ? gcr_bytes_new(rt, (size_t)bytes) : NULL;
    if (payload != NULL) {
        gcr_instance_set(rt, o, s->text, text);
        gcr_instance_set(rt, o, s->payload, payload);
        gcr_instance_set(rt, o, s->self, o);
    }
    gcr_xdecref(rt, payload);
    gcr_xdecref(rt, text);
    gcr_xdecref(rt, *x); /* the previous x, rebound */
    *x = o;
    return payload != NULL ? 0 : -1;
}

static int step(gcr_runtime *rt, const scn_values *p, void *st, char *err, size_t errlen)
{
    gcr_object *a = NULL, *x = NULL; /* the loop variables: alive until rebound or returned */
    int rc = 0;
    gcr_eval_breaker(rt); /* step(): its first instruction */
    gcr_eval_breaker(rt); /* range(objects): a call into C */
    for (long i = 0; rc == 0 && i < p->v[P_OBJECTS]; i++) {
        rc = self_list(rt, p->v[P_PAYLOAD], &a);
        gcr_eval_breaker(rt); /* the loop's back edge */
    }
    gcr_eval_breaker(rt); /* range(objects) */
    for (long i = 0; rc == 0 && i < p->v[P_OBJECTS]; i++) {
        rc = self_instance(rt, st, p->v[P_PAYLOAD], &x);
        gcr_eval_breaker(rt); /* the loop's back edge */
    }
    gcr_xdecref(rt, a); /* the frame's locals, in their order */
    gcr_xdecref(rt, x);
    if (rc != 0)
        snprintf(err, errlen, "out of memory building self-referencing objects");
    return rc;
}

static void teardown(gcr_runtime *rt, const scn_values *p, void *st)
{
    (void)rt;
    (void)p;
    free(st);
}

const scn_scenario scn_self_cycle = {
    .name = "self_cycle",
    .summary = "100 lists a.append(a) and 100 instances x._self = x per iteration, 200 KB each",
    .seed = "000, 002",
    .expected = "delayed",
    .params = {{"objects", 100, "self-referencing lists, and as many instances, per iteration"},
               {"payload_bytes", 200000, "bytes of each object's payload"}},
    .param_count = 2,
    .setup = setup,
    .step = step,
    .teardown = teardown,
};
