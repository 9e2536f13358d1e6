"""Keep only the classic mistakes that the inputs of a check tell apart.

A mistake generator computes ``{message: wrong value}``. On a given input two mistakes can give
the same numbers (with a zero initial state, ignoring h0 and starting from zeros agree), and a
mistake can give the right numbers (with one hidden unit a transpose changes nothing). Naming
either would be a guess, so :func:`separating` drops both kinds: a mistake is named only when its
value differs from the right one and from every other mistake's.
"""
from __future__ import annotations

from typing import Any

import numpy as np


def _same(a: Any, b: Any) -> bool:
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=1e-6, atol=1e-8))


def separating(right: Any, mistakes: dict[str, Any]) -> dict[str, Any]:
    """The entries of ``mistakes`` whose value matches neither ``right`` nor another entry."""
    return {message: value for message, value in mistakes.items()
            if not _same(value, right)
            and not any(_same(value, other) for m, other in mistakes.items() if m != message)}
