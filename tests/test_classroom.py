"""Grading a class: nothing lost, bad input contained, reports and feedback.

One class of 13 submissions (solutions, stubs, a known-wrong one, one that kills its kernel, and
five files that are not gradable notebooks) is graded with ``python -m autograder grade``; the
run is killed with SIGKILL half-way, run again, and run a third time. Every submission must end
up graded exactly once, with the right score, and the reports must say what they should.
"""
from __future__ import annotations

import csv
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import pytest

from autograder.grading import hidden_lines, load_source
from conftest import ROOT, solution_answers, student_notebook, wrong_cases

A = "01_why_recurrent"
TESTS = load_source(A).tests()
FULL = sum(points for _, points, _, _ in TESTS)                  # the pilot's automatic points
N_TESTS = len(TESTS)
WRITTEN = sum(c.metadata["nbgrader"].get("points", 0) for c in load_source(A).notebook.cells
              if c.cell_type == "markdown" and c.metadata.get("nbgrader", {}).get("grade"))   # graded by hand
N_GRADED = sum(1 for c in load_source(A).notebook.cells if c.metadata.get("nbgrader", {}).get("grade"))  # + written
MEAN_POOL = sum(points for gid, points, _, _ in TESTS if "mean_pool" in gid)
EXPERIMENT = sum(points for gid, points, _, _ in TESTS if "order_experiment" in gid)   # it calls mean_pool
GOOD_CELL = {"cell_type": "code", "source": "x = 1", "metadata": {}, "outputs": [], "execution_count": None}


def _class(folder: Path) -> dict[str, tuple[float, str]]:
    """Write the class under ``folder``; return student -> (expected score, expected error text)."""
    correct = solution_answers(A)
    wrong = next(c for c in wrong_cases(A) if c["name"] == "sum_instead_of_mean")
    notebooks = {
        "ada": (student_notebook(A, correct), FULL),
        "bea": (student_notebook(A, correct), FULL),
        "cal": (student_notebook(A, None), 0),
        "dan": (student_notebook(A, {**correct, **wrong["answers"]}), FULL - MEAN_POOL),
        "eve": (student_notebook(A, correct), FULL),
        "fay": (student_notebook(A, None), 0),
        "gus": (student_notebook(A, correct), FULL),
        # the kernel dies in mean_pool's cell: it is restarted, and only the points of mean_pool and of the
        # experiment that calls it are lost
        "kit": (student_notebook(A, {**correct, "mean_pool": "import os\nos._exit(1)\n"}), FULL - MEAN_POOL - EXPERIMENT),
    }
    expected = {}
    for student, (nb, score) in notebooks.items():
        path = folder / student / A / f"{A}.ipynb"
        path.parent.mkdir(parents=True)
        nbformat.write(nb, path)
        expected[student] = (score, "")
    bad = {
        "hal": (f"{A}.ipynb", b"\x89PNG\r\n\x1a\n\x00\x00", "not a text file"),
        "ivy": (f"{A}.ipynb", json.dumps({"cells": [GOOD_CELL], "metadata": {}, "nbformat": 4,
                                           "nbformat_minor": 5}).encode()[:-25], "truncated"),
        "jon": (f"{A}.ipynb", b'{"cells": [1,, 2]}', "invalid JSON"),
        "lea": (f"{A}.ipynb", json.dumps({"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}).encode(),
                "has no cells"),
        "max": ("my_homework.ipynb", nbformat.writes(student_notebook(A, correct)).encode(), "expected a notebook named"),
    }
    for student, (name, content, reason) in bad.items():
        path = folder / student / A / name
        path.parent.mkdir(parents=True)
        path.write_bytes(content)
        expected[student] = (0, reason)
    return expected


def _grade(work: Path, *extra: str, tmp: str) -> subprocess.Popen:
    command = [sys.executable, "-m", "autograder", "grade", "--submitted", str(work / "submitted"),
               "--db", f"sqlite:///{work / 'gradebook.db'}", "--autograded", str(work / "autograded"),
               "--feedback", str(work / "feedback"), "--reports", str(work / "reports"),
               "--cell-timeout", "60", "--notebook-timeout", "300", *extra]
    return subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True, env=dict(os.environ, TMPDIR=tmp))


def _processes_with(text: str) -> list[int]:
    """Processes whose command line mentions ``text``."""
    found = []
    for entry in os.listdir("/proc"):
        try:
            if entry.isdigit() and text.encode() in Path(f"/proc/{entry}/cmdline").read_bytes():
                found.append(int(entry))
        except OSError:
            pass
    return found


def _recorded(db: Path) -> list[tuple]:
    if not db.exists():
        return []
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as connection:
            return connection.execute("SELECT student, score FROM autograder_runs").fetchall()
    except sqlite3.OperationalError:  # the table does not exist yet
        return []


def _grades(db: Path) -> list[tuple]:
    with sqlite3.connect(db) as connection:
        return connection.execute(
            "SELECT s.student_id, gc.name, g.auto_score FROM grade g"
            " JOIN submitted_notebook sn ON g.notebook_id = sn.id"
            " JOIN submitted_assignment s ON sn.assignment_id = s.id"
            " JOIN base_cell gc ON g.cell_id = gc.id ORDER BY 1, 2").fetchall()


@pytest.fixture(scope="module")
def graded_class(tmp_path_factory):
    work = tmp_path_factory.mktemp("class")
    expected = _class(work / "submitted")
    db = work / "gradebook.db"

    tmp = tempfile.mkdtemp(prefix="rnn-class-tmp-")   # the graders' job folders go here
    os.chmod(tmp, 0o755)
    first = _grade(work, "--workers", "2", tmp=tmp)
    deadline = time.monotonic() + 600
    while len(_recorded(db)) < 6 and first.poll() is None and time.monotonic() < deadline:
        time.sleep(0.2)
    os.killpg(first.pid, signal.SIGKILL)     # the grader and everything in its process group
    first.wait()
    at_kill = {student for student, _ in _recorded(db)}
    assert 0 < len(at_kill) < len(expected), f"the kill did not land half-way ({len(at_kill)} recorded)"
    # The sandbox workers notice that the grader died: they kill their kernels and clean up.
    deadline = time.monotonic() + 60
    while (list(Path(tmp).glob("rnn-grade-*")) or _processes_with(tmp)) and time.monotonic() < deadline:
        time.sleep(0.5)
    left = [p.name for p in Path(tmp).glob("rnn-grade-*")], _processes_with(tmp)
    shutil.rmtree(tmp, ignore_errors=True)
    assert left == ([], []), f"the killed grader left job folders or processes behind: {left}"
    tmp = tempfile.mkdtemp(prefix="rnn-class-tmp-")
    os.chmod(tmp, 0o755)

    second = _grade(work, "--workers", "2", tmp=tmp)
    out2, _ = second.communicate(timeout=900)
    assert second.returncode == 0, out2[-3000:]
    grades_after_second = _grades(db)
    third = _grade(work, "--workers", "2", tmp=tmp)
    out3, _ = third.communicate(timeout=900)
    assert third.returncode == 0, out3[-3000:]
    shutil.rmtree(tmp, ignore_errors=True)
    return dict(work=work, expected=expected, at_kill=at_kill, out2=out2, out3=out3,
                grades2=grades_after_second, grades3=_grades(db), runs=_recorded(db))


def test_a_killed_run_resumes_and_grades_every_submission_exactly_once(graded_class):
    g = graded_class
    expected, runs = g["expected"], g["runs"]
    students = [student for student, _ in runs]
    assert sorted(students) == sorted(expected), "every submission has exactly one run record"
    assert {s: score for s, score in runs} == {s: score for s, (score, _) in expected.items()}
    left = len(expected) - len(g["at_kill"])
    assert f"grading {left} submission(s) with 2 worker(s); {len(g['at_kill'])} already graded" in g["out2"]
    assert "grading 0 submission(s) with 2 worker(s); 13 already graded" in g["out3"]
    keys = [(student, cell) for student, cell, _ in g["grades3"]]
    assert len(keys) == len(set(keys)) == 13 * N_GRADED, "one grade per student and graded cell, none duplicated"
    assert g["grades2"] == g["grades3"], "a repeated run changes nothing"
    per_student = {}
    for student, _, score in g["grades3"]:
        per_student[student] = per_student.get(student, 0) + (score or 0)
    assert per_student == {s: score for s, (score, _) in expected.items()}


def test_bad_input_gets_zero_and_a_one_line_reason(graded_class):
    g = graded_class
    rows = list(csv.DictReader(open(g["work"] / "reports" / "scores.csv")))
    by_student = {row["student"]: row for row in rows}
    for student, (score, reason) in g["expected"].items():
        row = by_student[student]
        assert float(row["score"]) == score, row
        if reason:
            assert reason in row["error"] and "\n" not in row["error"] and "Traceback" not in row["error"], row
    assert "kernel died" in by_student["kit"]["flags"]
    for student, (score, reason) in g["expected"].items():
        if reason:
            assert f"{student} / {A}: " in g["out3"] and reason in g["out3"]


def test_class_report_has_scores_per_assignment_and_per_test(graded_class):
    g = graded_class
    table = g["out3"]
    assert f"student  {A}" in table
    for student, (score, _) in g["expected"].items():
        line = next(l for l in table.splitlines() if l.startswith(student + " "))
        # automatic points apart while written answers are pending, else the total with the written points
        assert f"{score:g}/{FULL:g}" in line or f"{score:g}/{FULL + WRITTEN:g}" in line, line
    tests = list(csv.DictReader(open(g["work"] / "reports" / "tests.csv")))
    assert len(tests) == 13 * N_TESTS
    dan = {row["test"]: row for row in tests if row["student"] == "dan"}
    assert dan["test_mean_pool_visible"]["points"] == "0" and "divide by T" in dan["test_mean_pool_visible"]["message"]
    assert dan["test_pad_batch_hidden"]["points"] == "2"
    # The per-test summary: 4 of the 8 gradable notebooks pass the mean_pool test (ada, bea, eve, gus).
    summary = next(l for l in table.splitlines() if "test_mean_pool_visible" in l and "/" in l)
    assert "4/8" in summary.split() and "visible" in summary


def test_feedback_shows_visible_results_and_messages_never_hidden_source(graded_class):
    g = graded_class
    page = (g["work"] / "feedback" / "dan" / A / f"{A}.html").read_text()
    assert "divide by T" in page and "test_mean_pool_visible" in page and "visible" in page
    assert f"{FULL - MEAN_POOL:g}/{FULL:g} automatic" in page            # the written answers: pending
    secret = hidden_lines(load_source(A))
    for student in g["expected"]:
        page = (g["work"] / "feedback" / student / A / f"{A}.html").read_text()
        assert [line for line in secret if line in page] == []
        assert "BEGIN HIDDEN" not in page and "rnn_forward" not in page
