"""Shared fixtures: the grading pipeline's notebooks are graded once, in parallel, per session."""
from __future__ import annotations

import os
import runpy
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# One fixed course secret for the whole suite: the grader's probe inputs are drawn from it, so
# every checkout grades the test submissions on the same inputs (a fresh clone would otherwise
# make a secret of its own and draw new ones at every run).
os.environ.setdefault("RNNCOURSE_SECRET", "rnn-course-test-suite-secret")

from autograder import paths  # noqa: E402
from autograder.grading import grade_notebook, load_source  # noqa: E402
from autograder.notebook_io import grade_id, is_solution  # noqa: E402
from autograder.sandbox import Limits  # noqa: E402

WRONG = Path(__file__).parent / "wrong_submissions"


def assert_mistakes_differ(right, mistakes: dict) -> None:
    """Every named mistake of a grading module's generator can be told from the right answer: a
    wrong value, or a shape of its own (``check_array`` matches mistakes before the shape check,
    so a mistake that changes the shape is named too)."""
    import numpy as np

    for message, wrong in mistakes.items():
        assert np.ndim(wrong) == np.ndim(right), message
        assert np.shape(wrong) != np.shape(right) or not np.allclose(wrong, right), message


@pytest.fixture
def one_thread():
    """Small recurrent models train fastest on one torch thread: several threads only contend on a
    shared CPU. The previous thread count is restored afterwards."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)

PIPELINE_LIMITS = Limits(cell_timeout=120, notebook_timeout=600)


def solution_answers(assignment: str) -> dict[str, str]:
    """The instructor's answer for every solution cell, with the nbgrader markers removed."""
    answers = {}
    for cell in load_source(assignment).notebook.cells:
        if is_solution(cell):
            lines = [l for l in cell.source.splitlines() if l.strip() not in ("### BEGIN SOLUTION", "### END SOLUTION")]
            answers[grade_id(cell)] = "\n".join(lines)
    return answers


def student_notebook(assignment: str, answers: dict[str, str] | None) -> nbformat.NotebookNode:
    """The released notebook with the given answers typed into its solution cells."""
    nb = nbformat.from_dict(load_source(assignment).released)
    for cell in nb.cells:
        if answers is not None and grade_id(cell) in answers:
            cell.source = answers[grade_id(cell)]
    return nb


def wrong_cases(assignment: str) -> list[dict]:
    path = WRONG / f"{assignment}.py"
    return runpy.run_path(str(path))["CASES"] if path.exists() else []


def pipeline_submissions() -> dict[tuple[str, str], nbformat.NotebookNode]:
    """(assignment, case) -> notebook, for the solution, the stub and every known-wrong case."""
    subs = {}
    for assignment in paths.assignments():
        correct = solution_answers(assignment)
        subs[(assignment, "solution")] = student_notebook(assignment, correct)
        subs[(assignment, "stub")] = student_notebook(assignment, None)
        for case in wrong_cases(assignment):
            subs[(assignment, case["name"])] = student_notebook(assignment, {**correct, **case["answers"]})
    return subs


@pytest.fixture(scope="session")
def graded(tmp_path_factory):
    """Every pipeline submission graded through the real sandbox, two at a time."""
    folder = tmp_path_factory.mktemp("pipeline")
    subs = pipeline_submissions()

    def grade(key):
        assignment, case = key
        path = folder / f"{assignment}--{case}" / f"{assignment}.ipynb"
        path.parent.mkdir()
        nbformat.write(subs[key], path)
        return key, grade_notebook(path, assignment, student=case, limits=PIPELINE_LIMITS)

    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(pool.map(grade, subs))


@pytest.fixture(scope="session")
def built_book() -> Path:
    """Build the book exactly as the README's book command does (strict, every chapter executed,
    unchanged chapters from the execution cache) and return the HTML folder."""
    import subprocess

    command = [str(Path(sys.executable).parent / "jupyter-book"), "build", str(ROOT), "-W", "-n", "--keep-going"]
    from course import BOOK_ENV  # the same environment as `python3 course.py book`

    env = dict(os.environ, **BOOK_ENV)
    env.pop("MPLBACKEND", None)
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, env=env)
    if done.returncode != 0:
        log = (done.stdout + done.stderr)[-6000:]
        pytest.fail(f"the book build failed (exit {done.returncode}):\n{log}")
    return ROOT / "_build" / "html"
