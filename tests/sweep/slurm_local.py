"""tests/sweep/slurm_local.py — a one-node SLURM cluster on this machine, for the tests.

LocalSlurm starts, in a temporary folder and as the current user, its own munged (own key,
socket, pid and log files), a generated slurm.conf (free ports, state and spool in the
folder, no cgroups, no accounting), slurmctld and slurmd; it waits until sinfo shows the
node idle, and stops everything on exit. It shares nothing with the system's own munge or
SLURM services (sockets, ports, pid files and state are all its own), so it neither needs
nor disturbs them. Clients (sbatch, squeue, sinfo, scontrol) find it through SLURM_CONF in
LocalSlurm.env.

If the cluster cannot start, ClusterError says why, quoting the daemon's log lines:

    with LocalSlurm() as cluster:
        job_id = cluster.submit("/tmp/plan/slurm.sbatch")
        tasks = cluster.wait_job(job_id, timeout_s=300)   # [TaskState, ...]
        bad = [t for t in tasks if not t.ok]

Stdlib only; SLURM 22.05 (Debian 12's slurm-wlm) and munge 0.5.15.
"""

import getpass
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time

# The programs the cluster needs: its daemons and the clients the tests call.
DAEMONS = ("munged", "mungekey", "slurmctld", "slurmd")
CLIENTS = ("sbatch", "squeue", "sinfo", "scontrol", "scancel")
# The states of a job still in the queue (squeue -t): wait_job waits while any task has one.
ACTIVE_STATES = ("PENDING,RUNNING,COMPLETING,CONFIGURING,SUSPENDED,REQUEUED,RESIZING,"
                 "SIGNALING,STAGE_OUT")


class ClusterError(RuntimeError):
    """The local cluster could not start or a job could not be run: the message says why."""


class TaskState:
    """One array task's final record: its id in the array, JobState and exit code."""

    def __init__(self, job_id, task_id, state, exit_code, signal_no, std_out, start="",
                 end=""):
        self.start = start  # StartTime, EndTime as scontrol prints them (ISO, seconds)
        self.end = end
        self.job_id = job_id
        self.task_id = task_id
        self.state = state
        self.exit_code = exit_code
        self.signal_no = signal_no
        self.std_out = std_out

    @property
    def ok(self):
        return self.state == "COMPLETED" and self.exit_code == 0 and self.signal_no == 0

    def __repr__(self):
        return (f"task {self.job_id}_{self.task_id}: {self.state} exit {self.exit_code}"
                f":{self.signal_no} {self.start}..{self.end} (log {self.std_out})")


def find_program(name):
    """The absolute path of NAME on PATH or in /usr/sbin, /sbin (root's daemons), or None."""
    path = shutil.which(name)
    if path:
        return path
    for folder in ("/usr/sbin", "/sbin", "/usr/local/sbin"):
        candidate = os.path.join(folder, name)
        if os.access(candidate, os.X_OK):
            return candidate
    return None


def free_ports(count):
    """COUNT distinct TCP ports free on this machine right now (bound to port 0, released)."""
    sockets, ports = [], []
    try:
        for _ in range(count):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.bind(("", 0))
            sockets.append(s)
            ports.append(s.getsockname()[1])
    finally:
        for s in sockets:
            s.close()
    return ports


def tail(path, lines=25):
    """The last LINES lines of the file at PATH, or a note that it is missing."""
    try:
        with open(path, errors="replace") as f:
            text = f.read().splitlines()
    except OSError as e:
        return f"    ({path}: {e.strerror})"
    return "\n".join("    " + line for line in text[-lines:]) or f"    ({path} is empty)"


def parse_scontrol_records(text):
    """`scontrol -o show ...` output: one dict per line of its KEY=VALUE pairs. A value
    ends at the first space (the keys read here, JobState, ExitCode, ArrayTaskId, StdOut,
    StartTime, EndTime, hold none)."""
    records = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        record = {}
        for m in re.finditer(r"(\w+(?:/\w+)?)=(\S*)", line):
            record.setdefault(m.group(1), m.group(2))
        records.append(record)
    return records


class LocalSlurm:
    """A one-node cluster in its own temporary folder; see the module's docstring.

    After start(): env is os.environ plus SLURM_CONF; node, cpus name the one node. stop()
    is safe to call at any time and more than once."""

    def __init__(self, start_timeout_s=60, keep_dir=False):
        self.start_timeout_s = start_timeout_s
        self.keep_dir = keep_dir
        self.dir = None
        self.env = None
        self.node = socket.gethostname().split(".")[0]
        self.user = getpass.getuser()  # the daemons run as the current user (root here)
        self.cpus = os.cpu_count() or 1
        self.procs = {}            # daemon name -> Popen of the (foreground) daemon
        self.programs = {}

    # ---- start ---------------------------------------------------------------------------

    def start(self):
        """Start munged, slurmctld and slurmd; return when the node is idle.
        Raises ClusterError (after stopping what started) when anything is missing or fails."""
        t0 = time.monotonic()
        missing = [n for n in DAEMONS + CLIENTS if not find_program(n)]
        if missing:
            raise ClusterError("SLURM/munge programs missing: " + ", ".join(missing) +
                               " (apt-get install slurm-wlm munge; ./setup.sh installs them)")
        self.programs = {n: find_program(n) for n in DAEMONS + CLIENTS}
        self.dir = tempfile.mkdtemp(prefix="gcbench-slurm-")
        os.chmod(self.dir, 0o755)  # slurmd and jobs read files here
        try:
            self._start_munge()
            self._write_conf()
            self._start_slurm()
            self._wait_idle()
        except BaseException:
            self.stop()
            raise
        self.start_seconds = time.monotonic() - t0
        return self

    def path(self, *parts):
        return os.path.join(self.dir, *parts)

    def _start_munge(self):
        """Own key (mode 0400), socket, pid, log and seed files; munged in the foreground so
        that its Popen is the daemon itself. Before: self.dir exists. After: a credential
        made through the socket decodes (munge | unmunge, when munge's clients are there;
        else the socket exists and munged lives)."""
        os.makedirs(self.path("munge"), mode=0o700)
        key = self.path("munge", "munge.key")
        r = subprocess.run([self.programs["mungekey"], "-c", "-k", key],
                           capture_output=True, text=True)
        if r.returncode != 0 or not os.path.exists(key):
            # fall back on random bytes, as munge's own docs allow
            with open(key, "wb") as f:
                f.write(os.urandom(1024))
        os.chmod(key, 0o400)
        self.munge_socket = self.path("munge", "munge.socket")
        cmd = [self.programs["munged"], "--foreground", "--force",
               "--socket=" + self.munge_socket, "--key-file=" + key,
               "--pid-file=" + self.path("munge", "munged.pid"),
               "--log-file=" + self.path("munge", "munged.log"),
               "--seed-file=" + self.path("munge", "munged.seed"),
               "--num-threads=4"]
        self._spawn("munged", cmd, self.path("munge", "munged.out"))
        self._wait_for(lambda: os.path.exists(self.munge_socket), 15, "munged",
                       "its socket " + self.munge_socket + " did not appear",
                       [self.path("munge", "munged.log"), self.path("munge", "munged.out")])
        munge, unmunge = find_program("munge"), find_program("unmunge")
        if munge and unmunge:
            self._wait_for(self._munge_round_trip, 15, "munged",
                           "munge -n | unmunge through " + self.munge_socket + " never worked",
                           [self.path("munge", "munged.log"),
                            self.path("munge", "munged.out")])

    def _munge_round_trip(self):
        """Whether a credential made by munged on our socket decodes there."""
        try:
            cred = subprocess.run([find_program("munge"), "-n", "-S", self.munge_socket],
                                  capture_output=True, timeout=10)
            back = subprocess.run([find_program("unmunge"), "-S", self.munge_socket],
                                  input=cred.stdout, capture_output=True, timeout=10)
        except subprocess.TimeoutExpired:
            return False
        return cred.returncode == 0 and back.returncode == 0

    def _write_conf(self):
        """slurm.conf for one node with this machine's CPUs, on free ports; every file in
        self.dir. Before: munged is up. After: self.conf and self.env are set."""
        for sub in ("state", "spool", "log", "run"):
            os.makedirs(self.path(sub), exist_ok=True)
        ctld_port, d_port = free_ports(2)
        hardware = self._node_hardware()
        plugstack = self.path("plugstack.conf")
        open(plugstack, "w").close()  # not /etc/slurm's: nothing of the system's
        sock = self.munge_socket
        lines = [
            "# generated by tests/sweep/slurm_local.py: a one-node cluster in " + self.dir,
            "ClusterName=gcbench",
            f"SlurmctldHost={self.node}(127.0.0.1)",  # whatever the host name resolves to
            f"SlurmctldPort={ctld_port}",
            f"SlurmdPort={d_port}",
            "AuthType=auth/munge",
            "CredType=cred/munge",
            f"AuthInfo=socket={sock}",
            "SlurmUser=" + self.user,
            "SlurmdUser=" + self.user,
            "StateSaveLocation=" + self.path("state"),
            "SlurmdSpoolDir=" + self.path("spool"),
            "SlurmctldPidFile=" + self.path("run", "slurmctld.pid"),
            "SlurmdPidFile=" + self.path("run", "slurmd.pid"),
            "SlurmctldLogFile=" + self.path("log", "slurmctld.log"),
            "SlurmdLogFile=" + self.path("log", "slurmd.log"),
            "SlurmctldDebug=info",
            "SlurmdDebug=info",
            "PlugStackConfig=" + plugstack,
            "ProctrackType=proctrack/linuxproc",
            "TaskPlugin=task/none",
            "JobAcctGatherType=jobacct_gather/none",
            "AccountingStorageType=accounting_storage/none",
            "JobCompType=jobcomp/none",
            "MpiDefault=none",
            "MailProg=/bin/true",     # no mailer here: quiets slurmctld's complaint
            "SwitchType=switch/none",
            "SelectType=select/cons_tres",
            "SelectTypeParameters=CR_Core",
            "SchedulerType=sched/backfill",
            # start an array's next tasks as soon as cores free up (the defaults wait ~3 s
            # between rounds: an 8-task array of short jobs took 12 s, now 5 s)
            "SchedulerParameters=batch_sched_delay=0,sched_interval=1,sched_min_interval=0",
            "ReturnToService=2",
            "MinJobAge=3600",         # finished jobs stay in scontrol show job for an hour
            "SlurmdTimeout=300",
            "InactiveLimit=0",
            "KillWait=5",
            "Waittime=0",
            f"NodeName={self.node} NodeAddr=127.0.0.1 {hardware} State=UNKNOWN",
            "PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP",
        ]
        self.conf = self.path("slurm.conf")
        with open(self.conf, "w") as f:
            f.write("\n".join(lines) + "\n")
        self.env = dict(os.environ, SLURM_CONF=self.conf)
        # the clients must not pick up a user's own cluster settings
        for var in ("SLURM_CONF_SERVER", "SQUEUE_FORMAT", "SQUEUE_FORMAT2", "SINFO_FORMAT"):
            self.env.pop(var, None)

    def _node_hardware(self):
        """The node's CPUs, sockets, cores, threads and RealMemory as `slurmd -C` reports
        them (so slurmd finds what the conf says), or CPUs=<nproc> when it says nothing."""
        try:
            out = subprocess.run([self.programs["slurmd"], "-C"], capture_output=True,
                                 text=True, timeout=30).stdout
        except (OSError, subprocess.TimeoutExpired):
            out = ""
        keys = ("CPUs", "Boards", "SocketsPerBoard", "CoresPerSocket", "ThreadsPerCore",
                "RealMemory")
        found = dict(re.findall(r"\b(" + "|".join(keys) + r")=(\d+)", out))
        if "CPUs" not in found:
            return f"CPUs={self.cpus}"
        self.cpus = int(found["CPUs"])
        return " ".join(f"{k}={found[k]}" for k in keys if k in found)

    def _start_slurm(self):
        """slurmctld, then slurmd, both in the foreground (-D) under this process."""
        ctld_log = self.path("log", "slurmctld.log")
        self._spawn("slurmctld", [self.programs["slurmctld"], "-D", "-i", "-f", self.conf],
                    self.path("log", "slurmctld.out"))
        self._wait_for(lambda: self._client_ok("scontrol", "ping"), 30, "slurmctld",
                       "scontrol ping never answered UP",
                       [ctld_log, self.path("log", "slurmctld.out")])
        self._spawn("slurmd", [self.programs["slurmd"], "-D", "-f", self.conf],
                    self.path("log", "slurmd.out"))

    def _wait_idle(self):
        """Until sinfo shows the node idle, bounded by start_timeout_s."""
        def idle():
            r = self._client("sinfo", "-h", "-N", "-o", "%N %t")
            return r.returncode == 0 and re.search(r"\bidle\b", r.stdout) is not None
        self._wait_for(idle, self.start_timeout_s, "slurmd",
                       "the node never showed idle in sinfo",
                       [self.path("log", "slurmd.log"), self.path("log", "slurmd.out"),
                        self.path("log", "slurmctld.log")])

    def _spawn(self, name, cmd, out_path):
        out = open(out_path, "w")
        # its own session: a signal meant for the test (Ctrl-C) reaches it through stop()
        self.procs[name] = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT,
                                            stdin=subprocess.DEVNULL, cwd=self.dir,
                                            env=self.env or os.environ,
                                            start_new_session=True)
        out.close()

    def _wait_for(self, ready, timeout_s, daemon, what, logs):
        """Poll READY every 0.2 s until true. A dead daemon or the timeout raise
        ClusterError quoting the LOGS."""
        deadline = time.monotonic() + timeout_s
        while True:
            if ready():
                return
            dead = [(n, p.returncode) for n, p in self.procs.items() if p.poll() is not None]
            if dead or time.monotonic() > deadline:
                why = (", ".join(f"{n} exited with status {rc}" for n, rc in dead)
                       if dead else f"{what} within {timeout_s} s")
                quoted = "\n".join(f"  {p}:\n{tail(p)}" for p in logs)
                if daemon == "slurmd":
                    state = self._client("sinfo", "-h", "-N", "-o", "%N %t %E").stdout.strip()
                    quoted = f'  sinfo: {state or "(nothing)"}\n' + quoted
                raise ClusterError(f"local SLURM cluster did not start: {daemon}: {why}\n"
                                   f'  conf: {getattr(self, "conf", "(not written)")}\n'
                                   + quoted)
            time.sleep(0.2)

    # ---- clients -------------------------------------------------------------------------

    def _client(self, name, *args, timeout_s=30):
        try:
            return subprocess.run([self.programs[name], *args], env=self.env,
                                  capture_output=True, text=True, timeout=timeout_s)
        except subprocess.TimeoutExpired as e:
            return subprocess.CompletedProcess(e.cmd, 124, "", f"{name} timed out")

    def _client_ok(self, name, *args):
        r = self._client(name, *args, timeout_s=10)
        return r.returncode == 0 and "UP" in r.stdout

    def run_client(self, name, *args, timeout_s=60):
        """Run a SLURM client against this cluster; CompletedProcess with text output."""
        return self._client(name, *args, timeout_s=timeout_s)

    def submit(self, script, *sbatch_args, cwd=None):
        """sbatch --parsable SCRIPT; the job id (an int). ClusterError if sbatch refuses."""
        r = subprocess.run([self.programs["sbatch"], "--parsable", *sbatch_args, script],
                           env=self.env, capture_output=True, text=True, cwd=cwd,
                           timeout=60)
        if r.returncode != 0:
            raise ClusterError(f"sbatch {script} failed (status {r.returncode}): "
                               f"{r.stderr.strip() or r.stdout.strip()}")
        m = re.match(r"\s*(\d+)", r.stdout)
        if not m:
            raise ClusterError(f"sbatch --parsable printed no job id: {r.stdout!r}")
        return int(m.group(1))

    def wait_job(self, job_id, timeout_s=600):
        """Wait until job JOB_ID (all its array tasks) has left the queue, bounded by
        TIMEOUT_S (then scancel and ClusterError). Returns a TaskState per task, read from
        scontrol show job (MinJobAge keeps finished jobs there for an hour)."""
        deadline = time.monotonic() + timeout_s
        while True:
            r = self._client("squeue", "-h", "-j", str(job_id), "-t", ACTIVE_STATES,
                             "-o", "%i %T")
            if r.returncode == 0 and not r.stdout.strip():
                break
            if r.returncode != 0 and "Invalid job id" not in r.stderr:
                raise ClusterError(f"squeue -j {job_id} failed: {r.stderr.strip()}")
            if time.monotonic() > deadline:
                queue = r.stdout.strip()
                self._client("scancel", str(job_id))
                raise ClusterError(f"job {job_id} still queued after {timeout_s} s:\n{queue}"
                                   f'\n  slurmd log:\n{tail(self.path("log", "slurmd.log"))}')
            time.sleep(0.5)
        return self.job_tasks(job_id)

    def job_tasks(self, job_id):
        """A TaskState per task of JOB_ID (one for a job without an array)."""
        r = self._client("scontrol", "-o", "show", "job", str(job_id))
        if r.returncode != 0:
            raise ClusterError(f"scontrol show job {job_id} failed: {r.stderr.strip()}")
        tasks = []
        for rec in parse_scontrol_records(r.stdout):
            code, _, sig = rec.get("ExitCode", "-1:0").partition(":")
            task = rec.get("ArrayTaskId", "")
            tasks.append(TaskState(int(rec.get("ArrayJobId", rec.get("JobId", job_id))),
                                   int(task) if task.isdigit() else task,
                                   rec.get("JobState", "?"), int(code), int(sig or 0),
                                   rec.get("StdOut", ""), rec.get("StartTime", ""),
                                   rec.get("EndTime", "")))
        tasks.sort(key=lambda t: (str(type(t.task_id)), t.task_id))
        return tasks

    # ---- stop ----------------------------------------------------------------------------

    def stop(self):
        """Stop slurmd, slurmctld and munged (SIGTERM, then SIGKILL of the process group
        after 10 s), kill what they left (job steps: slurmstepd and its children under this
        folder's spool), and remove the folder unless keep_dir."""
        self._cancel_jobs()
        for name in ("slurmd", "slurmctld", "munged"):
            proc = self.procs.get(name)
            if proc is None or proc.poll() is not None:
                continue
            try:
                os.killpg(proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                continue
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                proc.wait(timeout=10)
        self._kill_stragglers()
        self.procs = {}
        if self.dir and not self.keep_dir:
            shutil.rmtree(self.dir, ignore_errors=True)

    def _cancel_jobs(self, timeout_s=15):
        """While slurmctld and slurmd live: scancel every job of this cluster and wait (at
        most TIMEOUT_S) for the queue to empty, so that slurmd kills the job steps itself."""
        alive = all(self.procs.get(n) is not None and self.procs[n].poll() is None
                    for n in ("slurmctld", "slurmd"))
        if not alive:
            return
        r = self._client("squeue", "-h", "-t", ACTIVE_STATES, "-o", "%A", timeout_s=10)
        ids = sorted(set(r.stdout.split())) if r.returncode == 0 else []
        if not ids:
            return
        self._client("scancel", *ids, timeout_s=10)
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            r = self._client("squeue", "-h", "-t", ACTIVE_STATES, "-o", "%A", timeout_s=10)
            if r.returncode != 0 or not r.stdout.strip():
                return
            time.sleep(0.3)

    def _kill_stragglers(self):
        """SIGKILL every process whose command line, working folder or open files name this
        cluster's folder (a slurmstepd left by a killed slurmd, a daemon that forked away).
        Only processes that carry our folder's path: the system's own daemons are never
        touched."""
        if not self.dir:
            return
        me = os.getpid()
        for pid in os.listdir("/proc"):
            if not pid.isdigit() or int(pid) == me:
                continue
            try:
                with open(f"/proc/{pid}/cmdline", "rb") as f:
                    cmdline = f.read().decode(errors="replace")
            except OSError:
                continue
            if self.dir in cmdline or self._holds_dir(pid):
                try:
                    os.kill(int(pid), signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass

    def _holds_dir(self, pid):
        """Whether process PID works in or holds a file open in this cluster's folder (a
        slurmstepd: its socket is in the spool)."""
        try:
            links = [os.readlink(f"/proc/{pid}/cwd")]
            fd_dir = f"/proc/{pid}/fd"
            links += [os.readlink(os.path.join(fd_dir, fd)) for fd in os.listdir(fd_dir)]
        except OSError:
            return False
        return any(link.startswith(self.dir + "/") or link == self.dir for link in links)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
        return False


if __name__ == "__main__":
    # python3 slurm_local.py: start the cluster, run a 4-task array of hostname, stop.
    import sys
    started = time.monotonic()
    with LocalSlurm(keep_dir="--keep" in sys.argv) as cluster:
        print(f"cluster up in {cluster.start_seconds:.1f} s: {cluster.conf}")
        print(cluster.run_client("sinfo").stdout)
        script = cluster.path("hello.sbatch")
        with open(script, "w") as f:
            f.write("#!/bin/sh\n#SBATCH --array=1-4\n"
                    f'#SBATCH --output={cluster.path("hello-%A_%a.out")}\n'
                    "hostname; echo task $SLURM_ARRAY_TASK_ID; sleep 3\n")
        t = time.monotonic()
        job = cluster.submit(script)
        tasks = cluster.wait_job(job, timeout_s=120)
        print(f"job {job} done in {time.monotonic() - t:.1f} s")
        for task in tasks:
            print(task, open(task.std_out).read().split() if os.path.exists(task.std_out)
                  else "")
        ok = all(task.ok for task in tasks) and len(tasks) == 4
    print(f"total {time.monotonic() - started:.1f} s", "OK" if ok else "FAILED")
    sys.exit(0 if ok else 1)
