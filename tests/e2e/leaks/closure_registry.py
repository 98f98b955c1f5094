"""A callback registry of closures: every request registers a handler closing over its
session, and nothing ever unregisters it. Expected: leak, held by the global _handlers."""
PARAMS = {"requests": 400, "rows": 60}

_handlers = []


class Session:
    def __init__(self, n, rows):
        self.n = n
        self.buffer = [float(i) for i in range(rows)]


def on_event(callback):
    _handlers.append(callback)


def step(params):
    for i in range(params["requests"]):
        session = Session(i, params["rows"])

        def handler(event, session=session):
            return session.n, event

        on_event(handler)
