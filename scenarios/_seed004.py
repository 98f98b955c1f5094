"""_seed004.py — seed 004's classes and the body of its test functions, shared by
cross_reference.py, weakref_cycle.py and global_cache.py.

This is the seed's own code, its sizes made parameters: keyword calls, a clock read per float,
the list built by appends in a loop. The shape matters: CPython's collector counts the
objects the interpreter makes around it (each keyword call's dict of arguments and tuple of
names, 3.11's function object per comprehension) as it counts the scenario's own, and
scenarios/seed004.c makes the same ones in the same order, so that the native runtime's
collections fall where CPython's do."""
import time
import weakref

FLOATS = 10000  # floats in each A's list: the scenarios' setup sets it from `floats`


class A:
    def __init__(self, b):
        self._cache = [i + time.time() for i in range(FLOATS)]
        self.b = b


class B:
    def __init__(self, name):
        self.name = name
        self._a = A(b=self)


class BWeakRef:
    def __init__(self, name):
        self.name = name
        self._a = A(b=weakref.proxy(self))


def b_list(cls, objects):
    """The seed's test function body: a list of `objects` new objects of cls."""
    bl = []
    for i in range(objects):
        bl.append(cls(name="A-%d-%f" % (i, time.time())))
    return bl
