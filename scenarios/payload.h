/* payload.h — the big objects of seeds 003's examples, shared by the scenarios built from
 * them: a numpy-array stand-in (an instance of class "ndarray" whose data attribute is a
 * bytes payload of the array's size, written so its pages are resident; like a real ndarray
 * it accepts weak references), and uuid4 strings for cache keys. */
#ifndef SCN_PAYLOAD_H
#define SCN_PAYLOAD_H

#include <stdint.h>

#include "gcr.h"

typedef struct payload_kit {
    gcr_class *ndarray;
    int data;     /* ndarray.data */
    uint64_t rng; /* xorshift64 state for uuid4 keys */
} payload_kit;

/* Creates class ndarray in rt. Returns 0, or -1 when memory ran out. */
int payload_kit_init(gcr_runtime *rt, payload_kit *k);

/* np.random.random(...) of `bytes` bytes: a new ndarray instance, or NULL. */
gcr_object *payload_new(gcr_runtime *rt, const payload_kit *k, long bytes);

/* str(uuid.uuid4()): a new 36-character str, or NULL. */
gcr_object *payload_uuid(gcr_runtime *rt, payload_kit *k);

#endif /* SCN_PAYLOAD_H */
