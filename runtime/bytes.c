/* bytes.c — the bytes type (CPython's PyBytesObject): a 32-byte header, the payload and a
 * NUL, 33 + len bytes. The payload is written with a non-zero pattern so that its pages are
 * resident, as a real payload's would be. Hash (cached) and equality by value. */
#include <assert.h>
#include <string.h>

#include "runtime.h"

typedef struct bytes_object {
    gcr_object ob;
    size_t size;
    intptr_t hash; /* -1: not computed */
} bytes_object;

_Static_assert(sizeof(bytes_object) == 32, "a bytes header is 32 bytes");

#define BYTES_FILL 0xA5 /* the payload pattern: any non-zero byte makes the page resident */

const gcr_type bytes_type = {.name = "bytes", .kind = OBJ_BYTES, .stats_slot = SLOT_BYTES};

static size_t bytes_block_size(size_t len) { return sizeof(bytes_object) + len + 1; }

gcr_object *gcr_bytes_new(gcr_runtime *rt, size_t len)
{
    bytes_object *b = (bytes_object *)obj_new(rt, &bytes_type, bytes_block_size(len));
    if (b == NULL)
        return NULL;
    b->size = len;
    b->hash = -1;
    unsigned char *payload = (unsigned char *)(b + 1);
    memset(payload, BYTES_FILL, len);
    payload[len] = '\0';
    return &b->ob;
}

size_t gcr_bytes_len(const gcr_object *o)
{
    assert(o->type == &bytes_type && "gcr_bytes_len: not a bytes");
    return ((const bytes_object *)o)->size;
}

size_t bytes_sizeof(const gcr_object *o)
{
    return bytes_block_size(((const bytes_object *)o)->size);
}

void bytes_dealloc(gcr_runtime *rt, gcr_object *o) { obj_free(rt, o, bytes_sizeof(o)); }

intptr_t bytes_hash(gcr_object *o)
{
    bytes_object *b = (bytes_object *)o;
    if (b->hash == -1)
        b->hash = hash_bytes(b + 1, b->size);
    return b->hash;
}

bool bytes_equal(const gcr_object *a, const gcr_object *b)
{
    const bytes_object *x = (const bytes_object *)a, *y = (const bytes_object *)b;
    return x->size == y->size && memcmp(x + 1, y + 1, x->size) == 0;
}
