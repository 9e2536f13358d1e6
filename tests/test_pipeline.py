"""The exercise pipeline, for every assignment in solutions/.

Solutions score full marks; released stubs score zero; every known-wrong submission loses
exactly the points of the tests it should fail, with the teaching message; exercises/ and the
visible tests' stored cases are exactly what the generator makes; released notebooks carry no
solution code, no hidden tests and no outputs; notebooks import only student-facing modules.
"""
from __future__ import annotations

import ast
import filecmp
import json

import nbformat
import pytest

from autograder import paths
from autograder.grading import load_source
from autograder.notebook_io import is_solution, is_test, nbgrader_meta
from autograder.release import release_all
from autograder.student_package import STUDENT_FACING
from rnncourse.grading.cases import FOLDER as STORED
from conftest import solution_answers, wrong_cases

ASSIGNMENTS = paths.assignments()
WRONG = [(a, c["name"]) for a in ASSIGNMENTS for c in wrong_cases(a)]


def test_there_are_assignments():
    assert "01_why_recurrent" in ASSIGNMENTS


def test_exercises_and_stored_cases_are_exactly_what_the_generator_makes(tmp_path):
    release_all(tmp_path / "exercises", tmp_path / "stored")
    for fresh, committed in [(tmp_path / "exercises", paths.EXERCISES), (tmp_path / "stored", STORED)]:
        made = sorted(p.relative_to(fresh) for p in fresh.rglob("*") if p.is_file())
        kept = sorted(p.relative_to(committed) for p in committed.rglob("*") if p.is_file())
        assert made == kept, f"{committed.name}/ is stale: run `python3 course.py exercises`"
        for rel in made:
            assert filecmp.cmp(fresh / rel, committed / rel, shallow=False), f"{rel} differs from a fresh release"


def test_release_is_deterministic(tmp_path):
    release_all(tmp_path / "a" / "exercises", tmp_path / "a" / "stored")
    release_all(tmp_path / "b" / "exercises", tmp_path / "b" / "stored")
    files = [p for p in (tmp_path / "a").rglob("*") if p.is_file()]
    assert len(files) == 2 * len(ASSIGNMENTS)
    for path in files:
        assert path.read_bytes() == (tmp_path / "b" / path.relative_to(tmp_path / "a")).read_bytes()


def _course_imports(source: str) -> set[str]:
    """The rnncourse modules a cell imports (``from rnncourse.x import y`` counts x and x.y)."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.startswith("rnncourse")}
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("rnncourse"):
            found.add(node.module)
    return found


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_notebooks_import_only_student_facing_modules(assignment):
    """No cell of the source notebook imports the course's references (they are not in the kernel)."""
    listed = {p[:-3].replace("/", ".").removesuffix(".__init__") for p in STUDENT_FACING if p.endswith(".py")}
    for cell in load_source(assignment).notebook.cells:
        if cell.cell_type == "code":
            assert _course_imports(cell.source) <= listed, (nbgrader_meta(cell).get("grade_id"), cell.source[:200])


def test_the_import_check_sees_a_reference_import():
    assert _course_imports("from rnncourse.numpy_ref.rnn import rnn_forward\nimport rnncourse.nn") == {
        "rnncourse.numpy_ref.rnn", "rnncourse.nn"}


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
        if hidden:  # a placeholder: the autograder runs hidden tests outside the notebook
            before, inside = cell.source.split("### BEGIN HIDDEN TESTS")
            outside = before.split('"""')[-1].strip()
            assert outside == "pass  # hidden test: the autograder runs it outside this notebook", meta["grade_id"]
            body = inside.split("### END HIDDEN TESTS")[0].strip()
            assert body.startswith("#") and "\n" not in body, f"{meta['grade_id']}: hidden test code in the notebook"
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
            last = ast.parse(cell.source).body[-1]
            assert not isinstance(last, ast.Expr), "running the placeholder would print its docstring"
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
    for test in result.tests:  # a hidden test's grader-side check calls the stub and reports its error
        assert any(text in test.message for text in ("not answered yet", "not run", "NotImplementedError")), test


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
