"""Stored test cases of the exercises' visible tests: fixed inputs and the numbers they must give.

A visible test cell compares the student's result with numbers stored beside the course,
never with a formula or a reference implementation run in the notebook::

    cases = stored_cases("02_rnn_equations")
    case = cases["rnn_step_forward"]
    check_array("h_t", rnn_step_forward(*case.args), case.expected, mistakes=case.mistakes)

A case holds ``args`` (the inputs, in the order of the function's parameters), ``expected`` (the
instructor's result on them), ``mistakes`` (``{message: what a classic mistake gives}``, or one
such mapping per result for functions with several results) and any other named inputs a test
needs. The files ``rnncourse/grading/stored/<assignment>.json`` are generated from the
instructor's solutions by ``python3 course.py exercises``; never edit them by hand.

Encoding: JSON, where an array is ``{"__array__": nested list, "dtype": ...}`` and a tuple is
``{"__tuple__": [...]}``; floats are written with ``repr`` and read back bit for bit.
"""
from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

FOLDER = Path(__file__).with_name("stored")


class Case(dict):
    """One stored case; its fields read as attributes (``case.args``, ``case.expected``)."""

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(f"this stored case has no field {name!r} (it has {sorted(self)})") from None


def encode(value: Any) -> Any:
    """``value`` as JSON-ready data: arrays (NumPy or torch) and tuples are tagged, the rest kept."""
    if hasattr(value, "detach") and hasattr(value, "cpu"):          # a torch tensor
        value = value.detach().cpu().numpy()
    if isinstance(value, np.ndarray):
        return {"__array__": value.tolist(), "dtype": value.dtype.str}
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, tuple):
        return {"__tuple__": [encode(v) for v in value]}
    if isinstance(value, list):
        return [encode(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): encode(v) for k, v in value.items()}
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    raise TypeError(f"cannot store a {type(value).__name__} in a test case")


def decode(node: Any) -> Any:
    """The inverse of :func:`encode`; every array is a fresh copy."""
    if isinstance(node, list):
        return [decode(v) for v in node]
    if isinstance(node, dict):
        if "__array__" in node:
            return np.array(node["__array__"], dtype=np.dtype(node["dtype"]))
        if "__tuple__" in node:
            return tuple(decode(v) for v in node["__tuple__"])
        return {k: decode(v) for k, v in node.items()}
    return node


class StoredCases(Mapping):
    """The cases of one assignment, read when first needed; each lookup decodes a fresh copy,
    so a function that modifies its inputs cannot change a later test's inputs."""

    def __init__(self, assignment: str, folder: Path = FOLDER):
        self.path = Path(folder) / f"{assignment}.json"
        self._raw: dict | None = None

    def _cases(self) -> dict:
        if self._raw is None:
            if not self.path.is_file():
                raise FileNotFoundError(f"the stored test cases {self.path.name} are missing: "
                                        "regenerate them with `python3 course.py exercises`")
            self._raw = json.loads(self.path.read_text(encoding="utf-8"))
        return self._raw

    def __getitem__(self, name: str) -> Case:
        return Case(decode(self._cases()[name]))

    def __iter__(self):
        return iter(self._cases())

    def __len__(self) -> int:
        return len(self._cases())


def stored_cases(assignment: str) -> StoredCases:
    """The stored cases of ``assignment`` (e.g. ``"02_rnn_equations"``)."""
    return StoredCases(assignment)


def dumps(cases: Mapping[str, Mapping[str, Any]]) -> str:
    """The JSON text of ``cases`` ({case name: {field: value}}), the same bytes for the same values."""
    return json.dumps({name: encode(dict(fields)) for name, fields in cases.items()}, indent=1, sort_keys=False) + "\n"
