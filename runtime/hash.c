/* hash.c — the key protocol of dict (CPython's tp_hash and the Py_EQ comparison dict makes):
 * str and bytes hash their contents, int and float their numeric value (1 and 1.0 are the
 * same key, as in Python), a tuple combines its items' hashes, a weak reference hashes its
 * referent; lists, dicts, proxies and the weak dictionaries (Mapping sets __hash__ to None)
 * are unhashable; everything else hashes and compares by identity. Hashes are not
 * randomised (CPython's SipHash with a random key is not needed for a model); -1 is never a
 * hash, as in CPython. */
#include <assert.h>
#include <math.h>
#include <string.h>

#include "runtime.h"

/* CPython's _PyHASH_MODULUS (2**61 - 1): numeric hashes are values modulo it. */
#define HASH_MODULUS (((uint64_t)1 << 61) - 1)

static intptr_t hash_fix(uint64_t h) { return (intptr_t)h == -1 ? -2 : (intptr_t)h; }

intptr_t hash_bytes(const void *data, size_t len)
{
    /* FNV-1a, 64 bits. */
    const unsigned char *p = data;
    uint64_t h = UINT64_C(14695981039346656037);
    for (size_t i = 0; i < len; i++) {
        h ^= p[i];
        h *= UINT64_C(1099511628211);
    }
    return hash_fix(h);
}

intptr_t hash_pointer(const void *p)
{
    /* CPython's _Py_HashPointer: the low 4 bits are always 0, rotate them away. */
    uintptr_t y = (uintptr_t)p;
    return hash_fix((y >> 4) | (y << (8 * sizeof y - 4)));
}

/* hash(int), as CPython: the value modulo 2**61 - 1, with its sign. */
static intptr_t hash_int64(int64_t v)
{
    uint64_t magnitude = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    uint64_t h = magnitude % HASH_MODULUS;
    return hash_fix(v < 0 ? (uint64_t)0 - h : h);
}

/* True when d is a whole number an int64 holds exactly (so it equals that int). */
static bool hash_double_is_int64(double d)
{
    return d == floor(d) && d >= -9223372036854775808.0 && d < 9223372036854775808.0;
}

static intptr_t hash_double(double d)
{
    if (hash_double_is_int64(d))
        return hash_int64((int64_t)d);
    uint64_t bits;
    if (d == 0)
        d = 0; /* -0.0 is 0.0 */
    memcpy(&bits, &d, sizeof bits);
    bits ^= bits >> 29;
    bits *= UINT64_C(0xbf58476d1ce4e5b9);
    bits ^= bits >> 32;
    return hash_fix(bits);
}

/* CPython's tuplehash (xxHash's round over the items' hashes). */
static int hash_tuple(gcr_object *t, intptr_t *out, const char **unhashable)
{
    const uint64_t prime1 = UINT64_C(11400714785074694791);
    const uint64_t prime2 = UINT64_C(14029467366897019727);
    const uint64_t prime5 = UINT64_C(2870177450012600261);
    size_t n = gcr_tuple_len(t);
    uint64_t acc = prime5;
    for (size_t i = 0; i < n; i++) {
        intptr_t lane;
        if (hash_object(gcr_tuple_get(t, i), &lane, unhashable) != 0)
            return -1;
        acc += (uint64_t)lane * prime2;
        acc = (acc << 31) | (acc >> 33);
        acc *= prime1;
    }
    acc += n ^ (prime5 ^ UINT64_C(3527539));
    *out = (intptr_t)acc == -1 ? 1546275796 : (intptr_t)acc;
    return 0;
}

int hash_object(gcr_object *o, intptr_t *out, const char **unhashable)
{
    switch (o->type->kind) {
    case OBJ_STR:
        *out = str_hash(o);
        return 0;
    case OBJ_BYTES:
        *out = bytes_hash(o);
        return 0;
    case OBJ_INT:
        *out = hash_int64(gcr_int_value(o));
        return 0;
    case OBJ_FLOAT:
        *out = hash_double(gcr_float_value(o));
        return 0;
    case OBJ_TUPLE:
        return hash_tuple(o, out, unhashable);
    case OBJ_WEAKREF:
        if (weakref_is_ref(o) && weakref_hash(o, out) == 0)
            return 0;
        break;
    case OBJ_INSTANCE:
        if (inst_tag(o) != 0)
            break; /* a weak dictionary: a Mapping, unhashable */
        *out = hash_pointer(o);
        return 0;
    case OBJ_SLOTS:
    case OBJ_CALLABLE:
        *out = hash_pointer(o);
        return 0;
    case OBJ_LIST:
    case OBJ_DICT:
        break;
    }
    *unhashable = o->type->name;
    return -1;
}

/* a == b for two numbers (int or float). */
static bool hash_numbers_equal(const gcr_object *a, const gcr_object *b)
{
    if (a->type->kind == OBJ_INT && b->type->kind == OBJ_INT)
        return gcr_int_value(a) == gcr_int_value(b);
    if (a->type->kind == OBJ_FLOAT && b->type->kind == OBJ_FLOAT)
        return gcr_float_value(a) == gcr_float_value(b);
    const gcr_object *i = a->type->kind == OBJ_INT ? a : b;
    double d = gcr_float_value(i == a ? b : a);
    return hash_double_is_int64(d) && (int64_t)d == gcr_int_value(i);
}

static bool hash_is_number(const gcr_object *o)
{
    return o->type->kind == OBJ_INT || o->type->kind == OBJ_FLOAT;
}

bool hash_equal(gcr_object *a, gcr_object *b)
{
    if (a == b)
        return true;
    if (hash_is_number(a) && hash_is_number(b))
        return hash_numbers_equal(a, b);
    if (a->type != b->type) {
        /* ref == KeyedRef compares referents too (KeyedRef is a ref subclass). */
        if (!(a->type->kind == OBJ_WEAKREF && b->type->kind == OBJ_WEAKREF))
            return false;
    }
    switch (a->type->kind) {
    case OBJ_STR:
        return str_equal(a, b);
    case OBJ_BYTES:
        return bytes_equal(a, b);
    case OBJ_TUPLE: {
        size_t n = gcr_tuple_len(a);
        if (n != gcr_tuple_len(b))
            return false;
        for (size_t i = 0; i < n; i++)
            if (!hash_equal(gcr_tuple_get(a, i), gcr_tuple_get(b, i)))
                return false;
        return true;
    }
    case OBJ_WEAKREF: {
        /* CPython's weakref_richcompare: referents compared when both are alive, else
         * identity (already false here). */
        if (!weakref_is_ref(a) || !weakref_is_ref(b))
            return false;
        gcr_object *x = weakref_target(a), *y = weakref_target(b);
        return x != NULL && y != NULL && hash_equal(x, y);
    }
    case OBJ_FLOAT:
    case OBJ_INT:
    case OBJ_LIST:
    case OBJ_DICT:
    case OBJ_INSTANCE:
    case OBJ_SLOTS:
    case OBJ_CALLABLE:
        return false;
    }
    return false;
}
