"""testmain.py — what gcbench's Python test scripts share: their command line and outcome.

  SCRIPT --list        prints the names of its tests (meson makes a test of each)
  SCRIPT BENCH NAME    runs test NAME against the bench binary at BENCH

Exit status: 0 pass, 1 fail (an AssertionError: its message on stderr), 77 skip (Skip: the
test cannot run here; its reason on stdout), 2 bad arguments (the script's usage on stderr)."""
import sys


class Skip(Exception):
    """The test cannot run here (exit 77)."""


def check(cond, what):
    """Fails the test with what unless cond."""
    if not cond:
        raise AssertionError(what)


class Tests(dict):
    """Test name -> function; an instance is also the decorator that registers one."""

    def __call__(self, fn):
        self[fn.__name__] = fn
        return fn


def main(names, run, usage):
    """The command line above: names lists the tests, run(bench, name) runs one (raising
    AssertionError or Skip), usage is printed on bad arguments. Returns the exit status."""
    argv = sys.argv
    if len(argv) == 2 and argv[1] == "--list":
        print("\n".join(names))
        return 0
    if len(argv) != 3 or argv[2] not in names:
        print(usage, file=sys.stderr)
        return 2
    try:
        run(argv[1], argv[2])
    except Skip as e:
        print(f"SKIP: {e}")
        return 77
    except AssertionError as e:
        print(f"FAIL: {argv[2]}: {e}", file=sys.stderr)
        return 1
    print(f"PASS: {argv[2]}")
    return 0
