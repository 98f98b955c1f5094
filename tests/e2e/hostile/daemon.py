"""Hostile: at iteration 1, leaves two processes behind that hold the worker's pipes and
sleep for ten minutes: a daemon (double fork, setsid: out of the worker's process group) and
a plain child (in the group). Each writes its pid to $GCBENCH_HOSTILE_DIR/pids. Expected:
the run ends when the worker exits, ok; bench kills both."""
import os
import time

PARAMS = {"at": 1}
_step = [0]


def _note(pid):
    with open(os.path.join(os.environ["GCBENCH_HOSTILE_DIR"], "pids"), "a") as f:
        f.write("%d\n" % pid)


def step(params):
    _step[0] += 1
    if _step[0] != params["at"]:
        return
    pid = os.fork()
    if pid == 0:
        os.setsid()
        if os.fork() == 0:
            _note(os.getpid())
            time.sleep(600)
        os._exit(0)
    os.waitpid(pid, 0)
    pid = os.fork()
    if pid == 0:
        _note(os.getpid())
        time.sleep(600)
        os._exit(0)
