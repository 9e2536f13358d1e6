"""The course's precision rule: how close a result must be, by the dtype it comes in.

A result is compared with tolerances that follow its own floating-point type:

=========  ==========  ==========
dtype      rtol        atol
=========  ==========  ==========
float64    1e-6        1e-8
float32    1e-4        1e-5
=========  ==========  ==========

so a correct computation in float32 (rounding errors near 1e-7 relative) is right, and a wrong
one is wrong in either type. Integers and Python numbers count as float64. float16 and other
types are too coarse for the exercises: such a result is reported by its dtype. A task whose
point needs float64 (a finite-difference gradient with a step of 1e-6 is noise in float32)
says so, and a float32 result there is reported with that reason, never as a silent miss.
"""
from __future__ import annotations

import numpy as np

TOLERANCES = {np.dtype(np.float64): (1e-6, 1e-8), np.dtype(np.float32): (1e-4, 1e-5)}
RULE = ("results are compared in their own precision: float64 within rtol 1e-6, atol 1e-8; "
        "float32 within rtol 1e-4, atol 1e-5")


def result_dtype(value) -> np.dtype:
    """The floating-point type a result was computed in (float64 for integers and Python numbers)."""
    dtype = getattr(value, "dtype", None)
    if dtype is None and isinstance(value, (list, tuple)) and value:
        dtypes = {result_dtype(item) for item in value}
        return np.dtype(np.float32) if dtypes == {np.dtype(np.float32)} else \
            next((d for d in dtypes if d not in TOLERANCES), np.dtype(np.float64))
    if dtype is None:
        return np.dtype(np.float64)
    try:
        dtype = np.dtype(dtype)
    except TypeError:                   # a torch dtype: torch.float32 -> float32
        try:
            dtype = np.dtype(str(dtype).removeprefix("torch."))
        except TypeError:
            return np.dtype(np.float64)
    return np.dtype(np.float64) if dtype.kind in "biu" else dtype


def tolerances(value) -> tuple[float, float] | None:
    """(rtol, atol) for a result of ``value``'s dtype, or None if that dtype is too coarse."""
    return TOLERANCES.get(result_dtype(value))


def precision_problem(name: str, value, float64_reason: str = "") -> str:
    """'' if ``value``'s dtype may be graded; else the message that says why not."""
    dtype = result_dtype(value)
    if dtype not in TOLERANCES:
        return f"{name} is {dtype}; return float32 or float64 ({RULE})."
    if float64_reason and dtype != np.float64:
        return f"{name} is {dtype}; this task needs float64 because {float64_reason}."
    return ""
