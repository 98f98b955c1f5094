/* payload.h — the big objects of seeds 003's examples, shared by the scenarios built from
 * them (twin: scenarios/_payload.py): a numpy-array stand-in (an instance of class "ndarray"
 * whose data attribute is a bytes payload of the array's size, written so its pages are
 * resident; like a real ndarray it accepts weak references), and random hex strings for
 * cache keys (seed 003's uuid4 keys). Built as CPython runs _payload.py: the eval breaker is
 * checked where its bytecode checks it. */
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

/* ndarray() of `bytes` bytes (np.random.random(...)): a new ndarray instance, or NULL. */
gcr_object *payload_new(gcr_runtime *rt, const payload_kit *k, long bytes);

/* new_key(), os.urandom(16).hex(): a new 32-character str, or NULL. */
gcr_object *payload_uuid(gcr_runtime *rt, payload_kit *k);

#endif /* SCN_PAYLOAD_H */
