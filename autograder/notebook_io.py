"""Reading notebooks safely and recognising nbgrader cells.

``read_submission`` turns anything a student may hand in into either a notebook or a
:class:`BadSubmission` with a one-line reason: not JSON, truncated, nested too deeply, not a
notebook, no cells, too large. It never raises anything else.
"""
from __future__ import annotations

import json
from pathlib import Path

import nbformat

MAX_NOTEBOOK_BYTES = 20 * 1024 * 1024   # a submission larger than this is refused, unread
MAX_DEPTH = 40                          # a real notebook nests about 8 levels (outputs' data)


class BadSubmission(Exception):
    """A submission that cannot be graded; ``str(error)`` is the reason shown in reports."""


def read_submission(path: Path) -> nbformat.NotebookNode:
    path = Path(path)
    if not path.is_file():
        raise BadSubmission(f"{path.name} is not a file")
    size = path.stat().st_size
    if size > MAX_NOTEBOOK_BYTES:
        raise BadSubmission(f"{path.name} is {size / 2**20:.0f} MiB, over the {MAX_NOTEBOOK_BYTES // 2**20} MiB limit")
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        raise BadSubmission(f"{path.name} is not a text file (not UTF-8): is it really a notebook?") from None
    try:
        raw = json.loads(text)
    except RecursionError:
        raise BadSubmission(f"{path.name} is not a notebook: its JSON is nested too deeply") from None
    except json.JSONDecodeError as err:
        truncated = err.pos >= len(text.rstrip()) - 1 or err.msg.startswith("Unterminated")
        where = "the file is truncated" if truncated else f"invalid JSON at line {err.lineno} ({err.msg})"
        raise BadSubmission(f"{path.name} is not a readable notebook: {where}") from None
    if _depth(raw) > MAX_DEPTH:
        raise BadSubmission(f"{path.name} is not a notebook: its JSON is nested more than {MAX_DEPTH} levels deep")
    if not isinstance(raw, dict) or "cells" not in raw or "nbformat" not in raw:
        raise BadSubmission(f"{path.name} is JSON but not a Jupyter notebook (no 'cells' or 'nbformat')")
    if not isinstance(raw["cells"], list) or not raw["cells"]:
        raise BadSubmission(f"{path.name} has no cells")
    try:
        nb = nbformat.reads(text, as_version=4)
    except RecursionError:
        raise BadSubmission(f"{path.name} is not a valid notebook: nested too deeply") from None
    except Exception as err:  # nbformat raises several types for malformed notebooks
        raise BadSubmission(f"{path.name} is not a valid notebook: {str(err).splitlines()[0][:200]}") from None
    for cell in nb.cells:
        if not isinstance(cell.get("source", ""), str) or cell.get("cell_type") not in {"code", "markdown", "raw"}:
            raise BadSubmission(f"{path.name} has a malformed cell")
        if not isinstance(cell.get("metadata", {}), dict):
            raise BadSubmission(f"{path.name} has a cell with malformed metadata")
    return nb


def _depth(value) -> int:
    """How deeply ``value`` (parsed JSON) nests lists and dicts, without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, (dict, list)):
            deepest = max(deepest, depth)
            if depth > MAX_DEPTH:
                return depth
            stack.extend((child, depth + 1) for child in (node.values() if isinstance(node, dict) else node))
    return deepest


def nbgrader_meta(cell) -> dict:
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return meta if isinstance(meta, dict) else {}


def grade_id(cell) -> str | None:
    value = nbgrader_meta(cell).get("grade_id")
    return value if isinstance(value, str) else None


def is_test(cell) -> bool:
    meta = nbgrader_meta(cell)
    return cell.cell_type == "code" and bool(meta.get("grade")) and not meta.get("solution")


def is_solution(cell) -> bool:
    return bool(nbgrader_meta(cell).get("solution"))


def is_manual(cell) -> bool:
    """A cell nbgrader leaves to a person (formgrader): a graded answer (``grade`` and
    ``solution``, markdown or code), any other graded markdown cell, or a task cell."""
    meta = nbgrader_meta(cell)
    return bool(meta.get("task")) or (bool(meta.get("grade")) and not is_test(cell))


def first_line_docstring(source: str) -> str:
    """The first line of a test cell's docstring: what the test checks."""
    stripped = source.lstrip()
    for quote in ('"""', "'''"):
        if stripped.startswith(quote):
            return stripped[3:].split(quote, 1)[0].strip().splitlines()[0] if stripped[3:].strip() else ""
    return ""
