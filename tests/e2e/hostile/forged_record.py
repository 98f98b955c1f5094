"""Hostile: at iteration 2, forges a record as well as a scenario can — it finds the
worker's channel and the run's token in the worker's own objects — and sends it:
  attack 1  a type record whose name has no terminating NUL
  attack 2  an iteration sample of iteration 10**18 (a huge count)
  attack 3  the next iteration's sample with live_objects 2**62
  attack 4  a record of an unknown kind
  attack 5  half a record, then the worker exits
Expected: the run fails with "worker sent a malformed record: <why>"; bench reads no byte
past its buffers and allocates nothing from the numbers."""
import gc
import os
import sys

PARAMS = {"attack": 1, "at": 2}
_step = [0]


def _worker():
    for o in gc.get_objects():
        if type(o).__name__ == "Worker" and hasattr(o, "wire") and hasattr(o, "host"):
            return o
    raise RuntimeError("no Worker object found")


def _layout():
    return sys.modules["_gcbench_wire"]


def _put(buf, layout, fields, name, value, index=0):
    for f in fields:
        if f[0] == name:
            off = f[1] + index * f[2]
            buf[off:off + 8] = int(value).to_bytes(8, "little", signed=True)
            return
    raise KeyError(name)


def step(params):
    _step[0] += 1
    if _step[0] != params["at"]:
        return
    w = _worker()
    wire = _layout()
    fd, token, size = w.host.fd, w.wire.token, wire.SIZEOF_MSG
    buf = bytearray(size)
    kind = {1: wire.KIND["TYPE"], 2: wire.KIND["ITER"], 3: wire.KIND["ITER"], 4: 99,
            5: wire.KIND["ITER"]}[params["attack"]]
    buf[0:4] = kind.to_bytes(4, "little")
    buf[4:8] = token.to_bytes(4, "little")
    if params["attack"] == 1:
        _put(buf, wire, wire.TYPE, "iteration", 1)
        name = [f for f in wire.TYPE if f[0] == "name"][0]
        buf[name[1]:name[1] + name[2] * name[3]] = b"A" * (name[2] * name[3])
    elif params["attack"] == 2:
        _put(buf, wire, wire.ITER, "iteration", 10**18)
    elif params["attack"] == 3:
        _put(buf, wire, wire.ITER, "iteration", _step[0])
        _put(buf, wire, wire.ITER, "t_ns", w.host.now_ns())
        _put(buf, wire, wire.ITER, "live_objects", 2**62)
    if params["attack"] == 5:
        os.write(fd, bytes(buf[: size // 2]))
        os._exit(0)
    os.write(fd, bytes(buf))
