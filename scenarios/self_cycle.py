"""self_cycle — seeds 000 and 002: lists with a.append(a) and instances with x._self = x,
each holding a payload. Expected: delayed.

The lists are made in one loop and the instances in another: each loop body then makes one
container, which the loop's back edge (where every CPython 3.12+ checks its eval breaker)
follows before the next, so that a collection the allocation schedules sees the same objects
whether or not the interpreter has specialized the appends (which also check, until they
are specialized)."""
import _payload

PARAMS = {"objects": 100, "payload_bytes": 200000}


class CGcLeak:
    def __init__(self):
        self._text = "#" * 10
        self._payload = b"\x5a" * _payload.PAYLOAD_BYTES


def setup(params):
    _payload.PAYLOAD_BYTES = params["payload_bytes"]


def step(params):
    for _ in range(params["objects"]):
        a = []
        a.append(a)
        a.append(b"\x5a" * _payload.PAYLOAD_BYTES)
    for _ in range(params["objects"]):
        x = CGcLeak()
        x._self = x
