"""Grades out: the gradebook's scores, manual points included, in Canvas's and Moodle's import CSVs."""
from __future__ import annotations

import csv
import subprocess
import sys

import pytest

from autograder.export import export
from autograder.gradebook import open_gradebook, record, register_assignment
from autograder.grading import NotebookResult, load_source
from autograder.grading import TestResult as Check
from conftest import ROOT

A = "02_rnn_equations"


def _result(student: str, source, passed: int) -> NotebookResult:
    """A graded submission that passed its first ``passed`` tests."""
    tests = [Check(gid, desc, points if i < passed else 0.0, points, hidden)
             for i, (gid, points, desc, hidden) in enumerate(source.tests())]
    return NotebookResult(student, A, f"{A}.ipynb", score=sum(t.points for t in tests),
                          max_score=source.max_score, tests=tests, sha256="x")


@pytest.fixture(scope="module")
def gradebook(tmp_path_factory):
    """A class of three: 1001 (Canvas) and 701 (Moodle) graded, 1001 with an extra written answer
    graded by hand (the assignment's own written cells stay ungraded); 1002 in the roster without a submission. Returns (gradebook URL, roster, scores)."""
    tmp_path = tmp_path_factory.mktemp("gradebook")
    url = f"sqlite:///{tmp_path / 'gradebook.db'}"
    source = load_source(A)
    gb = open_gradebook(url)
    register_assignment(gb, source)
    gb.update_or_create_grade_cell("written_answer", A, A, max_score=4.0, cell_type="markdown")
    record(gb, _result("1001", source, passed=2))
    record(gb, _result("701", source, passed=len(list(source.tests()))))
    grade = gb.find_grade("written_answer", A, A, "1001")
    grade.manual_score = 3.0
    gb.db.commit()
    auto_1001 = sum(p for i, (_, p, _, _) in enumerate(source.tests()) if i < 2)
    gb.close()
    roster = tmp_path / "roster.csv"
    roster.write_text("student,name,platform,email,sis_user_id,section\n"
                      "1001,doejane,canvas,jane@uni.example,S-1,Mon\n"
                      "1002,smithbob,canvas,,S-2,Tue\n"
                      "701,=HYPERLINK(1),moodle,ann@uni.example,,\n")
    written = sum(points for _, points, _ in source.manual())     # the assignment's own written cells, ungraded
    return url, roster, {"1001": auto_1001 + 3.0, "701": source.max_score, "max": source.max_score + written + 4.0}


def _rows(path):
    with open(path, newline="") as handle:
        return list(csv.reader(handle))


def test_canvas_export_combines_automatic_and_manual(gradebook, tmp_path):
    url, roster, want = gradebook
    gb = open_gradebook(url)
    written, missing = export(gb, "canvas", tmp_path / "out", roster)
    gb.close()
    rows = _rows(written[0])
    assert rows[0] == ["Student", "ID", "SIS User ID", "Section", A]
    assert rows[1][0].strip() == "Points Possible" and float(rows[1][4]) == want["max"]
    by_id = {row[1]: row for row in rows[2:] if row[1]}
    assert float(by_id["1001"][4]) == want["1001"] and by_id["1001"][:4] == ["doejane", "1001", "S-1", "Mon"]
    assert by_id["1002"][4] == ""                                  # no submission: empty, never 0
    assert any("1002" in line and "no graded submission" in line for line in missing)
    assert any("701" in line and "Canvas" in line for line in missing)


def test_moodle_worksheet_and_email_import(gradebook, tmp_path):
    url, roster, want = gradebook
    gb = open_gradebook(url)
    written, _ = export(gb, "moodle", tmp_path / "out", roster)
    gb.close()
    names = {p.name: p for p in written}
    sheet = _rows(names[f"moodle_{A}.csv"])
    assert sheet[0][:6] == ["Identifier", "Full name", "Email address", "Status", "Grade", "Maximum Grade"]
    assert [row[:2] for row in sheet[1:]] == [["Participant 701", "'=HYPERLINK(1)"]]   # text, not a formula
    assert float(sheet[1][4]) == want["701"] and float(sheet[1][5]) == want["max"]
    by_email = {row[0]: row for row in _rows(names["moodle_grades.csv"])}
    assert by_email["Email address"] == ["Email address", A]
    assert float(by_email["jane@uni.example"][1]) == want["1001"]
    assert float(by_email["ann@uni.example"][1]) == want["701"]


def test_cli_export(gradebook, tmp_path):
    url, roster, want = gradebook
    command = [sys.executable, "-m", "autograder", "export", "--format", "canvas", "--db", url,
               "--roster", str(roster), "--out", str(tmp_path / "cli")]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "canvas_grades.csv" in done.stdout and "no graded submission" in done.stdout
    wrong = subprocess.run(command[:5] + ["blackboard"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert wrong.returncode == 2 and "invalid choice" in wrong.stderr
    nothing = subprocess.run(command[:5] + ["canvas", "--db", f"sqlite:///{tmp_path / 'none.db'}"], cwd=ROOT,
                             capture_output=True, text=True, timeout=60)
    assert nothing.returncode == 2 and "no gradebook" in nothing.stderr and not (tmp_path / "none.db").exists()
