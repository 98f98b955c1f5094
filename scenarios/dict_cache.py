"""dict_cache — seed 003: an array per iteration stored in a module-level dict under a fresh
uuid key. The seed's arrays are 800 MB; the default is 8 MB (one 1000 x 1000 slice).
Expected: leak."""
import _payload
from _payload import ndarray, new_key

PARAMS = {"entries": 1, "payload_bytes": 8000000}
dict_leak = {}


def setup(params):
    _payload.PAYLOAD_BYTES = params["payload_bytes"]


def step(params):
    for _ in range(params["entries"]):
        dict_leak[new_key()] = ndarray()


def teardown():
    dict_leak.clear()
