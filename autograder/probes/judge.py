"""The grader's side of a check: compare a student's decoded result with the instructor's, in the
grader's own process, and explain a difference with instructor-written text only.

Every function here raises :class:`~rnncourse.grading.Feedback` with the message the student
reads, or returns quietly. The messages come from ``rnncourse.grading`` (what the value is called,
the classic mistakes, hints) and from numbers the grader computed (shapes, the largest error and
where it is); nothing the student's code produced as text is ever part of them. Tolerances follow
:mod:`rnncourse.grading.precision`.
"""
from __future__ import annotations

import numpy as np

from rnncourse.grading.feedback import Feedback, check_array
from rnncourse.grading.precision import RULE, precision_problem, result_dtype, tolerances

from .wire import TEXT


def as_numbers(name: str, value):
    """``value`` if it is a number, an array or nested lists/tuples of numbers, else Feedback."""
    if value is TEXT or isinstance(value, dict):
        raise Feedback(f"{name} should be numbers, but it is {'text' if value is TEXT else 'a dict'}.")
    if isinstance(value, (list, tuple)):
        for item in value:
            as_numbers(name, item)
    elif value is not None and not isinstance(value, (bool, int, float, np.ndarray)):
        raise Feedback(f"{name} should be numbers.")
    return value


def same_array(name: str, got, want, *, mistakes=None, hint: str | None = None, float64_reason: str = "",
               rtol: float | None = None, atol: float | None = None) -> None:
    """``check_array`` with the precision rule: tolerances from the dtype of ``got`` (at least
    ``rtol``/``atol`` where a task allows more), and a named dtype where a task needs float64.
    ``mistakes`` may be a function returning the mapping, called only when ``got`` is wrong."""
    got = as_numbers(name, got)
    problem = precision_problem(name, got, float64_reason)
    if problem:
        raise Feedback(problem)
    own_rtol, own_atol = tolerances(got)
    rtol, atol = max(own_rtol, rtol or 0.0), max(own_atol, atol or 0.0)
    if callable(mistakes):   # costly to compute (a training run): only for a result that is wrong
        try:
            return check_array(name, got, want, rtol=rtol, atol=atol)
        except Feedback:
            mistakes = mistakes()
    try:
        check_array(name, got, want, rtol=rtol, atol=atol, mistakes=mistakes, hint=hint)
    except Feedback as failure:
        if result_dtype(got) == np.float32 and "largest error" in str(failure):
            raise Feedback(f"{failure} (Your result is float32; {RULE}.)") from None
        raise


def same_int(name: str, got, want: int, hint: str | None = None) -> None:
    """An exact integer (a Python or NumPy integer, not a float or a bool)."""
    if isinstance(got, bool) or not isinstance(got, (int, np.integer)):
        raise Feedback(f"{name} should be an integer.")
    if int(got) != int(want):
        raise Feedback(f"{name} is {int(got)}, expected {int(want)}." + (f" Hint: {hint}" if hint else ""))


def same_bool(name: str, got, want: bool, hint: str | None = None) -> None:
    if type(got) is not bool and not isinstance(got, np.bool_):
        raise Feedback(f"{name} should be True or False.")
    if bool(got) != bool(want):
        raise Feedback(f"{name} is {bool(got)}, expected {bool(want)}." + (f" Hint: {hint}" if hint else ""))


def fields(name: str, got, count: int) -> tuple:
    """``got`` as a tuple of ``count`` results (a function that returns several values)."""
    if not isinstance(got, (tuple, list)) or len(got) != count:
        raise Feedback(f"{name} should return a tuple of {count} values.")
    return tuple(got)


def keys(name: str, got, names) -> dict:
    """``got`` as a dict that has every key in ``names``."""
    if not isinstance(got, dict):
        raise Feedback(f"{name} should return a dict with the keys {', '.join(names)}.")
    for key in names:
        if key not in got:
            raise Feedback(f"{name}: the dict has no key {key!r}.")
    return got


def same_values(what: str, got, want) -> str:
    """'' if ``got`` matches ``want`` (arrays and numbers by the precision rule, sequences item by
    item, dicts key by key), else the reason; the generic check of a probe without its own."""
    try:
        _same(what, got, want)
    except Feedback as failure:
        return str(failure)
    return ""


def _same(what: str, got, want) -> None:
    if isinstance(want, dict):
        if not isinstance(got, dict):
            raise Feedback(f"{what} should be a dict with keys {', '.join(sorted(want))}.")
        for key, value in want.items():
            if key not in got:
                raise Feedback(f"{what} has no key {key!r}.")
            _same(f"{what}[{key!r}]", got[key], value)
        return
    if isinstance(want, (list, tuple)) and _numbers(want) is None:
        if not isinstance(got, (list, tuple)) or len(got) != len(want):
            raise Feedback(f"{what} should be a sequence of {len(want)} items.")
        for index, (g, w) in enumerate(zip(got, want)):
            _same(f"item {index} of {what}", g, w)
        return
    array = _numbers(want)
    if array is not None and array.dtype.kind in "iub":
        values = _numbers(got)
        if values is None or values.dtype.kind not in "iub":
            raise Feedback(f"{what} should hold integers.")
        if values.shape != array.shape or not np.array_equal(values, array):
            raise Feedback(f"{what} has shape {values.shape}, expected {array.shape}." if values.shape != array.shape
                           else f"{what} has different values.")
        return
    same_array(what, got, want)


def _numbers(value) -> np.ndarray | None:
    """``value`` as an array if it is numbers (nested lists of one shape included), else None."""
    if isinstance(value, np.ndarray):
        return value
    if value is None or value is TEXT or isinstance(value, dict):
        return None
    if isinstance(value, (bool, int, float, np.generic)):
        return np.asarray(value)
    if not isinstance(value, (list, tuple)):
        return None
    items = [_numbers(v) for v in value]
    if items and all(i is not None for i in items) and len({i.shape for i in items}) == 1:
        return np.stack(items)
    return None


# ------------------------------------------------------------------ checks for probe files

def array_check(name: str, mistakes=None, hint: str | None = None, **options):
    """A ``Call.check`` for one array result; ``mistakes(*args)`` gives {message: wrong value}."""
    def check(got, want, args):
        same_array(name, got, want, mistakes=mistakes(*args) if mistakes else None, hint=hint, **options)
    return check


def tuple_check(names: tuple[str, ...], mistakes=None, hints: dict | None = None, **options):
    """A ``Call.check`` for a tuple of array results; ``mistakes(*args)`` gives
    {result name: {message: wrong value}}."""
    def check(got, want, args):
        got = fields("the function", got, len(names))
        wrong = mistakes(*args) if mistakes else {}
        for name, g, w in zip(names, got, want):
            same_array(name, g, w, mistakes=wrong.get(name), hint=(hints or {}).get(name), **options)
    return check


def dict_check(names: tuple[str, ...], mistakes=None, hints: dict | None = None, **options):
    """A ``Call.check`` for a dict of array results, key by key in the order of ``names``."""
    def check(got, want, args):
        got = keys("the function", got, names)
        wrong = mistakes(*args) if mistakes else {}
        for name in names:
            same_array(name, got[name], want[name], mistakes=wrong.get(name), hint=(hints or {}).get(name), **options)
    return check


DEVICE_FREE = ("Make every new tensor from the inputs (torch.ones_like, X.new_zeros, device=X.device, dtype=X.dtype), "
               "never on a fixed device or with a fixed dtype.")
META_ERROR = ("Meta tensors have no values: a tensor on a fixed device, NumPy, .numpy() and .item() fail there. "
              + DEVICE_FREE)


def meta_check(layout: str, advice: str = DEVICE_FREE):
    """A ``Call.check`` for the ``meta`` driver: the result is a tensor on the meta device, in float32, of
    the expected shape (``want[1]``, from the instructor's run); ``layout`` names its axes, e.g. "(T, B, H)";
    ``advice`` ends the messages of a wrong device or dtype."""
    def check(got, want, args):
        is_tensor, shape, on_meta, float32 = fields("the result on the meta device", got, 4)
        if is_tensor is not True:
            raise Feedback("On inputs on the meta device the function did not return a torch tensor.")
        if on_meta is not True:
            raise Feedback("On inputs on the meta device the result is on another device. " + advice)
        if float32 is not True:
            raise Feedback("On float32 inputs the result is not float32. " + advice)
        if list(shape) != list(want[1]):
            raise Feedback(f"On the meta device the result has shape {tuple(shape)}, expected {tuple(want[1])} {layout}.")
    return check


CUDA_ERROR = ("On the GPU a tensor made on a fixed device (the CPU) or with NumPy, .numpy() or a fixed dtype does "
              "not mix with the inputs. " + DEVICE_FREE)


def cuda_check():
    """A ``Call.check`` for the ``cuda`` driver: a float32 tensor on the GPU whose values, copied to the CPU,
    match the instructor's CPU float64 result within the float32 tolerances of the precision rule
    (rtol 1e-4, atol 1e-5; the kernel turns TF32 off, so products are computed in float32)."""
    def check(got, want, args):
        is_tensor, on_cuda, float32, values = fields("the result on the CUDA device", got, 4)
        if is_tensor is not True:
            raise Feedback("On inputs on the CUDA device the function did not return a torch tensor.")
        if on_cuda is not True:
            raise Feedback("On inputs on the CUDA device the result is on another device. " + DEVICE_FREE)
        if float32 is not True:
            raise Feedback("On float32 inputs on the CUDA device the result is not float32. " + DEVICE_FREE)
        same_array("the result on the CUDA device", values, want)
    return check
