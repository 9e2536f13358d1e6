"""Correct answers in other styles (tests/honest_variants/) keep full marks through the real grader.

Each variant replaces some of the instructor's answers with a correct one written differently
(loops, per-gate slices of stacked weights, the sigmoid as 1 / (1 + exp(-a)), biases split another
way, other slicing and summation orders); graded in the sandbox, two at a time, it must get every
point with no flag.
"""
from __future__ import annotations

import runpy
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest

from autograder import paths
from autograder.grading import grade_notebook
from conftest import PIPELINE_LIMITS, solution_answers, student_notebook

FOLDER = Path(__file__).parent / "honest_variants"


def variants(assignment: str) -> list[dict]:
    path = FOLDER / f"{assignment}.py"
    return runpy.run_path(str(path))["VARIANTS"] if path.exists() else []


CASES = [(a, v["name"]) for a in paths.assignments() for v in variants(a)]


def test_the_corpus_covers_the_assignments_it_promises():
    covered = {a for a, _ in CASES}
    assert {"02_rnn_equations", "03_unrolling", "04_bptt", "06_lstm_gru", "07_deep_bidirectional",
            "08_attention_transformer"} <= covered
    for assignment, name in CASES:
        answers = next(v for v in variants(assignment) if v["name"] == name)["answers"]
        assert answers and set(answers) <= set(solution_answers(assignment)), (assignment, name)
        for gid, source in answers.items():           # a variant really differs from the instructor's answer
            assert source.strip() != solution_answers(assignment)[gid].strip(), (assignment, name, gid)


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    folder = tmp_path_factory.mktemp("honest")

    def grade(case):
        assignment, name = case
        answers = next(v for v in variants(assignment) if v["name"] == name)["answers"]
        path = folder / f"{assignment}--{name}" / f"{assignment}.ipynb"
        path.parent.mkdir()
        nbformat.write(student_notebook(assignment, {**solution_answers(assignment), **answers}), path)
        return case, grade_notebook(path, assignment, student=name, limits=PIPELINE_LIMITS)

    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(pool.map(grade, CASES))


@pytest.mark.parametrize("assignment,name", CASES)
def test_honest_variant_keeps_full_marks(graded, assignment, name):
    result = graded[(assignment, name)]
    lost = {t.grade_id: t.message for t in result.tests if not t.passed}
    assert lost == {} and result.error == "" and result.answer_errors == [], (lost, result.error, result.answer_errors)
    assert result.score == result.max_score > 0
