"""cross_reference — seed 004's test_reference: 100 B <-> A reference cycles per iteration,
each A holding a list of 10 000 floats, dropped when the iteration ends. Expected: delayed."""
import _seed004
from _seed004 import B, b_list

PARAMS = {"objects": 100, "floats": 10000}


def setup(params):
    _seed004.FLOATS = params["floats"]


def step(params):
    b_list(B, params["objects"])  # built and dropped: the cycles remain
