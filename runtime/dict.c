/* dict.c — the dict type, as CPython 3.11's combined table (Objects/dictobject.c): a 64-byte
 * container (GC header, object header, ma_used, ma_version_tag, ma_keys, ma_values) and a
 * separately allocated keys object:
 *
 *     ┌─────────────────────┐ 32 bytes: dk_refcnt, dk_log2_size, dk_log2_index_bytes,
 *     │ header              │ dk_kind, dk_version, dk_usable, dk_nentries
 *     ├─────────────────────┤
 *     │ indices[2**log2]    │ int8/16/32/64 each: an entry index, EMPTY (-1) or DUMMY (-2)
 *     ├─────────────────────┤
 *     │ entries[usable]     │ 16 bytes (key, value) while every key is a str, else 24
 *     └─────────────────────┘ (hash, key, value); usable = 2/3 of the table
 *
 * An empty dict shares CPython's Py_EMPTY_KEYS (here: keys == NULL) and is 64 bytes; the
 * first insertion makes an 8-slot table (5 usable: 5 str keys -> 64 + 120 = 184 bytes); a
 * full table grows to the size calculate_log2_keysize(3 * used) gives, compacting deleted
 * entries; deletion never shrinks. The probe sequence, the growth, the unicode-to-general
 * switch and the sizes are CPython's; hashing is hash.c's.
 *
 * Tracking (MAINTAIN_TRACKING): a dict is created untracked and tracked as soon as a key or
 * value that may be tracked is stored; a full collection untracks a dict holding none
 * (dict_may_untrack, _PyDict_MaybeUntrack).
 *
 * Free lists (CPython 3.11's, see rt_freelists): a dead dict waits on one (80), and so does
 * a freed 8-slot str-keyed keys object (80: free_keys_object, dictresize); new_dict and
 * new_keys_object take them back. */
#include <assert.h>
#include <string.h>

#include "runtime.h"

#define DICT_LOG_MINSIZE 3
#define DKIX_EMPTY (-1)
#define DKIX_DUMMY (-2)
#define PERTURB_SHIFT 5
#define USABLE_FRACTION(n) (((n) << 1) / 3)
#define GROWTH_RATE(d) ((d)->used * 3)

/* The layouts (dict_object, dict_keys and its entries), the entry accessors (dk_entries,
 * dk_key_at, dk_value_at) and dict_traverse are in layout.h. */

static void dict_clear(gcr_runtime *rt, gcr_object *o);

const gcr_type dict_type = {
    .name = "dict",
    .kind = OBJ_DICT,
    .is_gc = true,
    .flags = TYPE_UNTRACK_DICT,
    .stats_slot = SLOT_DICT,
    .clear = dict_clear,
};

static dict_object *dict_cast(const gcr_object *o)
{
    assert(o->type == &dict_type && "not a dict");
    return (dict_object *)(uintptr_t)o;
}

/* ---------------------------------------------------------------------------------------
 * The keys object
 * ------------------------------------------------------------------------------------- */

static size_t dk_size(const dict_keys *k) { return (size_t)1 << k->log2_size; }

static size_t dk_entry_size(int kind)
{
    return kind == DICT_KEYS_UNICODE ? sizeof(dict_uentry) : sizeof(dict_entry);
}

/* CPython's new_keys_object: the index width grows with the table. */
static int dk_log2_index_bytes(int log2_size)
{
    if (log2_size < 8)
        return log2_size;
    if (log2_size < 16)
        return log2_size + 1;
    if (log2_size >= 32)
        return log2_size + 3;
    return log2_size + 2;
}

/* CPython's _PyDict_KeysSize. */
static size_t dk_block_size(int log2_size, int kind)
{
    return sizeof(dict_keys) + ((size_t)1 << dk_log2_index_bytes(log2_size)) +
           USABLE_FRACTION((size_t)1 << log2_size) * dk_entry_size(kind);
}

static size_t dk_bytes(const dict_keys *k) { return dk_block_size(k->log2_size, k->kind); }

static intptr_t dk_get_index(const dict_keys *k, size_t i)
{
    const void *ix = dk_indices(k);
    if (k->log2_size < 8)
        return ((const int8_t *)ix)[i];
    if (k->log2_size < 16)
        return ((const int16_t *)ix)[i];
    if (k->log2_size >= 32)
        return (intptr_t)((const int64_t *)ix)[i];
    return ((const int32_t *)ix)[i];
}

static void dk_set_index(dict_keys *k, size_t i, intptr_t value)
{
    void *ix = dk_indices(k);
    if (k->log2_size < 8)
        ((int8_t *)ix)[i] = (int8_t)value;
    else if (k->log2_size < 16)
        ((int16_t *)ix)[i] = (int16_t)value;
    else if (k->log2_size >= 32)
        ((int64_t *)ix)[i] = value;
    else
        ((int32_t *)ix)[i] = (int32_t)value;
}

/* The hash of entry ix. */
static intptr_t dk_hash_at(const dict_keys *k, intptr_t ix)
{
    if (k->kind == DICT_KEYS_UNICODE)
        return str_hash(*dk_key_at(k, ix));
    return ((dict_entry *)dk_entries(k))[ix].hash;
}

/* CPython 3.11's calculate_log2_keysize, in its 64-bit bit-length form, bug included
 * (gh-133703, fixed in 3.13): a minsize of 3..7, or a power of two above 8, gets twice the
 * table it needs (a str-keyed dict of one key getting an int key grows to 16 slots). */
static int dk_log2_for(intptr_t minsize)
{
    uint64_t n = ((uint64_t)minsize | 8) - 1;
    n |= 7;
    int bits = 0;
    for (; n != 0; n >>= 1)
        bits++;
    return bits;
}

/* Whether a keys object of this size and kind goes on the keys free list when freed, and
 * comes from it when made: CPython 3.11 keeps only the smallest str-keyed tables. */
static bool dk_freelisted(int log2_size, int kind)
{
    return log2_size == DICT_LOG_MINSIZE && kind == DICT_KEYS_UNICODE;
}

/* A new empty keys object of 2**log2_size slots (CPython's new_keys_object: from the keys
 * free list when it can), or NULL. */
static dict_keys *dk_new(gcr_runtime *rt, const gcr_object *owner, int log2_size, int kind)
{
    size_t bytes = dk_block_size(log2_size, kind);
    rt_freelists *fl = &rt->freelists;
    dict_keys *k;
    if (dk_freelisted(log2_size, kind) && fl->nkeys > 0) {
        k = fl->keys[--fl->nkeys];
        obj_buffer_from_freelist(rt, owner, bytes);
    } else if ((k = obj_buffer_alloc(rt, owner, bytes)) == NULL) {
        rt_set_error(rt, "MemoryError");
        return NULL;
    }
    k->refcnt = 1;
    k->log2_size = (uint8_t)log2_size;
    k->log2_index_bytes = (uint8_t)dk_log2_index_bytes(log2_size);
    k->kind = (uint8_t)kind;
    k->unused = 0;
    k->version = 0;
    k->usable = (intptr_t)USABLE_FRACTION((size_t)1 << log2_size);
    k->nentries = 0;
    memset(dk_indices(k), 0xff, (size_t)1 << k->log2_index_bytes);
    memset(dk_entries(k), 0, (size_t)k->usable * dk_entry_size(kind));
    return k;
}

/* Frees k, a keys object of owner whose entries are dropped or moved: onto the keys free
 * list when it is one CPython keeps and the list has room (free_keys_object, dictresize). */
static void dk_free(gcr_runtime *rt, const gcr_object *owner, dict_keys *k)
{
    rt_freelists *fl = &rt->freelists;
    if (dk_freelisted(k->log2_size, k->kind) && fl->nkeys < RT_DICT_MAXFREELIST) {
        obj_buffer_to_freelist(rt, owner, dk_bytes(k));
        fl->keys[fl->nkeys++] = k;
        return;
    }
    obj_buffer_free(rt, owner, k, dk_bytes(k));
}

/* The first free slot of hash's probe sequence (the key is known to be absent). */
static size_t dk_find_empty_slot(const dict_keys *k, intptr_t hash)
{
    size_t mask = dk_size(k) - 1;
    size_t perturb = (size_t)hash;
    size_t i = (size_t)hash & mask;
    while (dk_get_index(k, i) >= 0) {
        perturb >>= PERTURB_SHIFT;
        i = (i * 5 + perturb + 1) & mask;
    }
    return i;
}

/* Whether entry key ek matches the looked-up key: equal, or (by_target) a weak reference to
 * a live object equal to key. */
static bool dk_key_matches(gcr_object *ek, gcr_object *key, bool by_target)
{
    if (!by_target)
        return hash_equal(ek, key);
    if (!weakref_is_ref(ek))
        return false;
    gcr_object *target = weakref_target(ek);
    return target != NULL && hash_equal(target, key);
}

/* The entry index of key (whose hash is hash), or DKIX_EMPTY; *slot gets its slot in the
 * indices. */
static intptr_t dk_lookup(const dict_keys *k, gcr_object *key, intptr_t hash, bool by_target,
                          size_t *slot)
{
    size_t mask = dk_size(k) - 1;
    size_t perturb = (size_t)hash;
    size_t i = (size_t)hash & mask;
    for (;;) {
        intptr_t ix = dk_get_index(k, i);
        if (ix == DKIX_EMPTY)
            return DKIX_EMPTY;
        if (ix >= 0) {
            gcr_object *ek = *dk_key_at(k, ix);
            if ((ek == key && !by_target) ||
                (dk_hash_at(k, ix) == hash && dk_key_matches(ek, key, by_target))) {
                *slot = i;
                return ix;
            }
        }
        perturb >>= PERTURB_SHIFT;
        i = (i * 5 + perturb + 1) & mask;
    }
}

/* CPython's build_indices: entries 0..n-1 of k into its (empty) indices. */
static void dk_build_indices(dict_keys *k, intptr_t n)
{
    for (intptr_t ix = 0; ix < n; ix++)
        dk_set_index(k, dk_find_empty_slot(k, dk_hash_at(k, ix)), ix);
}

/* ---------------------------------------------------------------------------------------
 * Insertion, resizing, deletion
 * ------------------------------------------------------------------------------------- */

/* CPython's dictresize: a new table of 2**log2_size slots holding the live entries in order
 * (a unicode table stays unicode only when unicode is asked for). Returns 0, or -1 with the
 * dict unchanged. */
static int dict_resize(gcr_runtime *rt, dict_object *mp, int log2_size, bool unicode)
{
    dict_keys *old = mp->keys;
    int kind = unicode && old->kind == DICT_KEYS_UNICODE ? DICT_KEYS_UNICODE : DICT_KEYS_GENERAL;
    dict_keys *k = dk_new(rt, &mp->ob, log2_size, kind);
    if (k == NULL)
        return -1;
    assert(k->usable >= mp->used);
    intptr_t n = 0;
    for (intptr_t ix = 0; ix < old->nentries; ix++) {
        gcr_object *value = *dk_value_at(old, ix);
        if (value == NULL)
            continue;
        *dk_key_at(k, n) = *dk_key_at(old, ix);
        *dk_value_at(k, n) = value;
        if (kind == DICT_KEYS_GENERAL)
            ((dict_entry *)dk_entries(k))[n].hash = dk_hash_at(old, ix);
        n++;
    }
    assert(n == mp->used);
    dk_build_indices(k, n);
    k->usable -= n;
    k->nentries = n;
    dk_free(rt, &mp->ob, old);
    mp->keys = k;
    return 0;
}

/* MAINTAIN_TRACKING: an untracked dict is tracked once it holds something that may be. */
static void dict_maintain_tracking(gcr_runtime *rt, dict_object *mp, gcr_object *key,
                                   gcr_object *value)
{
    if (!gc_is_tracked(&mp->ob) && (gc_may_be_tracked(key) || gc_may_be_tracked(value)))
        gc_track(&rt->gc, &mp->ob);
}

/* CPython's insertdict and insert_to_emptydict: stores key -> value, taking a reference to
 * each (the existing key object is kept when an equal one is present). 0, or -1 (memory). */
static int dict_insert(gcr_runtime *rt, dict_object *mp, gcr_object *key, intptr_t hash,
                       gcr_object *value)
{
    bool unicode = key->type == &str_type;
    gcr_incref(key);
    gcr_incref(value);
    if (mp->keys == NULL) {
        mp->keys =
            dk_new(rt, &mp->ob, DICT_LOG_MINSIZE, unicode ? DICT_KEYS_UNICODE : DICT_KEYS_GENERAL);
        if (mp->keys == NULL)
            goto fail;
    } else if (mp->keys->kind == DICT_KEYS_UNICODE && !unicode) {
        if (dict_resize(rt, mp, dk_log2_for(GROWTH_RATE(mp)), false) != 0)
            goto fail;
    }
    size_t slot;
    intptr_t ix = dk_lookup(mp->keys, key, hash, false, &slot);
    dict_maintain_tracking(rt, mp, key, value);
    if (ix == DKIX_EMPTY) {
        if (mp->keys->usable <= 0 && dict_resize(rt, mp, dk_log2_for(GROWTH_RATE(mp)), true) != 0)
            goto fail;
        dict_keys *k = mp->keys;
        dk_set_index(k, dk_find_empty_slot(k, hash), k->nentries);
        *dk_key_at(k, k->nentries) = key;
        *dk_value_at(k, k->nentries) = value;
        if (k->kind == DICT_KEYS_GENERAL)
            ((dict_entry *)dk_entries(k))[k->nentries].hash = hash;
        mp->used++;
        mp->version_tag++;
        k->usable--;
        k->nentries++;
        return 0;
    }
    gcr_object **slot_value = dk_value_at(mp->keys, ix);
    gcr_object *old = *slot_value;
    *slot_value = value;
    mp->version_tag++;
    gcr_decref(rt, old); /* may run arbitrary code (a finalizer): the dict is consistent */
    gcr_decref(rt, key);
    return 0;

fail:
    gcr_decref(rt, value);
    gcr_decref(rt, key);
    return -1;
}

/* CPython's delitem_common: entry ix at index slot goes; its references are dropped last. */
static void dict_delete_at(gcr_runtime *rt, dict_object *mp, size_t slot, intptr_t ix)
{
    dict_keys *k = mp->keys;
    gcr_object **key = dk_key_at(k, ix), **value = dk_value_at(k, ix);
    gcr_object *old_key = *key, *old_value = *value;
    mp->used--;
    mp->version_tag++;
    dk_set_index(k, slot, DKIX_DUMMY);
    *key = NULL;
    *value = NULL;
    gcr_decref(rt, old_key);
    gcr_decref(rt, old_value);
}

/* Finds key (by_target: a live weak reference to key) in mp: the entry index and slot, or
 * DKIX_EMPTY (absent or unhashable). */
static intptr_t dict_find(const dict_object *mp, gcr_object *key, bool by_target, size_t *slot)
{
    intptr_t hash;
    const char *unhashable;
    if (mp->keys == NULL || hash_object(key, &hash, &unhashable) != 0)
        return DKIX_EMPTY;
    return dk_lookup(mp->keys, key, hash, by_target, slot);
}

/* "KeyError: <the key>", as CPython prints it for str and int keys. */
static void dict_key_error(gcr_runtime *rt, gcr_object *key)
{
    if (key->type == &str_type)
        rt_set_error(rt, "KeyError: '%s'", gcr_str_data(key));
    else if (key->type == &int_type)
        rt_set_error(rt, "KeyError: %lld", (long long)gcr_int_value(key));
    else
        rt_set_error(rt, "KeyError: <%s object>", gcr_type_name(key));
}

/* ---------------------------------------------------------------------------------------
 * Public API
 * ------------------------------------------------------------------------------------- */

gcr_object *gcr_dict_new(gcr_runtime *rt)
{
    rt_freelists *fl = &rt->freelists;
    gcr_object *o;
    if (fl->ndicts > 0)
        o = obj_from_freelist(rt, fl->dicts[--fl->ndicts], &dict_type, DICT_SIZE);
    else if ((o = obj_new_container(rt, &dict_type, DICT_SIZE)) == NULL)
        return NULL;
    dict_object *mp = (dict_object *)o;
    mp->used = 0;
    mp->version_tag = 0;
    mp->keys = NULL;
    mp->values = NULL;
    if (rt->traits->dicts_tracked)
        gc_track(&rt->gc, o); /* 3.14+: tracked from creation */
    return o; /* untracked until it holds a container (MAINTAIN_TRACKING), before 3.14 */
}

int gcr_dict_set(gcr_runtime *rt, gcr_object *dict, gcr_object *key, gcr_object *value)
{
    dict_object *mp = dict_cast(dict);
    assert(key != NULL && key->refcnt > 0 && "gcr_dict_set: key is not a live object");
    assert(value != NULL && value->refcnt > 0 && "gcr_dict_set: value is not a live object");
    intptr_t hash;
    const char *unhashable;
    if (hash_object(key, &hash, &unhashable) != 0) {
        rt_set_error(rt, "TypeError: unhashable type: '%s'", unhashable);
        return -1;
    }
    return dict_insert(rt, mp, key, hash, value);
}

gcr_object *gcr_dict_get(const gcr_object *dict, gcr_object *key)
{
    const dict_object *mp = dict_cast(dict);
    size_t slot;
    intptr_t ix = dict_find(mp, key, false, &slot);
    return ix >= 0 ? *dk_value_at(mp->keys, ix) : NULL;
}

int gcr_dict_del(gcr_runtime *rt, gcr_object *dict, gcr_object *key)
{
    intptr_t hash;
    const char *unhashable;
    if (hash_object(key, &hash, &unhashable) != 0) {
        rt_set_error(rt, "TypeError: unhashable type: '%s'", unhashable);
        return -1;
    }
    if (dict_del_quiet(rt, dict, key) != 0) {
        dict_key_error(rt, key);
        return -1;
    }
    return 0;
}

size_t gcr_dict_len(const gcr_object *dict) { return (size_t)dict_cast(dict)->used; }

void gcr_dict_item(const gcr_object *dict, size_t i, gcr_object **key, gcr_object **value)
{
    const dict_object *mp = dict_cast(dict);
    assert(i < (size_t)mp->used && "gcr_dict_item: index out of range");
    const dict_keys *k = mp->keys;
    /* Without deletions entry i is the i-th item; otherwise skip the deleted ones. */
    intptr_t ix = (intptr_t)i;
    if (k->nentries != mp->used) {
        for (ix = 0;; ix++)
            if (*dk_value_at(k, ix) != NULL && i-- == 0)
                break;
    }
    *key = *dk_key_at(k, ix);
    *value = *dk_value_at(k, ix);
}

/* ---------------------------------------------------------------------------------------
 * Services to the weak dictionaries
 * ------------------------------------------------------------------------------------- */

int dict_del_quiet(gcr_runtime *rt, gcr_object *dict, gcr_object *key)
{
    dict_object *mp = dict_cast(dict);
    size_t slot;
    intptr_t ix = dict_find(mp, key, false, &slot);
    if (ix < 0)
        return -1;
    dict_delete_at(rt, mp, slot, ix);
    return 0;
}

gcr_object *dict_get_by_ref_target(const gcr_object *dict, gcr_object *target)
{
    const dict_object *mp = dict_cast(dict);
    size_t slot;
    intptr_t ix = dict_find(mp, target, true, &slot);
    return ix >= 0 ? *dk_value_at(mp->keys, ix) : NULL;
}

int dict_del_by_ref_target(gcr_runtime *rt, gcr_object *dict, gcr_object *target)
{
    dict_object *mp = dict_cast(dict);
    size_t slot;
    intptr_t ix = dict_find(mp, target, true, &slot);
    if (ix < 0)
        return -1;
    dict_delete_at(rt, mp, slot, ix);
    return 0;
}

void dict_del_if_dead_weakref(gcr_runtime *rt, gcr_object *dict, gcr_object *key)
{
    dict_object *mp = dict_cast(dict);
    size_t slot;
    intptr_t ix = dict_find(mp, key, false, &slot);
    if (ix < 0)
        return;
    gcr_object *value = *dk_value_at(mp->keys, ix);
    if (value->type->kind == OBJ_WEAKREF && weakref_target(value) == NULL)
        dict_delete_at(rt, mp, slot, ix);
}

/* ---------------------------------------------------------------------------------------
 * Type hooks
 * ------------------------------------------------------------------------------------- */

bool dict_may_untrack(const gcr_object *o)
{
    const dict_keys *k = ((const dict_object *)o)->keys;
    if (k == NULL)
        return true;
    for (intptr_t ix = 0; ix < k->nentries; ix++) {
        gcr_object *value = *dk_value_at(k, ix);
        if (value == NULL)
            continue;
        if (gc_may_be_tracked(value) ||
            (k->kind == DICT_KEYS_GENERAL && gc_may_be_tracked(*dk_key_at(k, ix))))
            return false;
    }
    return true;
}

/* Drops every entry of the detached table k and frees it (CPython's free_keys_object). */
static void dict_free_keys(gcr_runtime *rt, const gcr_object *owner, dict_keys *k)
{
    for (intptr_t ix = 0; ix < k->nentries; ix++) {
        gcr_xdecref(rt, *dk_key_at(k, ix));
        gcr_xdecref(rt, *dk_value_at(k, ix));
    }
    dk_free(rt, owner, k);
}

/* CPython's PyDict_Clear (the dict's tp_clear): the dict is emptied first, then the old
 * table's references are dropped. */
static void dict_clear(gcr_runtime *rt, gcr_object *o)
{
    dict_object *mp = dict_cast(o);
    dict_keys *k = mp->keys;
    if (k == NULL)
        return;
    mp->keys = NULL;
    mp->used = 0;
    mp->version_tag++;
    dict_free_keys(rt, o, k);
}

size_t dict_sizeof(const gcr_object *o)
{
    const dict_keys *k = dict_cast(o)->keys;
    return sizeof(gc_head) + sizeof(dict_object) + (k != NULL ? dk_bytes(k) : 0);
}

void dict_dealloc(gcr_runtime *rt, gcr_object *o)
{
    dict_object *mp = (dict_object *)o;
    if (mp->keys != NULL)
        dict_free_keys(rt, o, mp->keys);
    rt_freelists *fl = &rt->freelists;
    if (fl->ndicts < RT_DICT_MAXFREELIST) {
        obj_to_freelist(rt, o, DICT_SIZE);
        fl->dicts[fl->ndicts++] = o;
        return;
    }
    obj_free_container(rt, o, DICT_SIZE);
}

/* _PyDict_ClearFreeList: the dicts, then the keys objects, the most recently freed first. */
void dict_clear_freelists(gcr_runtime *rt)
{
    rt_freelists *fl = &rt->freelists;
    while (fl->ndicts > 0)
        obj_freelist_release(rt, fl->dicts[--fl->ndicts], DICT_SIZE);
    while (fl->nkeys > 0) {
        dict_keys *k = fl->keys[--fl->nkeys];
        mem_block_free(&rt->mem, k, dk_bytes(k));
    }
}
