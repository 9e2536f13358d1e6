"""Where things are: the course layout, as nbgrader_config.py declares it."""
from __future__ import annotations

import os
import stat
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS = ROOT / "solutions"          # instructor source (nbgrader "source")
EXERCISES = ROOT / "exercises"          # student notebooks (nbgrader "release")
AUTOGRADER = ROOT / "autograder"
SUBMITTED = AUTOGRADER / "submitted"    # <student>/<assignment>/<notebook>.ipynb
AUTOGRADED = AUTOGRADER / "autograded"
FEEDBACK = AUTOGRADER / "feedback"
REPORTS = AUTOGRADER / "reports"
DEFAULT_DB_URL = f"sqlite:///{AUTOGRADER / 'gradebook.db'}"


def assignments() -> list[str]:
    """Names of the assignments, one folder each in solutions/."""
    return sorted(p.name for p in SOLUTIONS.iterdir() if p.is_dir() and not p.name.startswith("."))


def source_notebook(assignment: str) -> Path:
    """The instructor notebook of ``assignment``: solutions/<assignment>/<assignment>.ipynb."""
    path = SOLUTIONS / assignment / f"{assignment}.ipynb"
    if not path.exists():
        raise FileNotFoundError(f"no source notebook for assignment {assignment!r} at {path}")
    return path


DB_URL_ENV = "RNNCOURSE_DB_URL"         # where the gradebook URL may come from, off the command line


def absolute_db_url(url: str) -> str:
    """``url`` with a relative sqlite path made absolute (from the current folder)."""
    prefix = "sqlite:///"
    if url.startswith(prefix) and url != prefix + ":memory:":
        return prefix + str(Path(url.removeprefix(prefix)).resolve())
    return url


def submission_problem(path: Path, submitted: Path) -> str:
    """Why ``path`` (``submitted/<student>/<assignment>/<file>``) is not a submission to grade,
    or "". Only real folders and a regular file of its own count: a link (symbolic or hard), a
    device or a folder where the file belongs is refused, and so is anything whose real path leaves ``submitted``. A missing
    file is not a problem here (the caller says which notebook it expected)."""
    path, submitted = Path(path), Path(submitted)
    relative = path.relative_to(submitted)
    for depth, part in enumerate(relative.parts, start=1):
        here = submitted.joinpath(*relative.parts[:depth])
        try:
            info = here.lstat()
        except FileNotFoundError:
            return ""        # a missing notebook is reported by whoever looks for it
        what = "the submission" if depth == len(relative.parts) else f"the folder {'/'.join(relative.parts[:depth])}"
        if stat.S_ISLNK(info.st_mode):
            return f"{what} is a symbolic link (to {os.readlink(here)}): only regular files are graded"
        if depth < len(relative.parts) and not stat.S_ISDIR(info.st_mode):
            return f"{what} is not a folder"
    if stat.S_ISDIR(info.st_mode):
        return f"{relative} is a folder, not a notebook file"
    if not stat.S_ISREG(info.st_mode):
        return f"{relative} is not a regular file (a device, a pipe or a socket)"
    if info.st_nlink > 1:
        return f"{relative} is a hard link (the same file has other names): only a file of its own is graded"
    if not path.resolve().is_relative_to(submitted.resolve()):
        return f"{relative} lies outside the submissions folder"
    return ""
