"""A class graded through the command line: relative and absolute paths hide the same things,
and submissions that are not a regular file of their own (tests/attacks/class_layout.py) get
zero with a reason, without running."""
from __future__ import annotations

import csv
import os
import runpy
from pathlib import Path

import nbformat
import pytest

from autograder import cli
from conftest import solution_answers, student_notebook

LAYOUT = runpy.run_path(str(Path(__file__).parent / "attacks" / "class_layout.py"))
ASSIGNMENT = "01_why_recurrent"
LIMITS = ["--cell-timeout", "30", "--notebook-timeout", "120", "--memory-mb", "2048", "--workers", "2"]


def _class(folder: Path) -> None:
    """submitted/: an honest student, a copycat of that student, and every layout attack."""
    honest = folder / "submitted" / "honest" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    honest.parent.mkdir(parents=True)
    nbformat.write(student_notebook(ASSIGNMENT, solution_answers(ASSIGNMENT)), honest)
    copycat = student_notebook(ASSIGNMENT, None)
    code = (LAYOUT["COPYCAT"].replace("{OTHER_SUBMISSION}", str(honest))
            .replace("{OTHER_RELATIVE}", os.path.relpath(honest, folder))
            .replace("{GRADEBOOK}", str(folder / "gradebook.db")))
    copycat.cells.insert(1, nbformat.v4.new_code_cell(code))
    path = folder / "submitted" / "copycat" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    path.parent.mkdir(parents=True)
    nbformat.write(copycat, path)
    for attack in LAYOUT["LAYOUT"]:
        attack["make"](folder / "submitted" / attack["name"].replace("_", "-"), ASSIGNMENT)


def _grade(folder: Path, cwd: Path, base: str, reports: str) -> dict[str, dict]:
    """Grade the class from ``cwd`` with every path given relative to it (base "") or absolute."""
    os.chdir(cwd)
    where = lambda name: f"{base}{name}"  # noqa: E731
    code = cli.main(["grade", "--submitted", where("submitted"), "--db", f"sqlite:///{where('gradebook.db')}",
                     "--autograded", where(f"{reports}/autograded"), "--feedback", where(f"{reports}/feedback"),
                     "--reports", where(reports), *LIMITS])
    assert code == 0
    with open(folder / reports / "scores.csv") as handle:
        return {row["student"]: row for row in csv.DictReader(handle)}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    folder = tmp_path_factory.mktemp("class")
    _class(folder)
    before = os.getcwd()
    try:
        relative = _grade(folder, folder, "", "relative")
        os.remove(folder / "gradebook.db")
        absolute = _grade(folder, Path("/"), f"{folder}/", "absolute")
    finally:
        os.chdir(before)
    return relative, absolute


def test_relative_and_absolute_paths_grade_alike(graded):
    relative, absolute = graded
    assert {s: r["score"] for s, r in relative.items()} == {s: r["score"] for s, r in absolute.items()}


def test_a_copycat_gets_nothing_either_way(graded):
    for scores in graded:
        assert float(scores["copycat"]["score"]) == 0, scores["copycat"]
        assert float(scores["honest"]["score"]) > 0, scores["honest"]


@pytest.mark.parametrize("attack", LAYOUT["LAYOUT"], ids=lambda a: a["name"])
def test_a_submission_that_is_not_a_file_of_its_own_is_refused(graded, attack):
    for scores in graded:
        row = scores[attack["name"].replace("_", "-")]
        assert float(row["score"]) == 0, row
        assert attack["refused"] in row["error"] and "\n" not in row["error"], row["error"]
