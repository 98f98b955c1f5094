"""A plain global list that only grows: every request's record is appended and kept.
Expected: leak, held by the global _records."""
PARAMS = {"requests": 400, "rows": 60}

_records = []


class Record:
    def __init__(self, n, rows):
        self.n = n
        self.values = [float(i) for i in range(rows)]


def step(params):
    for i in range(params["requests"]):
        _records.append(Record(i, params["rows"]))
