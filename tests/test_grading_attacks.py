"""Attacks on what a grade means (tests/attacks/grading_semantics.py), graded through the real sandbox.

None scores above its honest work; no hidden test's source reaches the feedback HTML, the student
report or tests.csv, in plain text or base64/zlib-encoded; malformed probe data gives zeros with
reasons, never a crash; a hidden test's message never carries the student's text.
"""
from __future__ import annotations

import base64
import binascii
import re
import runpy
import zlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest

from autograder.grading import grade_notebook, load_source
from autograder.notebook_io import is_test
from autograder.report import feedback_html, format_student_report, write_csv
from test_attacks import LIMITS, build, honest_points

ATTACKS = runpy.run_path(str(Path(__file__).parent / "attacks" / "grading_semantics.py"))["ATTACKS"]
HIDDEN_MARKER = "### BEGIN HIDDEN TESTS"


def hidden_sources(assignment: str) -> list[str]:
    """Distinctive lines of the hidden test cells (as the solutions hold them, if they still do): the
    lines of 20 characters or more that no released cell has."""
    source = load_source(assignment)
    released = {line.strip() for cell in source.released.cells for line in cell.source.splitlines()}
    lines = []
    for cell in source.notebook.cells:
        if is_test(cell) and HIDDEN_MARKER in cell.source:
            lines += [line.strip() for line in cell.source.split(HIDDEN_MARKER, 1)[1].splitlines()
                      if len(line.strip()) >= 20 and line.strip() not in released]
    return lines


def decoded_blobs(text: str) -> list[str]:
    """Every base64 token in ``text`` decoded, and zlib-inflated where it inflates (a truncated stream
    as far as it goes)."""
    found = []
    for token in re.findall(r"[A-Za-z0-9+/]{40,}={0,2}", text):
        try:
            raw = base64.b64decode(token + "=" * (-len(token) % 4))
        except (binascii.Error, ValueError):
            continue
        try:
            raw = zlib.decompressobj().decompress(raw)
        except zlib.error:
            pass
        found.append(raw.decode("utf-8", errors="replace"))
    return found


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    folder = tmp_path_factory.mktemp("grading-attacks")

    def grade(attack):
        path = folder / attack["name"] / f"{attack['assignment']}.ipynb"
        path.parent.mkdir()
        nbformat.write(build(attack["assignment"], attack, {}), path)
        return attack["name"], grade_notebook(path, attack["assignment"], student=attack["name"], limits=LIMITS)

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = dict(pool.map(grade, ATTACKS))
    _, tests_csv = write_csv(list(results.values()), folder / "reports")
    return results, tests_csv.read_text()


@pytest.mark.parametrize("attack", ATTACKS, ids=[a["name"] for a in ATTACKS])
def test_attack_scores_no_more_than_its_honest_work(graded, attack):
    result = graded[0][attack["name"]]
    assert result.error == "", result.error
    allowed = honest_points(attack["assignment"], attack["honest"])
    assert result.score <= allowed, f"scored {result.score}, honest work is worth {allowed}: {result.tests}"


def test_no_hidden_test_source_reaches_the_feedback_in_any_encoding(graded):
    results, tests_csv = graded
    for attack in ATTACKS:
        result = results[attack["name"]]
        secret = hidden_sources(attack["assignment"])
        shown = format_student_report(result) + feedback_html(result) + tests_csv
        texts = [shown] + decoded_blobs(shown)
        leaked = [line for line in secret for text in texts if line in text]
        assert leaked == [], f"{attack['name']} leaked hidden test lines: {leaked[:3]}"
    exfiltrated = decoded_blobs(format_student_report(results["exfiltrate_hidden_tests"]))
    assert exfiltrated, "the exfiltration ran and its blob is in the feedback (else this test proves nothing)"
    assert any("visible tests passed" in blob for blob in exfiltrated), "it read the cells the kernel ran"


def test_malformed_probe_data_scores_zero_with_reasons(graded):
    result = graded[0]["malformed_probe_data"]
    assert result.score == 0 and result.error == ""
    for test in result.tests:
        assert test.points == 0 and "grader" in test.message and "Traceback" not in test.message, test


def test_a_hidden_test_never_shows_the_students_text(graded):
    result = graded[0]["text_through_hidden_tests"]
    step = next(t for t in result.tests if t.grade_id == "test_rnn_step_forward_hidden")
    assert step.points == 0 and "ValueError" in step.message
    assert all("STUDENT-TEXT" not in t.message for t in result.tests if t.hidden)
