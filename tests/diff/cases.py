"""cases.py — the Python side of the differential tests: small object-graph programs, each
printing what CPython 3.11 does (collect() results, gc.garbage lengths, callback orders,
counts, tracking) as one line. diff_cases.c builds the same graphs in the gcbench runtime and
prints the same line; run_diff.py holds them side by side.

Each case starts with the collector disabled and a full collection, so that nothing but its
own objects is in play, unless the case is about automatic collection."""

import gc
import sys
import weakref

CASES = {}


def case(fn):
    CASES[fn.__name__] = fn
    return fn


def fresh():
    gc.disable()
    gc.set_debug(0)
    gc.collect()
    del gc.garbage[:]


def out(**kv):
    print(" ".join(f"{k}={v}" for k, v in kv.items()))


class Node:
    """An instance with attributes, like the runtime's instance (no __slots__)."""
    def __init__(self, name=""):
        self.name = name


class Fin:
    """An instance with __del__ that records its calls."""
    log = []

    def __init__(self, name=""):
        self.name = name

    def __del__(self):
        Fin.log.append(self.name)


# ---- cycles ---------------------------------------------------------------------------------

@case
def self_list():
    fresh()
    a = []
    a.append(a)
    del a
    out(collect=gc.collect(), garbage=len(gc.garbage))


@case
def list_pair():
    fresh()
    a, b = [], []
    a.append(b)
    b.append(a)
    del a, b
    out(collect=gc.collect(), garbage=len(gc.garbage))


@case
def instance_cycle():
    fresh()
    a, b = Node("a"), Node("b")
    a.t, b.t = b, a
    del a, b
    out(collect=gc.collect(), garbage=len(gc.garbage))


@case
def cycle_with_leaves():
    """Leaves (floats, strs) owned by a cycle are freed with it but not counted."""
    fresh()
    a = [1.5, "x" * 20, 2.5]
    b = [a, 3.5]
    a.append(b)
    del a, b
    out(collect=gc.collect(), garbage=len(gc.garbage))


@case
def reachable_cycle_kept():
    fresh()
    a, b = [], []
    a.append(b)
    b.append(a)
    keep = [a]
    del a, b
    first = gc.collect()
    keep.clear()
    out(first=first, second=gc.collect())


@case
def collect_young_only():
    """A cycle promoted to generation 1 is not found by collect(0)."""
    fresh()
    a = []
    a.append(a)
    gc.collect(0)          # a survives (referenced by the name): promoted to generation 1
    del a
    out(gen0=gc.collect(0), gen1=gc.collect(1))


# ---- weak references ------------------------------------------------------------------------

@case
def weakref_callback_order():
    """Callbacks run most recently created first."""
    fresh()
    log = []
    t = Node("t")
    r1 = weakref.ref(t, lambda r: log.append("r1"))
    r2 = weakref.ref(t, lambda r: log.append("r2"))
    r3 = weakref.ref(t, lambda r: log.append("r3"))
    del t
    out(calls=",".join(log), dead=int(r1() is None and r2() is None and r3() is None))


@case
def weakref_plain_reused():
    fresh()
    t = Node()
    r1, r2 = weakref.ref(t), weakref.ref(t)
    r3 = weakref.ref(t, lambda r: None)
    out(same=int(r1 is r2), callback_distinct=int(r3 is not r1),
        count=weakref.getweakrefcount(t))


@case
def weakref_to_cycle_callback():
    """A live weakref to garbage: cleared, and its callback runs, during the collection."""
    fresh()
    log = []
    a, b = Node("a"), Node("b")
    a.t, b.t = b, a
    r = weakref.ref(a, lambda ref: log.append("called"))
    del a, b
    n = gc.collect()
    out(collect=n, calls=",".join(log) or "-", dead=int(r() is None))


LOG = []


def record(ref):
    """A module-level callback (no closure: nothing of it becomes garbage)."""
    LOG.append("called")


@case
def weakref_in_garbage_no_callback():
    """A weakref that is itself garbage is cleared without calling its callback."""
    fresh()
    LOG.clear()
    a = Node("a")
    a.self = a
    a.r = weakref.ref(a, record)
    del a
    n = gc.collect()
    out(collect=n, calls=",".join(LOG) or "-")


@case
def proxy_dead_error():
    fresh()
    t = Node("t")
    p = weakref.proxy(t)
    before = p.name
    del t
    try:
        p.name
        err = "none"
    except ReferenceError as e:
        err = type(e).__name__ + ": " + str(e)
    out(before=before, error=err.replace(" ", "_"))


@case
def weakref_unsupported():
    fresh()
    try:
        weakref.ref([])
        err = "none"
    except TypeError as e:
        err = str(e)
    out(error=err.replace(" ", "_"))


@case
def weakvaluedict_refcount():
    fresh()
    d = weakref.WeakValueDictionary()
    keep = Node("keep")
    d["k1"] = keep
    d["k2"] = Node("gone")          # dies at once: the dict holds it weakly
    v = Node("v")
    d["k3"] = v
    n1 = len(d)
    del v
    out(after_set=n1, after_del=len(d), k1=int(d.get("k1") is keep), k2=int(d.get("k2") is None))


@case
def weakvaluedict_cycle():
    """A value in a cycle leaves the dict only when the collector frees it."""
    fresh()
    d = weakref.WeakValueDictionary()
    v = Node("v")
    v.self = v
    d["k"] = v
    del v
    before = len(d)
    n = gc.collect()
    out(before=before, collect=n, after=len(d))


@case
def weakkeydict():
    fresh()
    d = weakref.WeakKeyDictionary()
    k1, k2 = Node("k1"), Node("k2")
    d[k1] = [1]
    d[k2] = [2]
    n1 = len(d)
    del k1
    out(before=n1, after=len(d), k2=int(d.get(k2) == [2]))


# ---- finalizers -----------------------------------------------------------------------------

@case
def finalizer_pair_cycle():
    fresh()
    Fin.log = []
    c1, c2 = Fin("c1"), Fin("c2")
    c1.t, c2.t = c2, c1
    del c1, c2
    n = gc.collect()
    out(collect=n, garbage=len(gc.garbage), finalized=len(Fin.log))


@case
def finalizer_self_cycle():
    """Seed 002's test_code_1: an instance with __del__ referring to itself."""
    fresh()
    Fin.log = []
    x = Fin("x")
    x.t = x
    del x
    n = gc.collect()
    out(collect=n, garbage=len(gc.garbage), finalized=len(Fin.log))


def fin_pair(cycle):
    """Seed 002's test_code_2 and 3: a._b = b, and b._a = a when cycle."""
    fresh()
    Fin.log = []
    a, b = Fin("a"), Fin("b")
    a.t = b
    if cycle:
        b.t = a
    del a, b
    n = gc.collect()
    out(collect=n, garbage=len(gc.garbage), finalized=len(Fin.log))


@case
def finalizer_two_class_cycle():
    fin_pair(True)


@case
def finalizer_two_class_no_cycle():
    fin_pair(False)


@case
def finalizer_by_refcount():
    fresh()
    Fin.log = []
    f = Fin("f")
    del f
    out(finalized=",".join(Fin.log), collect=gc.collect())


KEEP = []


class Phoenix:
    """__del__ resurrects the object by storing it in a global list."""
    calls = 0

    def __del__(self):
        Phoenix.calls += 1
        KEEP.append(self)


@case
def resurrection():
    """A finalizer that stores its object keeps it, and its referents, alive; __del__ runs
    once: dropping the resurrected object later does not call it again."""
    fresh()
    KEEP.clear()
    Phoenix.calls = 0
    p = Phoenix()
    p.self = p
    p.data = [1, 2, 3]
    del p
    n1 = gc.collect()
    alive = len(KEEP) == 1 and KEEP[0].data == [1, 2, 3]
    KEEP.clear()
    n2 = gc.collect()
    out(first=n1, alive=int(alive), second=n2, calls=Phoenix.calls)


# ---- debug flags, garbage, freeze -----------------------------------------------------------

@case
def saveall():
    fresh()
    gc.set_debug(gc.DEBUG_SAVEALL)
    a, b = [], []
    a.append(b)
    b.append(a)
    del a, b
    n = gc.collect()
    g = len(gc.garbage)
    gc.set_debug(0)
    del gc.garbage[:]
    out(collect=n, garbage=g, after_clear=gc.collect())


@case
def debug_leak_list_pair():
    fresh()
    gc.set_debug(gc.DEBUG_SAVEALL)   # DEBUG_LEAK's effect on gc.garbage; its prints go to stderr
    a, b = [], []
    a.append(b)
    b.append(a)
    del a, b
    n = gc.collect()
    g = len(gc.garbage)
    gc.set_debug(0)
    del gc.garbage[:]
    gc.collect()
    out(collect=n, garbage=g)


@case
def freeze_unfreeze():
    fresh()
    a = []
    a.append(a)
    del a
    gc.freeze()
    frozen = gc.get_freeze_count() >= 1
    n1 = gc.collect()
    gc.unfreeze()
    n2 = gc.collect()
    out(frozen=int(frozen), while_frozen=n1, after_unfreeze=n2, count=gc.get_freeze_count())


# ---- counts, thresholds, tracking -----------------------------------------------------------

@case
def count_after_allocations():
    """Instances (which have no free list, unlike lists and tuples) count one each when
    allocated and when freed."""
    fresh()
    keep = []
    gc.get_count()  # its result tuple refills the tuple free list the collection emptied
    c0 = gc.get_count()[0]
    for i in range(10):
        keep.append(Node())
    c1 = gc.get_count()[0]
    del keep[:5]
    c2 = gc.get_count()[0]
    out(allocated=c1 - c0, after_freeing_5=c2 - c0)


def automatic_collections(instances):
    """Gen-0 collections run while `instances` instances are allocated from count0 = 0."""
    keep = []
    before = gc.get_stats()[0]["collections"]
    gc.collect()                       # count0 = 0 (and CPython's free lists emptied)
    gc.enable()
    for i in range(instances):
        keep.append(Node())
    gc.disable()
    return gc.get_stats()[0]["collections"] - before


@case
def threshold_fires():
    """With threshold0 = 10, the collector runs when the 11th instance is allocated."""
    fresh()
    gc.set_threshold(10, 10, 10)
    ten, eleven, twenty_two = (automatic_collections(n) for n in (10, 11, 22))
    gc.set_threshold(700, 10, 10)
    out(ten=ten, eleven=eleven, twenty_two=twenty_two)


@case
def tuple_untracking():
    fresh()
    x = 1000
    t_atoms = tuple([x, "s", 2.5])
    t_list = tuple([x, []])
    before = (gc.is_tracked(t_atoms), gc.is_tracked(t_list))
    gc.collect()
    after = (gc.is_tracked(t_atoms), gc.is_tracked(t_list))
    out(before=int(before[0]), before_list=int(before[1]), after=int(after[0]),
        after_list=int(after[1]), empty=int(gc.is_tracked(())))


@case
def dict_tracking():
    fresh()
    d = {}
    t0 = gc.is_tracked(d)
    d["a"] = 1
    t1 = gc.is_tracked(d)
    d["b"] = []
    t2 = gc.is_tracked(d)
    del d["b"]
    t3 = gc.is_tracked(d)
    gc.collect()
    t4 = gc.is_tracked(d)
    out(empty=int(t0), atoms=int(t1), with_list=int(t2), list_removed=int(t3),
        after_collect=int(t4))


@case
def referents_and_referrers():
    fresh()
    a = Node("a")
    b = [a, 1.5, "s"]
    c = [a]
    rc = [r for r in gc.get_referrers(a) if r is b or r is c]
    out(referents=len(gc.get_referents(b)), referrers=len(rc))


@case
def get_objects_generation():
    fresh()
    a, b = [], []
    gc.collect(0)                      # a and b to generation 1
    c = []
    gen0 = [o for o in gc.get_objects(0) if o is a or o is b or o is c]
    gen1 = [o for o in gc.get_objects(1) if o is a or o is b or o is c]
    out(gen0=len(gen0), gen1=len(gen1))


@case
def callbacks_info():
    fresh()
    infos = []
    cb = lambda phase, info: infos.append((phase, info["generation"], info["collected"],
                                           info["uncollectable"]))
    gc.callbacks.append(cb)
    a = []
    a.append(a)
    del a
    gc.collect()
    gc.callbacks.remove(cb)
    out(events=";".join(f"{p}/{g}/{c}/{u}" for p, g, c, u in infos))


class Slotted:
    __slots__ = ("a", "b")


@case
def slots_cycle():
    """Two __slots__ instances in a cycle: 48 bytes each, tracked, collected as two; no
    weak references to them."""
    fresh()
    x, y = Slotted(), Slotted()
    x.a, y.a = y, x
    size, tracked = sys.getsizeof(x), gc.is_tracked(x)
    try:
        weakref.ref(x)
        weak = "accepted"
    except TypeError:
        weak = "refused"
    del x, y
    out(size=size, tracked=int(tracked), weakref=weak, collect=gc.collect())


@case
def list_freelist_count():
    """A list freed to the free list and allocated again does not move generation 0's count;
    a full collection empties the free list, after which a list counts again."""
    fresh()                       # the full collection emptied the free lists
    gc.get_count()                # refill the tuple free list get_count's result uses
    c0 = gc.get_count()[0]
    a = []                        # no free list yet: counted
    c1 = gc.get_count()[0]
    del a                         # to the list free list: not uncounted
    c2 = gc.get_count()[0]
    b = []                        # from the free list: not counted
    c3 = gc.get_count()[0]
    out(new=c1 - c0, freed=c2 - c0, reused=c3 - c0)


def main():
    if sys.argv[1:] == ["--names"]:
        print("\n".join(CASES))
        return 0
    args = sys.argv[1:]
    any_version = "--any-version" in args  # run_versions.py: the cases in CPython 3.12-3.15
    if any_version:
        args.remove("--any-version")
    elif sys.version_info[:2] != (3, 11):
        print(f"SKIP: needs CPython 3.11, this is {sys.version.split()[0]}")
        return 77
    names = args or list(CASES)
    for name in names:
        CASES[name]()
    return 0


if __name__ == "__main__":
    sys.exit(main())
