"""Generate the student notebooks in exercises/ from the instructor source in solutions/.

nbgrader's own preprocessors do the work (lock cells, replace solution regions with the stub,
drop hidden tests and outputs, checksums); the gradebook step of ``nbgrader generate_assignment``
is left out, so releasing needs no database. The output is deterministic: the same source
always gives byte-identical notebooks.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
from nbgrader.preprocessors import (
    CheckCellMetadata,
    ClearHiddenTests,
    ClearMarkScheme,
    ClearOutput,
    ClearSolutions,
    ComputeChecksums,
    LockCells,
)
from traitlets.config import Config

from . import paths


def _config() -> Config:
    config = Config()
    config.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
    config.ClearSolutions.text_stub = "YOUR ANSWER HERE"
    config.ClearSolutions.enforce_metadata = True
    return config


def release_notebook(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The student version of one source notebook."""
    nb = nbformat.from_dict(nb)  # never modify the caller's notebook
    resources = {"language": "python", "nbgrader": {"notebook": "", "assignment": ""}}
    config = _config()
    for step in (LockCells, ClearSolutions, ClearOutput, CheckCellMetadata, ComputeChecksums,
                 ClearHiddenTests, ClearMarkScheme, ComputeChecksums, CheckCellMetadata):
        nb, resources = step(config=config).preprocess(nb, resources)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.execution_count = None
            cell.outputs = []
    return nb


def release_assignment(assignment: str, target_root: Path = paths.EXERCISES) -> list[Path]:
    """Write exercises/<assignment>/ from solutions/<assignment>/; return the files written."""
    source_dir = paths.SOLUTIONS / assignment
    target_dir = target_root / assignment
    if target_dir.exists():
        shutil.rmtree(target_dir)
    target_dir.mkdir(parents=True)
    written = []
    for source in sorted(source_dir.rglob("*")):
        if source.is_dir() or ".ipynb_checkpoints" in source.parts or "__pycache__" in source.parts:
            continue
        target = target_dir / source.relative_to(source_dir)
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.suffix == ".ipynb":
            nb = release_notebook(nbformat.read(source, as_version=4))
            nbformat.write(nb, target)
        else:
            shutil.copyfile(source, target)
        written.append(target)
    return written


def write_stored_cases(folder: Path | None = None) -> list[Path]:
    """Write the visible tests' stored cases (inputs and the instructor's results), by default
    beside the student-facing grading helpers: ``rnncourse/grading/stored/<assignment>.json``."""
    from .cases import STORED, write_all

    return write_all(STORED if folder is None else folder)


def release_all(target_root: Path = paths.EXERCISES, stored_folder: Path | None = None) -> list[Path]:
    """Write exercises/ and the stored cases of the visible tests (into ``stored_folder``, by
    default the package's own folder); return the files written."""
    written = write_stored_cases(stored_folder)
    for assignment in paths.assignments():
        written += release_assignment(assignment, target_root)
    stale = {p.name for p in target_root.iterdir() if p.is_dir()} - set(paths.assignments()) if target_root.exists() else set()
    for name in stale:  # an assignment removed from solutions/ disappears from exercises/
        shutil.rmtree(target_root / name)
    return written
