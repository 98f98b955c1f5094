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
    gcr_object *data = array != NULL ? gcr_bytes_new(rt, (size_t)bytes) : NULL;
    if (data == NULL) {
        gcr_xdecref(rt, array);
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
    uint64_t hi = next_random(k), lo = next_random(k);
    hi = (hi & ~0xf000ull) | 0x4000ull;       /* version 4 */
    lo = (lo & ~(3ull << 62)) | (2ull << 62); /* variant 10 */
    char text[40];
    int len = snprintf(text, sizeof text, "%08x-%04x-%04x-%04x-%012llx", (unsigned)(hi >> 32),
                       (unsigned)(hi >> 16) & 0xffff, (unsigned)hi & 0xffff, (unsigned)(lo >> 48),
                       (unsigned long long)(lo & 0xffffffffffffull));
    return gcr_str_new(rt, text, (size_t)len);
}
