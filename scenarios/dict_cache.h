/* dict_cache.h — the functions dict_cache and weak_dict_cache share (dict_cache.c). State: the
 * cache and the payload kit; parameters: entries, payload_bytes (in that order). */
#ifndef SCN_DICT_CACHE_H
#define SCN_DICT_CACHE_H

#include "scenario.h"

int dict_cache_setup(gcr_runtime *rt, const scn_values *p, void **out, char *err, size_t errlen);
int dict_cache_setup_weak(gcr_runtime *rt, const scn_values *p, void **out, char *err,
                          size_t errlen);
int dict_cache_step(gcr_runtime *rt, const scn_values *p, void *st, char *err, size_t errlen);
void dict_cache_teardown(gcr_runtime *rt, const scn_values *p, void *st);
/* The twin's module-level dict_leak. */
size_t dict_cache_roots(void *st, scn_root *out, size_t max);

#endif /* SCN_DICT_CACHE_H */
