"""A submission that is not a gradable notebook scores zero with a one-line reason, never a traceback."""
import json

import nbformat
import pytest

from autograder.grading import grade_notebook, load_source

GOOD_CELL = {"cell_type": "code", "source": "x = 1", "metadata": {}, "outputs": [], "execution_count": None}


def _notebook_json(cells):
    return json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


CASES = {
    "binary": (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "not a text file"),
    "truncated": (_notebook_json([GOOD_CELL]).encode()[:-20], "truncated"),
    "invalid_json": (b'{"cells": [1, 2,, 3]}', "invalid JSON at line 1"),
    "json_not_notebook": (b'{"hello": "world"}', "not a Jupyter notebook"),
    "no_cells": (_notebook_json([]).encode(), "has no cells"),
    "malformed_cell": (_notebook_json([{"cell_type": "code", "source": 42}]).encode(), "not a valid notebook"),
    "empty_file": (b"", "truncated"),
    "deeply_nested": (_notebook_json([{**GOOD_CELL, "metadata": {"x": "DEEP"}}]).replace('"DEEP"', "[" * 100_000 + "]" * 100_000).encode(),
                      "nested too deeply"),
    "nested_past_the_limit": (_notebook_json([{**GOOD_CELL, "metadata": {"x": "DEEP"}}]).replace('"DEEP"', "[" * 60 + "]" * 60).encode(),
                              "nested more than"),
    "metadata_not_an_object": (_notebook_json([{**GOOD_CELL, "metadata": [1]}]).encode(), "not a valid notebook"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_file_gets_zero_and_a_one_line_reason(tmp_path, case):
    content, reason = CASES[case]
    path = tmp_path / "01_why_recurrent.ipynb"
    path.write_bytes(content)
    result = grade_notebook(path, "01_why_recurrent")
    assert result.score == 0 and result.max_score > 0
    assert reason in result.error and "\n" not in result.error and "Traceback" not in result.error
    assert all(t.points == 0 and "not graded" in t.message for t in result.tests)


def test_missing_file_and_unknown_assignment(tmp_path):
    result = grade_notebook(tmp_path / "nothing.ipynb", "01_why_recurrent")
    assert result.score == 0 and "is not a file" in result.error
    path = tmp_path / "x.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1")]), path)
    result = grade_notebook(path, "99_no_such_assignment")
    assert result.score == 0 and "no assignment called '99_no_such_assignment'" in result.error


def test_a_shape_error_in_a_matrix_product_is_explained():
    from autograder.grading import _message
    from autograder.sandbox import CellOutcome

    outcome = CellOutcome(0, "error", "ValueError", "matmul: Input operand 1 has a mismatch in its core dimension 0")
    assert "X_t @ W_xh.T" in _message(outcome, "")
    other = CellOutcome(0, "error", "ValueError", "bad value")
    assert _message(other, "") == "ValueError: bad value"


def test_check_never_ends_in_a_traceback(tmp_path):
    """``course.py check`` on a deeply nested notebook, and on one whose kernel rewrites the grader's
    probe files with wrongly typed fields: a one-line reason or zeros with reasons, no traceback."""
    import runpy
    import subprocess
    import sys

    from conftest import ROOT, solution_answers, student_notebook

    deep = tmp_path / "deep" / "02_rnn_equations.ipynb"
    deep.parent.mkdir()
    deep.write_bytes(CASES["deeply_nested"][0])
    attack = next(a for a in runpy.run_path(str(ROOT / "tests" / "attacks" / "grading_semantics.py"))["ATTACKS"]
                  if a["name"] == "malformed_probe_data")
    answers = solution_answers("02_rnn_equations")
    nb = student_notebook("02_rnn_equations", answers)
    index = next(i for i, c in enumerate(nb.cells) if c.metadata.get("nbgrader", {}).get("grade_id") == "rnn_step_forward")
    nb.cells.insert(index + 1, nbformat.v4.new_code_cell(attack["extra"]["rnn_step_forward"][0]))
    rewritten = tmp_path / "rewritten" / "02_rnn_equations.ipynb"
    rewritten.parent.mkdir()
    nbformat.write(nb, rewritten)
    full = sum(points for _, points, _, _ in load_source("02_rnn_equations").tests())
    for path, expected in ((deep, "NOT GRADED"), (rewritten, f"0 / {full:g} points")):
        done = subprocess.run([sys.executable, str(ROOT / "course.py"), "check", str(path)], capture_output=True,
                              text=True, timeout=600, cwd=ROOT)
        output = done.stdout + done.stderr
        assert "Traceback" not in output and expected in output, output[-3000:]
