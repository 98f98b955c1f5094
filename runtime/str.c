/* str.c — the str type, as CPython's compact ASCII string: a 48-byte header followed by the
 * characters and a NUL, 49 + len bytes in all; its hash (cached in the object, as CPython
 * caches it) and equality, and strs in metadata memory (py27 attribute names). */
#include <assert.h>
#include <string.h>

#include "runtime.h"

/* CPython's PyASCIIObject: header, length, cached hash, state bits, wstr; data follows. */
typedef struct str_object {
    gcr_object ob;
    size_t length;
    intptr_t hash; /* -1: not computed */
    uint32_t state;
    void *wstr; /* unused; kept for CPython's size */
} str_object;

_Static_assert(sizeof(str_object) == 48, "a compact ASCII str header is 48 bytes");

const gcr_type str_type = {.name = "str", .kind = OBJ_STR, .stats_slot = SLOT_STR};

static char *str_chars(const gcr_object *o) { return (char *)(uintptr_t)o + sizeof(str_object); }

static size_t str_block_size(size_t len) { return sizeof(str_object) + len + 1; }

/* True when text[0..len) is ASCII, which is all this model stores. */
static inline bool str_is_ascii(const char *text, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)text[i] >= 128)
            return false;
    return true;
}

/* Fills block (str_block_size(len) bytes) as a str holding text, refcnt 1. */
static gcr_object *str_init(void *block, const char *text, size_t len)
{
    str_object *s = block;
    s->ob.refcnt = 1;
    s->ob.type = &str_type;
    s->length = len;
    s->hash = -1;
    s->state = 0;
    s->wstr = NULL;
    char *chars = str_chars(&s->ob);
    if (len > 0)
        memcpy(chars, text, len);
    chars[len] = '\0';
    return &s->ob;
}

gcr_object *gcr_str_new(gcr_runtime *rt, const char *text, size_t len)
{
    assert((text != NULL || len == 0) && "gcr_str_new: NULL text");
    assert(str_is_ascii(text, len) && "gcr_str_new: text is not ASCII (compact ASCII only)");
    gcr_object *o = obj_new(rt, &str_type, str_block_size(len));
    return o != NULL ? str_init(o, text, len) : NULL;
}

gcr_object *str_new_meta(const char *text, size_t len)
{
    assert(str_is_ascii(text, len) && "str_new_meta: text is not ASCII");
    void *block = mem_meta_alloc(str_block_size(len));
    return block != NULL ? str_init(block, text, len) : NULL;
}

void str_free_meta(gcr_object *o) { mem_meta_free(o); }

intptr_t str_hash(gcr_object *o)
{
    str_object *s = (str_object *)o;
    if (s->hash == -1)
        s->hash = hash_bytes(str_chars(o), s->length);
    return s->hash;
}

bool str_equal(const gcr_object *a, const gcr_object *b)
{
    size_t n = ((const str_object *)a)->length;
    return n == ((const str_object *)b)->length && memcmp(str_chars(a), str_chars(b), n) == 0;
}

const char *gcr_str_data(const gcr_object *o)
{
    assert(o->type == &str_type && "gcr_str_data: not a str");
    return str_chars(o);
}

size_t gcr_str_len(const gcr_object *o)
{
    assert(o->type == &str_type && "gcr_str_len: not a str");
    return ((const str_object *)o)->length;
}

size_t str_sizeof(const gcr_object *o) { return str_block_size(((const str_object *)o)->length); }

void str_dealloc(gcr_runtime *rt, gcr_object *o) { obj_free(rt, o, str_sizeof(o)); }
