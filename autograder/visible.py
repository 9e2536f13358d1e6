"""Grade the visible tests of a notebook where only the released notebooks exist (a student release).

The full grader (:func:`autograder.grading.grade_notebook`) rebuilds the notebook from the
instructor source in ``solutions/``: hidden tests, probes against the instructor's results. A
class's copy of the course has no ``solutions/``, so there ``check`` grades what it can: the
notebook is rebuilt from the *released* notebook (test cells restored as released, the student's
answers kept, same rules as the full grader), run in the same sandbox, and each visible test
scores its points. Hidden tests are not run; the report says how many points they are worth and
that the instructor's grader runs them. Nothing in the released notebooks holds a hidden test,
so nothing here can leak one.
"""
from __future__ import annotations

import ast
from pathlib import Path

import nbformat

from . import paths
from .assemble import assemble
from .grading import NotebookResult, Source, TestResult, _message
from .notebook_io import BadSubmission, first_line_docstring, grade_id, is_test, nbgrader_meta, read_submission
from .sandbox import CellOutcome, Limits, run_notebook


def has_solutions(assignment: str) -> bool:
    """True where the instructor source of ``assignment`` is present (the course's own repository)."""
    return (paths.SOLUTIONS / assignment / f"{assignment}.ipynb").is_file()


def _released(assignment: str) -> nbformat.NotebookNode:
    path = paths.EXERCISES / assignment / f"{assignment}.ipynb"
    if not path.is_file():
        known = sorted(p.name for p in paths.EXERCISES.iterdir() if p.is_dir()) if paths.EXERCISES.is_dir() else []
        raise BadSubmission(f"there is no assignment called {assignment!r} (known: {', '.join(known) or 'none'})")
    return nbformat.read(path, as_version=4)


def _is_hidden(cell) -> bool:
    """True for a test cell that checks nothing in the notebook: after its docstring only ``pass``
    (its tests were hidden, cleared on release and run by the instructor's grader)."""
    try:
        body = ast.parse(cell.source).body
    except SyntaxError:
        return False
    return all(isinstance(node, ast.Pass) or (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant))
               for node in body)


def grade_visible(path: Path, assignment: str, limits: Limits = Limits()) -> NotebookResult:
    """Grade the visible tests of the notebook at ``path`` against the released ``assignment``."""
    result = NotebookResult(student="you", assignment=assignment, notebook=f"{assignment}.ipynb")
    try:
        released = _released(assignment)
        submission = read_submission(Path(path))
    except BadSubmission as err:
        result.error = str(err)
        return result
    tests = [c for c in released.cells if is_test(c)]
    hidden_points = sum(float(nbgrader_meta(c).get("points", 0)) for c in tests if _is_hidden(c))
    result.tests = [TestResult(grade_id(c), first_line_docstring(c.source), 0.0,
                               float(nbgrader_meta(c).get("points", 0)), False, "not graded")
                    for c in tests if not _is_hidden(c)]
    result.max_score = sum(t.max_points for t in result.tests)
    result.manual = Source(assignment, released, released).manual_results(submission)   # graded by the instructor

    assembled = assemble(released, released, submission)
    result.flags = assembled.flags
    run = run_notebook(assembled.notebook, limits)
    result.seconds = round(run.seconds, 2)
    outcomes = {o.index: o for o in run.outcomes}
    missing = CellOutcome(index=-1, status="not_run")
    for test in result.tests:
        outcome = outcomes.get(assembled.test_cells[test.grade_id], missing)
        test.points, test.message = (test.max_points, "") if outcome.ok else (0.0, _message(outcome, run.problem))
    for index, cell in enumerate(assembled.notebook.cells):
        outcome = outcomes.get(index)
        if outcome and outcome.status in {"error", "timeout", "died"} and not is_test(cell) \
                and outcome.ename != "NotImplementedError":
            first = cell.source.strip().splitlines()[0][:80] if cell.source.strip() else "(empty cell)"
            result.answer_errors.append(f"cell starting {first!r}: {_message(outcome, run.problem)}")
    if run.problem:
        result.flags.append(run.problem)
    if hidden_points:
        result.flags.append(f"visible tests only: the hidden tests ({hidden_points:g} more points) are run by "
                            "your instructor's grader when you hand the notebook in")
    result.score = sum(t.points for t in result.tests)
    return result
