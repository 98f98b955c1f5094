"""_payload.py — seed 003's numpy arrays, without numpy: an object holding a buffer of the
array's size, written so that its pages are resident (np.random.random writes every byte),
and accepting weak references as an ndarray does; and seed 003's uuid keys.

Class calls take no arguments (the size is the module's PAYLOAD_BYTES, which each scenario's
setup sets from its `payload_bytes`): CPython makes no argument tuple for them, in any version
and whether or not the call is specialized, so the native twins (payload.c) can make exactly
the containers CPython makes. The key is a random hex string, as str(uuid.uuid4()) is one,
made without uuid's own objects."""
import os

PAYLOAD_BYTES = 8000000


class ndarray:
    def __init__(self):
        self.data = b"\x5a" * PAYLOAD_BYTES


def new_key():
    return os.urandom(16).hex()
