"""Where things are: the course layout, as nbgrader_config.py declares it."""
from __future__ import annotations

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
