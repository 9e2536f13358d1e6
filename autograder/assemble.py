"""Rebuild the notebook to grade from the instructor source and the student's answers.

Every cell that is not a solution cell (instructions, set-up code, visible tests) comes from the
source notebook, by position in the source. From the submission only the solution cells (matched
by grade id) and any cells the student added after them are taken; a written answer (a markdown
solution cell) is the student's text, never the source's model answer, and never runs. So a
deleted, edited or reordered test cell changes nothing: it is restored and flagged.

A hidden test's code never goes to the kernel, whatever its body: its cell is kept empty, as a
place for the grader's probe cell (``autograder.probes`` decides it outside the kernel).

Each code cell carries its role in ``metadata.autograder.role`` (``setup``, ``answer``, ``test``,
``hidden``), which the sandbox uses to rebuild the kernel's state after a crash.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import nbformat

from .notebook_io import grade_id, is_solution, is_test, nbgrader_meta

EXPECTED_KERNEL = "python3"


@dataclass
class Assembled:
    notebook: nbformat.NotebookNode
    flags: list[str] = field(default_factory=list)
    test_cells: dict[str, int] = field(default_factory=dict)   # grade id -> index in notebook


def _code(source: str, role: str) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell(source)
    cell.metadata["autograder"] = {"role": role}
    return cell


def assemble(source: nbformat.NotebookNode, released: nbformat.NotebookNode,
             submission: nbformat.NotebookNode, hidden: set[str] = frozenset()) -> Assembled:
    """The notebook that is run: source structure, student answers, restored visible tests, and
    an empty cell in place of each hidden test (grade ids in ``hidden``)."""
    flags: list[str] = []
    kernel = submission.get("metadata", {}).get("kernelspec", {})
    if not isinstance(kernel, dict) or kernel.get("name") != EXPECTED_KERNEL:
        name = kernel.get("name") if isinstance(kernel, dict) else kernel
        flags.append(f"kernelspec was {name!r}; graded with the course's Python kernel")

    released_tests = {grade_id(c): c.source for c in released.cells if is_test(c)}
    source_tests = {grade_id(c): c.source for c in source.cells if is_test(c)}
    solution_ids = {grade_id(c) for c in source.cells if is_solution(c)}
    written_ids = {grade_id(c) for c in source.cells if is_solution(c) and c.cell_type != "code"}
    known_ids = {grade_id(c) for c in source.cells if grade_id(c)}

    # The student's answer for each solution cell, plus the cells they added after it.
    answers: dict[str, str] = {}
    extras: dict[str | None, list[str]] = {}
    current: str | None = None
    seen_tests: list[str] = []
    for cell in submission.cells:
        gid = grade_id(cell)
        if gid in written_ids:                        # a written answer: the student's text, never run
            answers.setdefault(gid, cell.source)
        elif gid in solution_ids and cell.cell_type == "code":
            if gid in answers:
                flags.append(f"solution cell {gid!r} appears twice; the first one is graded")
                continue
            answers[gid] = cell.source
            current = gid
        elif gid in released_tests:
            seen_tests.append(gid)
            if cell.source not in (released_tests[gid], source_tests[gid]):
                flags.append(f"test cell {gid!r} was edited; the original was restored")
        elif gid in known_ids:
            continue                                  # instructions and set-up: from the source
        elif cell.cell_type == "code" and cell.source.strip():
            if nbgrader_meta(cell).get("grade"):
                flags.append("a cell claiming to be a test cell is not part of the assignment; it ran as ordinary code")
            extras.setdefault(current, []).append(cell.source)

    missing = [gid for gid in released_tests if gid not in seen_tests]
    if missing:
        flags.append(f"test cells deleted and restored: {', '.join(missing)}")
    present = [gid for gid in released_tests if gid in seen_tests]
    if seen_tests != present:
        flags.append("test cells were reordered; the original order was restored")
    for gid in sorted(solution_ids - set(answers)):
        flags.append(f"solution cell {gid!r} is missing; graded as unanswered")
    if extras.get(None):
        flags.append(f"{len(extras[None])} added code cell(s) before the first answer ran after it")

    cells = []
    test_cells: dict[str, int] = {}
    first_solution_done = False
    for cell in source.cells:
        gid = grade_id(cell)
        if gid in solution_ids and cell.cell_type == "code":
            released_stub = next((c.source for c in released.cells if grade_id(c) == gid), "")
            cells.append(_code(answers.get(gid, released_stub), "answer"))
            if not first_solution_done:
                cells += [_code(s, "answer") for s in extras.get(None, [])]
                first_solution_done = True
            cells += [_code(s, "answer") for s in extras.get(gid, [])]
        elif gid in written_ids:                      # the student's text, never the model answer
            released_stub = next((c.source for c in released.cells if grade_id(c) == gid), "")
            cells.append(nbformat.v4.new_markdown_cell(answers.get(gid, released_stub)))
        elif is_test(cell) and gid in hidden:
            test_cells[gid] = len(cells)
            cells.append(_code("", "hidden"))
        else:
            copy = nbformat.from_dict(cell)
            if copy.cell_type == "code":
                copy.outputs, copy.execution_count = [], None
                copy.metadata["autograder"] = {"role": "test" if is_test(copy) else "setup"}
            if is_test(copy):
                test_cells[gid] = len(cells)
            cells.append(copy)
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata = {"kernelspec": {"name": EXPECTED_KERNEL, "display_name": "Python 3", "language": "python"},
                   "language_info": {"name": "python"}}
    return Assembled(nb, flags, test_cells)
