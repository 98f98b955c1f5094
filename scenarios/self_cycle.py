"""self_cycle — seeds 000 and 002: lists with a.append(a) and instances with x._self = x,
each holding a payload. Expected: delayed."""

PARAMS = {"objects": 100, "payload_bytes": 200000}


class CGcLeak:
    def __init__(self, nbytes):
        self._text = "#" * 10
        self._payload = b"\x5a" * nbytes


def step(params):
    for _ in range(params["objects"]):
        a = []
        a.append(a)
        a.append(b"\x5a" * params["payload_bytes"])
        x = CGcLeak(params["payload_bytes"])
        x._self = x
