"""global_cache — seed 004's test_global_cache: the cross_reference objects appended to a
module-level list that is never cleared. Expected: leak."""
import _seed004
from _seed004 import B, b_list

PARAMS = {"objects": 100, "floats": 10000}
_global_cache = []


def setup(params):
    _seed004.FLOATS = params["floats"]


def step(params):
    _global_cache.extend(b_list(B, params["objects"]))


def teardown():
    _global_cache.clear()
