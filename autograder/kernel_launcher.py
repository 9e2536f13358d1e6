"""Start an IPython kernel inside the grading sandbox.

Used as the ``argv`` of the sandbox kernelspec that ``sandbox`` writes for each job::

    python -m autograder.kernel_launcher --config JOB/sandbox.json -f CONNECTION_FILE

``sandbox.json`` says what the kernel may see (see :class:`autograder.isolation.Sandbox`),
its memory limit and whether it is isolated. This process dies with the sandbox worker that
started it. Isolated (the default), it runs the kernel through :func:`autograder.isolation.run`:
new namespaces, an allowlist file system, no network, its own PID namespace, no privileges.
The kernel itself gets limits on its address space (memory), the size of any file it writes,
its open files and its processes, and no core dumps.

Unisolated (only when the instructor asked for it, on a system without namespaces) the
kernel runs in the job's working folder with the same limits, as a user id of its own when
the grader is root; it can then read whatever that user can read.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import signal
import sys

from . import gpu
from .isolation import Sandbox, die_with_parent, drop_privileges, run


def _limit(which: int, value: int) -> None:
    soft, hard = resource.getrlimit(which)
    if hard != resource.RLIM_INFINITY:
        value = min(value, hard)
    resource.setrlimit(which, (value, value))


def memory_rlimit() -> int:
    """Which limit caps the kernel's memory: the address space (``RLIMIT_AS``), except where the
    GPU is bound into the sandbox. CUDA reserves far more address space than it uses when it starts
    (unified memory), so under an address-space cap it fails with "out of memory"; there the cap is
    on private writable memory (``RLIMIT_DATA``), which holds every array NumPy and torch allocate.
    A shared anonymous mapping escapes that cap; only a memory cgroup would bound it too."""
    return resource.RLIMIT_DATA if gpu.cuda_present() else resource.RLIMIT_AS


def apply_limits(memory_mb: int, max_file_mb: int = 256, max_processes: int = 512) -> None:
    _limit(memory_rlimit(), memory_mb * 2**20)
    _limit(resource.RLIMIT_FSIZE, max_file_mb * 2**20)
    _limit(resource.RLIMIT_NOFILE, 1024)
    _limit(resource.RLIMIT_CORE, 0)
    _limit(resource.RLIMIT_NPROC, max_processes)  # per user: root grades with a user id per kernel


def _kernel(kernel_args: list[str], memory_mb: int):
    """A function that becomes the kernel: limits, then exec ipykernel (a fresh interpreter)."""
    def start() -> None:
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        apply_limits(memory_mb)
        # jupyter_client's parent pid means nothing here (the kernel ends with the worker anyway),
        # and ipykernel would take a parent numbered 1, its namespace's init, for a dead one.
        env = {k: v for k, v in os.environ.items() if k != "JPY_PARENT_PID"}
        os.execve(sys.executable, [sys.executable, "-m", "ipykernel_launcher", *kernel_args], env)
    return start


def _connection_file(kernel_args: list[str]) -> str | None:
    return kernel_args[kernel_args.index("-f") + 1] if "-f" in kernel_args[:-1] else None


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--config", required=True)
    args, kernel_args = parser.parse_known_args()
    die_with_parent()                                 # the worker is gone: so is the sandbox
    if str(os.getppid()) != os.environ.get("JPY_PARENT_PID", str(os.getppid())):
        sys.exit("the sandbox worker ended before its kernel started")   # too late for the signal
    with open(args.config) as handle:
        config = json.load(handle)
    box = Sandbox(**config["sandbox"])
    connection = _connection_file(kernel_args)
    if box.uid is not None and connection:            # jupyter_client wrote it for the grader only
        os.chown(connection, box.uid, box.uid)
    start = _kernel(kernel_args, config["memory_mb"])
    if config["isolated"]:
        sys.exit(run(box, start))
    os.chdir(box.home)
    drop_privileges(box.uid)
    start()


if __name__ == "__main__":
    main()
