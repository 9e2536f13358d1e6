"""Start an IPython kernel inside the grading sandbox.

Used as the ``argv`` of the sandbox kernelspec that ``sandbox`` writes for each job::

    python -m autograder.kernel_launcher --workdir DIR --memory-mb N [--uid UID] [--hide PATH ...] -f CONNECTION_FILE

Before the kernel starts, this process moves into the job's empty working folder and limits
its address space (memory), the size of any file it writes, and its open files. When grading
runs as root it also

1. enters a private mount namespace and mounts an empty read-only folder over every hidden
   path (the course's ``solutions/``, ``autograder/`` with the submissions and the gradebook,
   ``tests/``, ``.git/``, and any ``--hide`` path), so that student code cannot read them;
2. drops to an unprivileged user: ``--uid``, a user id of its own for every notebook being
   graded (``nobody`` if not given), so that student code cannot write to the course files,
   signal or trace the grader or another student's kernel graded at the same time, nor read
   its files; and a fork bomb meets a process limit. If the Python
   installation sits below a folder other users may not enter (``/root``, say), that folder is
   replaced, inside the namespace only, by one through which the installation is reachable.
"""
from __future__ import annotations

import argparse
import os
import resource
import sys

NOBODY_UID = NOBODY_GID = 65534
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HIDDEN_IN_REPO = ("solutions", "autograder", "tests", ".git", "benchmarks")

CLONE_NEWNS = 0x00020000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_BIND, MS_REC, MS_PRIVATE = 1, 2, 4, 4096, 16384, 1 << 18


def _limit(which: int, value: int) -> None:
    soft, hard = resource.getrlimit(which)
    if hard != resource.RLIM_INFINITY:
        value = min(value, hard)
    resource.setrlimit(which, (value, value))


def apply_limits(memory_mb: int, max_file_mb: int = 256, max_processes: int = 512) -> None:
    _limit(resource.RLIMIT_AS, memory_mb * 2**20)
    _limit(resource.RLIMIT_FSIZE, max_file_mb * 2**20)
    _limit(resource.RLIMIT_NOFILE, 1024)
    _limit(resource.RLIMIT_CORE, 0)
    _limit(resource.RLIMIT_NPROC, max_processes)  # not enforced for root: hence the drop below


def _libc():
    import ctypes

    return ctypes.CDLL(None, use_errno=True)


def _mount(source, target, fstype, flags, data=None) -> None:
    import ctypes

    enc = lambda v: v.encode() if isinstance(v, str) else v  # noqa: E731
    if _libc().mount(enc(source), enc(target), enc(fstype), flags, enc(data)) != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"mount {target}: {os.strerror(err)}")


def _hide(path: str) -> None:
    if os.path.isdir(path):
        _mount("tmpfs", path, "tmpfs", MS_NOSUID | MS_NODEV | MS_RDONLY, "size=16k,mode=0555")
    elif os.path.exists(path):
        _mount("/dev/null", path, None, MS_BIND)


def _blocking_ancestor(path: str) -> str | None:
    """The highest folder above ``path`` that others may not enter, if any."""
    parts = os.path.abspath(path).split(os.sep)
    for i in range(2, len(parts) + 1):
        folder = os.sep.join(parts[:i]) or os.sep
        if not os.stat(folder).st_mode & 0o001:
            return folder
    return None


def _make_python_reachable(workdir: str) -> None:
    prefix = os.path.realpath(sys.base_prefix)
    blocked = _blocking_ancestor(prefix)
    if blocked is None:
        return
    staging = os.path.join(os.path.dirname(workdir), "python-prefix")
    os.makedirs(staging, exist_ok=True)
    _mount(prefix, staging, None, MS_BIND | MS_REC)
    _mount("tmpfs", blocked, "tmpfs", MS_NOSUID | MS_NODEV, "size=64k,mode=0755")
    os.makedirs(prefix, mode=0o755, exist_ok=True)
    _mount(staging, prefix, None, MS_BIND | MS_REC)


def isolate_filesystem(workdir: str, extra_hidden: list[str]) -> None:
    """Private mount namespace: hide the course's secrets, keep Python reachable for the kernel's user."""
    import ctypes

    if _libc().unshare(CLONE_NEWNS) != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"unshare: {os.strerror(err)}")
    _mount(None, "/", None, MS_REC | MS_PRIVATE)
    _make_python_reachable(workdir)
    for path in [os.path.join(REPO, name) for name in HIDDEN_IN_REPO] + extra_hidden:
        _hide(path)


def drop_privileges(uid: int = NOBODY_UID) -> None:
    if os.geteuid() != 0:
        return
    os.setgroups([])
    os.setgid(NOBODY_GID if uid == NOBODY_UID else uid)
    os.setuid(uid)


def _hand_connection_file_to(uid: int, kernel_args: list[str], workdir: str) -> list[str]:
    """jupyter_client writes the connection file readable by its owner only: copy it for ``uid``."""
    if "-f" not in kernel_args:
        return kernel_args
    index = kernel_args.index("-f") + 1
    with open(kernel_args[index]) as handle:
        content = handle.read()
    copy = os.path.join(workdir, ".kernel-connection.json")
    with open(copy, "w") as handle:
        handle.write(content)
    os.chown(copy, uid, uid if uid != NOBODY_UID else NOBODY_GID)
    os.chmod(copy, 0o600)
    return kernel_args[:index] + [copy] + kernel_args[index + 1:]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workdir", required=True)
    parser.add_argument("--memory-mb", type=int, required=True)
    parser.add_argument("--uid", type=int, default=NOBODY_UID)
    parser.add_argument("--hide", action="append", default=[])
    args, kernel_args = parser.parse_known_args()
    os.chdir(args.workdir)
    if os.geteuid() == 0:
        kernel_args = _hand_connection_file_to(args.uid, kernel_args, args.workdir)
        try:
            isolate_filesystem(args.workdir, args.hide)
        except OSError as err:  # no namespaces here: refuse to run student code as root
            sys.exit(f"grading sandbox unavailable: {err}")
        drop_privileges(args.uid)
    apply_limits(args.memory_mb)
    from ipykernel.kernelapp import launch_new_instance

    sys.argv = [sys.argv[0], *kernel_args]
    launch_new_instance()


if __name__ == "__main__":
    main()
