"""The student-facing part of the course package: what a student's kernel may import.

The course package ``rnncourse`` holds the reference implementation of every graded function
(``numpy_ref``, ``nn``, ``experiments``, the mistake generators of ``grading``...): the book
needs them, a student's kernel must never reach them. This module names the files a student's
kernel may import and builds a copy of just those, so that one list decides it everywhere:

- the grading sandbox puts the copy (read-only) on the kernel's import path instead of the
  course checkout;
- a student release ships the same copy.

Everything not listed here is instructor-side. A file listed here must not import an unlisted
one (``tests/`` checks that the copy imports on its own).
"""
from __future__ import annotations

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Paths relative to the repository root; a folder's parent packages need their __init__ listed.
# None of these files may hold the answer to a graded function of any assignment: the mistake
# generators of rnncourse/grading/ compute references, so only the helpers split out of them
# (calls, cases, toy_models, problems) are listed; so are data/corpora.py but not data/text.py
# (pad_sequences) or data/timeseries.py (make_windows).
STUDENT_FACING: tuple[str, ...] = (
    "rnncourse/__init__.py",
    "rnncourse/device.py",
    "rnncourse/data/__init__.py",
    "rnncourse/data/corpora.py",
    "rnncourse/data/name_gender.py",
    "rnncourse/data/name_letters.py",
    "rnncourse/data/packaged.py",
    "rnncourse/data/synthetic.py",
    "rnncourse/grading/__init__.py",
    "rnncourse/grading/calls.py",
    "rnncourse/grading/cases.py",
    "rnncourse/grading/feedback.py",
    "rnncourse/grading/precision.py",
    "rnncourse/grading/problems.py",
    "rnncourse/grading/toy_models.py",
) + tuple(sorted(f"rnncourse/grading/stored/{path.name}"      # the visible tests' stored cases
                 for path in (ROOT / "rnncourse/grading/stored").glob("*.json")))


def build(dest: Path) -> Path:
    """Copy the student-facing files into ``dest`` (same relative paths) and return ``dest``,
    the folder to put on a kernel's import path."""
    dest = Path(dest)
    for relative in STUDENT_FACING:
        target = dest / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ROOT / relative, target)
    return dest
