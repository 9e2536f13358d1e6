"""What a grade means: hidden tests are decided outside the kernel, the same file always gets the
same grade (float32 answers included, by the stated precision rule), a crash costs only what it
breaks, and a new version of an assignment is graded again with the reason said."""
from __future__ import annotations

import json

import nbformat
import numpy as np
import pytest

from autograder import paths
from autograder.assemble import assemble
from autograder.grading import HIDDEN_MARKER, grade_notebook, load_source
from autograder.notebook_io import grade_id, is_test
from autograder.probes import as_call, hidden_tests, spec
from autograder.sandbox import Limits
from conftest import solution_answers, student_notebook

LIMITS = Limits(cell_timeout=60, notebook_timeout=300)


@pytest.mark.parametrize("assignment", paths.assignments())
def test_every_hidden_test_is_decided_by_a_grader_check(assignment):
    """Each hidden test cell (marked in the source, or named so) has a description and probes of
    its own in the assignment's probe file."""
    source = load_source(assignment)
    marked = {grade_id(c) for c in source.notebook.cells
              if is_test(c) and (HIDDEN_MARKER in c.source or grade_id(c).endswith("_hidden"))}
    hidden = hidden_tests(assignment)
    assert marked and marked == set(hidden), assignment
    drawn = spec(assignment)["probes"](np.random.default_rng(0))
    for gid in hidden:
        calls = [as_call(c) for c in drawn.get(gid, [])]
        assert calls and all(c.check is not None for c in calls), f"{gid}: every case has its own check"


@pytest.mark.parametrize("assignment", paths.assignments())
def test_no_hidden_test_code_is_sent_to_the_kernel_whatever_its_body(assignment):
    source = load_source(assignment)
    hidden = set(hidden_tests(assignment))
    body = "raise SystemExit('a hidden body the grader must not need')\n"
    altered = nbformat.from_dict(source.notebook)
    for cell in altered.cells:
        if grade_id(cell) in hidden:
            cell.source = body
    for notebook in (source.notebook, altered):
        built = assemble(notebook, source.released, student_notebook(assignment, None), hidden)
        sent = "\n".join(c.source for c in built.notebook.cells)
        assert HIDDEN_MARKER not in sent and "a hidden body" not in sent
        for gid in hidden:
            assert built.notebook.cells[built.test_cells[gid]].source == ""


FLOAT32 = {
    "06_lstm_gru": {"lstm_cell_forward": """
def lstm_cell_forward(x_t, h_prev, c_prev, W_ih, W_hh, b_ih, b_hh):
    x_t, h_prev, c_prev, W_ih, W_hh, b_ih, b_hh = (np.asarray(a, dtype=np.float32)
                                                   for a in (x_t, h_prev, c_prev, W_ih, W_hh, b_ih, b_hh))
    H = h_prev.shape[1]
    A = x_t @ W_ih.T + h_prev @ W_hh.T + b_ih + b_hh
    i, f, g, o = sigmoid(A[:, :H]), sigmoid(A[:, H:2 * H]), np.tanh(A[:, 2 * H:3 * H]), sigmoid(A[:, 3 * H:])
    c_t = f * c_prev + i * g
    return o * np.tanh(c_t), c_t
"""},
    "02_rnn_equations": {"rnn_step_forward": """
def rnn_step_forward(x_t, h_prev, W_xh, W_hh, b_h):
    f = lambda a: np.asarray(a, dtype=np.float32)
    return np.tanh(f(x_t) @ f(W_xh).T + f(h_prev) @ f(W_hh).T + f(b_h))
""", "rnn_forward": """
def rnn_forward(X, h0, W_xh, W_hh, b_h):
    h = np.zeros((X.shape[1], W_hh.shape[0]), dtype=np.float32) if h0 is None else np.float32(h0)
    Hs = []
    for x in X:
        h = rnn_step_forward(x, h, W_xh, W_hh, b_h)
        Hs.append(h)
    return np.stack(Hs)
"""},
}


@pytest.mark.parametrize("assignment", sorted(FLOAT32))
def test_a_float32_answer_gets_the_same_stated_grade_every_time(tmp_path, assignment):
    """Float32 results are right within float32's tolerances (the stated rule): the grader's checks
    pass them, and grading the same file twice gives the same score and the same feedback."""
    path = tmp_path / f"{assignment}.ipynb"
    nbformat.write(student_notebook(assignment, {**solution_answers(assignment), **FLOAT32[assignment]}), path)
    first, second = (grade_notebook(path, assignment, limits=LIMITS) for _ in range(2))
    assert first.score == second.score
    assert [(t.points, t.message) for t in first.tests] == [(t.points, t.message) for t in second.tests]
    for function in FLOAT32[assignment]:
        hidden = next(t for t in first.tests if t.hidden and t.grade_id.startswith(f"test_{function}_"))
        assert hidden.passed, hidden.message


def test_a_kernel_killed_by_an_answer_cell_is_restarted_and_later_answers_keep_their_points(tmp_path):
    a = "01_why_recurrent"
    nb = student_notebook(a, solution_answers(a))
    index = next(i for i, c in enumerate(nb.cells) if grade_id(c) == "recurrent_summary")
    nb.cells.insert(index + 1, nbformat.v4.new_code_cell("import os\nos._exit(3)\n"))
    path = tmp_path / f"{a}.ipynb"
    nbformat.write(nb, path)
    result = grade_notebook(path, a, limits=LIMITS)
    assert result.score == result.max_score, [(t.grade_id, t.message) for t in result.tests if not t.passed]
    assert any("restarted" in flag for flag in result.flags)


def test_a_new_version_of_an_assignment_is_graded_again_and_says_why(tmp_path, monkeypatch):
    import autograder.classroom as classroom
    import autograder.grading as grading
    from autograder.report import format_class_table

    a = "01_why_recurrent"
    path = tmp_path / "submitted" / "ada" / a / f"{a}.ipynb"
    path.parent.mkdir(parents=True)
    nbformat.write(student_notebook(a, solution_answers(a)), path)
    run = dict(db_url=f"sqlite:///{tmp_path / 'gradebook.db'}", submitted=tmp_path / "submitted", limits=LIMITS,
               autograded=tmp_path / "autograded", feedback=tmp_path / "feedback", log=lambda *_: None)
    first = classroom.grade_class(**run)
    assert first[0].graded_because == "new submission" and first[0].score == first[0].max_score > 0
    again = classroom.grade_class(**run)
    assert again[0].graded_because == "new submission", "unchanged: kept, not graded again"
    changed = lambda assignment: "a-new-version"   # noqa: E731
    monkeypatch.setattr(classroom, "assignment_version", changed)
    monkeypatch.setattr(grading, "assignment_version", changed)
    regraded = classroom.grade_class(**run)
    assert regraded[0].graded_because == "graded again: the assignment or its checks changed since it was graded"
    assert "the assignment or its checks changed" in format_class_table(regraded)
    stored = json.loads((tmp_path / "autograded" / "ada" / a / "result.json").read_text())
    assert stored["version"] == "a-new-version"


def test_the_course_secret_is_made_once_private_and_decides_the_seed(tmp_path, monkeypatch):
    from autograder.probes import secret

    monkeypatch.delenv("RNNCOURSE_SECRET", raising=False)
    path = tmp_path / ".course_secret"
    first = secret.course_secret(path)
    assert len(first) >= 32 and secret.course_secret(path) == first
    assert path.stat().st_mode & 0o777 == 0o600 and [p.name for p in tmp_path.iterdir()] == [".course_secret"]
    monkeypatch.setattr(secret, "SECRET_FILE", path)
    monkeypatch.setattr(secret.course_secret, "__defaults__", (path,))
    a = "01_why_recurrent"
    seed = secret.probe_seed("ab" * 32, a)
    assert seed == secret.probe_seed("ab" * 32, a) and seed != secret.probe_seed("cd" * 32, a)
    monkeypatch.setenv("RNNCOURSE_SECRET", "another course's secret")
    assert secret.probe_seed("ab" * 32, a) != seed
