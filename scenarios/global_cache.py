"""global_cache — seed 004's test_global_cache: the cross_reference objects appended to a
module-level list that is never cleared. Expected: leak."""
from _seed004 import B, b_list

PARAMS = {"objects": 100, "floats": 10000}
_global_cache = []


def step(params):
    _global_cache.extend(b_list(B, params["objects"], params["floats"]))


def teardown():
    _global_cache.clear()
