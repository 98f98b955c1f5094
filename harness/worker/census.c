/* census.c — the per-type census of a native run's samples (see census.h). */
#include "census.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Grows *p (of *cap elements of size each) to hold need; false when memory ran out. */
static bool reserve(void **p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return true;
    size_t n = *cap ? *cap * 2 : 64;
    while (n < need)
        n *= 2;
    void *q = realloc(*p, n * size);
    if (q == NULL)
        return false;
    *p = q;
    *cap = n;
    return true;
}

/* The slot of name, made when first met; (size_t)-1 when memory ran out. */
static size_t slot_of(census *c, const char *name)
{
    for (size_t i = 0; i < c->ntypes; i++)
        if (strcmp(c->names[i], name) == 0)
            return i;
    size_t cap = c->cap, ok = 1;
    int64_t **arrays[] = {&c->prev_objects, &c->prev_bytes, &c->cur_objects, &c->cur_bytes};
    for (size_t a = 0; a < 4 && ok; a++) {
        size_t cap_a = cap;
        ok = reserve((void **)arrays[a], &cap_a, c->ntypes + 1, sizeof(int64_t));
    }
    size_t cap_n = cap;
    if (!ok || !reserve((void **)&c->names, &cap_n, c->ntypes + 1, sizeof c->names[0]))
        return (size_t)-1;
    c->cap = cap_n;
    size_t s = c->ntypes++;
    snprintf(c->names[s], sizeof c->names[s], "%s", name);
    c->prev_objects[s] = c->prev_bytes[s] = c->cur_objects[s] = c->cur_bytes[s] = 0;
    return s;
}

void census_record(census *c, const wire_type *types, size_t n)
{
    if (c->failed)
        return;
    for (size_t i = 0; i < n; i++) {
        size_t s = slot_of(c, types[i].name);
        if (s == (size_t)-1) {
            c->failed = true;
            return;
        }
        c->cur_objects[s] += types[i].live_objects;
        c->cur_bytes[s] += types[i].live_bytes > 0 ? types[i].live_bytes : 0;
    }
    for (size_t s = 0; s < c->ntypes; s++) {
        if (c->cur_objects[s] != c->prev_objects[s] || c->cur_bytes[s] != c->prev_bytes[s]) {
            if (!reserve((void **)&c->changes, &c->changes_cap, c->nchanges + 1,
                         sizeof c->changes[0])) {
                c->failed = true;
                return;
            }
            c->changes[c->nchanges++] = (census_change){s, c->cur_objects[s], c->cur_bytes[s]};
            c->prev_objects[s] = c->cur_objects[s];
            c->prev_bytes[s] = c->cur_bytes[s];
        }
        c->cur_objects[s] = c->cur_bytes[s] = 0;
    }
    if (!reserve((void **)&c->end, &c->samples_cap, c->nsamples + 1, sizeof c->end[0])) {
        c->failed = true;
        return;
    }
    c->end[c->nsamples++] = c->nchanges;
}

typedef struct grown {
    int64_t by;
    size_t slot;
    const char *name;
} grown;

static int by_most(const void *a, const void *b)
{
    const grown *x = a, *y = b;
    if (x->by != y->by)
        return x->by > y->by ? -1 : 1;
    return strcmp(x->name, y->name);
}

/* Replays the history up to sample k (from the state after sample k - 1) into o, b. */
static void replay(const census *c, size_t k, int64_t *o, int64_t *b)
{
    for (size_t i = k ? c->end[k - 1] : 0; i < c->end[k]; i++) {
        o[c->changes[i].slot] = c->changes[i].objects;
        b[c->changes[i].slot] = c->changes[i].bytes;
    }
}

void census_send(const census *c, void (*send)(void *ctx, const wire_type *t), void *ctx)
{
    if (c->failed || c->nsamples == 0 || c->ntypes == 0)
        return;
    size_t nt = c->ntypes;
    int64_t *o = calloc(4 * nt, sizeof *o);
    grown *g = calloc(2 * nt, sizeof *g);
    size_t chosen[CENSUS_TOP_OBJECTS + CENSUS_TOP_BYTES], nchosen = 0;
    if (o == NULL || g == NULL)
        goto out;
    int64_t *b = o + nt, *base_o = o + 2 * nt, *base_b = o + 3 * nt;
    replay(c, 0, o, b);
    memcpy(base_o, o, nt * sizeof *o);
    memcpy(base_b, b, nt * sizeof *b);
    for (size_t k = 1; k < c->nsamples; k++)
        replay(c, k, o, b);
    grown *go = g, *gb = g + nt;
    size_t no = 0, nb = 0;
    for (size_t s = 0; s < nt; s++) {
        if (o[s] > base_o[s])
            go[no++] = (grown){o[s] - base_o[s], s, c->names[s]};
        if (b[s] > base_b[s])
            gb[nb++] = (grown){b[s] - base_b[s], s, c->names[s]};
    }
    qsort(go, no, sizeof *go, by_most);
    qsort(gb, nb, sizeof *gb, by_most);
    for (size_t i = 0; i < no && nchosen < CENSUS_TOP_OBJECTS; i++)
        chosen[nchosen++] = go[i].slot;
    for (size_t i = 0; i < nb && nchosen < CENSUS_TOP_OBJECTS + CENSUS_TOP_BYTES; i++) {
        bool in = false;
        for (size_t j = 0; j < nchosen; j++)
            in = in || chosen[j] == gb[i].slot;
        if (!in)
            chosen[nchosen++] = gb[i].slot;
    }
    size_t stride = (c->nsamples + CENSUS_MAX_SAMPLES - 1) / CENSUS_MAX_SAMPLES;
    for (size_t j = 0; j < nchosen; j++) {
        size_t s = chosen[j];
        memset(o, 0, 2 * nt * sizeof *o);
        for (size_t k = 0; k < c->nsamples; k++) {
            replay(c, k, o, b);
            if (k % stride != 0 && k != c->nsamples - 1)
                continue;
            wire_type t = {.iteration = (int64_t)k,
                           .live_objects = o[s],
                           .live_bytes = b[s],
                           .growth_objects = o[s] - base_o[s]};
            snprintf(t.name, sizeof t.name, "%s", c->names[s]);
            send(ctx, &t);
        }
    }
out:
    free(o);
    free(g);
}

bool census_top(const census *c, char *name, size_t len)
{
    if (c->failed || c->nsamples == 0 || c->ntypes == 0)
        return false;
    size_t nt = c->ntypes;
    int64_t *o = calloc(3 * nt, sizeof *o);
    if (o == NULL)
        return false;
    int64_t *b = o + nt, *base = o + 2 * nt;
    replay(c, 0, o, b);
    memcpy(base, o, nt * sizeof *o);
    for (size_t k = 1; k < c->nsamples; k++)
        replay(c, k, o, b);
    size_t best = nt, best_any = nt;
    for (size_t s = 0; s < nt; s++) {
        int64_t g = o[s] - base[s];
        if (g <= 0)
            continue;
        if (best_any == nt || g > o[best_any] - base[best_any])
            best_any = s;
        if (strchr(c->names[s], '.') != NULL && (best == nt || g > o[best] - base[best]))
            best = s;
    }
    if (best == nt)
        best = best_any;
    if (best < nt)
        snprintf(name, len, "%s", c->names[best]);
    free(o);
    return best < nt;
}

void census_free(census *c)
{
    free(c->names);
    free(c->prev_objects);
    free(c->prev_bytes);
    free(c->cur_objects);
    free(c->cur_bytes);
    free(c->changes);
    free(c->end);
    memset(c, 0, sizeof *c);
}
