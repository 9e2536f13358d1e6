"""Adversarial submissions (tests/attacks/) graded through the real sandbox.

Every attack must score no more than the honest work in it; some must also leave the grading
machine intact (the gradebook, other submissions, the course files, no surviving process) and
must never get a hidden test into the feedback. The outcome of every attack is written to
tests/artifacts/attacks.md and printed (``pytest -s``).
"""
from __future__ import annotations

import hashlib
import os
import random
import runpy
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest

from autograder import paths
from autograder.gradebook import open_gradebook, register_assignment
from autograder.grading import grade_notebook, hidden_lines, load_source
from autograder.notebook_io import grade_id
from autograder.report import feedback_html, format_student_report
from autograder.sandbox import Limits
from conftest import ROOT, solution_answers, student_notebook

ATTACK_DIR = Path(__file__).parent / "attacks"
LIMITS = Limits(cell_timeout=5, notebook_timeout=45, memory_mb=2048)
ARTIFACTS = ROOT / "tests" / "artifacts"


def attacks(assignment: str) -> list[dict]:
    return runpy.run_path(str(ATTACK_DIR / f"{assignment}.py"))["ATTACKS"]


CASES = [(a, attack["name"]) for a in paths.assignments() if (ATTACK_DIR / f"{a}.py").exists()
         for attack in attacks(a)]


def build(assignment: str, attack: dict, fill: dict[str, str]) -> nbformat.NotebookNode:
    """The attack as a student notebook: base answers, replaced answers, added cells, edits."""
    def filled(code: str) -> str:
        for key, value in fill.items():
            code = code.replace("{" + key + "}", value)
        return code

    base = solution_answers(assignment) if attack["base"] == "solution" else {}
    answers = {gid: filled(code) for gid, code in {**base, **attack.get("answers", {})}.items()}
    nb = student_notebook(assignment, answers)
    cells = []
    for cell in nb.cells:
        cells.append(cell)
        for code in attack.get("extra", {}).get(grade_id(cell), []):
            cells.append(nbformat.v4.new_code_cell(filled(code)))
    nb.cells = cells
    return attack["edit"](nb) if "edit" in attack else nb


def honest_points(assignment: str, functions: list[str]) -> float:
    return sum(points for gid, points, _, _ in load_source(assignment).tests()
               if any(gid.startswith(f"test_{name}_") for name in functions))


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _processes_with(marker: str) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        try:
            if entry.isdigit() and marker.encode() in Path(f"/proc/{entry}/cmdline").read_bytes():
                found.append(int(entry))
        except OSError:
            pass
    return found


@pytest.fixture(scope="session")
def attacked(tmp_path_factory):
    """Every attack graded (two at a time), with the machine's state before and after."""
    folder = tmp_path_factory.mktemp("attacks")
    gradebook = folder / "gradebook.db"
    other = folder / "submitted" / "someone_else" / "01_why_recurrent" / "01_why_recurrent.ipynb"
    other.parent.mkdir(parents=True)
    nbformat.write(student_notebook("01_why_recurrent", solution_answers("01_why_recurrent")), other)
    gb = open_gradebook(f"sqlite:///{gradebook}")
    register_assignment(gb, load_source("01_why_recurrent"))
    gb.close()
    marker = str(random.randint(10**8, 10**9 - 1))
    fill = {"GRADEBOOK": str(gradebook), "OTHER_SUBMISSION": str(other), "MARKER": marker}
    protected = [gradebook, other, paths.EXERCISES / "01_why_recurrent" / "01_why_recurrent.ipynb",
                 ROOT / "rnncourse" / "grading" / "feedback.py", paths.source_notebook("01_why_recurrent")]
    before = {p: _digest(p) for p in protected}
    cwd, environ = os.getcwd(), dict(os.environ)
    hide = (str(folder),)

    jobs = []
    for assignment, name in CASES:
        attack = next(a for a in attacks(assignment) if a["name"] == name)
        path = folder / name / f"{assignment}.ipynb"
        path.parent.mkdir()
        nbformat.write(build(assignment, attack, fill), path)
        jobs.append((assignment, name, path, True))
        if attack.get("unprobed"):
            jobs.append((assignment, name, path, False))

    def grade(job):
        assignment, name, path, probes = job
        return (assignment, name, probes), grade_notebook(path, assignment, student=name, limits=LIMITS,
                                                          hide=hide, use_probes=probes)

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = dict(pool.map(grade, jobs))
    state = dict(before=before, after={p: _digest(p) for p in protected}, survivors=_processes_with(marker),
                 cwd=(cwd, os.getcwd()), environ=(environ, dict(os.environ)), marker=marker)
    _write_table(results)
    return results, state


def _write_table(results) -> None:
    lines = ["| assignment | attack | what it tries | honest work | score | in-kernel tests only | notes |",
             "|---|---|---|---|---|---|---|"]
    for (assignment, name, probes), result in sorted(results.items()):
        if not probes:
            continue
        attack = next(a for a in attacks(assignment) if a["name"] == name)
        unprobed = results.get((assignment, name, False))
        notes = "; ".join((result.flags + result.answer_errors)[:2])[:160].replace("|", "/")
        lines.append(f"| {assignment} | {name} | {attack['what']} | {honest_points(assignment, attack['honest']):g} | "
                     f"{result.score:g}/{result.max_score:g} | {f'{unprobed.score:g}' if unprobed else '-'} | {notes} |")
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "attacks.md").write_text("\n".join(lines) + "\n")
    print("\n" + "\n".join(lines))


@pytest.mark.parametrize("assignment,name", CASES)
def test_attack_scores_no_more_than_the_honest_work(attacked, assignment, name):
    results, _ = attacked
    attack = next(a for a in attacks(assignment) if a["name"] == name)
    result = results[(assignment, name, True)]
    allowed = honest_points(assignment, attack["honest"])
    assert result.error == "", result.error
    assert result.score <= allowed, f"{name}: scored {result.score}, honest work is worth {allowed}: {result.tests}"


def test_probes_catch_what_the_in_kernel_tests_miss(attacked):
    """Without the grader's own probes, tricking the kernel would pay; with them it does not."""
    results, _ = attacked
    tricked = {name: r.score for (a, name, probes), r in results.items() if not probes and r.score > 0}
    assert {"redefine_check_helpers", "monkeypatch_numpy", "always_equal_objects", "forged_kernel_replies"} <= set(tricked), tricked
    for name in tricked:
        result = results[("01_why_recurrent", name, True)]
        assert result.score == 0
        assert any("grader's own check" in flag for flag in result.flags), result.flags


def test_restored_tests_are_flagged(attacked):
    results, _ = attacked
    flags = lambda name: " ".join(results[("01_why_recurrent", name, True)].flags)  # noqa: E731
    assert "deleted and restored" in flags("delete_test_cells")
    assert "was edited" in flags("edit_test_cells")
    assert "kernelspec was 'ir'" in flags("wrong_metadata_and_kernelspec")
    assert results[("01_why_recurrent", "wrong_metadata_and_kernelspec", True)].max_score == 18


def test_crashes_and_limits_are_reported(attacked):
    results, _ = attacked
    get = lambda name: results[("01_why_recurrent", name, True)]  # noqa: E731
    assert "time limit" in " ".join(get("loop_ignoring_interrupts").flags)
    loop = get("infinite_loop")
    assert loop.tests[0].points == 0 and "ran longer than" in " ".join([t.message for t in loop.tests] + loop.answer_errors)
    assert any("MemoryError" in t.message or "kernel died" in t.message for t in get("memory_bomb").tests)
    assert any("kernel died" in t.message for t in get("segfault").tests)
    assert any("the kernel died" in flag and "restarted" in flag for flag in get("os_exit").flags)
    assert get("os_exit").score == get("os_exit").max_score, "the kernel is restarted: the answers keep their points"
    huge = get("huge_output")
    assert huge.score == huge.max_score, "honest work next to a huge output keeps its points"


def test_the_grading_machine_is_untouched(attacked):
    results, state = attacked
    assert state["before"] == state["after"], "a protected file changed"
    assert state["survivors"] == [], f"processes started by a submission outlived grading: {state['survivors']}"
    assert state["cwd"][0] == state["cwd"][1] and state["environ"][0] == state["environ"][1]
    full = results[("01_why_recurrent", "fork_survivor", True)]
    assert full.score == full.max_score


def test_reading_the_solutions_from_disk_finds_nothing(attacked):
    results, _ = attacked
    result = results[("01_why_recurrent", "read_solutions", True)]
    assert result.score == 0
    assert all("not answered yet" in t.message for t in result.tests), result.tests


def test_no_hidden_test_reaches_the_feedback(attacked):
    results, _ = attacked
    secret = hidden_lines(load_source("01_why_recurrent"))
    assert secret
    for (assignment, name, probes), result in results.items():
        shown = format_student_report(result) + feedback_html(result)
        leaked = [line for line in secret if line in shown]
        assert leaked == [], f"{name} leaked hidden test lines into the feedback: {leaked[:3]}"
    leak = results[("01_why_recurrent", "leak_hidden_tests", True)]
    hidden = [t for t in leak.tests if t.hidden]
    assert hidden and all("LEAK" not in t.message for t in hidden), "a hidden test's message is the grader's alone"


SABOTEUR = """
import os, signal, time, glob
stop = time.time() + 25
while time.time() < stop:
    for entry in os.listdir('/proc'):
        if entry.isdigit() and int(entry) != os.getpid():
            try:
                os.kill(int(entry), signal.SIGKILL)
            except OSError:
                pass
    for path in glob.glob('/tmp/rnn-grade-*/work/*'):
        try:
            open(path, 'w').write('sabotage')
        except OSError:
            pass
    time.sleep(0.05)
"""


def test_a_submission_cannot_harm_another_graded_at_the_same_time(tmp_path):
    """Kernels graded side by side run as different users: one cannot kill or overwrite the other."""
    correct = solution_answers("01_why_recurrent")
    victim, saboteur = tmp_path / "victim" / "01_why_recurrent.ipynb", tmp_path / "saboteur" / "01_why_recurrent.ipynb"
    for path in (victim, saboteur):
        path.parent.mkdir()
    nbformat.write(student_notebook("01_why_recurrent", correct), victim)
    nb = student_notebook("01_why_recurrent", None)
    nb.cells.insert(2, nbformat.v4.new_code_cell(SABOTEUR))
    nbformat.write(nb, saboteur)
    limits = Limits(cell_timeout=60, notebook_timeout=300)
    with ThreadPoolExecutor(max_workers=2) as pool:
        bad = pool.submit(grade_notebook, saboteur, "01_why_recurrent", "saboteur", limits)
        time.sleep(1)
        good = pool.submit(grade_notebook, victim, "01_why_recurrent", "victim", limits)
        results = good.result(), bad.result()
    assert results[0].score == results[0].max_score, (results[0].flags, [t.message for t in results[0].tests])
    assert results[1].score == 0
