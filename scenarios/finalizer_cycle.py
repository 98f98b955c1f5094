"""finalizer_cycle — seeds 003, 000, 002: pairs of objects with __del__ in a parent/child
cycle, each with an array. Since Python 3.4 (PEP 442) the collector frees them. Expected:
delayed."""
import _payload
from _payload import ndarray

PARAMS = {"pairs": 5, "payload_bytes": 4000000}
finalized = 0


class MemLeak:
    def __init__(self):
        self.name = None
        self.huge_memory = ndarray()
        self.child = None
        self.parent = None

    def __del__(self):
        global finalized
        finalized += 1  # the seed prints "对象 … 已经被删除。"


def setup(params):
    _payload.PAYLOAD_BYTES = params["payload_bytes"]


def step(params):
    for _ in range(params["pairs"]):
        fir = MemLeak()
        fir.name = "first"
        sec = MemLeak()
        sec.name = "second"
        fir.child = sec
        sec.parent = fir
        del sec
        del fir
