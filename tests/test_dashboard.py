"""The class dashboard over a grading run's stored results: the numbers it shows, the mistakes it
groups and where it links, and the page as a browser renders it (no console errors, every plot
with alt text)."""
from __future__ import annotations

import json
import subprocess
import sys

import nbformat
import pytest

from autograder.dashboard import mistake, section_anchor, write_dashboard
from autograder.grading import NotebookResult, load_source
from autograder.grading import TestResult as Check
from conftest import ROOT, solution_answers, student_notebook
from test_similarity import _disguise

A = "02_rnn_equations"
TRANSPOSED = "rnn_step_forward: W_xh looks transposed: the state differs by up to {:.3f} at step {}"


def _result(student: str, failures: dict[str, str] | None = None, **extra) -> NotebookResult:
    source = load_source(A)
    failures = failures or {}
    tests = [Check(gid, desc, 0.0 if gid in failures else points, points, hidden, failures.get(gid, ""))
             for gid, points, desc, hidden in source.tests()]
    return NotebookResult(student, A, f"{A}.ipynb", score=sum(t.points for t in tests),
                          max_score=source.max_score, tests=tests, **extra)


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """Ten graded submissions (three store the weights transposed, each with its own numbers; one
    has another mistake; one restored a test cell) and one that could not be graded."""
    folder = tmp_path_factory.mktemp("run")
    hidden = "test_rnn_step_forward_hidden"
    results = [_result(f"s{i}") for i in range(5)]
    results += [_result(f"t{i}", {hidden: TRANSPOSED.format(0.1 * (i + 1), i)}) for i in range(3)]
    results.append(_result("u0", {hidden: "rnn_step_forward returned shape (3,), expected (2, 3)"}))
    results.append(_result("v0", flags=["test cell test_rnn_forward_visible was edited; the original was restored"]))
    not_graded = {gid: "not graded" for gid, *_ in load_source(A).tests()}
    results.append(_result("w0", not_graded, error="the notebook is not valid JSON (line 3)"))
    for r in results:
        target = folder / "autograded" / r.student / A / "result.json"
        target.parent.mkdir(parents=True)
        target.write_text(json.dumps(r.to_dict()))
    broken = folder / "autograded" / "x0" / A / "result.json"
    broken.parent.mkdir(parents=True)
    broken.write_text('{"student": "x0", "tru')
    copied = solution_answers(A)
    for student, answers in {"s0": copied, "s1": _disguise(copied), "s2": None, "s3": None}.items():
        target = folder / "submitted" / student / A / f"{A}.ipynb"
        target.parent.mkdir(parents=True)
        nbformat.write(student_notebook(A, answers), target)
    page = write_dashboard(folder / "autograded", folder / "reports", book_url="https://book.example/book",
                           submitted=folder / "submitted")
    return page, page.read_text()


def test_mistakes_are_grouped_by_their_message_with_numbers_masked(run):
    assert mistake(TRANSPOSED.format(0.1, 2)) == mistake(TRANSPOSED.format(0.314, 7))
    assert mistake("shape (3,) not (2, 3)") != mistake(TRANSPOSED.format(0.1, 2))
    assert mistake("carry h_{t-1} from h0, got -1.5e-3 at (2, 3)") == "carry h_{t-1} from h0, got … at (…, …)"
    _, text = run
    # 3 of the 10 graded submissions (the ungradable one does not count) made the mistake.
    row = next(line for line in text.split("<tr>") if "W_xh looks transposed" in line)
    assert ">30%<" in row
    assert '"https://book.example/book/02_rnn_equations.html#the-forward-pass-in-numpy">The forward pass in NumPy' in row
    assert ">10%<" in next(line for line in text.split("<tr>") if "returned shape" in line)


def test_section_anchor_is_the_chapter_section_that_names_the_function():
    assert section_anchor(ROOT / "book" / f"{A}.md", "rnn_step_forward") == ("the-forward-pass-in-numpy",
                                                                        "The forward pass in NumPy")
    assert section_anchor(ROOT / "book" / f"{A}.md", "many_to_one") == ("output-heads", "Output heads")  # "many-to-one"
    assert section_anchor(ROOT / "book" / f"{A}.md", "no_such_function_anywhere") == ("", "")


def test_flagged_submissions_are_listed_with_their_reasons(run):
    _, text = run
    flagged = text[text.index('id="flagged"'):text.index('id="similar"')]
    assert "v0" in flagged and "was edited; the original was restored" in flagged
    assert "w0" in flagged and "not graded: the notebook is not valid JSON" in flagged
    assert "s0" not in flagged
    assert f"x0/{A}/result.json: JSONDecodeError" in flagged       # a damaged result is named, not skipped


def test_similar_submissions_are_listed_for_a_look(run):
    page, text = run
    similar = text[text.index('id="similar"'):]
    assert "<td>s0</td><td>s1</td>" in similar and "s2" not in similar
    assert "s0,s1" in (page.parent / "similar.csv").read_text()


def test_dashboard_command(tmp_path):
    command = [sys.executable, "-m", "autograder", "dashboard", "--autograded", str(tmp_path / "none"),
               "--reports", str(tmp_path / "reports")]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "no results" in done.stderr


def test_the_page_renders_in_a_browser_with_alt_text_on_every_plot(run):
    from playwright.sync_api import sync_playwright

    from test_browser import CHROMIUM_FLAGS, ensure_chromium

    page_path, _ = run
    errors = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=ensure_chromium(), args=CHROMIUM_FLAGS)
        try:
            page = browser.new_page(viewport={"width": 1000, "height": 800})
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda err: errors.append(str(err)))
            page.goto(page_path.as_uri())
            plots = page.eval_on_selector_all("svg", """svgs => svgs.map(s => ({
                label: s.getAttribute('aria-label') || '', role: s.getAttribute('role'),
                title: (s.querySelector('title') || {}).textContent || '',
                width: s.getBoundingClientRect().width}))""")
            overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
        finally:
            browser.close()
    assert errors == []
    assert len(plots) == 2                                  # scores and pass rates of the one assignment
    for plot in plots:
        assert plot["role"] == "img" and len(plot["label"]) > 40 and plot["title"] == plot["label"]
        assert plot["width"] > 200
    assert "11 submission(s)" in plots[0]["label"] and "lowest 0," in plots[0]["label"]
    assert "mean" in plots[0]["label"] and "test_rnn_step_forward_hidden 60%" in plots[1]["label"]
    assert not overflow
