"""Checks that explain what is wrong, in the student's terms.

The exercises' test cells call these instead of bare ``assert``. Each check either returns
quietly or raises :class:`Feedback` (an ``AssertionError``) whose message says what is wrong and,
where the numbers show it, which classic mistake produced them::

    check_array("dW_hh", dW_hh, expected, mistakes={
        "dW_hh holds only the last step's contribution: a shared weight's gradient is the "
        "sum over every time step.": last_step_only,
    })

Diagnosis order: the value is missing or not numeric; a known mistake matches (whatever its
shape); the shape is wrong (transposed, a missing or extra axis, or the right number of entries
in the wrong layout); NaN or infinity; the value is off by a constant factor or a sign; else
where it differs (the first differing entry, how many differ, the largest error).

A diagnosis speaks only when it is sure: when the value matches two known mistakes with
different messages (two causes that give the same numbers on these inputs), neither is named and
the feedback says what differs and where instead. A ``hint`` says what the check requires; it is
added to every failure that names no cause (a wrong shape and NaN included), never to a named one.

A failed check shows in JupyterLab as its message alone (``Feedback: ...``), not as a traceback
through this module: IPython prints what an exception's ``_render_traceback_`` returns instead
of the frames, and the frames here would only hide the one sentence that matters.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from .precision import precision_problem, tolerances


# A constant ratio got / expected means "a factor is missing" only when it holds across enough
# entries: for one number every wrong value is some factor of the right one.
FACTOR_MIN_ENTRIES = 4


class Feedback(AssertionError):
    """A failed check. Its message is written for the student; ``names_cause`` is true when it names
    the classic mistake that gives exactly these numbers (not only what differs)."""

    names_cause = False

    def _render_traceback_(self) -> list[str]:
        """What IPython shows for this error: the name in red and the message, no frames."""
        return [f"\x1b[0;31m{type(self).__name__}\x1b[0m: {self}"]


def _as_float_array(name: str, value: Any) -> np.ndarray:
    if value is None:
        raise Feedback(f"{name} is None: did you forget to `return` it?")
    if hasattr(value, "detach") and hasattr(value, "cpu"):  # a torch tensor
        value = value.detach().cpu().numpy()
    if not isinstance(value, (np.ndarray, np.generic, int, float, list, tuple)):
        raise Feedback(
            f"{name} should be a NumPy array of numbers, but it is a {type(value).__name__}."
        )
    try:
        array = np.array(value, dtype=np.float64)  # a copy: later mutation cannot change it
    except (TypeError, ValueError) as err:
        raise Feedback(f"{name} could not be read as an array of numbers ({err}).") from None
    return array


def _shape_message(name: str, got: tuple, want: tuple) -> str:
    message = f"{name} has shape {got}, expected {want}."
    if len(got) == len(want) == 2 and got == want[::-1]:
        message += " It looks transposed: check the order of the matrix product (W @ x vs x @ W.T)."
    elif len(got) == len(want) - 1 and got == want[1:]:
        message += " The leading axis is missing: did you return only one time step instead of all of them?"
    elif len(got) == len(want) + 1 and got[1:] == want:
        message += " There is an extra leading axis: did you return every time step instead of the last one?"
    elif int(np.prod(got)) == int(np.prod(want)):
        message += " It has the right number of entries in the wrong layout: check which axis is time, batch and features."
    return message


def _close(got: np.ndarray, want: np.ndarray, rtol: float, atol: float) -> bool:
    return bool(np.all(np.abs(got - want) <= atol + rtol * np.abs(want)))


def check_array(
    name: str,
    got: Any,
    expected: Any,
    *,
    rtol: float | None = None,
    atol: float | None = None,
    mistakes: Mapping[str, Any] | None = None,
    hint: str | None = None,
) -> None:
    """Raise :class:`Feedback` unless ``got`` equals ``expected`` within the tolerances.

    The tolerances follow the course's precision rule (:mod:`rnncourse.grading.precision`): a
    float64 result within rtol 1e-6, atol 1e-8, a float32 one within rtol 1e-4, atol 1e-5, so a
    correct float32 computation passes; explicit ``rtol``/``atol`` override the rule.
    ``mistakes`` maps a message to the value a classic mistake would produce; when ``got``
    matches exactly one of them, that message is the feedback. ``hint`` is appended to any
    failure that names no mistake.
    """
    if rtol is None or atol is None:
        rule = tolerances(got)
        if rule is None:
            raise Feedback(precision_problem(name, got))
        rtol = rule[0] if rtol is None else rtol
        atol = rule[1] if atol is None else atol
    want = _as_float_array("the expected value", expected)
    value = _as_float_array(name, got)
    if value.shape == want.shape and np.all(np.isfinite(value)) and _close(value, want, rtol, atol):
        return
    matched = _matching_mistakes(value, mistakes, rtol, atol)   # a known mistake may also change the shape
    if len(matched) == 1:
        named = Feedback(f"{name} is wrong. {matched[0]}")
        named.names_cause = True
        raise named
    if value.shape != want.shape:
        text = _shape_message(name, value.shape, want.shape)
    elif not np.all(np.isfinite(value)):
        text = f"{name} contains NaN or infinity: look for a division by zero or an overflow."
    else:
        text = _describe_difference(name, value, want, rtol, atol)
    if len(matched) > 1:
        text += AMBIGUOUS
    raise Feedback(text + (f" Hint: {hint}" if hint else ""))


AMBIGUOUS = (" On these inputs this value matches more than one classic mistake, so none is named: look at "
             "where it differs.")


def _matching_mistakes(value: np.ndarray, mistakes: Mapping[str, Any] | None, rtol: float, atol: float) -> list[str]:
    """The distinct messages of the known mistakes whose value ``value`` equals."""
    if not mistakes or not np.all(np.isfinite(value)):
        return []
    matched = []
    for message, wrong in mistakes.items():
        wrong = np.asarray(wrong, dtype=np.float64)
        if wrong.shape == value.shape and _close(value, wrong, rtol, atol) and message not in matched:
            matched.append(message)
    return matched


def _describe_difference(name: str, got: np.ndarray, want: np.ndarray, rtol: float = 1e-6, atol: float = 1e-8) -> str:
    if np.allclose(got, -want, rtol=1e-6, atol=1e-8):
        return f"{name} has the right size but the wrong sign everywhere: check the sign of the update."
    nonzero = np.abs(want) > 1e-12
    if nonzero.sum() >= FACTOR_MIN_ENTRIES and not np.any(got[~nonzero]):
        ratios = got[nonzero] / want[nonzero]
        factor = float(np.median(ratios))
        if abs(factor) > 1e-12 and np.allclose(ratios, factor, rtol=1e-6):
            return (f"{name} is off by a constant factor of {factor:.6g}: a missing or extra "
                    "sum, mean or scale factor?")
    if not np.any(got) and np.any(want):
        return f"{name} is all zeros where the expected values are not."
    error = np.abs(got - want)
    worst = np.unravel_index(int(np.argmax(error)), error.shape) if error.ndim else ()
    text = (f"{name} does not match the expected values: the largest error is {error.max():.3g} "
            f"at index {_index(worst)} (got {got[worst]:.6g}, expected {want[worst]:.6g}).")
    wrong = error > atol + rtol * np.abs(want)              # (same shape as want)
    if error.ndim and 1 < wrong.sum() < wrong.size:        # where it starts, for a time-major array the first step
        first = np.unravel_index(int(np.argmax(wrong)), wrong.shape)
        text += f" {int(wrong.sum())} of {wrong.size} entries differ, the first at index {_index(first)}."
    elif error.ndim and wrong.sum() == 1:
        text += " It is the only entry that differs."
    return text


def _index(index: tuple) -> tuple:
    return tuple(int(i) for i in index)


def check_equal(name: str, got: Any, expected: Any, *, hint: str | None = None,
                mistakes: Mapping[str, Any] | None = None) -> None:
    """Raise :class:`Feedback` unless ``got == expected`` for plain Python values (ints, strings, tuples).

    The comparison runs on ``expected``'s type, so an object that claims to equal everything
    does not pass. ``mistakes`` maps a message to the value a classic mistake gives; when ``got``
    is one of them, that message replaces ``hint``.
    """
    if type(got) is not type(expected) and not (
        isinstance(expected, int) and isinstance(got, (int, np.integer)) and not isinstance(got, bool)
    ):
        raise Feedback(f"{name} should be a {type(expected).__name__}, but it is a {type(got).__name__}.")
    if not expected == got:  # expected's __eq__, not the submission's
        message = f"{name} is {got!r}, expected {expected!r}."
        for explanation, wrong in (mistakes or {}).items():
            if type(wrong) is type(expected) and wrong == got:
                raise Feedback(f"{message} {explanation}")
        raise Feedback(message + (f" Hint: {hint}" if hint else ""))


def check_true(condition: bool, message: str) -> None:
    """Raise :class:`Feedback` with ``message`` unless ``condition`` is exactly ``True``."""
    if condition is not True and not (isinstance(condition, np.bool_) and bool(condition)):
        raise Feedback(message)
