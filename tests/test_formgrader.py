"""Grading a written answer by hand, as an instructor does it, in a real browser.

A small course of its own (tests/written_course.py: one automatic test, one written answer, one
code answer graded by hand) is graded by the course's grader; then the instructor's lab (the
instructor configuration of ``course.py lab --instructor``, over that course's folder) serves
formgrader, and Debian's Chromium, driven by Playwright, does what the instructor does: opens
Manual Grading, picks the submission that needs a manual grade, reads the student's written
answer, types the scores and leaves the fields (formgrader saves them). Then the student hands in
a new version, the automatic part is graded again, and the scores given by hand are still there,
in the gradebook and on formgrader's page, and the export adds both parts.
"""
from __future__ import annotations

import csv
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
import requests

from autograder import lab
from autograder.classroom import grade_class
from autograder.export import export
from autograder.gradebook import open_gradebook
from autograder.report import format_class_table
from written_course import GOOD, NAME, STUDENT_ANSWER, student_notebook, use_course, write_course

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
FIRST = {**GOOD, "double": "def double(x):\n    return x * x"}     # wrong: 0 automatic points


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """The course folder (nbgrader_config.py, solutions/), the autograder seeing only it."""
    root = tmp_path_factory.mktemp("course")
    shutil.copy(ROOT / "nbgrader_config.py", root)
    write_course(root)
    with pytest.MonkeyPatch.context() as patch:
        yield from use_course(patch, root)


def _grade(root: Path, student: str, answers: dict) -> dict:
    """Hand in ``answers`` as ``student``'s notebook and grade the class as `course.py grade` does."""
    path = root / "autograder" / "submitted" / student / NAME / f"{NAME}.ipynb"
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(student_notebook(answers), path)
    folders = {name: root / "autograder" / name for name in ("submitted", "autograded", "feedback")}
    return {r.student: r for r in grade_class(_url(root), **folders, log=lambda *a: None)}


def _url(root: Path) -> str:
    return f"sqlite:///{root / 'autograder' / 'gradebook.db'}"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def formgrader(course, tmp_path_factory):
    """The instructor's JupyterLab over the course folder, started as `lab --instructor` starts it
    (its environment from autograder.lab, run from the course folder), on a free loopback port
    with a token; yields (base URL, token)."""
    _grade(course, "ann", FIRST)
    _grade(course, "bob", {})                                 # a stub: nothing to grade by hand
    config, token, port = tmp_path_factory.mktemp("config"), secrets.token_hex(16), _free_port()
    (config / "jupyter_server_config.json").write_text(json.dumps({"ServerApp": {
        "ip": "127.0.0.1", "port": port, "port_retries": 0, "token": token, "open_browser": False}}))
    env = lab.environment("instructor", {**os.environ, "JUPYTER_CONFIG_PATH": str(config),
                                         "RNNCOURSE_DB_URL": _url(course),
                                         "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"})
    command = [sys.executable, "-m", "jupyter", "lab", "--notebook-dir", str(course)]
    if os.geteuid() == 0:
        command.append("--allow-root")
    log = config / "jupyterlab.log"
    with open(log, "w") as out:
        server = subprocess.Popen(command, cwd=course, env=env, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            assert server.poll() is None, f"JupyterLab exited:\n{log.read_text()[-3000:]}"
            try:
                if requests.get(f"{base}/api/status", headers={"Authorization": f"token {token}"}, timeout=2).ok:
                    break
            except requests.ConnectionError:
                pass
            assert time.monotonic() < deadline, f"JupyterLab did not answer within 90 s:\n{log.read_text()[-3000:]}"
            time.sleep(0.5)
        yield base, token
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.fixture(scope="module")
def page(formgrader):
    from playwright.sync_api import sync_playwright

    from test_browser import CHROMIUM_FLAGS, ensure_chromium

    problems: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=ensure_chromium(), args=CHROMIUM_FLAGS)
        try:
            tab = browser.new_page(viewport={"width": 1300, "height": 900})
            tab.on("pageerror", lambda error: problems.append(f"page error: {error}"))
            tab.on("response", lambda r: problems.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None)
            tab.on("requestfailed", lambda r: problems.append(f"request failed: {r.url}"))
            yield tab, problems
        finally:
            browser.close()


def _manual_scores(root: Path, student: str) -> dict:
    gb = open_gradebook(_url(root))
    try:
        return {cell: gb.find_grade(cell, NAME, NAME, student).manual_score for cell in ("written_why", "plot_code")}
    finally:
        gb.close()


def test_an_instructor_grades_a_written_answer_and_a_regrade_keeps_it(course, formgrader, page):
    base, token = formgrader
    tab, problems = page
    # Manual Grading: the assignment, its notebook, then the submission that needs a manual grade.
    tab.goto(f"{base}/formgrader/gradebook?token={token}")
    tab.get_by_role("link", name=NAME, exact=True).click()
    tab.get_by_role("link", name=NAME, exact=True).click()
    row = tab.locator("tr", has=tab.locator(".needs-manual-grade .glyphicon-ok"))
    row.wait_for(timeout=30_000)
    assert tab.locator("tr", has=tab.locator(".needs-manual-grade .glyphicon-ok")).count() == 1, "only ann's needs a person"
    row.locator(".name a").first.click()
    # The student's answer, shown as they wrote it (as text), with a score box beside it.
    tab.wait_for_selector("input.score#written_why", timeout=60_000)
    shown = tab.locator("body").inner_text()
    assert STUDENT_ANSWER in shown, shown[:2000]
    assert "Model answer" not in shown and "Rubric" not in shown
    for cell, score in (("written_why", "2"), ("plot_code", "1")):
        box = tab.locator(f"input.score#{cell}")
        box.fill(score)
        box.press("Tab")                                    # formgrader saves when the field is left
    deadline = time.monotonic() + 30
    while _manual_scores(course, "ann") != {"written_why": 2, "plot_code": 1} and time.monotonic() < deadline:
        time.sleep(0.3)
    assert _manual_scores(course, "ann") == {"written_why": 2, "plot_code": 1}
    ARTIFACTS.mkdir(exist_ok=True)
    tab.screenshot(path=str(ARTIFACTS / "formgrader_written_answer.png"), full_page=True)

    # A new version: the automatic part is graded again; the scores given by hand stay.
    again = _grade(course, "ann", GOOD)
    assert _manual_scores(course, "ann") == {"written_why": 2, "plot_code": 1}
    ann = again["ann"]
    assert (ann.score, ann.max_score, ann.manual_score, ann.manual_max) == (2, 2, 3, 4)
    table = format_class_table(list(again.values()))
    assert re.search(r"^ann\s+5/6\s", table, re.M), table
    tab.reload()
    tab.wait_for_selector("input.score#written_why", timeout=60_000)
    assert tab.locator("input.score#written_why").input_value() == "2"
    gb = open_gradebook(_url(course))
    try:
        written, _ = export(gb, "canvas", course / "export", course / "roster.csv")
    finally:
        gb.close()
    exported = {row[0].strip(): row for row in csv.reader(open(written[0]))}
    assert float(exported["ann"][4]) == 5.0 and float(exported["Points Possible"][4]) == 6.0
    assert float(exported["bob"][4]) == 0.0
    # nbgrader's formgrade page asks a CDN for MathJax 2, and its script calls it: offline, both fail
    # (TeX in an answer shows as typed); nothing else may.
    offline_mathjax = [p for p in problems if "MathJax is not defined" in p or ("request failed" in p and "mathjax" in p.lower())]
    assert [p for p in problems if p not in offline_mathjax] == [], "\n".join(problems)
