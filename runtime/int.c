/* int.c — the int type, as CPython 3.11's PyLongObject: a 24-byte header (object header and
 * ob_size, the signed digit count) followed by 30-bit digits of 4 bytes each, least
 * significant first: 0 is 24 bytes, |v| < 2**30 is 28, each further 30 bits 4 more
 * (2**62: 36). The small ints -5..256 are created once per runtime, in metadata memory as
 * CPython's are in its runtime struct: never counted as live, never freed before gcr_close. */
#include <assert.h>

#include "runtime.h"

#define INT_DIGIT_BITS 30
#define INT_DIGIT_MASK ((UINT32_C(1) << INT_DIGIT_BITS) - 1)
#define INT_SMALL_MIN (-5)
#define INT_SMALL_MAX 256
#define INT_SMALL_COUNT (INT_SMALL_MAX - INT_SMALL_MIN + 1)
#define INT_SMALL_STRIDE 32 /* a small int: 24-byte header and one digit, padded */

typedef struct int_object {
    gcr_object ob;
    intptr_t size;     /* digits in use, negative for a negative value (ob_size) */
    uint32_t digits[]; /* 30-bit digits, least significant first */
} int_object;

_Static_assert(sizeof(int_object) == 24, "an int header is 24 bytes, as CPython's");

const gcr_type int_type = {.name = "int", .kind = OBJ_INT, .stats_slot = SLOT_INT};

static const int_object *int_cast(const gcr_object *o)
{
    assert(o->type == &int_type && "not an int");
    return (const int_object *)o;
}

/* The number of 30-bit digits of magnitude (0 for 0). */
static size_t int_digit_count(uint64_t magnitude)
{
    size_t n = 0;
    for (; magnitude != 0; magnitude >>= INT_DIGIT_BITS)
        n++;
    return n;
}

static size_t int_block_size(size_t ndigits) { return sizeof(int_object) + ndigits * 4; }

/* Writes value into i (whose block has room for its digits). */
static void int_store(int_object *i, int64_t value)
{
    uint64_t magnitude = value < 0 ? (uint64_t)0 - (uint64_t)value : (uint64_t)value;
    size_t n = 0;
    for (; magnitude != 0; magnitude >>= INT_DIGIT_BITS)
        i->digits[n++] = (uint32_t)(magnitude & INT_DIGIT_MASK);
    i->size = value < 0 ? -(intptr_t)n : (intptr_t)n;
}

static gcr_object *int_small(const gcr_runtime *rt, int64_t value)
{
    return (gcr_object *)(rt->small_ints + (value - INT_SMALL_MIN) * INT_SMALL_STRIDE);
}

static bool int_is_small(const gcr_runtime *rt, const gcr_object *o)
{
    const unsigned char *p = (const unsigned char *)o;
    return p >= rt->small_ints && p < rt->small_ints + INT_SMALL_COUNT * INT_SMALL_STRIDE;
}

int int_init_small(gcr_runtime *rt)
{
    _Static_assert(INT_SMALL_STRIDE >= sizeof(int_object) + 4, "room for one digit");
    rt->small_ints = mem_meta_alloc(INT_SMALL_COUNT * INT_SMALL_STRIDE);
    if (rt->small_ints == NULL)
        return -1;
    for (int64_t v = INT_SMALL_MIN; v <= INT_SMALL_MAX; v++) {
        int_object *i = (int_object *)int_small(rt, v);
        i->ob.refcnt = 1; /* the runtime's own reference */
        i->ob.type = &int_type;
        int_store(i, v);
    }
    return 0;
}

void int_free_small(gcr_runtime *rt)
{
    mem_meta_free(rt->small_ints);
    rt->small_ints = NULL;
}

gcr_object *gcr_int_new(gcr_runtime *rt, int64_t value)
{
    rt_check(rt);
    if (value >= INT_SMALL_MIN && value <= INT_SMALL_MAX) {
        gcr_object *o = int_small(rt, value);
        gcr_incref(o);
        return o;
    }
    uint64_t magnitude = value < 0 ? (uint64_t)0 - (uint64_t)value : (uint64_t)value;
    int_object *i =
        (int_object *)obj_new(rt, &int_type, int_block_size(int_digit_count(magnitude)));
    if (i == NULL)
        return NULL;
    int_store(i, value);
    return &i->ob;
}

int64_t gcr_int_value(const gcr_object *o)
{
    const int_object *i = int_cast(o);
    size_t n = (size_t)(i->size < 0 ? -i->size : i->size);
    uint64_t magnitude = 0;
    while (n-- > 0)
        magnitude = (magnitude << INT_DIGIT_BITS) | i->digits[n];
    if (i->size >= 0)
        return (int64_t)magnitude;
    return magnitude > (uint64_t)INT64_MAX ? INT64_MIN : -(int64_t)magnitude;
}

size_t int_sizeof(const gcr_object *o)
{
    intptr_t size = int_cast(o)->size;
    return int_block_size((size_t)(size < 0 ? -size : size));
}

void int_dealloc(gcr_runtime *rt, gcr_object *o)
{
    if (int_is_small(rt, o)) {
        assert(0 && "int_dealloc: a small int lost its runtime's reference (one gcr_decref "
                    "too many)");
        return;
    }
    obj_free(rt, o, int_sizeof(o));
}
