"""A cache on a method: functools.lru_cache(maxsize=None) keys on self, so every service ever
made stays alive in the cache (a class attribute), with its rows. Expected: leak."""
import functools

PARAMS = {"requests": 400, "rows": 60}


class ReportService:
    def __init__(self, n, rows):
        self.n = n
        self.rows = [float(i) for i in range(rows)]  # allocates the rows

    @functools.lru_cache(maxsize=None)
    def render(self, key):
        return "report %s/%d" % (key, self.n)


def step(params):
    for i in range(params["requests"]):
        ReportService(i, params["rows"]).render("daily")
