"""Isolate a student's kernel with Linux namespaces: an allowlist, no root needed.

The kernel launcher (outside) calls :func:`run`. It creates new namespaces and forks the
*init* of a new PID namespace, which builds the kernel's file system, drops every privilege
and then starts the kernel as its only child::

    worker (grader's user)
      └─ launcher          unshare(user?, mount, PID, network); waits; dies with the worker
           └─ init (PID 1) mounts the allowlist, pivot_root, drops privileges, reaps orphans
                └─ kernel  ipykernel, with limits; everything it starts lives in this namespace

Namespaces
    user     only when the grader is not root: the launcher maps its own user id onto itself
             (``uid_map`` "U U 1", ``setgroups`` denied), which gives it, inside, the
             capabilities to mount. Unprivileged user namespaces are enough; root needs none
             and instead gives the kernel a user id of its own (``uid``).
    mount    the kernel's file system, built below; nothing else of the host's exists in it.
    PID      the kernel cannot see or signal the grader or any other kernel; ``/proc`` is a
             fresh one that lists only this namespace. When init exits (its kernel ended, or
             it was killed with the worker), the Linux kernel kills every process left in the
             namespace: nothing a notebook starts, detached or re-parented, outlives it.
    network  only a loopback device that is down: no socket reaches anything. The kernel
             talks to the worker over Unix sockets in the job's runtime folder (ZeroMQ
             ``ipc``), which are files, not network addresses.

The file system the kernel sees (a tmpfs root, read-only once built)
    ``/usr/{bin,lib,lib64,libexec,sbin,share}``, ``/bin``... the operating system, read-only
    the Python installation and the virtual environment, read-only, at their own paths
    ``/etc``: a few system files (``ld.so.cache``, ``localtime``...) and a ``passwd`` of its own
    ``course``: the student-facing copy of the course package, read-only (on ``PYTHONPATH``)
    ``work``, ``runtime``: the job's working folder and its kernel sockets, writable
    ``/tmp`` and ``/dev/shm``: empty, private, size-limited; ``/dev``: null, zero, random...
    ``/proc``: this namespace's processes; ``/sys/devices/system/cpu``: the CPU list, read-only
    on a machine with an NVIDIA GPU, what CUDA opens (:func:`autograder.gpu.sandbox_paths`), read-only
Host paths keep their absolute names, so no path needs translating. The old root is detached
after ``pivot_root``, so no chroot trick reaches it. The repository is not mounted: the
editable install's finder points at a folder that does not exist here.

Privileges
    after the mounts, init drops to the kernel's user (root: ``setuid(uid)``; otherwise all
    capabilities are cleared with ``capset``) and sets ``no_new_privs``; mounts are ``nosuid``.
"""
from __future__ import annotations

import ctypes
import os
import platform
import select
import signal
import sys
from dataclasses import dataclass, field
from functools import lru_cache

from . import gpu

CLONE_NEWNS, CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET = 0x00020000, 0x10000000, 0x20000000, 0x40000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 32, 4096, 16384, 1 << 18
MS_NOATIME, MS_NODIRATIME, MS_RELATIME = 1024, 2048, 1 << 21
MNT_DETACH = 2
PR_SET_PDEATHSIG, PR_SET_NO_NEW_PRIVS = 1, 38
SYS_PIVOT_ROOT = {"x86_64": 155, "aarch64": 41}

SYSTEM_PATHS = ("/usr/bin", "/usr/lib", "/usr/lib64", "/usr/libexec", "/usr/sbin", "/usr/share",
                "/bin", "/lib", "/lib64", "/sbin", "/sys/devices/system/cpu")
ETC_FILES = ("alternatives", "ld.so.cache", "ld.so.conf", "ld.so.conf.d", "localtime", "nsswitch.conf")
DEVICES = ("null", "zero", "full", "random", "urandom")
TMPFS_OPTIONS = {"/": "size=4m,mode=0755", "/tmp": "size=256m,mode=1777", "/dev": "size=64k,mode=0755",
                 "/dev/shm": "size=64m,mode=1777"}


@dataclass
class Sandbox:
    """What one kernel may see. ``writable`` and ``readable`` are host paths, mounted at the
    same path inside; ``uid`` is the kernel's user when the grader is root (else None)."""
    root: str                                   # an empty host folder to build the new root on
    writable: list[str]                         # the job's working and runtime folders
    readable: list[str]                         # the student-facing course copy
    home: str                                   # the kernel's home and working folder
    uid: int | None = None
    hide: list[str] = field(default_factory=list)   # paths to cover even inside an allowed folder


# --------------------------------------------------------------------------------------------
# System calls


@lru_cache(maxsize=None)
def _libc():
    return ctypes.CDLL(None, use_errno=True)


def _check(result: int, what: str) -> None:
    if result != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")


def _mount(source, target, fstype, flags, data=None) -> None:
    enc = lambda v: v.encode() if isinstance(v, str) else v  # noqa: E731
    _check(_libc().mount(enc(source), enc(target), enc(fstype), ctypes.c_ulong(flags), enc(data)), f"mount {target}")


def _prctl(option: int, value: int) -> None:
    _check(_libc().prctl(option, ctypes.c_ulong(value), 0, 0, 0), f"prctl {option}")


def _unshare(flags: int) -> None:
    _check(_libc().unshare(flags), "unshare")


def _pivot_root(new_root: str) -> None:
    """Make ``new_root`` the root and detach the old one (``pivot_root(".", ".")``)."""
    number = SYS_PIVOT_ROOT.get(platform.machine())
    if number is None:
        raise OSError(f"pivot_root: unknown system call number on {platform.machine()}")
    os.chdir(new_root)
    _check(_libc().syscall(number, b".", b"."), "pivot_root")
    _check(_libc().umount2(b".", MNT_DETACH), "umount old root")
    os.chdir("/")


def _clear_capabilities() -> None:
    class Header(ctypes.Structure):
        _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]

    class Data(ctypes.Structure):
        _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32), ("inheritable", ctypes.c_uint32)]

    _check(_libc().capset(ctypes.byref(Header(0x20080522, 0)), (Data * 2)()), "capset")


# --------------------------------------------------------------------------------------------
# Namespaces


def enter_namespaces() -> None:
    """New mount, PID and network namespaces for the calling (single-threaded) process; for a
    grader that is not root, inside a new user namespace that maps its own ids onto themselves.
    The PID namespace applies to the children forked next."""
    flags = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET
    if os.geteuid() == 0:
        _unshare(flags)
        return
    uid, gid = os.geteuid(), os.getegid()
    _unshare(CLONE_NEWUSER | flags)
    for name, text in (("setgroups", "deny"), ("uid_map", f"{uid} {uid} 1"), ("gid_map", f"{gid} {gid} 1")):
        with open(f"/proc/self/{name}", "w") as handle:
            handle.write(text)


@lru_cache(maxsize=None)
def unavailable() -> str:
    """Why the kernel cannot be isolated on this system ("" when it can): tried in a child, which
    enters the namespaces and mounts in them."""
    if not sys.platform.startswith("linux") or platform.machine() not in SYS_PIVOT_ROOT:
        return f"namespaces are a Linux feature ({sys.platform}, {platform.machine()})"
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        try:
            enter_namespaces()
            _mount(None, "/", None, MS_REC | MS_PRIVATE)   # a policy (AppArmor) may leave no capability
            message = b""
        except OSError as err:
            message = str(err).encode()[:500]
        os.write(write, message)
        os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as handle:
        message = handle.read().decode(errors="replace")
    os.waitpid(pid, 0)
    return f"{message} (user namespaces may be disabled: see sysctl user.max_user_namespaces)" if message else ""


# --------------------------------------------------------------------------------------------
# The file system


def _mount_flags(path: str) -> int:
    """The flags a remount of ``path`` must keep (a user namespace may not clear locked ones)."""
    got = os.statvfs(path).f_flag
    pairs = ((os.ST_NOSUID, MS_NOSUID), (os.ST_NODEV, MS_NODEV), (os.ST_NOEXEC, MS_NOEXEC),
             (os.ST_NOATIME, MS_NOATIME), (os.ST_NODIRATIME, MS_NODIRATIME), (os.ST_RELATIME, MS_RELATIME))
    return sum(ms for st, ms in pairs if got & st)


def _remount_readonly(target: str) -> None:
    _mount(None, target, None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | _mount_flags(target))


def _bind(root: str, source: str, readonly: bool) -> None:
    """Mount host ``source`` at the same path below ``root``; a link is recreated as a link."""
    target = root + source
    if os.path.islink(source):
        os.makedirs(os.path.dirname(target), exist_ok=True)
        os.symlink(os.readlink(source), target)
        return
    if os.path.isdir(source):
        os.makedirs(target, exist_ok=True)
    else:
        os.makedirs(os.path.dirname(target), exist_ok=True)
        open(target, "a").close()
    _mount(source, target, None, MS_BIND | MS_REC)
    if readonly:
        _remount_readonly(target)


def _tmpfs(root: str, path: str) -> None:
    os.makedirs(root + path, exist_ok=True)
    _mount("tmpfs", root + path, "tmpfs", MS_NOSUID | MS_NODEV, TMPFS_OPTIONS[path])


def python_paths() -> list[str]:
    """The interpreter and its installed packages: the Python installation and the environment."""
    return sorted({os.path.realpath(sys.base_prefix), os.path.realpath(sys.prefix)})


def _write_etc(root: str, uid: int, gid: int, home: str) -> None:
    os.makedirs(root + "/etc", exist_ok=True)
    for name in ETC_FILES:
        if os.path.lexists("/etc/" + name):
            _bind(root, "/etc/" + name, readonly=True)
    with open(root + "/etc/passwd", "w") as handle:
        handle.write(f"root:x:0:0::/:/bin/sh\nstudent:x:{uid}:{gid}::{home}:/bin/sh\n"
                     "nobody:x:65534:65534::/:/usr/sbin/nologin\n")
    with open(root + "/etc/group", "w") as handle:
        handle.write(f"root:x:0:\nstudent:x:{gid}:\nnogroup:x:65534:\n")


def _make_dev(root: str) -> None:
    _tmpfs(root, "/dev")
    for name in DEVICES:
        _bind(root, "/dev/" + name, readonly=False)
    for name, target in (("fd", "/proc/self/fd"), ("stdin", "/proc/self/fd/0"),
                         ("stdout", "/proc/self/fd/1"), ("stderr", "/proc/self/fd/2")):
        os.symlink(target, f"{root}/dev/{name}")
    _tmpfs(root, "/dev/shm")


def _hide(root: str, path: str) -> None:
    """Cover ``path`` if an allowed mount happens to contain it."""
    target = root + os.path.realpath(path)
    if os.path.isdir(target) and not os.path.islink(target):
        _mount("tmpfs", target, "tmpfs", MS_NOSUID | MS_NODEV | MS_RDONLY, "size=4k,mode=0555")
    elif os.path.isfile(target) and not os.path.islink(target):
        _mount("/dev/null", target, None, MS_BIND)


def build_root(box: Sandbox, uid: int, gid: int) -> None:
    """Mount the allowlist on a tmpfs at ``box.root``, switch to it and make it read-only."""
    root = box.root
    _mount(None, "/", None, MS_REC | MS_PRIVATE)      # nothing we mount leaks back to the host
    _mount("tmpfs", root, "tmpfs", MS_NOSUID | MS_NODEV, TMPFS_OPTIONS["/"])
    for path in SYSTEM_PATHS:
        if os.path.lexists(path):
            _bind(root, path, readonly=True)
    # The private /tmp comes before the interpreter and the course: either may live under the
    # host's /tmp (a course cloned there), and a later bind shows through the tmpfs.
    _tmpfs(root, "/tmp")
    for path in python_paths():
        if not os.path.exists(root + path):          # already inside /usr, say
            _bind(root, path, readonly=True)
    _write_etc(root, uid, gid, box.home)
    _make_dev(root)
    for path in gpu.sandbox_paths():                  # none without a GPU
        _bind(root, path, readonly=True)
    for path in sorted(box.readable):
        _bind(root, path, readonly=True)
    for path in sorted(box.writable):
        _bind(root, path, readonly=False)
    os.makedirs(root + "/proc", exist_ok=True)
    _mount("proc", root + "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
    for path in box.hide:
        _hide(root, path)
    _pivot_root(root)
    _remount_readonly("/")


def drop_privileges(uid: int | None) -> None:
    """Root becomes ``uid`` (losing every capability); anyone else keeps their user id and
    clears the capabilities the user namespace gave. Either way no exec can gain privileges."""
    if uid is not None:
        os.setgroups([])
        os.setgid(uid)
        os.setuid(uid)
    else:
        _clear_capabilities()
    _prctl(PR_SET_NO_NEW_PRIVS, 1)


# --------------------------------------------------------------------------------------------
# The processes


def die_with_parent() -> None:
    """Get SIGKILL when the parent process dies."""
    _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


def _die_with_launcher(alive: int) -> None:
    """Die with the launcher; exit now if it is already gone (its end of the pipe is closed)."""
    die_with_parent()
    if select.select([alive], [], [], 0)[0]:
        os._exit(1)


def _supervise(start_kernel) -> int:
    """As PID 1: start the kernel, reap every orphan, return when the kernel ends."""
    kernel = os.fork()
    if kernel == 0:
        start_kernel()
        os._exit(127)
    while True:
        pid, status = os.wait()
        if pid == kernel:
            return os.waitstatus_to_exitcode(status)


def run(box: Sandbox, start_kernel) -> int:
    """Run ``start_kernel()`` (it should exec the kernel) inside new namespaces built from ``box``;
    return the kernel's exit code. All its processes are gone when this returns."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)     # interrupts are for the kernel (same process group)
    uid = box.uid if box.uid is not None else os.geteuid()
    gid = box.uid if box.uid is not None else os.getegid()
    enter_namespaces()
    alive, keep = os.pipe()
    init = os.fork()
    if init == 0:
        os.close(keep)
        try:
            _die_with_launcher(alive)
            build_root(box, uid, gid)
            drop_privileges(box.uid)
            os.chdir(box.home)
            code = _supervise(start_kernel)
        except BaseException as err:  # noqa: BLE001 - report any failure and end the namespace
            print(f"grading sandbox failed: {type(err).__name__}: {err}", file=sys.stderr, flush=True)
            code = 126
        os._exit(code)
    os.close(alive)
    _, status = os.waitpid(init, 0)
    return os.waitstatus_to_exitcode(status)
