"""Slow but harmless: each iteration sleeps `ms` milliseconds (signals arrive mid-run)."""
import time

PARAMS = {"ms": 200}


def step(params):
    time.sleep(params["ms"] / 1000)
