"""The written questions of an assignment, with their model answers and rubrics, for the instructor.

A written answer is an nbgrader manually graded markdown cell; its question is the locked markdown
cell before it. In solutions/ the answer cell holds the model answer and the rubric, in exactly
this form (the release replaces the whole cell with "YOUR ANSWER HERE")::

    **Model answer.** <two to five sentences>

    **Rubric (N points).**
    - <k> point(s): <what must be said>
    - ...

The rubric's N and the sum of its k must both equal the cell's nbgrader points. Nothing here
reaches a student: :func:`format_rubrics` is printed by ``course.py rubric`` alone.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import nbformat

from .notebook_io import grade_id, is_manual, is_solution, nbgrader_meta

MODEL = re.compile(r"\A\s*\*\*Model answer\.\*\*(?P<answer>.*?)\n\s*\n\s*"
                   r"\*\*Rubric \((?P<points>\d+(?:\.\d+)?) points?\)\.\*\*[ \t]*\n(?P<items>.*)\Z", re.S)
ITEM = re.compile(r"-\s+(?P<points>\d+(?:\.\d+)?) points?:\s*(?P<text>\S.*)", re.S)


class RubricError(ValueError):
    """A written cell whose rubric is missing, malformed or does not add up; the text says which."""


@dataclass
class Criterion:
    points: float
    text: str


@dataclass
class WrittenQuestion:
    grade_id: str
    points: float
    question: str
    model_answer: str
    criteria: list[Criterion]


def _items(text: str) -> list[str]:
    """The rubric's bullet items; an indented line continues the item before it."""
    items: list[str] = []
    for line in text.strip().splitlines():
        if line[:1].isspace() and items and line.strip():
            items[-1] += " " + line.strip()
        elif line.strip():
            items.append(line.strip())
    return items


def parse_answer_cell(source: str, points: float, where: str) -> tuple[str, list[Criterion]]:
    """(model answer, criteria) of one answer cell worth ``points``; RubricError if it is broken."""
    found = MODEL.match(source)
    if not found:
        raise RubricError(f"{where}: the cell is not '**Model answer.** ...' followed by a blank line and "
                          "'**Rubric (N points).**' with one '- k point(s): ...' line per criterion")
    answer = " ".join(found["answer"].split())
    if not answer:
        raise RubricError(f"{where}: the model answer is empty")
    criteria = []
    for item in _items(found["items"]):
        parsed = ITEM.fullmatch(item)
        if not parsed:
            raise RubricError(f"{where}: the rubric line {item[:80]!r} is not '- k point(s): what must be said'")
        criteria.append(Criterion(float(parsed["points"]), " ".join(parsed["text"].split())))
    if not criteria:
        raise RubricError(f"{where}: the rubric lists no criteria")
    stated, total = float(found["points"]), sum(c.points for c in criteria)
    if stated != points:
        raise RubricError(f"{where}: the rubric says {stated:g} points, the cell is worth {points:g}")
    if abs(total - points) > 1e-9:
        raise RubricError(f"{where}: the rubric's points add up to {total:g}, the cell is worth {points:g}")
    return answer, criteria


def written_questions(nb: nbformat.NotebookNode, name: str = "") -> list[WrittenQuestion]:
    """Every written (manually graded markdown answer) cell of a source notebook, in order.
    Raises RubricError naming every broken one."""
    found, problems = [], []
    for index, cell in enumerate(nb.cells):
        if not (is_manual(cell) and is_solution(cell) and cell.cell_type == "markdown"):
            continue
        gid, points = grade_id(cell) or f"cell {index}", float(nbgrader_meta(cell).get("points", 0))
        where = f"{name} {gid}".strip()
        before = nb.cells[index - 1] if index else None
        try:
            if before is None or before.cell_type != "markdown" or not nbgrader_meta(before).get("locked"):
                raise RubricError(f"{where}: the question must be the locked markdown cell just before the answer")
            if points <= 0:
                raise RubricError(f"{where}: the cell has no points (nbgrader metadata 'points')")
            answer, criteria = parse_answer_cell(cell.source, points, where)
            found.append(WrittenQuestion(gid, points, before.source.strip(), answer, criteria))
        except RubricError as err:
            problems.append(str(err))
    if problems:
        raise RubricError("\n".join(problems))
    return found


def format_rubrics(name: str, questions: list[WrittenQuestion]) -> str:
    """The text ``course.py rubric NAME`` prints: each question, its points, model answer, rubric."""
    total = sum(q.points for q in questions)
    lines = [f"{name}: {len(questions)} written question(s), {total:g} points, graded by hand in formgrader"]
    for number, q in enumerate(questions, start=1):
        lines += ["", f"{number}. {q.grade_id} ({q.points:g} points)", "", "   Question:"]
        lines += [f"     {line}" if line.strip() else "" for line in q.question.splitlines()]
        lines += ["", "   Model answer:", f"     {q.model_answer}", "", "   Rubric:"]
        lines += [f"     - {c.points:g} point{'s' if c.points != 1 else ''}: {c.text}" for c in q.criteria]
    return "\n".join(lines)
