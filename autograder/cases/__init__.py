"""The stored cases of the visible tests, computed from the instructor's solutions.

``autograder/cases/<assignment>.py`` defines ``cases(solution)``: fixed inputs (drawn from a
seeded generator or written out), each with the result of the instructor's solution on them and
what the classic mistakes would give (from the instructor-side mistake generators in
``rnncourse.grading``). ``solution`` holds the functions of the assignment's solution notebook,
run here, in the instructor's process. :func:`write_all` writes every assignment's cases to
``rnncourse/grading/stored/<assignment>.json`` (read in the notebooks by
:func:`rnncourse.grading.cases.stored_cases`); the same solutions always give the same bytes.
"""
from __future__ import annotations

import copy
import runpy
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Callable

import nbformat

from rnncourse.grading.cases import FOLDER as STORED, dumps

from .. import paths
from ..notebook_io import is_solution, is_test, nbgrader_meta

FOLDER = Path(__file__).parent


def case(function: Callable, *args: Any, mistakes: Any = None, **fields: Any) -> dict:
    """A case: ``args``, the instructor's ``function(*args)`` as ``expected`` (called on a copy,
    so a function that modifies its inputs cannot change what is stored), ``mistakes`` and any
    other named fields."""
    return {"args": list(args), "expected": function(*copy.deepcopy(args)), "mistakes": mistakes or {}, **fields}


def solution_namespace(assignment: str) -> SimpleNamespace:
    """The functions of the assignment's solution notebook: its imports, given and solution cells."""
    nb = nbformat.read(paths.source_notebook(assignment), as_version=4)
    namespace: dict[str, Any] = {"__name__": f"solution_{assignment}"}
    for cell in nb.cells:
        gid = nbgrader_meta(cell).get("grade_id", "")
        if cell.cell_type == "code" and not is_test(cell) and (is_solution(cell) or gid in {"imports", "given"}):
            exec(compile(cell.source, f"<{assignment}:{gid}>", "exec"), namespace)
    return SimpleNamespace(**namespace)


def build(assignment: str) -> dict[str, dict]:
    """{case name: case} of ``assignment``; empty when it has no case file."""
    module = FOLDER / f"{assignment}.py"
    if not module.is_file():
        return {}
    return runpy.run_path(str(module))["cases"](solution_namespace(assignment))


def write_all(folder: Path = STORED) -> list[Path]:
    """Write ``<folder>/<assignment>.json`` for every assignment with cases; drop stale files."""
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)                      # the same sums in the same order on every machine
    try:
        folder.mkdir(parents=True, exist_ok=True)
        written = []
        for assignment in paths.assignments():
            cases = build(assignment)
            if cases:
                target = folder / f"{assignment}.json"
                target.write_text(dumps(cases), encoding="utf-8")
                written.append(target)
        for stale in set(folder.glob("*.json")) - set(written):
            stale.unlink()
        return written
    finally:
        torch.set_num_threads(threads)
