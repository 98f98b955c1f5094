/* weak_dict_cache.c — seed 003's cure for dict_cache: the same arrays stored in a
 * weakref.WeakValueDictionary, whose entries vanish when their array dies (verdict:
 * released). The code is dict_cache.c's. */
#include "dict_cache.h"

const scn_scenario scn_weak_dict_cache = {
    .name = "weak_dict_cache",
    .summary = "dict_cache with a weakref.WeakValueDictionary: entries vanish with their array",
    .seed = "003",
    .expected = "released",
    .params = {{"entries", 1, "arrays stored per iteration"},
               {"payload_bytes", 8000000, "bytes per array (the seed's: 800000000)"}},
    .param_count = 2,
    .setup = dict_cache_setup_weak,
    .step = dict_cache_step,
    .teardown = dict_cache_teardown,
    .roots = dict_cache_roots,
};
