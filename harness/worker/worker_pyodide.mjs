// worker_pyodide.mjs — the Node.js host of a gcbench worker in Pyodide: real CPython
// (3.12–3.15, built for WebAssembly) from an unpacked Pyodide package. It loads the package,
// mounts worker.py's folder and the scenario's folder into Pyodide's filesystem at their own
// paths, and runs worker.py's main() with a host object of its own (worker.py's docstring says
// what a host provides): records written to the inherited fd, memory read from Node's own
// /proc/self/status, CLOCK_MONOTONIC from process.hrtime, CPU time from process.cpuUsage, and
// SIGSEGV for GCBENCH_FAULT=crash@K. bench starts one Node process per run (fork + exec).
//
//   node worker_pyodide.mjs --pyodide=DIR WORKER-ARGUMENTS…    one run (worker_core.h's args)
//   node worker_pyodide.mjs --script DIR FILE ARGS…           runs a Python file in DIR's
//        CPython with sys.argv = [FILE, ARGS…] (its folder mounted, on sys.path): exit 0,
//        or 1 when it raised, or its SystemExit's status (the differential tests use it)
//   node worker_pyodide.mjs --probe DIR                        what DIR holds, four lines:
//        the implementation (cpython), its version (3.14.2), gc.get_threshold() as T0,T1,T2,
//        sys.version on one line, then the package's npm version (package.json)
//
// Exit status: worker.py's (0, 1, 2); 2 also for bad arguments here; 3 when the parent is
// gone; 4 when the package cannot be loaded (the error on stderr).
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

function die(status, message) {
  fs.writeSync(2, `bench worker (pyodide): ${message}\n`);
  process.exit(status);
}

// Pyodide's own output, unbuffered, to this process's stdout and stderr (bench captures both).
function writer(fd) {
  return { batched: (line) => fs.writeSync(fd, line + '\n') };
}

async function load(dir) {
  const { loadPyodide } = require(path.join(dir, 'pyodide.js'));
  return loadPyodide({ indexURL: dir + '/', stdout: writer(1).batched, stderr: writer(2).batched });
}

// Mounts each host folder at the same path inside Pyodide (a folder inside one already
// mounted is seen through it).
function mountFolders(pyodide, folders) {
  const mounted = [];
  for (const f of [...new Set(folders)].sort((a, b) => a.length - b.length)) {
    if (mounted.some((m) => f === m || f.startsWith(m + '/'))) continue;
    if (typeof pyodide.mountNodeFS === 'function') {
      pyodide.mountNodeFS(f, f);
    } else {
      pyodide.FS.mkdirTree(f);
      pyodide.FS.mount(pyodide.FS.filesystems.NODEFS, { root: f }, f);
    }
    mounted.push(f);
  }
}

// The host object worker.py calls (see its docstring).
// The run's token (wire.h), taken out of the environment before Pyodide, worker.py or a
// scenario runs: a decimal string, '0' when absent.
function takeToken() {
  const text = process.env.GCBENCH_WIRE_TOKEN || '';
  delete process.env.GCBENCH_WIRE_TOKEN;
  return /^[0-9]+$/.test(text) ? text : '0';
}

function makeHost(fd, tokenText) {
  const sleeper = new Int32Array(new SharedArrayBuffer(4));
  let attached = null; // worker.py's record buffer, kept from attach() on
  const writeRecord = (record) => {
      const view = record.getBuffer('u8');
      try {
        let done = 0;
        while (done < view.data.length) {
          try {
            done += fs.writeSync(fd, view.data, done, view.data.length - done);
          } catch (e) {
            if (e.code !== 'EAGAIN') process.exit(3); // the parent is gone: nobody to report to
          }
        }
        return done;
      } finally {
        view.release();
      }
  };
  return {
    write: writeRecord,
    token: () => tokenText,
    // Kept once, then flush() per record: a Python buffer handed to JavaScript in every call
    // would make (and drop) Python objects the collector counts, which a model cannot know.
    attach: (buffer) => {
      attached = buffer.copy();
    },
    flush: () => writeRecord(attached),
    status: () => fs.readFileSync('/proc/self/status', 'latin1'),
    reset_peak: () => {
      try {
        fs.writeFileSync('/proc/self/clear_refs', '5');
        return true;
      } catch {
        return false;
      }
    },
    // decimal strings: exact beyond 2**53, and no BigInt proxies in the measured heap
    now_ns: () => process.hrtime.bigint().toString(),
    cpu_ns: () => {
      const u = process.cpuUsage();
      return String((u.user + u.system) * 1000);
    },
    fault: () => process.env.GCBENCH_FAULT || '',
    crash: () => process.kill(process.pid, 'SIGSEGV'),
    hang: () => {
      for (;;) Atomics.wait(sleeper, 0, 0);
    },
  };
}

function packageVersion(dir) {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).version || '';
  } catch {
    return '';
  }
}

async function probe(dir) {
  const pyodide = await load(dir);
  const sys = pyodide.pyimport('sys');
  const gc = pyodide.pyimport('gc');
  const v = sys.version_info;
  const lines = [
    sys.implementation.name,
    `${v.major}.${v.minor}.${v.micro}`,
    gc.get_threshold().toJs().join(','),
    String(sys.version).replace(/\s+/g, ' '),
    packageVersion(dir),
  ];
  fs.writeSync(1, lines.join('\n') + '\n');
  return 0;
}

// The value of --name=VALUE or --name VALUE in args, removed from it; undefined if absent.
function takeOption(args, name) {
  for (let i = 0; i < args.length; i++) {
    if (args[i] === name && i + 1 < args.length) return args.splice(i, 2)[1];
    if (args[i].startsWith(name + '=')) return args.splice(i, 1)[0].slice(name.length + 1);
  }
  return undefined;
}

async function run(args) {
  const token = takeToken();
  const dir = takeOption(args, '--pyodide');
  if (dir === undefined) die(2, 'needs --pyodide DIR');
  const fileArg = args.find((a) => a.startsWith('--file='));
  const fileIndex = args.indexOf('--file');
  const file = fileArg ? fileArg.slice(7) : fileIndex >= 0 ? args[fileIndex + 1] : undefined;
  const fdArg = args.find((a) => a.startsWith('--fd='));
  const fdIndex = args.indexOf('--fd');
  const fd = Number(fdArg ? fdArg.slice(5) : fdIndex >= 0 ? args[fdIndex + 1] : NaN);
  if (file === undefined || !Number.isInteger(fd)) die(2, 'needs --fd N and --file PATH');
  const workerPy = path.join(here, 'worker.py');
  let pyodide;
  try {
    pyodide = await load(dir);
    mountFolders(pyodide, [here, path.dirname(path.resolve(file))]);
  } catch (e) {
    die(4, `cannot load the Pyodide package in ${dir}: ${e && e.stack ? e.stack : e}`);
  }
  // worker.py as a module of its own (importlib, as worker.py loads a scenario), then its main
  const util = pyodide.pyimport('importlib.util');
  const spec = util.spec_from_file_location('_gcbench_worker', workerPy);
  const worker = util.module_from_spec(spec);
  spec.loader.exec_module(worker);
  const argv = pyodide.toPy(args);
  const status = worker.main(argv, makeHost(fd, token));
  worker.flush();
  return status;
}

// --script DIR FILE ARGS…: FILE run as __main__ (runpy), its exit status returned.
async function script(dir, file, rest) {
  const pyodide = await load(dir);
  const full = path.resolve(file);
  mountFolders(pyodide, [path.dirname(full)]);
  pyodide.globals.set('_gcbench_argv', pyodide.toPy([full, ...rest]));
  return pyodide.runPython(`
import runpy, sys, traceback
sys.argv = list(_gcbench_argv)
sys.path.insert(0, sys.argv[0].rsplit("/", 1)[0])
try:
    runpy.run_path(sys.argv[0], run_name="__main__")
    _status = 0
except SystemExit as e:
    _status = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
except BaseException:
    traceback.print_exc()
    _status = 1
for f in (sys.stdout, sys.stderr):
    f.flush()
_status
`);
}

const args = process.argv.slice(2);
let status;
if (args[0] === '--script') {
  if (args.length < 3) die(2, 'usage: worker_pyodide.mjs --script DIR FILE [ARGS…]');
  status = await script(path.resolve(args[1]), args[2], args.slice(3)).catch((e) =>
    die(4, String(e && e.stack ? e.stack : e)));
} else if (args[0] === '--probe') {
  if (args.length !== 2) die(2, 'usage: worker_pyodide.mjs --probe DIR');
  status = await probe(path.resolve(args[1])).catch((e) => die(4, String(e && e.stack ? e.stack : e)));
} else {
  status = await run(args);
}
process.exit(status);
