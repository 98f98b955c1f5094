"""weakref_cycle — seed 004's test_weakref: cross_reference with A's back-pointer a
weakref.proxy, so no cycle: reference counting frees everything. Expected: released."""
import _seed004
from _seed004 import BWeakRef, b_list

PARAMS = {"objects": 100, "floats": 10000}


def setup(params):
    _seed004.FLOATS = params["floats"]


def step(params):
    b_list(BWeakRef, params["objects"])
