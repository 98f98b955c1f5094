"""Hostile: a fork bomb, bounded so that a failing test cannot take the machine down: at
iteration 1 it starts `children` processes that each start one more (in a session of its
own, out of the worker's process group) and sleep; then the step never returns. Every pid
goes to $GCBENCH_HOSTILE_DIR/pids. Expected: --timeout kills the run (status timeout) and
bench kills every one of them."""
import os
import time

PARAMS = {"children": 100}


def _note(pid):
    with open(os.path.join(os.environ["GCBENCH_HOSTILE_DIR"], "pids"), "a") as f:
        f.write("%d\n" % pid)


def step(params):
    for _ in range(params["children"]):
        try:
            pid = os.fork()
        except OSError:
            break
        if pid == 0:
            _note(os.getpid())
            if os.fork() == 0:
                os.setsid()
                _note(os.getpid())
            time.sleep(600)
            os._exit(0)
    time.sleep(600)
