"""A bounded LRU cache: up to `capacity` entries, the oldest evicted. It fills during the first
iterations (capacity / requests of them) and then stays at its bound. Expected: bounded (or
released), never leak, at 10 iterations; inconclusive at 2."""
from collections import OrderedDict

PARAMS = {"requests": 500, "capacity": 2000, "rows": 40}

_cache = OrderedDict()
_next = [0]


def step(params):
    for _ in range(params["requests"]):
        key = _next[0]
        _next[0] += 1
        _cache[key] = [float(key)] * params["rows"]
        if len(_cache) > params["capacity"]:
            _cache.popitem(last=False)
