"""A tiny course of one assignment with every kind of task, written into a folder, for the tests of
manual grading (they must not depend on what the real assignments hold).

    double          a function (solution cell) and its visible test, 2 points, graded automatically
    written_why     a written answer (markdown, graded by hand), 3 points, with model answer and rubric
    plot_code       a code answer graded by hand, 1 point: it runs as an answer, never as a test

:func:`use_course` points the autograder's paths at the folder for one test.
"""
from __future__ import annotations

from pathlib import Path

import nbformat

NAME = "90_written"
MODEL_ANSWER = "The tanh saturates, so each step's Jacobian shrinks the gradient geometrically."
RUBRIC = ("**Rubric (3 points).**\n"
          "- 2 points: names saturation of tanh\n"
          "- 1 point: says the shrinking compounds over time steps")
WRITTEN_SOURCE = f"**Model answer.** {MODEL_ANSWER}\n\n{RUBRIC}\n"
QUESTION = "**Question.** Why does the gradient of a tanh RNN vanish over long sequences?"
STUDENT_ANSWER = "Because tanh' < 1 and the products over <b>many</b> steps shrink."


def _cell(kind: str, source: str, kind_tag: str | None = None, **nbgrader) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_markdown_cell(source) if kind == "markdown" else nbformat.v4.new_code_cell(source)
    if nbgrader:
        cell.metadata["nbgrader"] = {"schema_version": 3, "task": False, "grade": False, "solution": False,
                                     "locked": False, **nbgrader}
    if kind_tag:
        cell.metadata["rnncourse"] = {"task_kind": kind_tag}
    return cell


def source_notebook(kinds: tuple[str, ...] = ("derive", "implement", "experiment", "written"),
                    hours: str = "2", written: str = WRITTEN_SOURCE) -> nbformat.NotebookNode:
    """The instructor's notebook: headings tagged with ``kinds``, the estimated time ``hours``."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    heading = lambda text, kind: _cell("markdown", text, kind, grade_id=f"heading_{kind}", locked=True)  # noqa: E731
    nb.cells = [
        _cell("markdown", f"# A written assignment\n\n**Estimated time:** about {hours} hours\n\n"
                          "| task | points |\n|---|---|\n| derive | 2 |", grade_id="intro", locked=True),
        *[heading(f"## Task: {kind}", kind) for kind in kinds if kind != "written"],
        _cell("code", "def double(x):\n    ### BEGIN SOLUTION\n    return 2 * x\n    ### END SOLUTION",
              grade_id="double", solution=True),
        _cell("code", '"""double doubles a number."""\nassert double(2) == 4, "double(2) should be 4"',
              grade_id="test_double", grade=True, locked=True, points=2),
        _cell("markdown", QUESTION, "written" if "written" in kinds else None, grade_id="question_why", locked=True),
        _cell("markdown", written, grade_id="written_why", grade=True, solution=True, points=3),
        _cell("markdown", "Plot something with your function.", grade_id="question_plot", locked=True),
        _cell("code", "### BEGIN SOLUTION\nshown = double(3)\n### END SOLUTION",
              grade_id="plot_code", grade=True, solution=True, points=1),
    ]
    return nb


def write_course(root: Path, notebook: nbformat.NotebookNode | None = None, name: str = NAME) -> Path:
    """solutions/<name>/<name>.ipynb under ``root``; returns the notebook's path."""
    path = Path(root) / "solutions" / name / f"{name}.ipynb"
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook or source_notebook(), path)
    return path


def use_course(monkeypatch, root: Path):
    """Make the autograder see only the course under ``root`` (its solutions/) until the test
    ends; a generator for a fixture to ``yield from``."""
    from autograder import paths
    from autograder.grading import load_source

    monkeypatch.setattr(paths, "SOLUTIONS", Path(root) / "solutions")
    load_source.cache_clear()
    yield Path(root)
    load_source.cache_clear()


def student_notebook(answers: dict[str, str] | None = None) -> nbformat.NotebookNode:
    """The released notebook with ``answers`` (grade id -> source) typed in."""
    from autograder.grading import load_source

    nb = nbformat.from_dict(load_source(NAME).released)
    for cell in nb.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if answers and gid in answers:
            cell.source = answers[gid]
    return nb


GOOD = {"double": "def double(x):\n    return x + x",
        "written_why": STUDENT_ANSWER,
        "plot_code": "shown = double(3)\nraise RuntimeError('a manually graded cell is no test')"}
