"""weak_dict_cache — seed 003's cure for dict_cache: a weakref.WeakValueDictionary, whose
entries vanish with their array. Expected: released."""
import weakref

import _payload
from _payload import ndarray, new_key

PARAMS = {"entries": 1, "payload_bytes": 8000000}
dict_leak = weakref.WeakValueDictionary()


def setup(params):
    _payload.PAYLOAD_BYTES = params["payload_bytes"]


def step(params):
    for _ in range(params["entries"]):
        dict_leak[new_key()] = ndarray()
