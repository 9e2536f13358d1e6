"""The exercise pipeline, for every assignment in solutions/.

Solutions score full marks; released stubs score zero; every known-wrong submission loses
exactly the points of the tests it should fail, with the teaching message; exercises/ is
exactly what the generator makes; released notebooks carry no solution code, no hidden tests
and no outputs.
"""
from __future__ import annotations

import filecmp
import json

import nbformat
import pytest

from autograder import paths
from autograder.grading import load_source
from autograder.notebook_io import is_solution, is_test, nbgrader_meta
from autograder.release import release_all
from conftest import solution_answers, wrong_cases

ASSIGNMENTS = paths.assignments()
WRONG = [(a, c["name"]) for a in ASSIGNMENTS for c in wrong_cases(a)]


def test_there_are_assignments():
    assert "01_why_recurrent" in ASSIGNMENTS


def test_exercises_are_exactly_what_the_generator_makes(tmp_path):
    release_all(tmp_path)
    made = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    committed = sorted(p.relative_to(paths.EXERCISES) for p in paths.EXERCISES.rglob("*") if p.is_file())
    assert made == committed, "exercises/ is stale: run `python3 course.py exercises`"
    for rel in made:
        assert filecmp.cmp(tmp_path / rel, paths.EXERCISES / rel, shallow=False), f"{rel} differs from a fresh release"


def test_release_is_deterministic(tmp_path):
    release_all(tmp_path / "a")
    release_all(tmp_path / "b")
    for path in (tmp_path / "a").rglob("*.ipynb"):
        assert path.read_bytes() == (tmp_path / "b" / path.relative_to(tmp_path / "a")).read_bytes()


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_source_follows_the_conventions(assignment):
    nb = load_source(assignment).notebook
    tests = [c for c in nb.cells if is_test(c)]
    assert len([c for c in nb.cells if is_solution(c)]) >= 3, "at least three graded functions"
    assert any("### BEGIN HIDDEN TESTS" in c.source for c in tests), "hidden tests exist"
    for cell in tests:
        meta = nbgrader_meta(cell)
        assert meta["locked"] and meta["points"] > 0, meta
        assert cell.source.lstrip().startswith(('"""', "'''")), f"{meta['grade_id']}: starts with a docstring"
        hidden = "### BEGIN HIDDEN TESTS" in cell.source
        if hidden:  # hidden tests live in their own cells: nothing runs outside the markers
            outside = cell.source.split("### BEGIN HIDDEN TESTS")[0].split('"""')[-1].strip()
            assert outside == "", f"{meta['grade_id']}: code outside the hidden region"
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, "no outputs in solutions/"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_released_notebook_has_no_solutions_hidden_tests_or_outputs(assignment):
    text = (paths.EXERCISES / assignment / f"{assignment}.ipynb").read_text()
    for marker in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS"):
        assert marker not in text
    released = nbformat.reads(text, as_version=4)
    # Solution code would leak into the stubs; hidden tests would leak into their (emptied) cells.
    released_code = "\n".join(c.source for c in released.cells if is_solution(c))
    source_cells = {nbgrader_meta(c).get("grade_id"): c for c in load_source(assignment).notebook.cells}
    for cell in released.cells:
        original = source_cells[nbgrader_meta(cell).get("grade_id")].source if nbgrader_meta(cell).get("grade_id") else ""
        if "### BEGIN HIDDEN TESTS" in original:
            assert cell.source.strip() == original.split("### BEGIN HIDDEN TESTS")[0].strip(), "hidden test code released"
    for gid, answer in solution_answers(assignment).items():
        source = next(c.source for c in load_source(assignment).notebook.cells if nbgrader_meta(c).get("grade_id") == gid)
        body = source.split("### BEGIN SOLUTION")[1].split("### END SOLUTION")[0] if "### BEGIN SOLUTION" in source else ""
        for line in body.splitlines():
            if len(line.strip()) > 12:
                assert line.strip() not in released_code, f"solution line leaked into exercises/: {line.strip()!r}"
    for cell in released.cells:
        if cell.cell_type == "code":
            assert cell.outputs == []
    json.loads(text)


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_solution_scores_full_marks(graded, assignment):
    result = graded[(assignment, "solution")]
    failed = {t.grade_id: t.message for t in result.tests if not t.passed}
    assert failed == {} and result.error == "" and result.flags == []
    assert result.score == result.max_score > 0


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_released_stub_scores_zero(graded, assignment):
    result = graded[(assignment, "stub")]
    assert result.score == 0 and result.max_score > 0
    for test in result.tests:
        assert "not answered yet" in test.message or "not run" in test.message, test


@pytest.mark.parametrize("assignment,case", WRONG)
def test_known_wrong_submission_scores_partial_with_its_message(graded, assignment, case):
    spec = next(c for c in wrong_cases(assignment) if c["name"] == case)
    result = graded[(assignment, case)]
    failed = {t.grade_id: t.message for t in result.tests if not t.passed}
    # A test of a composed function runs the student's own components: it may fail with them.
    assert set(spec["failing"]) <= set(failed) <= set(spec["failing"]) | spec.get("composed", set()), failed
    for gid, text in spec["failing"].items():
        assert text in failed[gid], f"{gid}: {failed[gid]!r} should mention {text!r}"
    lost = sum(t.max_points for t in result.tests if t.grade_id in failed)
    assert result.score == result.max_score - lost
    assert 0 < result.score < result.max_score
