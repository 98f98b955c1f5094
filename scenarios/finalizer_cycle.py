"""finalizer_cycle — seeds 003, 000, 002: pairs of objects with __del__ in a parent/child
cycle, each with an array. Since Python 3.4 (PEP 442) the collector frees them. Expected:
delayed."""
from _payload import ndarray

PARAMS = {"pairs": 5, "payload_bytes": 4000000}
finalized = 0


class MemLeak:
    def __init__(self, name, nbytes):
        self.name = name
        self.huge_memory = ndarray(nbytes)
        self.child = None
        self.parent = None

    def __del__(self):
        global finalized
        finalized += 1  # the seed prints "对象 … 已经被删除。"


def step(params):
    for _ in range(params["pairs"]):
        fir = MemLeak("first", params["payload_bytes"])
        sec = MemLeak("second", params["payload_bytes"])
        fir.child = sec
        sec.parent = fir
        del sec
        del fir
