"""_seed004.py — seed 004's classes, shared by cross_reference.py, weakref_cycle.py and
global_cache.py (the modern form of the seed's code; the clock is read once per list, as the
native scenarios do: it changes no memory)."""
import time
import weakref


class A:
    def __init__(self, b, floats):
        now = time.time()
        self._cache = [i + now for i in range(floats)]
        self.b = b


class B:
    def __init__(self, name, floats):
        self.name = name
        self._a = A(b=self, floats=floats)


class BWeakRef:
    def __init__(self, name, floats):
        self.name = name
        self._a = A(b=weakref.proxy(self), floats=floats)


def b_list(cls, objects, floats):
    """The seed's test function body: a list of `objects` new objects of cls."""
    return [cls(name=f"A-{index}-{time.time()}", floats=floats) for index in range(objects)]
