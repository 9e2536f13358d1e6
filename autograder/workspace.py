"""The student's workspace: their own copy of the released notebooks, outside the course's files.

    workspace/<assignment>/<assignment>.ipynb       (git-ignored)

or the folder given with ``--workspace DIR`` or the environment variable ``RNNCOURSE_WORKSPACE``.
The released notebooks (``exercises/``) belong to the course and change when it is updated (a
``git pull``, ``course.py exercises``); the workspace belongs to the student and nothing the course
does overwrites a file in it:

- :func:`sync` copies every released file the workspace does not have yet, so a newly released
  assignment appears beside the student's work (``course.py lab`` runs it each time), and names
  the student's files whose released version has changed since they were copied
  (``.released.json`` in the workspace records what was copied);
- :func:`reset` replaces one notebook with its released stub, only when asked, after copying what
  it replaces to ``<assignment>/backups/<assignment>.<time stamp>.ipynb``;
- :func:`notebook` turns what a student types (an assignment name or a path) into the file to grade.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import paths

ENVIRONMENT_VARIABLE = "RNNCOURSE_WORKSPACE"
BACKUPS = "backups"
SKIPPED = {".ipynb_checkpoints", "__pycache__"}


def root(chosen: str | os.PathLike | None = None) -> Path:
    """The workspace folder: ``chosen``, else $RNNCOURSE_WORKSPACE, else workspace/ in the course."""
    chosen = chosen or os.environ.get(ENVIRONMENT_VARIABLE)
    return Path(chosen).expanduser().resolve() if chosen else paths.ROOT / "workspace"


def released_files(released: Path = paths.EXERCISES) -> list[Path]:
    """Every released file, relative to the released folder."""
    if not released.is_dir():
        return []
    return sorted(p.relative_to(released) for p in released.rglob("*")
                  if p.is_file() and not SKIPPED & set(p.relative_to(released).parts))


RECORD = ".released.json"   # {relative path: sha256 of the released file when it was copied}


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _record(workspace: Path) -> dict[str, str]:
    try:
        record = json.loads((workspace / RECORD).read_text())
    except (OSError, ValueError):
        return {}
    return record if isinstance(record, dict) else {}


def _remember(workspace: Path, relative: Path, released: Path) -> None:
    record = _record(workspace)
    record[relative.as_posix()] = _digest(released / relative)
    (workspace / RECORD).write_text(json.dumps(record, indent=1, sort_keys=True) + "\n")


@dataclass
class Synced:
    added: list[Path] = field(default_factory=list)     # released files copied in now
    updated: list[Path] = field(default_factory=list)   # the student's files whose release changed since


def sync(workspace: Path, released: Path = paths.EXERCISES) -> Synced:
    """Copy into ``workspace`` every released file it lacks; never replace one."""
    done, record = Synced(), _record(workspace)
    for relative in released_files(released):
        target = workspace / relative
        if target.exists():
            if record.get(relative.as_posix()) not in (None, _digest(released / relative)):
                done.updated.append(target)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(released / relative, target)
        _remember(workspace, relative, released)
        done.added.append(target)
    return done


def assignment_of(name: str) -> str:
    """``02_rnn_equations``, ``02_rnn_equations.ipynb`` or a path to it -> ``02_rnn_equations``."""
    return Path(name).name.removesuffix(".ipynb")


def reset(name: str, workspace: Path, released: Path = paths.EXERCISES) -> tuple[Path, Path | None]:
    """Put the released stub of assignment ``name`` back into the workspace.

    The notebook it replaces is first copied to ``<assignment>/backups/<assignment>.<YYYYmmdd-HHMMSS>.ipynb``.
    Returns (the notebook, the backup or None when there was nothing to back up).
    """
    assignment = assignment_of(name)
    stub = released / assignment / f"{assignment}.ipynb"
    if not stub.is_file():
        known = ", ".join(sorted(p.name for p in released.iterdir() if p.is_dir())) if released.is_dir() else "none"
        raise FileNotFoundError(f"there is no released assignment called {assignment!r} (released: {known})")
    target = workspace / assignment / f"{assignment}.ipynb"
    backup = None
    if target.exists():
        stamp = time.strftime("%Y%m%d-%H%M%S")
        backup = target.parent / BACKUPS / f"{assignment}.{stamp}.ipynb"
        counter = 1
        while backup.exists():  # two resets within one second keep both copies
            backup = backup.with_name(f"{assignment}.{stamp}-{counter}.ipynb")
            counter += 1
        backup.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(target, backup)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(stub, target)
    _remember(workspace, target.relative_to(workspace), released)
    return target, backup


def notebook(name: str, workspace: Path, released: Path = paths.EXERCISES) -> Path:
    """The file ``course.py check NAME`` grades: the workspace's notebook of assignment NAME, or the
    path given; a path to a released stub means the student's copy of it, where there is one."""
    given = Path(name).expanduser()
    if given.is_file():
        if is_released_stub(given, released):
            copy = workspace / given.resolve().relative_to(released.resolve())
            if copy.is_file():
                return copy
        return given
    assignment = assignment_of(name)
    candidate = workspace / assignment / f"{assignment}.ipynb"
    if candidate.is_file():
        return candidate
    raise FileNotFoundError(f"no notebook {name!r}: neither a file nor an assignment in your workspace {workspace}")


def is_released_stub(path: Path, released: Path = paths.EXERCISES) -> bool:
    """True when ``path`` is one of the course's released notebooks rather than the student's copy."""
    return Path(path).resolve().is_relative_to(released.resolve())
