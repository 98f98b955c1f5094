"""Hostile: at iteration 2, writes a short line to every descriptor 0..1023 it has. Without
care this reaches the worker's channel to bench (a stray partial record) and any results
file the worker inherited (a stray row in samples.csv). Expected: the run fails with
"worker sent a malformed record", the results files are untouched."""
import os

PARAMS = {"at": 2}
_step = [0]


def step(params):
    _step[0] += 1
    if _step[0] != params["at"]:
        return
    for fd in range(1024):
        try:
            os.write(fd, b"hostile,row,written,by,a,scenario\n")
        except OSError:
            pass
