/* registry.c — the list of built-in native scenarios, and lookups in it. Adding a scenario:
 * write scenarios/NAME.c defining `const scn_scenario scn_NAME`, list it in meson.build and
 * in `all` below. */
#include <string.h>

#include "scenario.h"

extern const scn_scenario scn_cross_reference;
extern const scn_scenario scn_weakref_cycle;
extern const scn_scenario scn_global_cache;
extern const scn_scenario scn_dict_cache;
extern const scn_scenario scn_weak_dict_cache;
extern const scn_scenario scn_finalizer_cycle;
extern const scn_scenario scn_self_cycle;

/* In DESIGN.md §4's order. */
static const scn_scenario *const all[] = {
    &scn_cross_reference, &scn_weakref_cycle,   &scn_global_cache, &scn_dict_cache,
    &scn_weak_dict_cache, &scn_finalizer_cycle, &scn_self_cycle,
};

const scn_scenario *const *scn_all(size_t *count)
{
    *count = sizeof all / sizeof all[0];
    return all;
}

const scn_scenario *scn_find(const char *name)
{
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        if (strcmp(all[i]->name, name) == 0)
            return all[i];
    return NULL;
}

int scn_param_index(const scn_scenario *s, const char *key)
{
    for (size_t i = 0; i < s->param_count; i++)
        if (strcmp(s->params[i].key, key) == 0)
            return (int)i;
    return -1;
}

void scn_defaults(const scn_scenario *s, scn_values *p)
{
    memset(p, 0, sizeof *p);
    for (size_t i = 0; i < s->param_count; i++)
        p->v[i] = s->params[i].value;
}
