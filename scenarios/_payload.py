"""_payload.py — seed 003's numpy arrays, without numpy: an object holding a buffer of the
array's size, written so that its pages are resident (np.random.random writes every byte),
and accepting weak references as an ndarray does."""
import uuid


class ndarray:
    def __init__(self, nbytes):
        self.data = b"\x5a" * nbytes


def new_key():
    return str(uuid.uuid4())
