"""The notebook an instructor grades by hand in formgrader:
``autograder/autograded/<student>/<assignment>/<assignment>.ipynb``.

nbgrader's formgrader lists a submission for manual grading only where this file exists, and
shows it with a score box beside every graded cell (the grades come from the gradebook). It is
the released notebook (no solutions, no hidden tests, no model answers) with the student's answer
in each solution cell, matched by grade id: the written answers read as submitted, everything
else is the course's own text. A written answer's HTML is shown as text and its links cannot
run script: what a student typed never runs in the instructor's browser.
"""
from __future__ import annotations

import html
import os
import re
from pathlib import Path

import nbformat

from .notebook_io import BadSubmission, grade_id, is_solution, read_submission

SCRIPT_URL = re.compile(r"(?i)\b(javascript|vbscript|data)\s*:")   # its colon becomes %3A: a plain path
MATH = re.compile(r"(\$\$.+?\$\$|\$[^$\n]+\$)", re.S)


def review_notebook(released: nbformat.NotebookNode, submission: nbformat.NotebookNode) -> nbformat.NotebookNode:
    answers: dict[str, str] = {}
    for cell in submission.cells:
        if grade_id(cell):
            answers.setdefault(grade_id(cell), cell.source)
    nb = nbformat.from_dict(released)
    for cell in nb.cells:
        if is_solution(cell) and grade_id(cell) in answers:
            answer = answers[grade_id(cell)]
            cell.source = as_text(answer) if cell.cell_type == "markdown" else answer
    return nb


def as_text(markdown: str) -> str:
    """Markdown a student wrote, with no ``<`` or ``>`` left to make a tag and no link that runs
    script: in text they become entities (shown as typed), in maths TeX's ``\\lt`` and ``\\gt``."""
    parts = MATH.split(markdown)                # odd indices: maths
    return "".join(part.replace("<", r"\lt ").replace(">", r"\gt ") if index % 2
                   else SCRIPT_URL.sub(r"\1%3A", html.escape(part, quote=False))
                   for index, part in enumerate(parts))


def write_review(released: nbformat.NotebookNode, submission_path: Path, target: Path) -> Path | None:
    """Write the review notebook of the submission at ``submission_path`` to ``target``; None
    (and nothing written) when the submission is not a readable notebook."""
    try:
        submission = read_submission(submission_path)
    except BadSubmission:
        return None
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".partial")
    nbformat.write(review_notebook(released, submission), partial)
    os.replace(partial, target)
    return target
