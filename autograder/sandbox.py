"""Run a notebook in its own process, isolated, with time, memory and output limits.

The grading process calls :func:`run_notebook`, or :func:`kernel` and then ``run`` when it has
work to do before the notebook is ready. :func:`kernel` makes a private job folder, builds the
student-facing copy of the course package there, and starts a *worker*
(``python -m autograder.sandbox JOB``) in a new process session. The worker starts a kernel
at once, through ``autograder.kernel_launcher``, which isolates it (``autograder.isolation``:
its own user, mount, PID and network namespaces; it sees only the interpreter, the installed
packages, the course copy, its working folder and a private ``/tmp``; a user id of its own
when grading runs as root); then it reads the notebook from its stdin, which ``run`` sends
when the grader has assembled it (the kernel's start overlaps that work). The worker talks
to the kernel over Unix sockets in the job folder, runs the cells one by one with a per-cell
and a per-notebook time limit, caps what each cell may print, kills the kernel, and writes
one outcome per cell to ``JOB/result.json``. When the kernel's launcher ends, its PID
namespace ends, and with it every process the submission started, detached or not. The
worker ends (killing the kernel) when the grading process dies, so a grader killed with
``kill -9`` leaves no kernel behind. A cell over its time limit is interrupted and the next
cell runs. A kernel that dies (a segfault, ``os._exit``, too much memory) is started again,
the set-up cells and the student's answers before that point are run again (not the cell
that killed it), and the notebook goes on: a crash costs only the cell that caused it. The
grading process only ever reads that JSON file and, if asked, named files from the working
folder (never following links): nothing the submission does can reach its memory.

Where the system forbids namespaces, :func:`run_notebook` refuses to run a notebook unless
``Limits.allow_unisolated`` is set; a notebook run so carries a note that says it.
"""
from __future__ import annotations

import contextlib
import copy
import ctypes
import fcntl
import json
import os
import secrets
import select
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from . import isolation, student_package

if TYPE_CHECKING:   # the worker starts its kernel before it imports nbformat (see _worker)
    import nbformat

KERNEL_NAME = "course-sandbox"
FIRST_UID, UID_SLOTS = 2_000_000_000, 4096   # user ids of kernels, one per notebook being graded
UID_LOCKS = Path("/tmp/rnn-grade-uids")       # one place for every grader on the machine
MAX_RESTARTS = 4                              # kernels started again after a crash, per notebook


@dataclass(frozen=True)
class Limits:
    cell_timeout: float = 60.0          # seconds for one cell
    notebook_timeout: float = 600.0     # seconds for the whole notebook
    memory_mb: int = 3072               # address space of the kernel
    max_output_chars: int = 20_000      # printed characters kept per cell
    allow_unisolated: bool = False      # run without namespaces where the system has none


@dataclass
class CellOutcome:
    index: int
    status: str                         # ok | error | timeout | died | not_run
    ename: str = ""
    evalue: str = ""
    stdout: str = ""

    @property
    def ok(self) -> bool:
        return self.status == "ok"


@dataclass
class RunResult:
    outcomes: list[CellOutcome] = field(default_factory=list)
    problem: str = ""                   # a notebook-level problem (kernel died, time limit...)
    seconds: float = 0.0
    files: dict[str, bytes] = field(default_factory=dict)   # the ``collect`` files the notebook wrote
    notes: list[str] = field(default_factory=list)          # how it ran, for the report (unisolated)


# --------------------------------------------------------------------------------------------
# The grading process's side


@contextlib.contextmanager
def kernel_uid():
    """A user id that no other notebook being graded on this machine holds (any grader process):
    kernels of different students cannot signal, trace or read each other. Yields None when
    not root (no user switch is possible; the kernel then runs as the grader's user)."""
    if os.geteuid() != 0:
        yield None
        return
    UID_LOCKS.mkdir(mode=0o700, exist_ok=True)
    start = secrets.randbelow(UID_SLOTS)
    for step in range(UID_SLOTS):
        slot = (start + step) % UID_SLOTS
        handle = open(UID_LOCKS / str(slot), "a")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            continue
        try:
            yield FIRST_UID + slot
        finally:
            handle.close()   # releases the lock
        return
    raise RuntimeError("no free kernel user id: too many notebooks graded at once")


UNISOLATED_NOTE = "graded WITHOUT isolation (--unisolated): the notebook could read and reach what the grader's user can"


def _kernelspec(job: Path, box: isolation.Sandbox, limits: Limits, isolated: bool) -> None:
    """The sandbox kernelspec of ``job`` (in ``JOB/kernels``), and beside it the sandbox the
    kernel launcher builds."""
    config = job / "sandbox.json"
    config.write_text(json.dumps({"sandbox": asdict(box), "memory_mb": limits.memory_mb, "isolated": isolated}))
    spec = job / "kernels" / KERNEL_NAME
    spec.mkdir(parents=True)
    argv = [sys.executable, "-m", "autograder.kernel_launcher", "--config", str(config), "-f", "{connection_file}"]
    (spec / "kernel.json").write_text(json.dumps({"argv": argv, "display_name": "Course sandbox", "language": "python"}))


def kernel_environment(workdir: Path) -> dict[str, str]:
    """A clean environment for student code: no secrets, home is the empty working folder, the
    student-facing course copy (beside the working folder) is the only extra import path."""
    env = {
        "PATH": os.pathsep.join([str(Path(sys.executable).parent), "/usr/bin", "/bin"]),
        "PYTHONPATH": str(workdir.parent / "course"),
        "USER": "student",
        "LOGNAME": "student",
        "HOME": str(workdir),
        "TMPDIR": str(workdir),
        "IPYTHONDIR": str(workdir / ".ipython"),
        "MPLCONFIGDIR": str(workdir / ".matplotlib"),
        "MPLBACKEND": "Agg",
        "PYTHONNOUSERSITE": "1",
        "PYTHONHASHSEED": "0",
        "OMP_NUM_THREADS": "1",      # graders run several notebooks side by side
        "MKL_NUM_THREADS": "1",
        "LANG": "C.UTF-8",
    }
    for name in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):  # machine-specific BLAS settings
        if name in os.environ:
            env[name] = os.environ[name]
    return env


MAX_COLLECTED_BYTES = 16 * 2**20


def read_untrusted_file(folder: Path, name: str, max_bytes: int = MAX_COLLECTED_BYTES) -> bytes | None:
    """The content of ``folder/name`` if it is a plain file no larger than ``max_bytes``, else None.

    Student code owns the folder: the name may be a symbolic link (to a secret the grader could
    read), a FIFO (that would block) or a huge file. None of these are followed or read.
    """
    try:
        fd = os.open(folder / name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > max_bytes:
            return None
        with os.fdopen(fd, "rb", closefd=False) as handle:
            return handle.read(max_bytes + 1)[:max_bytes]
    finally:
        os.close(fd)


def run_notebook(nb: "nbformat.NotebookNode", limits: Limits = Limits(), hide: tuple[str, ...] = (),
                 collect: tuple[str, ...] = ()) -> RunResult:
    """Execute ``nb`` in a sandboxed worker; return one :class:`CellOutcome` per cell.

    ``hide``: paths (a gradebook file, a folder of submissions) that student code must not see.
    Isolated, the kernel sees nothing outside its allowlist anyway; these are covered even
    where an allowed folder holds them. Unisolated, nothing is hidden.
    ``collect``: names of files the notebook writes into its working folder (the grader's probe
    outputs) to hand back in :attr:`RunResult.files`; read with :func:`read_untrusted_file`.
    """
    with kernel(limits, hide) as sandboxed:
        return sandboxed.run(nb, collect)


@contextlib.contextmanager
def kernel(limits: Limits = Limits(), hide: tuple[str, ...] = ()):
    """A sandboxed kernel started now, for one notebook handed over later with ``run``: the
    kernel's start (most of a short notebook's fixed cost) overlaps whatever the grader does
    meanwhile (assembling the notebook, drawing its probes). On leaving, whatever still runs is
    killed and the job folder removed. See :func:`run_notebook` for ``hide``."""
    reason = isolation.unavailable()
    if reason and not limits.allow_unisolated:
        yield Refused(f"the grader refused to run the notebook: it cannot be isolated here ({reason}); "
                      "an instructor may pass --unisolated to grade without isolation")
        return
    with kernel_uid() as uid:
        sandboxed = Sandboxed(limits, tuple(str(p) for p in hide), uid, isolated=not reason)
        try:
            yield sandboxed
        finally:
            sandboxed.close()


@dataclass
class Refused:
    """Where the kernel may not start: every notebook gets this problem."""
    problem: str

    def run(self, nb, collect: tuple[str, ...] = ()) -> RunResult:
        return RunResult(problem=self.problem)


def _job_folders(job: Path, uid: int | None, hide: tuple[str, ...]) -> isolation.Sandbox:
    """The job's folders: ``work`` and ``runtime`` (the kernel's sockets) writable by the kernel,
    ``course`` (the student-facing package) readable, ``root`` to build its file system on."""
    os.chmod(job, 0o700 if uid is None else 0o711)   # root's kernel may pass through, not list
    for name in ("work", "runtime", "root"):
        (job / name).mkdir()
    student_package.build(job / "course")
    if uid is not None:
        for name in ("work", "runtime"):
            os.chown(job / name, uid, uid)
            os.chmod(job / name, 0o700)
    return isolation.Sandbox(root=str(job / "root"), writable=[str(job / "work"), str(job / "runtime")],
                             readable=[str(job / "course")], home=str(job / "work"), uid=uid, hide=list(hide))


def _ended(process: subprocess.Popen, timeout: float) -> bool:
    """Wait for ``process`` to end, at most ``timeout`` seconds; whether it ended. Woken by the
    process's end itself (a pidfd), not by polling, where the system has pidfds."""
    try:
        handle = os.pidfd_open(process.pid)
    except (AttributeError, OSError):
        try:
            process.wait(timeout=timeout)
            return True
        except subprocess.TimeoutExpired:
            return False
    try:
        if not select.select([handle], [], [], timeout)[0]:
            return False
    finally:
        os.close(handle)
    process.wait()
    return True


class Sandboxed:
    """One notebook's job folder, worker and kernel: started at once, the notebook comes later."""

    def __init__(self, limits: Limits, hide: tuple[str, ...], uid: int | None, isolated: bool):
        self.limits, self.isolated = limits, isolated
        self.job = Path(tempfile.mkdtemp(prefix="rnn-grade-"))
        self.started = time.monotonic()
        self.worker: subprocess.Popen | None = None
        try:
            self._start(uid, hide)
        except BaseException:
            self.close()
            raise

    def _start(self, uid: int | None, hide: tuple[str, ...]) -> None:
        box = _job_folders(self.job, uid, hide)
        self.workdir = Path(box.home)
        (self.job / "limits.json").write_text(json.dumps(asdict(self.limits)))
        _kernelspec(self.job, box, self.limits, self.isolated)
        env = kernel_environment(self.workdir)
        env["IPYTHONDIR"] = str(self.job / "ipython")      # the worker's own, not the kernel's
        env["JUPYTER_RUNTIME_DIR"] = str(self.job / "runtime")
        with open(self.job / "worker.log", "wb") as log:
            # The notebook (hidden tests included) goes to the worker through its stdin, never a file.
            self.worker = subprocess.Popen(
                [sys.executable, "-m", "autograder.sandbox", str(self.job), str(os.getpid())],
                env=env, cwd=self.job, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=log,
                start_new_session=True)

    def run(self, nb, collect: tuple[str, ...] = ()) -> RunResult:
        """Run ``nb`` in the kernel; see :func:`run_notebook` for ``collect``."""
        result = self._run(nb, collect)
        if not self.isolated:
            result.notes.append(UNISOLATED_NOTE)
        return result

    def _run(self, nb, collect: tuple[str, ...]) -> RunResult:
        try:
            with self.worker.stdin as pipe:
                pipe.write(json.dumps(nb).encode())   # the worker reads it whole before it runs a cell
        except OSError:                              # the worker is gone: its log says why
            pass
        if not _ended(self.worker, self.limits.notebook_timeout + 120):
            self._stop()
            return RunResult(problem="the grader stopped the notebook: it exceeded the time limit",
                             seconds=time.monotonic() - self.started)
        seconds = time.monotonic() - self.started
        try:
            data = json.loads((self.job / "result.json").read_text())
        except (OSError, json.JSONDecodeError):
            log = (self.job / "worker.log").read_text(errors="replace")[-2000:].strip()
            return RunResult(problem=f"the grading worker failed ({log.splitlines()[-1] if log else 'no log'})",
                             seconds=seconds)
        files = {name: content for name in collect
                 if (content := read_untrusted_file(self.workdir, name)) is not None}
        return RunResult(outcomes=[CellOutcome(**o) for o in data["outcomes"]], problem=data["problem"],
                         seconds=seconds, files=files)

    def _stop(self) -> None:
        """End the worker: asked with SIGTERM, it kills everything below it (a kernel it may be
        starting at this moment included); one that does not end soon is killed with its session."""
        if self.worker is None or self.worker.poll() is not None:
            return
        self.worker.terminate()
        if not _ended(self.worker, 5):
            os.killpg(self.worker.pid, signal.SIGKILL)
            self.worker.wait()

    def close(self) -> None:
        self._stop()
        shutil.rmtree(self.job, ignore_errors=True)


# --------------------------------------------------------------------------------------------
# The worker's side


def _become_subreaper(grader_pid: int) -> bool:
    """Adopt every orphan the kernel leaves, and get SIGTERM if the grader dies. False if the
    grader is already gone."""
    PR_SET_PDEATHSIG, PR_SET_CHILD_SUBREAPER = 1, 36
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: orphans go to init instead
        pass
    return os.getppid() == grader_pid   # else the grader died before the signal was armed


def _children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc") if os.path.isdir("/proc") else []:
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                stat = handle.read()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid == pid:
            found.append(int(entry))
    return found


def kill_descendants() -> None:
    """Kill every process below this one (the kernel, and anything it forked), until none is left.

    This process is a subreaper: when a child is reaped, its own children have already been
    handed to this process, so the next look finds them; none left means none below."""
    me, deadline = os.getpid(), time.monotonic() + 5
    while time.monotonic() < deadline:
        children = _children(me)
        if not children:
            return
        for child in children:
            try:
                os.kill(child, signal.SIGKILL)
            except ProcessLookupError:
                pass
        for child in children:
            try:
                os.waitpid(child, 0)
            except ChildProcessError:
                pass


def _start_kernel(job: Path):
    """Start the notebook's kernel (through the kernel launcher of the job's kernelspec) and
    return its manager. The worker does this first, so that the kernel's start (a fresh
    interpreter importing IPython) overlaps the worker's own imports of nbformat and nbclient."""
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import AsyncKernelManager
    from jupyter_core.utils import run_sync
    from traitlets.config import Config

    workdir = job / "work"
    # Only the job's kernelspec is looked up (the default search path would import IPython here).
    # The kernel has no network: it talks to the worker over Unix sockets (files in JOB/runtime).
    km = AsyncKernelManager(kernel_name=KERNEL_NAME, kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(job / "kernels")]),
                            config=Config({"KernelManager": {"transport": "ipc", "ip": str(job / "runtime" / "kernel")}}))
    run_sync(km.start_kernel)(extra_arguments=["--HistoryManager.hist_file=:memory:"],
                              env=kernel_environment(workdir), cwd=str(workdir))
    return km


def _write_result(job: Path, outcomes: list[CellOutcome], problem: str) -> None:
    (job / "result.json").write_text(json.dumps({"outcomes": [asdict(o) for o in outcomes], "problem": problem}))


def _worker(job: Path) -> None:
    """Start the kernel, then read the notebook from stdin (the grader sends it once it is
    assembled) and run it; write ``JOB/result.json``."""
    limits = Limits(**json.loads((job / "limits.json").read_text()))
    try:
        km, problem = _start_kernel(job), ""
    except Exception as err:  # noqa: BLE001 - report, never hang
        km, problem = None, f"the notebook could not be run: {type(err).__name__}: {str(err)[:300]}"

    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellTimeoutError, DeadKernelError
    from nbclient.util import run_sync

    # Built by the grader from validated parts: read without validating it again.
    nb = nbformat.from_dict(json.loads(sys.stdin.buffer.read()))
    outcomes = [CellOutcome(index=i, status="not_run") for i in range(len(nb.cells))]
    if km is None:
        kill_descendants()
        _write_result(job, outcomes, problem)
        return
    replies: dict[int, dict] = {}

    class Client(NotebookClient):
        """Records each cell's execute_reply and caps what a cell may print."""

        async def _check_raise_for_error(self, cell, cell_index, exec_reply):
            replies[cell_index] = (exec_reply or {}).get("content", {})

        def output(self, outs, msg, display_id, cell_index):
            kept = sum(len(str(o.get("text", ""))) + len(json.dumps(o.get("data", {}))) for o in outs)
            if kept > limits.max_output_chars and msg["msg_type"] != "error":
                if not any(o.get("name") == "truncated" for o in outs):
                    outs.append(nbformat.v4.new_output("stream", name="truncated",
                                text="\n[output truncated by the grader]\n"))
                return None
            return super().output(outs, msg, display_id, cell_index)

    # A cell over its time limit is interrupted and the notebook goes on with the next cell.
    client = Client(nb, km=km, timeout=limits.cell_timeout, kernel_name=KERNEL_NAME, allow_errors=True,
                    startup_timeout=120, record_timing=False, interrupt_on_timeout=True,
                    error_on_timeout={"ename": "Timeout", "evalue": "time limit"},
                    resources={"metadata": {"path": str(job / "work")}})
    deadline = time.monotonic() + limits.notebook_timeout
    killers: set[int] = set()      # cells that killed the kernel: never run again

    def run(index: int, cell) -> CellOutcome:
        """Run one cell; its outcome (a dead kernel raises DeadKernelError to the caller)."""
        remaining = deadline - time.monotonic()
        client.timeout = max(1, int(min(limits.cell_timeout, remaining)))
        late = CellOutcome(index, "timeout", "Timeout", f"the cell ran longer than {client.timeout} s (an infinite loop?)")
        try:
            client.execute_cell(cell, index)
        except CellTimeoutError:
            return late
        if replies.get(index, {}).get("ename") == "Timeout":
            return late
        return _outcome_of(index, cell, replies.get(index, {}))

    def restart(upto: int) -> None:
        """A fresh kernel with the state the cells before ``upto`` depend on: the set-up cells and the
        student's answers are run again (not the tests, not the cells that killed a kernel)."""
        client.kc.stop_channels()
        run_sync(client.km.restart_kernel)(now=True)      # the kernel manager is asynchronous
        client.start_new_kernel_client()
        for earlier in range(upto):
            cell = nb.cells[earlier]
            role = cell.get("metadata", {}).get("autograder", {}).get("role")
            if cell.cell_type == "code" and role in ("setup", "answer") and earlier not in killers:
                try:
                    run(earlier, copy.deepcopy(cell))
                except DeadKernelError:
                    killers.add(earlier)
                    raise

    restarts = 0
    try:
        client.start_new_kernel_client()       # waits until the kernel answers
        index = 0
        while index < len(nb.cells):
            cell = nb.cells[index]
            if cell.cell_type != "code":
                outcomes[index].status = "ok"
                index += 1
                continue
            if deadline - time.monotonic() <= 1:
                problem = f"the notebook reached its time limit of {limits.notebook_timeout:.0f} s"
                break
            try:
                if index not in killers:
                    outcomes[index] = run(index, cell)
                index += 1
                continue
            except DeadKernelError:
                killers.add(index)
                outcomes[index] = CellOutcome(index, "died", "KernelDied",
                                              "the kernel died while running this cell (a crash, os._exit, or too "
                                              "much memory); it was restarted for the cells after it")
                index += 1
            # The kernel died: start a new one, rebuilt from the cells so far, and go on.
            while restarts < MAX_RESTARTS:
                restarts += 1
                problem = f"the kernel died {restarts} time(s) and was restarted"
                try:
                    restart(index)
                    break
                except DeadKernelError:
                    continue
            else:
                problem = "the kernel died too often; the cells after the last crash were not run"
                break
    except DeadKernelError:
        problem = problem or "the kernel died"
    except Exception as err:  # kernel failed to start, etc.: report, never hang
        problem = (problem + "; " if problem else "") + \
            f"the notebook could not be run: {type(err).__name__}: {str(err)[:300]}"
    finally:
        kill_descendants()          # no graceful shutdown: the kernel's namespace ends with its launcher
    _write_result(job, outcomes, problem)


def _outcome_of(index: int, cell, reply: dict) -> CellOutcome:
    stdout = "".join(o.get("text", "") for o in cell.outputs if o.get("output_type") == "stream")[-4000:]
    errors = [o for o in cell.outputs if o.get("output_type") == "error"]
    if errors or reply.get("status", "ok") != "ok":
        source = errors[-1] if errors else reply
        return CellOutcome(index, "error", str(source.get("ename", "Error"))[:200],
                           str(source.get("evalue", ""))[:2000], stdout)
    return CellOutcome(index, "ok", stdout=stdout)


if __name__ == "__main__":
    JOB = Path(sys.argv[1])

    def _grader_died(*_):
        kill_descendants()
        shutil.rmtree(JOB, ignore_errors=True)   # nobody is left to read or remove the job
        os._exit(1)

    signal.signal(signal.SIGTERM, _grader_died)
    if not _become_subreaper(int(sys.argv[2])):
        _grader_died()
    _worker(JOB)
    os._exit(0)     # everything is written; skip the interpreter's slow shutdown (ZeroMQ, asyncio)
