"""worker.py — the Python side of a gcbench worker, for every interpreter that runs one: real
CPython embedded in bench-worker-python, any CPython >= 3.9 on the machine (`PATH -I worker.py
…`, bench run --python), and Pyodide's CPython builds under Node.js (worker_pyodide.mjs). It
is worker_core.c's loop, said in Python, with the same command line, the same records and the
same exit status:

  worker.py --fd N --file PATH --mode forced|auto|off --iterations N [--threshold T0,T1,T2]
            [--allocator A] [--policy cpython] [--param KEY=VALUE]... [--python-env]
            [--trace-alloc FRAMES]

  setup -> gc.collect() -> baseline sample (iteration 0) -> for each iteration: step, in forced
  mode gc.collect(), the boundary sample -> the top types -> teardown -> DONE.

Exit status: 0 every iteration ran; 1 the scenario failed (the DONE record says why, and its
traceback is on stderr); 2 bad arguments (a bug in bench: the message goes to stderr).

Records: wire.h's, packed with struct from _gcbench_wire.py (generated from wire.h at build
time by wire_layout.c, installed beside this file), each exactly sizeof(wire_msg) bytes and
written with one write. After every boundary sample, one WIRE_CLASS record per class the
scenario defines: the classes defined in the modules loaded from the scenario file's own folder
(the scenario and the helpers it imports from there), in definition order.

What differs between hosts — how a record is written, how RSS and the clock are read, how to
crash for GCBENCH_FAULT=crash@K — goes through a host object: PosixHost here, a JavaScript
object in worker_pyodide.mjs. A host provides write(record) (or attach(buffer), called once
with the buffer every record is packed into, and flush(), called for each record), status() (the text of
/proc/self/status), reset_peak() (write "5" to /proc/self/clear_refs: True where allowed),
token() (the run's token, from GCBENCH_WIRE_TOKEN, which the host takes out of the
environment when it starts), now_ns() (CLOCK_MONOTONIC, the parent's clock), cpu_ns() (this process's CPU time), fault()
(GCBENCH_FAULT's value or ""), crash() and hang(). now_ns and cpu_ns may answer with a decimal
string.

Fidelity: the boundary sample must disturb the collector it measures as little as possible,
because its counts (gc.get_count(), collections per generation, live instances) are compared
exactly against a model. Every sample runs with the collector disabled, allocates as little as
it can (no generator expressions, no comprehensions, no bound methods, preallocated lists and
a reused record buffer) and frees everything it allocated before the collector is enabled
again. What one sample allocates, in this order, and frees before gc is re-enabled
(harness/worker/worker.c makes the same containers in the native runtime, so that the model's
collector counts what CPython's counts):
  - gc.get_count()'s 3-tuple;
  - gc.get_stats()'s list and its dict per generation, only in a sample that follows a
    collection (the gc.callbacks entry that times the pauses counts the calls; 3.14.0-3.14.4
    call it for an increment that did nothing too, which gc.get_stats() does not count);
  - the list of the words of /proc/self/status;
  - gc.get_objects()'s list (the heap's tracked objects; not itself);
  - str and int objects (the /proc text, its words, the numbers), never tracked by the gc.
A tuple, a list or a dict can come from, and go back to, the interpreter's free lists, which
CPython does not count in gen 0's count, and a full collection empties those lists: after
one, a sample leaves gen 0's count a few higher. No call in a sample takes its arguments in a
tuple (METH_VARARGS: time.clock_gettime_ns, str.find before 3.13, int() before 3.13), since
that tuple would count the same way: numbers are parsed digit by digit. In Pyodide the host
keeps the record buffer (attach) so that writing a record hands no Python object to
JavaScript. GCBENCH_FAULT is read before the baseline's collection. The scenario's step() is
called directly from the loop.
"""

import array
import gc
import os
import struct
import sys
import time

try:
    import _gcbench_wire as wire
except ImportError:
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import _gcbench_wire as wire

    del sys.path[0]

# ---- the records ----------------------------------------------------------------------------

# The fields worker.py fills, in wire.h's order: checked against the generated layout at import,
# so that a change to wire.h stops here instead of writing shifted records.
ITER_FIELDS = ("iteration", "t_ns", "rss_bytes", "rss_anon_bytes", "rss_file_bytes",
               "iter_peak_rss_bytes", "live_objects", "live_bytes", "collections", "collected",
               "uncollectable", "garbage", "pause_ns", "objects_scanned", "count", "step_wall_ns",
               "step_cpu_ns", "gc_wall_ns", "gc_cpu_ns", "arenas_current",
               "arenas_allocated_total", "arenas_reclaimed_total", "arenas_highwater",
               "blocks_in_use", "collections_gen", "heap_objects")
DONE_FIELDS = ("ok", "iter_peak_supported", "iterations_done", "collections", "collected",
               "uncollectable", "garbage", "objects_scanned", "pause_ns_total", "pause_ns_median",
               "pause_ns_p95", "pause_ns_max", "peak_rss_bytes", "params", "message")
TYPE_FIELDS = ("iteration", "live_objects", "live_bytes", "growth_objects", "name")
HEADER_FIELDS = ("kind", "token")

_CODES = {("i", 4): "i", ("i", 8): "q", ("u", 4): "I", ("u", 8): "Q"}


def _struct_for(fields):
    """A struct.Struct packing wire_msg's header then fields, padded to sizeof(wire_msg)."""
    parts = [wire.BYTE_ORDER]
    pos = 0
    for name, offset, size, count, kind in wire.HEADER + fields:
        if offset < pos:
            raise ImportError("_gcbench_wire: field %s overlaps the one before it" % name)
        if offset > pos:
            parts.append("%dx" % (offset - pos))
        if kind == "s":
            parts.append("%ds" % (size * count))
        else:
            parts.append("%d%s" % (count, _CODES[(kind, size)]))
        pos = offset + size * count
    if pos > wire.SIZEOF_MSG:
        raise ImportError("_gcbench_wire: fields run past sizeof(wire_msg)")
    parts.append("%dx" % (wire.SIZEOF_MSG - pos))
    s = struct.Struct("".join(parts))
    if s.size != wire.SIZEOF_MSG:
        raise ImportError("_gcbench_wire: a record packs to %d bytes, wire_msg has %d"
                          % (s.size, wire.SIZEOF_MSG))
    return s


def _int64_slots(fields):
    """The int64 index in wire_msg of each int64 value of fields, arrays spread out, in order
    (the char array that may end a record is not one)."""
    slots = []
    for name, offset, size, count, kind in fields:
        if kind == "s":
            continue
        if size != 8 or offset % 8 != 0:
            raise ImportError("_gcbench_wire: %s is not an aligned int64" % name)
        slots.extend(range(offset // 8, offset // 8 + count))
    return slots


def _check_names(layout, names, what):
    got = tuple(f[0] for f in layout)
    if got != names:
        raise ImportError("worker.py and wire.h disagree on %s: wire.h has %s, worker.py fills %s"
                          % (what, ", ".join(got), ", ".join(names)))


def _text(value, size):
    """value as UTF-8 in a C char[size]: at most size - 1 bytes, not cut inside a character."""
    data = value.encode("utf-8", "replace")
    if len(data) >= size:
        data = data[:size - 1].decode("utf-8", "ignore").encode("utf-8")
    return data


class Wire:
    """wire.h's records, packed into one reused buffer of sizeof(wire_msg) bytes. Each pack_*
    fills the buffer and returns it, ready for one write."""

    def __init__(self, token=0):
        _check_names(wire.HEADER, HEADER_FIELDS, "wire_msg's header")
        _check_names(wire.ITER, ITER_FIELDS, "wire_iter")
        _check_names(wire.DONE, DONE_FIELDS, "wire_done")
        _check_names(wire.TYPE, TYPE_FIELDS, "wire_type")
        self.size = wire.SIZEOF_MSG
        self.buf = bytearray(wire.SIZEOF_MSG)
        self.token = token  # the run's (wire.h): in every record's header, set once here
        self.kind_iter = wire.KIND["ITER"]
        self.kind_done = wire.KIND["DONE"]
        self.kind_type = wire.KIND["TYPE"]
        self.kind_class = wire.KIND["CLASS"]
        self.kind_site = wire.KIND["SITE"]
        self.kind_holder = wire.KIND["HOLDER"]
        self._iter = _struct_for(wire.ITER)
        self._done = _struct_for(wire.DONE)
        self._type = _struct_for(wire.TYPE)
        # The records of every iteration (ITER, CLASS) are written field by field through
        # views of the buffer: struct's pack_into with thirty-odd arguments leaves objects in
        # some CPythons' free lists (3.12 and 3.13 one, 3.15 two), which their collectors count
        # and a model could not know of; an item assigned through a memoryview leaves none.
        self._u32 = memoryview(self.buf).cast("I")
        self._i64 = memoryview(self.buf).cast("q")
        self._u32[1] = token
        self._iter_at = _int64_slots(wire.ITER)
        self._type_at = _int64_slots(wire.TYPE)
        name = wire.TYPE[-1]
        if name[1] % 8 != 0 or (name[2] * name[3]) % 8 != 0:
            raise ImportError("_gcbench_wire: wire_type's name is not whole int64s")
        self._name_at = list(range(name[1] // 8, (name[1] + name[2] * name[3]) // 8))
        self.params_size = wire.DONE[-2][2] * wire.DONE[-2][3]
        self.message_size = wire.DONE[-1][2] * wire.DONE[-1][3]
        self.name_size = wire.TYPE[-1][2] * wire.TYPE[-1][3]

    def pack_iter(self, values):
        """A WIRE_ITER record of values: a list of ITER_FIELDS' values in order, count and
        collections_gen spread out (30 ints). Filled by the caller and read here, rather than
        passed as 30 arguments: a call that long leaves an object in 3.15's free lists."""
        self._u32[0] = self.kind_iter
        q = self._i64
        at = self._iter_at
        for i in range(len(at)):
            q[at[i]] = values[i]
        return self.buf

    def pack_type(self, kind, iteration, live_objects, live_bytes, growth_objects, name):
        """A WIRE_TYPE or WIRE_CLASS record; name as type_name makes it."""
        self._u32[0] = kind
        q = self._i64
        at = self._type_at
        q[at[0]] = iteration
        q[at[1]] = live_objects
        q[at[2]] = live_bytes
        q[at[3]] = growth_objects
        at = self._name_at
        for i in range(len(at)):  # (a slice assignment would make a slice: a container)
            q[at[i]] = name[i]
        return self.buf

    def type_name(self, name):
        """name as wire_type's char array (cut to size, NUL-padded to its whole length), as the
        int64 words pack_type writes."""
        data = _text(name, self.name_size)
        return memoryview(data + bytes(self.name_size - len(data))).cast("q").tolist()

    def pack_done(self, ok, iter_peak_supported, iterations_done, collections, collected,
                  uncollectable, garbage, objects_scanned, pause_ns_total, pause_ns_median,
                  pause_ns_p95, pause_ns_max, peak_rss_bytes, params, message):
        self._done.pack_into(self.buf, 0, self.kind_done, self.token, ok, iter_peak_supported,
                             iterations_done, collections, collected, uncollectable, garbage,
                             objects_scanned, pause_ns_total, pause_ns_median, pause_ns_p95,
                             pause_ns_max, peak_rss_bytes, _text(params, self.params_size),
                             _text(message, self.message_size))
        return self.buf


# ---- the host: CPython on Linux -------------------------------------------------------------

class PosixHost:
    """A worker in its own CPython process: records to the inherited fd, /proc/self for
    memory, CLOCK_MONOTONIC for time."""

    def __init__(self, fd):
        self.fd = fd
        # The run's token (wire.h), taken out of the environment before any scenario code runs:
        # a scenario that looks at os.environ does not find it.
        self._token = os.environ.pop("GCBENCH_WIRE_TOKEN", "0")
        if not self._token.isdigit():
            self._token = "0"
        self.status_flags = os.O_RDONLY | getattr(os, "O_CLOEXEC", 0)
        try:
            import _signal  # built in; `signal` would import enum into the measured heap
            # a dead parent makes write() fail instead of killing us; Ctrl-C kills at once
            _signal.signal(_signal.SIGPIPE, _signal.SIG_IGN)
            _signal.signal(_signal.SIGINT, _signal.SIG_DFL)
            self.sigsegv = _signal.SIGSEGV
        except (ImportError, AttributeError, ValueError, OSError):
            self.sigsegv = 11

    def write(self, record):
        try:
            n = os.write(self.fd, record)
        except OSError:
            n = -1
        if n != len(record):
            os._exit(3)  # the parent is gone or the pipe broke: nobody is left to report to
        return n

    def token(self):
        return self._token

    def status(self):
        fd = os.open("/proc/self/status", self.status_flags)
        try:
            data = os.read(fd, 65536)
        finally:
            os.close(fd)
        return data.decode("ascii", "replace")

    def reset_peak(self):
        try:
            fd = os.open("/proc/self/clear_refs", os.O_WRONLY)
        except OSError:
            return False
        try:
            return os.write(fd, b"5") == 1
        except OSError:
            return False
        finally:
            os.close(fd)

    def now_ns(self):
        # CLOCK_MONOTONIC, as the parent's clock; time.clock_gettime_ns(CLOCK_MONOTONIC) would
        # be the same clock, but it takes its argument in a tuple
        return time.monotonic_ns()

    def cpu_ns(self):
        return time.process_time_ns()

    def fault(self):
        return os.environ.get("GCBENCH_FAULT", "")

    def crash(self):
        os.kill(os.getpid(), self.sigsegv)

    def hang(self):
        while True:
            time.sleep(3600)


def _number(digits):
    """The whole number a string of decimal digits says. (int(text) takes its argument in a
    tuple before 3.13: see the top of this file.)"""
    n = 0
    for i in range(len(digits)):
        n = n * 10 + (ord(digits[i]) - 48)
    return n


def _whole_number(value):
    """A host's answer as an int: itself, or the int its decimal string says."""
    return value if type(value) is int else _number(value)


def _kib_field(words, key):
    """The value of a "Key:   N kB" line of /proc/self/status, in bytes, from the status text
    split into words; -1 when absent. (str.split and list.index take their arguments without
    a tuple, str.find does not before 3.13.)"""
    if key not in words:
        return -1
    return _number(words[words.index(key) + 1]) * 1024


# ---- arguments ------------------------------------------------------------------------------

class Usage(Exception):
    """A bad argument: a bug in bench (exit 2)."""


class Args:
    def __init__(self):
        self.fd = -1
        self.file = None
        self.mode = None
        self.iterations = 0
        self.threshold = None
        self.allocator = None
        self.params = []  # (key, text), as given
        self.python_env = False
        self.trace_frames = 0  # --trace-alloc: tracemalloc's frames (a traced run)


def parse_args(argv):
    """worker_core.h's command line into an Args; Usage on a bad one."""
    a = Args()
    valued = ("--fd", "--scenario", "--file", "--mode", "--iterations", "--threshold",
              "--policy", "--allocator", "--param", "--trace-alloc")
    i = 0
    while i < len(argv):
        opt, value = argv[i], None
        if "=" in opt and opt.startswith("--"):
            opt, value = opt.split("=", 1)
        if opt in valued and value is None:
            i += 1
            if i == len(argv):
                raise Usage("missing value for %s" % opt)
            value = argv[i]
        i += 1
        if opt == "--fd":
            a.fd = _whole(opt, value, 0)
        elif opt == "--file":
            a.file = value
        elif opt == "--scenario":
            raise Usage("worker.py runs a scenario --file, not the built-in %r" % value)
        elif opt == "--mode":
            if value not in ("forced", "auto", "off"):
                raise Usage("unknown mode '%s'" % value)
            a.mode = value
        elif opt == "--iterations":
            a.iterations = _whole(opt, value, 1)
        elif opt == "--threshold":
            parts = value.split(",")
            if len(parts) != 3:
                raise Usage("bad --threshold '%s'" % value)
            a.threshold = tuple(_whole(opt, p, 0) for p in parts)
        elif opt == "--policy":
            if value != "cpython":
                raise Usage("the CPython runtime has no policy '%s'" % value)
        elif opt == "--allocator":
            if value not in ("pymalloc", "malloc"):
                raise Usage("unknown allocator '%s' for CPython" % value)
            a.allocator = value
        elif opt == "--param":
            key, eq, text = value.partition("=")
            if not key or not eq:
                raise Usage("bad --param '%s': expected KEY=VALUE" % value)
            a.params.append((key, text))
        elif opt == "--python-env" and value is None:
            a.python_env = True
        elif opt == "--trace-alloc":
            a.trace_frames = _whole(opt, value, 1)
        else:
            raise Usage("bad argument '%s'" % argv[i - 1])
    if a.fd < 0 or a.file is None or a.mode is None or a.iterations == 0:
        raise Usage("needs --fd, --file, --mode and --iterations")
    return a


def _whole(opt, text, least):
    try:
        v = int(text, 10)
    except ValueError:
        v = least - 1
    if v < least:
        raise Usage("bad %s '%s'" % (opt, text))
    return v


# ---- the scenario ---------------------------------------------------------------------------

def _format_exc():
    import traceback  # only once something failed: nothing of it is in the measured heap

    return traceback.format_exc()


def load_scenario(path, overrides):
    """Imports the scenario file as a module named after it, its folder first on sys.path; its
    PARAMS with the overrides typed by their defaults. Returns (module, params)."""
    import importlib.util

    folder = os.path.dirname(os.path.abspath(path))
    sys.path.insert(0, folder)
    name = os.path.splitext(os.path.basename(path))[0]
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    if not callable(getattr(module, "step", None)):
        raise AttributeError("%s has no step(params) function" % path)
    params = dict(getattr(module, "PARAMS", None) or {})
    for key, text in overrides:
        if key not in params:
            have = ", ".join(sorted(params)) or "none"
            raise KeyError("--param %s: %s has no parameter %r (PARAMS: %s)" % (key, path, key, have))
        kind = type(params[key])
        params[key] = text if kind is str else kind(text)
    return module, params


def scenario_classes(path):
    """The classes defined in the modules loaded from the scenario file's folder: by module in
    import order, then in the order of the module's namespace (definition order)."""
    folder = os.path.dirname(os.path.abspath(path))
    here = os.path.dirname(os.path.abspath(__file__))
    found = []
    for mname, module in list(sys.modules.items()):
        mfile = getattr(module, "__file__", None)
        if not isinstance(mfile, str) or os.path.dirname(os.path.abspath(mfile)) != folder:
            continue
        if folder == here and mname in ("_gcbench_wire", __name__):
            continue
        for value in list(vars(module).values()):
            if isinstance(value, type) and value.__module__ == mname and value not in found:
                found.append(value)
    return found


# ---- the loop -------------------------------------------------------------------------------

def _percentile(sorted_ns, p):
    """stats_percentile_i64's nearest rank: the ceil(p/100 * n)-th smallest."""
    n = len(sorted_ns)
    rank = -(-p * n // 100)
    return sorted_ns[rank - 1 if rank > 0 else 0]


def _median(sorted_ns):
    n = len(sorted_ns)
    if n % 2 == 1:
        return sorted_ns[n // 2]
    a, b = sorted_ns[n // 2 - 1], sorted_ns[n // 2]
    return a + (b - a) // 2  # C's division truncates toward zero; b >= a here


def _flusher(host):
    """send() for a host that holds the record buffer: the record is in it already."""
    def send(record):
        host.flush()
    return send


class Worker:
    """One run: wk_run of worker_core.c."""

    def __init__(self, args, host):
        self.a = args
        self.host = host
        self.wire = Wire(_whole_number(host.token()))
        # How a record goes out: host.write(record), or, for a host that can keep the record
        # buffer (the Pyodide host), host.flush() with no argument: handing a Python buffer to
        # JavaScript in every call would make and drop objects the collector counts.
        if hasattr(host, "attach"):
            host.attach(self.wire.buf)
            self.send = _flusher(host)
        else:
            self.send = host.write
        self.module = None
        self.params = None
        # Every number the worker keeps from one sample or collection to the next is held in
        # an array.array, never as an int object: an int made while the scenario's objects fill
        # pymalloc's arenas and kept would pin its arena (1 MiB) after they are freed, and
        # forced mode's RSS would climb by an arena per kept number (measured with the pauses
        # in a list: +0.9 to +1.6 MiB per iteration of cross_reference on CPython 3.11.2,
        # where seed 004's own script stays flat). Arrays are not tracked by the collector.
        # the pause of every collection (a gc.callbacks entry)
        self.pauses = array.array("q")
        # [start of the collection running, pauses' total, STOP callbacks so far, the STOP
        # callbacks when gc.get_stats() was last read]
        self.clock = array.array("q", [0, 0, 0, -1])
        # collections per gc.get_stats() entry, and objects collected and uncollectable, from
        # gc.get_stats() when a collection ran since the last read; samples report them from
        # the baseline
        self.gen_collections = array.array("q", [0, 0, 0])
        self.totals = array.array("q", [0, 0])  # collected, uncollectable
        # the scenario's classes: index by type, names, live counts (reused by every sample)
        self.class_index = {}
        self.class_names = []
        self.class_counts = array.array("q")
        self.class_base = array.array("q")
        # The census of every sample: live objects and bytes per type of what the collector
        # tracks (gc.get_objects()), kept as a history of changes, from which the types that
        # grow are sent at the end (Census). Made here, before the baseline, as are the types
        # setup() registers: a sample then makes no container.
        self.census = Census()
        self.tracer = None  # a traced run's Tracer
        # the baseline's cumulative counters
        # collections, collected, uncollectable, pause, gen0..2
        self.base = array.array("q", [0, 0, 0, 0, 0, 0, 0])
        # the last boundary sample's collections, collected, uncollectable (from the baseline),
        # len(gc.garbage), pause total (from the baseline) and len(pauses): DONE's figures
        self.last = array.array("q", [0, 0, 0, 0, 0, 0])
        self.peak_ok = False
        self.run_peak = array.array("q", [-1])
        self.fault = ("", -1)  # GCBENCH_FAULT: (kind, iteration)
        # reused by every sample
        self.iter_values = array.array("q", [0]) * len(_int64_slots(wire.ITER))

    # -- collections

    def on_gc(self, phase, info):
        """gc.callbacks entry: the pause of every collection, start to stop, and the number of
        calls, which tells a sample whether gc.get_stats() can have changed (3.14.0-3.14.4 call
        the callbacks for an increment that does no work too, which gc.get_stats() does not
        count: its figures are read from gc.get_stats(), not counted here)."""
        clock = self.clock
        if phase == "start":
            clock[0] = time.perf_counter_ns()
            return
        pause = time.perf_counter_ns() - clock[0]
        clock[1] += pause
        self.pauses.append(pause)
        clock[2] += 1

    def read_stats(self):
        """gc.get_stats()'s collections per entry, and collected and uncollectable summed, into
        gen_collections and totals. Allocates a list and a dict per entry."""
        stats = gc.get_stats()
        gens = self.gen_collections
        collected = uncollectable = 0
        for g in range(3):
            entry = stats[g]
            gens[g] = entry["collections"]
            collected += entry["collected"]
            uncollectable += entry["uncollectable"]
        totals = self.totals
        totals[0] = collected
        totals[1] = uncollectable
        stats = entry = None
        self.clock[3] = self.clock[2]

    def setup(self):
        """The GC settings, the pause callback, the scenario loaded, its setup(params)."""
        a = self.a
        if a.allocator == "malloc" and sys.getallocatedblocks() != 0:
            raise RuntimeError("--allocator malloc: this interpreter still allocates with "
                               "pymalloc (PYTHONMALLOC=malloc did not reach it)")
        if a.threshold is not None:
            gc.set_threshold(*a.threshold)
        gc.callbacks.append(self.on_gc)
        if a.mode == "off":
            gc.disable()
        if a.trace_frames > 0:  # before the scenario loads: its setup's allocations count too
            self.tracer = Tracer(a.trace_frames, a.file)
        self.module, self.params = load_scenario(a.file, a.params)
        fn = getattr(self.module, "setup", None)
        if fn is not None:
            fn(self.params)
        for i, cls in enumerate(scenario_classes(a.file)):
            self.class_index[cls] = i
            self.class_names.append(self.wire.type_name(cls.__name__))
            self.class_counts.append(0)
            self.class_base.append(0)
            self.census.slot(cls)
        for o in gc.get_objects():  # the types alive now: a sample need not name them
            self.census.slot(type(o))
        o = None
        self.census.reserve(a.iterations)
        self.census.own_arrays(self)

    # -- samples

    def sample(self, k, step_wall, step_cpu, gc_wall, gc_cpu):
        """Iteration k's boundary sample, then one record per scenario class. Runs with the
        collector disabled; what it allocates is freed before it is enabled again (see the top
        of this file)."""
        host = self.host
        enabled = gc.isenabled()
        gc.disable()
        count = gc.get_count()  # first: nothing the sample allocates is in it
        c0 = count[0]
        c1 = count[1]
        c2 = count[2]
        count = None
        clock = self.clock
        if clock[2] != clock[3]:  # a collection ran since the last read
            self.read_stats()
        words = host.status().split()
        rss = _kib_field(words, "VmRSS:")
        anon = _kib_field(words, "RssAnon:")
        rss_file = _kib_field(words, "RssFile:")
        hwm = _kib_field(words, "VmHWM:")
        words = None
        t_ns = _whole_number(host.now_ns())
        gens = self.gen_collections
        g0 = gens[0]
        g1 = gens[1]
        g2 = gens[2]
        collections = g0 + g1 + g2
        collected = self.totals[0]
        uncollectable = self.totals[1]
        garbage = len(gc.garbage)
        blocks = sys.getallocatedblocks()
        objs = gc.get_objects()
        heap = len(objs)
        index = self.class_index
        counts = self.class_counts
        census = self.census
        cache = census.cache
        tcount = census.objects
        tbytes = census.bytes
        head = census.gc_head
        own = census.own
        own_type = census.array_type
        for i in range(heap):
            o = objs[i]
            t = type(o)
            if t in index:
                counts[index[t]] += 1
            if t is own_type and id(o) in own:
                continue
            if t in cache:
                j = cache[t]
            else:
                j = census.slot(t)
                cache[t] = j
            tcount[j] += 1
            try:
                tbytes[j] += t.__sizeof__(o) + head
            except Exception:
                pass
        o = t = None
        cache.clear()
        census.record()
        objs = None
        pause = clock[1]
        peak = hwm if self.peak_ok else -1
        if hwm > self.run_peak[0]:  # without resets, VmHWM is the run's peak anyway
            self.run_peak[0] = hwm
        base = self.base
        if k == 0:
            base[0] = collections
            base[1] = collected
            base[2] = uncollectable
            base[3] = pause
            base[4] = g0
            base[5] = g1
            base[6] = g2
        g0 -= base[4]
        g1 -= base[5]
        g2 -= base[6]
        w = self.wire
        v = self.iter_values  # ITER_FIELDS' order
        v[0] = k
        v[1] = t_ns
        v[2] = rss
        v[3] = anon
        v[4] = rss_file
        v[5] = peak
        v[6] = -1  # live_objects
        v[7] = -1  # live_bytes
        v[8] = collections - base[0]
        v[9] = collected - base[1]
        v[10] = uncollectable - base[2]
        v[11] = garbage
        v[12] = pause - base[3]
        v[13] = -1  # objects_scanned
        v[14] = c0
        v[15] = c1
        v[16] = c2
        v[17] = step_wall
        v[18] = step_cpu
        v[19] = gc_wall
        v[20] = gc_cpu
        v[21] = -1  # arenas: pymalloc's are not counted
        v[22] = -1
        v[23] = -1
        v[24] = -1
        v[25] = blocks
        v[26] = g0
        v[27] = g1
        v[28] = g2
        v[29] = heap
        self.send(w.pack_iter(v))
        last = self.last
        last[0] = v[8]
        last[1] = v[9]
        last[2] = v[10]
        last[3] = garbage
        last[4] = v[12]
        last[5] = len(self.pauses)
        names = self.class_names
        class_base = self.class_base
        for i in range(len(counts)):
            n = counts[i]
            if k == 0:
                class_base[i] = n
            self.send(w.pack_type(w.kind_class, k, n, -1, n - class_base[i], names[i]))
            counts[i] = 0
        if self.tracer is not None:
            self.tracer.sample()
        if enabled:
            gc.enable()

    def send_types(self):
        """WIRE_TYPE records: the types that grew, at every iteration (Census.growing)."""
        enabled = gc.isenabled()
        gc.disable()
        w = self.wire
        for name, series in self.census.growing():
            wname = w.type_name(name)
            base = series[0][1]
            for k, n, size in series:
                self.send(w.pack_type(w.kind_type, k, n, size, n - base, wname))
        if self.tracer is not None:
            for name, series in self.tracer.growing():
                wname = w.type_name(name)
                base = series[0][2]
                for k, n, size in series:
                    self.send(w.pack_type(w.kind_site, k, n, size, size - base, wname))
        if enabled:
            gc.enable()

    def send_holder(self):
        """WIRE_HOLDER: who holds the fastest-growing type after a forced-mode run (the first
        of Census.growing's that the scenario's code defines, else the first): one chain of
        referrers from a surviving instance to what keeps it alive (holder_chain). Made after
        the last sample: nothing it allocates is measured."""
        grown = self.census.growing()
        if not grown:
            return
        names = [name for name, _ in grown]
        pick = names[0]
        for name in names:
            if "." in name:  # module-qualified: not a builtin
                pick = name
                break
        enabled = gc.isenabled()
        gc.disable()
        try:
            target = None
            for o in gc.get_objects():
                if Census.name_of(type(o)) == pick:
                    target = o  # the last found: among the youngest
            o = None
            chain = holder_chain(target) if target is not None else None
        except Exception:
            chain = None
        target = None
        if chain:
            w = self.wire
            self.send(w.pack_type(w.kind_holder, self.a.iterations, 0, -1, 0, w.type_name(chain)))
        if enabled:
            gc.enable()

    def send_done(self, done, ok, message):
        """DONE, with the last boundary sample's gc figures (worker_core.c's wk_run): what the
        iterations did, not what the loop's ending (a tuple returned can start a collection)
        or the teardown made the collector do; a failed setup's are zeros."""
        enabled = gc.isenabled()
        gc.disable()
        last = self.last
        pauses = sorted(self.pauses[:last[5]])
        median = p95 = longest = 0
        if pauses:
            p95 = _percentile(pauses, 95)
            median = _median(pauses)
            longest = pauses[-1]
        params = ";".join(["%s=%s" % (k, v) for k, v in (self.params or {}).items()])
        self.send(self.wire.pack_done(
            1 if ok else 0, 1 if self.peak_ok else 0, done, last[0], last[1], last[2], last[3],
            -1, last[4], median, p95, longest, self.run_peak[0], params, message))
        if enabled:
            gc.enable()

    # -- faults

    def read_fault(self):
        """GCBENCH_FAULT=kind@K: (kind, K), or ("", -1)."""
        spec = self.host.fault() or ""
        kind, _, at = spec.partition("@")
        try:
            return kind, int(at)
        except ValueError:
            return "", -1

    def inject_fault(self, kind, k):
        if kind == "crash":
            self.host.crash()
        elif kind == "hang":
            self.host.hang()
        elif kind == "fail":
            raise _Injected("injected failure at iteration %d" % k)

    # -- the run

    def iterations(self):
        """Runs the iterations; returns (completed, message of the one that failed or "")."""
        host = self.host
        forced = self.a.mode == "forced"
        fault_kind = self.fault[0]  # (unpacking a tuple leaves an object in 3.15's free lists)
        fault_at = self.fault[1]
        step = self.module.step
        params = self.params
        collect = gc.collect
        k = 1
        n = self.a.iterations
        while k <= n:
            if self.peak_ok:
                host.reset_peak()
            w0 = _whole_number(host.now_ns())
            c0 = _whole_number(host.cpu_ns())
            try:
                if k == fault_at:
                    self.inject_fault(fault_kind, k)
                step(params)
            except _Injected as e:
                return k - 1, str(e)
            except BaseException:
                return k - 1, _report(_format_exc())
            w1 = _whole_number(host.now_ns())
            c1 = _whole_number(host.cpu_ns())
            if forced:
                collect()
            w2 = _whole_number(host.now_ns())
            c2 = _whole_number(host.cpu_ns())
            self.sample(k, w1 - w0, c1 - c0, w2 - w1, c2 - c1)
            k += 1
        return n, ""

    def run(self):
        self.peak_ok = bool(self.host.reset_peak())
        done, ok, message = 0, False, ""
        try:
            self.setup()
            ok = True
        except BaseException:
            message = _report(_format_exc())
        if ok:
            # Seed 004 calls gc.collect() before each test: every run starts from empty young
            # generations, whatever setup (or an interpreter's start-up) left in them. Its
            # pause is not the run's.
            # GCBENCH_FAULT is read before the baseline's collection: what reading it leaves
            # in the free lists (a partition's tuple, an int() error's) goes with it.
            self.fault = self.read_fault()
            gc.collect()
            del self.pauses[:]
            self.sample(0, 0, 0, 0, 0)
            done, message = self.iterations()
            ok = done == self.a.iterations
            self.send_types()
            if self.a.mode == "forced" and ok:
                self.send_holder()
            fn = getattr(self.module, "teardown", None)
            if fn is not None:
                try:
                    fn()
                except BaseException:
                    _report(_format_exc())  # on stderr; the run's outcome stands
        self.send_done(done, ok, message)
        return 0 if ok else 1


class Census:
    """Live objects and bytes per type, of the objects the collector tracks, at every sample:
    what objgraph's show_growth counts, per iteration. A type is known by its module-qualified
    name ("myapp.reports.ReportService"; a builtin's bare: "list"), never held by a reference
    (a class made per call and dropped must die as it would without us, and types of one name
    count together, as objgraph counts them). Bytes are sys.getsizeof's, computed without its
    argument tuple: type(o).__sizeof__(o) plus the collector's header.

    A sample counts into objects and bytes (indexed by slot), looking each type up in cache
    (cleared after the sample, so it holds no type), then record() keeps what changed since the
    last sample (slot, objects, bytes) in arrays: a history that grows by the types that
    changed, not by every type. Nothing of it is a container the collector counts, except the
    str names of types met for the first time after setup (not tracked either)."""

    TOP_OBJECTS = 10  # the most-grown types by objects sent …
    TOP_BYTES = 5  # … and by bytes (at most 15 types)
    MAX_SAMPLES = 500  # samples sent per type at most (evenly spread, the last always)
    SLOT_ROOM = 256  # room for types first met after setup, before the arrays must grow
    CHANGE_ROOM = 64  # changes per sample reserved (for at most 1000 samples)

    def __init__(self):
        # Every array is reserved at setup (reserve) and written by index, never appended to
        # during the run: a buffer grown while the scenario's objects fill pymalloc's arenas
        # would pin an arena, as a kept int would (Worker's note).
        self.n = array.array("q", [0, 0, 0])  # slots, changes, samples used
        self.slots = {}  # name -> slot
        self.names = []  # per slot (None beyond n[0])
        self.cache = {}  # type -> slot, during one sample
        self.objects = array.array("q")  # this sample's, per slot
        self.bytes = array.array("q")
        self.prev_objects = array.array("q")
        self.prev_bytes = array.array("q")
        self.d_slot = array.array("q")  # the history: what changed, sample after sample
        self.d_objects = array.array("q")
        self.d_bytes = array.array("q")
        self.d_end = array.array("q")  # per sample: the end of its changes in d_*
        self.gc_head = sys.getsizeof([]) - [].__sizeof__()
        # the worker's own arrays (tracked by the collector since 3.10): not the scenario's
        self.own = set()
        self.array_type = array.array

    def own_arrays(self, holder):
        """Leaves holder's array attributes (and this census') out of the census."""
        for value in list(vars(holder).values()) + list(vars(self).values()):
            if type(value) is array.array:
                self.own.add(id(value))

    def reserve(self, iterations):
        """Room for SLOT_ROOM more types and the changes of iterations + 1 samples."""
        room = self.n[0] + self.SLOT_ROOM - len(self.objects)
        if room > 0:
            self._grow_slots(room)
        changes = self.CHANGE_ROOM * (min(iterations, 1000) + 1)
        if changes > len(self.d_slot):
            self._grow_changes(changes - len(self.d_slot))
        if iterations + 1 > len(self.d_end):
            self.d_end.extend(array.array("q", [0]) * (iterations + 1 - len(self.d_end)))

    def _grow_slots(self, k):
        zeros = array.array("q", [0]) * k
        for a in (self.objects, self.bytes, self.prev_objects, self.prev_bytes):
            a.extend(zeros)
        self.names.extend([None] * k)

    def _grow_changes(self, k):
        zeros = array.array("q", [0]) * k
        for a in (self.d_slot, self.d_objects, self.d_bytes):
            a.extend(zeros)

    @staticmethod
    def name_of(t):
        """A type's module-qualified name ("myapp.ReportService"; a builtin's bare: "list")."""
        try:
            mod = t.__module__
            qual = t.__qualname__
        except Exception:
            mod = qual = None
        if type(qual) is not str:
            qual = "?"
        if type(mod) is not str or mod == "builtins":
            return qual
        return mod + "." + qual

    def slot(self, t):
        """The slot of type t's name, made the first time it is met."""
        name = Census.name_of(t)
        if name in self.slots:
            return self.slots[name]
        n = self.n
        j = n[0]
        if j == len(self.objects):  # out of room: rare, after setup
            self._grow_slots(self.SLOT_ROOM)
        self.slots[name] = j
        self.names[j] = name
        n[0] = j + 1
        return j

    def record(self):
        """Ends a sample: keeps what changed since the last, zeroes the counts."""
        objects, size = self.objects, self.bytes
        po, pb = self.prev_objects, self.prev_bytes
        n = self.n
        c = n[1]
        for j in range(n[0]):
            k = objects[j]
            b = size[j]
            if k != po[j] or b != pb[j]:
                if c == len(self.d_slot):  # out of room: doubles
                    self._grow_changes(c)
                self.d_slot[c] = j
                self.d_objects[c] = k
                self.d_bytes[c] = b
                c += 1
                po[j] = k
                pb[j] = b
            objects[j] = 0
            size[j] = 0
        n[1] = c
        if n[2] == len(self.d_end):
            self.d_end.extend(array.array("q", [0]) * (n[2] + 1))
        self.d_end[n[2]] = c
        n[2] += 1

    def growing(self):
        """[(name, [(iteration, objects, bytes), ...]), ...]: the types whose live objects or
        bytes after the last sample exceed the baseline's, most grown first (the top
        TOP_OBJECTS by objects, then the top TOP_BYTES by bytes not already in), each with
        its figures at every sample (at most MAX_SAMPLES of them)."""
        nslots = self.n[0]
        nsamples = self.n[2]
        cur_o = [0] * nslots
        cur_b = [0] * nslots
        base_o = base_b = None
        every = []  # per sample: (objects, bytes) lists, for the samples sent
        stride = max(1, -(-nsamples // self.MAX_SAMPLES))
        start = 0
        for k in range(nsamples):
            end = self.d_end[k]
            for i in range(start, end):
                j = self.d_slot[i]
                cur_o[j] = self.d_objects[i]
                cur_b[j] = self.d_bytes[i]
            start = end
            if k == 0:
                base_o, base_b = list(cur_o), list(cur_b)
            if k % stride == 0 or k == nsamples - 1:
                every.append((k, list(cur_o), list(cur_b)))
        if not every or base_o is None:
            return []
        last_o, last_b = every[-1][1], every[-1][2]
        grown_o = [(last_o[j] - base_o[j], j) for j in range(nslots) if last_o[j] > base_o[j]]
        grown_b = [(last_b[j] - base_b[j], j) for j in range(nslots) if last_b[j] > base_b[j]]
        grown_o.sort(key=lambda g: (-g[0], self.names[g[1]]))
        grown_b.sort(key=lambda g: (-g[0], self.names[g[1]]))
        chosen = [j for _, j in grown_o[:self.TOP_OBJECTS]]
        for _, j in grown_b:
            if len(chosen) >= self.TOP_OBJECTS + self.TOP_BYTES:
                break
            if j not in chosen:
                chosen.append(j)
        return [(self.names[j], [(k, o[j], b[j]) for k, o, b in every]) for j in chosen]


def _short(value, width=24):
    text = repr(value)
    return text if len(text) <= width else text[:width - 1] + "\u2026"


def _key_of(d, value):
    """The key under which dict d holds value (as text), or "?"."""
    for k, v in d.items():
        if v is value:
            return str(k)
    return "?"


def _edge(container, child):
    """How container refers to child, for a chain: "[key]", "[3]", ".attr", or ""."""
    try:
        if type(container) is dict:
            for k, v in container.items():
                if v is child:
                    return "[%s]" % _short(k)
                if k is child:
                    return "[key]"
        elif type(container) in (list, tuple):
            for i, v in enumerate(container):
                if v is child:
                    return "[%d]" % i
        elif hasattr(container, "__dict__") and type(vars(container)) is dict:
            for k, v in vars(container).items():
                if v is child:
                    return "." + str(k)
    except Exception:
        pass
    return ""


def holder_chain(target, max_expanded=400):
    """One chain of referrers from target to what keeps it alive, as objgraph's
    find_backref_chain finds it (breadth first over gc.get_referrers, so the shortest): a
    module global, a class attribute, gc.garbage, or a frame of the scenario's code. Returns
    "global _cache (myapp) -> list[12] -> myapp.ReportService", or None when no root is found
    within max_expanded objects. The worker's own frames and this search's objects are not
    referrers."""
    import types

    here = os.path.abspath(__file__)
    modules = {}
    for name, m in list(sys.modules.items()):
        d = getattr(m, "__dict__", None)
        if type(d) is dict:
            modules[id(d)] = name
    down = {id(target): None}  # id(referrer) -> the object it refers to, toward target
    keep = {id(target): target}
    queue = [target]
    ignore = {id(down), id(keep), id(queue), id(modules)}
    frame = sys._getframe()
    ignore.add(id(frame))
    i = 0
    while i < len(queue) and i < max_expanded:
        obj = queue[i]
        i += 1
        refs = gc.get_referrers(obj)
        ignore.add(id(refs))
        for r in refs:
            rid = id(r)
            if rid in down or rid in ignore:
                continue
            root = None
            if type(r) is types.FrameType:
                if os.path.abspath(r.f_code.co_filename) == here:
                    continue
                root = "frame %s (%s:%d)" % (r.f_code.co_name, r.f_code.co_filename, r.f_lineno)
            elif rid in modules:
                root = "global %s (%s)" % (_key_of(r, obj), modules[rid])
            elif r is gc.garbage:
                root = "gc.garbage" + _edge(r, obj)
            elif type(r) is dict and "__module__" in r:  # perhaps a class's namespace
                for owner in gc.get_referrers(r):
                    if isinstance(owner, type) and owner.__dict__ == r:
                        root = "class attribute %s.%s" % (Census.name_of(owner), _key_of(r, obj))
                        break
                owner = None
            if root is not None:
                path = [obj]
                while down[id(path[-1])] is not None:
                    path.append(down[id(path[-1])])
                parts = [root]
                for k in range(len(path)):
                    label = Census.name_of(type(path[k]))
                    if k + 1 < len(path):
                        label += _edge(path[k], path[k + 1])
                    parts.append(label)
                refs = path = None
                return " -> ".join(parts)
            down[rid] = obj
            keep[rid] = r
            queue.append(r)
        refs = None
    return None


class Tracer:
    """A traced run's allocation sites (bench run --trace-alloc N): tracemalloc started with N
    frames before the scenario loads; after every sample a snapshot, its traces grouped by
    traceback (N frames) into sites, with their retained bytes and blocks; at the end the sites
    whose retained size grew most. A site reads "FILE:LINE", innermost frame first, " < "
    between frames; FILE relative to the scenario's folder when it is in it. The worker's own
    allocations (this file) and tracemalloc's are left out. Tracing costs memory and time: it
    runs only in traced runs, whose figures enter no summary."""

    TOP = 10
    MAX_SAMPLES = 500

    def __init__(self, frames, scenario_file):
        import tracemalloc

        self.tm = tracemalloc
        self.folder = os.path.dirname(os.path.abspath(scenario_file)) + os.sep
        self.filters = [tracemalloc.Filter(False, tracemalloc.__file__),
                        tracemalloc.Filter(False, os.path.abspath(__file__)),
                        tracemalloc.Filter(False, "<unknown>")]
        self.history = []  # per sample: {site: (bytes, blocks)}
        self.names = {}  # traceback -> site text
        tracemalloc.start(frames)
        # filter_traces compiles its patterns (fnmatch, re) the first time, and caches them:
        # done here, that is the baseline's, not growth
        tracemalloc.take_snapshot().filter_traces(self.filters).statistics("traceback")

    def site(self, traceback):
        text = self.names.get(traceback)
        if text is None:
            parts = []
            for frame in traceback:  # innermost first
                name = frame.filename
                if name.startswith(self.folder):
                    name = name[len(self.folder):]
                parts.append("%s:%d" % (name, frame.lineno))
            text = self.names[traceback] = " < ".join(parts)
        return text

    def sample(self):
        snapshot = self.tm.take_snapshot().filter_traces(self.filters)
        sites = {}
        for stat in snapshot.statistics("traceback"):
            key = self.site(stat.traceback)
            size, blocks = sites.get(key, (0, 0))
            sites[key] = (size + stat.size, blocks + stat.count)
        self.history.append(sites)

    def growing(self):
        """[(site, [(iteration, blocks, bytes), ...]), ...]: the TOP sites whose retained bytes
        after the last sample exceed the baseline's, most grown first, at every sample (at most
        MAX_SAMPLES of them)."""
        if not self.history:
            return []
        first, last = self.history[0], self.history[-1]
        grown = [(size - first.get(key, (0, 0))[0], key) for key, (size, _) in last.items()]
        grown = sorted([g for g in grown if g[0] > 0], key=lambda g: (-g[0], g[1]))[:self.TOP]
        n = len(self.history)
        stride = max(1, -(-n // self.MAX_SAMPLES))
        out = []
        for _, key in grown:
            series = []
            for k in range(n):
                if k % stride == 0 or k == n - 1:
                    size, blocks = self.history[k].get(key, (0, 0))
                    series.append((k, blocks, size))
            out.append((key, series))
        return out


class _Injected(Exception):
    """GCBENCH_FAULT=fail@K."""


def _report(text):
    """A traceback: on stderr now, and returned for the DONE record."""
    try:
        sys.stderr.write(text)
        sys.stderr.flush()
    except Exception:
        pass
    return text


def flush():
    for f in (sys.stdout, sys.stderr):
        try:
            f.flush()
        except Exception:
            pass


def main(argv, host=None):
    """Runs one worker with argv (without the program name); returns the exit status. host:
    PosixHost on the --fd given, unless the embedder supplies its own."""
    try:
        args = parse_args(list(argv))
    except Usage as e:
        sys.stderr.write("bench worker: %s\n" % e)
        return 2
    if host is None:
        host = PosixHost(args.fd)
    return Worker(args, host).run()


if __name__ == "__main__":
    rc = main(sys.argv[1:])
    flush()
    os._exit(rc)  # no finalization: the run is over, and a scenario's threads must not hang it
