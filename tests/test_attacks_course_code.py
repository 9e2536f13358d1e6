"""Attack class "answers imported from the course" (tests/attacks/course_code.py), graded through the real sandbox.

Every such submission does no work of its own and must score 0: the course's references are not
importable in a graded kernel, not even with the checkout put on sys.path by hand, and the grader
explains the failed import to the student (autograder.messages).
"""
from __future__ import annotations

import re
import runpy
from concurrent.futures import ThreadPoolExecutor

import nbformat
import pytest

from autograder.grading import grade_notebook
from autograder.messages import COURSE_CODE
from conftest import ROOT
from test_attacks import ATTACK_DIR, LIMITS, build

ATTACKS = runpy.run_path(str(ATTACK_DIR / "course_code.py"))["ATTACKS"]
CASES = [(assignment, attack["name"]) for assignment, attacks in ATTACKS.items() for attack in attacks]


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    folder = tmp_path_factory.mktemp("course_code")

    def grade(case):
        assignment, name = case
        attack = next(a for a in ATTACKS[assignment] if a["name"] == name)
        path = folder / name / f"{assignment}.ipynb"
        path.parent.mkdir()
        nbformat.write(build(assignment, attack, {"ROOT": str(ROOT)}), path)
        return case, grade_notebook(path, assignment, student=name, limits=LIMITS, hide=(str(folder),))

    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(pool.map(grade, CASES))


@pytest.mark.parametrize("assignment,name", CASES)
def test_course_code_earns_nothing(graded, assignment, name):
    result = graded[(assignment, name)]
    assert result.error == "", result.error
    assert result.score == 0, {t.grade_id: t.message for t in result.tests if t.passed}


def test_the_failed_imports_are_explained(graded):
    """Each attack fails to import course code (in an answer cell, or in a test that calls a wrapper),
    and wherever the grader reports that failure it says the course's reference code is not available."""
    for (assignment, name), result in graded.items():
        texts = [error.split(": ", 1)[-1] for error in result.answer_errors] + [t.message for t in result.tests]
        imports = [text for text in texts if re.match(r"(ModuleNotFoundError|ImportError): ", text)]   # the kernel's error
        assert imports and all(COURSE_CODE in text for text in imports), (name, texts)
