"""A stored exception: the handler keeps the error in a local, and the error's traceback holds
the handler's frame, which holds the error: a reference cycle with the frame's big payload,
freed only by the collector. Expected: delayed."""
PARAMS = {"floats": 100000}


class ParseError(Exception):
    pass


def handle(params):
    payload = [float(i) for i in range(params["floats"])]
    try:
        raise ParseError("bad record")
    except ParseError as e:
        err = e  # the frame now holds the error, whose traceback holds the frame
    return len(payload)


def step(params):
    handle(params)
