"""Where the probes' inputs come from: the course secret, the submission and the assignment's version.

``seed = HMAC-SHA256(course secret, submission SHA-256 + assignment version)``: the same file of
the same assignment always gets the same inputs (a grade is reproducible), another file gets
others, and without the secret nobody can compute them in advance. The secret is the
``RNNCOURSE_SECRET`` environment variable or, if unset, ``autograder/.course_secret`` (created
with mode 0600 on first use, git-ignored). Both live outside the student's kernel: its
environment is rebuilt from nothing and the course's autograder folder is not visible to it.

The *version* of an assignment is a hash of everything that decides its grades: the instructor's
notebook, its probe file and the grader's probe and mistake code. A change of any of them is a
new version: the class is then graded again, and the table says why.
"""
from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from functools import lru_cache
from pathlib import Path

from .. import paths

SECRET_FILE = Path(__file__).resolve().parent.parent / ".course_secret"
GRADER_CODE = ("autograder/probes/__init__.py", "autograder/probes/runtime.py", "autograder/probes/wire.py",
               "autograder/probes/judge.py")


class SecretMissing(RuntimeError):
    """The course secret cannot be read: nothing can be graded until it can (``str()`` says how)."""


def course_secret(path: Path = SECRET_FILE) -> bytes:
    """The course secret: ``RNNCOURSE_SECRET``, or the secret file, created if missing."""
    from_env = os.environ.get("RNNCOURSE_SECRET", "")
    if from_env:
        return from_env.encode()
    if not path.exists():
        # Written whole under another name, then linked into place: graders starting at once
        # all end up reading the one secret that was linked first, never a half-written file.
        draft = path.with_name(f"{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            os.unlink(draft)
    try:
        secret = path.read_bytes().strip()
    except PermissionError:
        raise SecretMissing(f"the course secret {path} is not readable by this user: set RNNCOURSE_SECRET "
                            "to the course's secret (the same on every machine and account that grades)") from None
    if len(secret) < 16:
        raise SecretMissing(f"the course secret in {path} is too short: delete the file to make a new one")
    return secret


@lru_cache(maxsize=None)
def assignment_version(assignment: str) -> str:
    """16 hex digits that change whenever anything deciding the assignment's grades changes."""
    digest = hashlib.sha256()
    files = [paths.source_notebook(assignment), Path(__file__).parent / f"{assignment}.py"]
    files += [paths.ROOT / name for name in GRADER_CODE]
    files += sorted((paths.ROOT / "rnncourse" / "grading").glob("*.py"))
    for path in files:
        digest.update(path.name.encode() + b"\0")
        digest.update(path.read_bytes() if path.is_file() else b"(none)")
    return digest.hexdigest()[:16]


def probe_seed(submission_sha256: str, assignment: str) -> int:
    """The 64-bit seed of the probes' inputs for this submission of this assignment."""
    message = f"{submission_sha256}:{assignment}:{assignment_version(assignment)}".encode()
    return int.from_bytes(hmac.new(course_secret(), message, hashlib.sha256).digest()[:8], "big")
