/* payload.c — numpy-array stand-ins and uuid4 keys for the seed 003 scenarios (payload.h). */
#include "payload.h"

#include <stdio.h>
#include <time.h>

int payload_kit_init(gcr_runtime *rt, payload_kit *k)
{
    static const char *const attrs[] = {"data"};
    k->ndarray = gcr_class_new(rt, "ndarray", attrs, 1);
    if (k->ndarray == NULL)
        return -1;
    k->data = gcr_class_attr(k->ndarray, "data");
    k->rng = (uint64_t)time(NULL) * 2654435761u | 1;
    return 0;
}

gcr_object *payload_new(gcr_runtime *rt, const payload_kit *k, long bytes)
{
    gcr_object *array = gcr_instance_new(rt, k->ndarray);
    if (array == NULL)
        return NULL;
    gcr_eval_breaker(rt); /* ndarray.__init__: its first instruction */
    gcr_object *data = gcr_bytes_new(rt, (size_t)bytes);
    if (data == NULL) {
        gcr_decref(rt, array);
        return NULL;
    }
    gcr_instance_set(rt, array, k->data, data);
    gcr_decref(rt, data);
    return array;
}

static uint64_t next_random(payload_kit *k)
{
    k->rng ^= k->rng << 13;
    k->rng ^= k->rng >> 7;
    k->rng ^= k->rng << 17;
    return k->rng;
}

gcr_object *payload_uuid(gcr_runtime *rt, payload_kit *k)
{
    gcr_eval_breaker(rt); /* new_key(): its first instruction (urandom and hex: no containers) */
    uint64_t hi = next_random(k), lo = next_random(k);
    char text[40];
    int len = snprintf(text, sizeof text, "%016llx%016llx", (unsigned long long)hi,
                       (unsigned long long)lo);
    return gcr_str_new(rt, text, (size_t)len);
}
