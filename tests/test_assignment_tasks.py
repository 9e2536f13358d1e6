"""Every assignment teaches in four parts, and says how long it takes.

Each assignment in solutions/ has a task of every kind, by the ``rnncourse.task_kind`` tag of
its tasks' heading cells (markdown): derive, implement, experiment and written, and from
assignment 06 on torch_device; its intro cell states ``**Estimated time:** about N hours`` with
2 <= N <= 4; every written answer cell's model answer and rubric parse and the rubric's points add
up to the cell's (:mod:`autograder.rubric`). The check itself is proved on a small assignment of
its own (tests/written_course.py), so that it can pass and can fail.
"""
from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from autograder import paths
from autograder.rubric import RubricError, written_questions
from written_course import NAME, source_notebook, write_course

KINDS = ("derive", "implement", "experiment", "written")
DEVICE_KIND, DEVICE_FROM = "torch_device", 6          # a torch task on any device, from assignment 06 on
HOURS = re.compile(r"\*\*Estimated time:\*\*\s*about\s+(\d+(?:\.\d+)?)\s+hours?\b")


def task_problems(path: Path) -> list[str]:
    """What the assignment notebook at ``path`` lacks (empty: nothing)."""
    nb = nbformat.read(path, as_version=4)
    name = Path(path).stem
    number = int(name[:2]) if name[:2].isdigit() else 0
    problems = []
    tagged = [(c, c.metadata.get("rnncourse", {}).get("task_kind")) for c in nb.cells
              if isinstance(c.metadata.get("rnncourse"), dict) and "task_kind" in c.metadata["rnncourse"]]
    allowed = (*KINDS, DEVICE_KIND)
    problems += [f"unknown task_kind {kind!r} (one of {', '.join(allowed)})" for _, kind in tagged if kind not in allowed]
    problems += [f"the {kind} tag sits on a {cell.cell_type} cell, not on the task's heading (markdown)"
                 for cell, kind in tagged if cell.cell_type != "markdown"]
    needed = KINDS + ((DEVICE_KIND,) if number >= DEVICE_FROM else ())
    kinds = {kind for _, kind in tagged}
    problems += [f"no {kind} task (no heading cell tagged task_kind {kind!r})" for kind in needed if kind not in kinds]
    intro = next((c.source for c in nb.cells if c.cell_type == "markdown"), "")
    hours = HOURS.search(intro)
    if not hours:
        problems.append("the intro cell has no '**Estimated time:** about N hours' line")
    elif not 2 <= float(hours[1]) <= 4:
        problems.append(f"the estimated time is {hours[1]} hours, not 2 to 4")
    try:
        if "written" in kinds and not written_questions(nb, name):
            problems.append("a written task but no written answer cell (markdown, grade and solution)")
    except RubricError as err:
        problems += str(err).splitlines()
    return problems


@pytest.mark.assignment_content
@pytest.mark.parametrize("assignment", paths.assignments())
def test_every_assignment_has_every_kind_of_task_and_an_estimated_time(assignment):
    problems = task_problems(paths.source_notebook(assignment))
    assert not problems, f"solutions/{assignment}:\n" + "\n".join(problems)


def test_the_task_check_passes_a_complete_assignment(tmp_path):
    path = write_course(tmp_path, source_notebook(kinds=(*KINDS, DEVICE_KIND), hours="3"))
    assert task_problems(path) == []
    early = write_course(tmp_path, source_notebook(), name="02_early")      # before 06: no torch_device needed
    assert task_problems(early) == []


@pytest.mark.parametrize("change,problem", [
    (dict(kinds=("derive", "written", DEVICE_KIND)), "no implement task"),
    (dict(kinds=(*KINDS,)), "no torch_device task"),
    (dict(kinds=(*KINDS, DEVICE_KIND, "essay")), "unknown task_kind 'essay'"),
    (dict(kinds=(*KINDS, DEVICE_KIND), hours="6"), "the estimated time is 6 hours, not 2 to 4"),
    (dict(kinds=(*KINDS, DEVICE_KIND), hours="a few"), "no '**Estimated time:** about N hours' line"),
    (dict(kinds=(*KINDS, DEVICE_KIND), written="**Model answer.** x\n\n**Rubric (3 points).**\n- 1 point: a"),
     "written_why: the rubric's points add up to 1, the cell is worth 3"),
])
def test_the_task_check_names_what_is_missing(tmp_path, change, problem):
    path = write_course(tmp_path, source_notebook(**change), name=NAME)
    found = task_problems(path)
    assert any(problem in line for line in found), found
