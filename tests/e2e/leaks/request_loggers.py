"""A logger per request: logging.getLogger keeps every logger it ever made (in its manager's
loggerDict), so a name per request leaks a logger per request. Expected: leak."""
import logging

PARAMS = {"requests": 400}

_count = [0]


def step(params):
    for _ in range(params["requests"]):
        _count[0] += 1
        log = logging.getLogger("app.request.%d" % _count[0])
        log.setLevel(logging.INFO)
