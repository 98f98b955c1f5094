/* census.h — the per-type census of a native run: live objects and bytes per type at every
 * boundary sample, kept as a history of what changed, and at the end the types that grew,
 * with their figures at every sample (worker.py's Census, said in C for bench-worker).
 *
 * Invariants: a type is known by its name (slot = the order names were first met); sample k
 * is the k-th census_record call (0 = the baseline); a type absent from a sample has 0 live
 * objects and bytes there. Memory grows by the types that changed at each sample, not by every
 * type. When memory runs out the census stops recording and sends nothing (a run's figures do
 * not depend on it). */
#ifndef GCB_CENSUS_H
#define GCB_CENSUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wire.h"

#define CENSUS_TOP_OBJECTS 10  /* the most-grown types by objects sent … */
#define CENSUS_TOP_BYTES 5     /* … and by bytes, not already in */
#define CENSUS_MAX_SAMPLES 500 /* samples sent per type at most: evenly spread, the last always */

typedef struct census_change {
    size_t slot;
    int64_t objects, bytes;
} census_change;

typedef struct census {
    char (*names)[sizeof(((wire_type *)0)->name)];
    int64_t *prev_objects, *prev_bytes, *cur_objects, *cur_bytes; /* per slot */
    size_t ntypes, cap;
    census_change *changes;
    size_t nchanges, changes_cap;
    size_t *end; /* per sample: the end of its changes */
    size_t nsamples, samples_cap;
    bool failed;
} census;

/* One sample: the live objects and bytes of the n types (name, live_objects, live_bytes of
 * each; other fields unused). */
void census_record(census *c, const wire_type *types, size_t n);

/* Sends, through send(ctx, record), one WIRE_TYPE record per chosen type and sample
 * (iteration = the sample's number, growth_objects from the baseline): the types whose live
 * objects, or bytes, after the last sample exceed the baseline's — the top CENSUS_TOP_OBJECTS
 * by objects, then the top CENSUS_TOP_BYTES by bytes not already in — most grown first. */
void census_send(const census *c, void (*send)(void *ctx, const wire_type *t), void *ctx);

/* The name of the type whose live objects grew most from the baseline to the last sample —
 * among the program's own (module-qualified: a '.' in the name) when any of them grew — into
 * name; false when none grew. */
bool census_top(const census *c, char *name, size_t len);

void census_free(census *c);

#endif /* GCB_CENSUS_H */
