r"""Gradient checking: central finite differences and the relative error.

For a scalar function :math:`f` and an array :math:`\theta`, every entry's partial derivative
is estimated by the central difference

.. math::

    \frac{\partial f}{\partial \theta_i} \approx \frac{f(\theta + \varepsilon e_i) - f(\theta - \varepsilon e_i)}{2 \varepsilon},

whose truncation error is :math:`O(\varepsilon^2)` (the one-sided difference's is
:math:`O(\varepsilon)`); with float64 and :math:`\varepsilon = 10^{-6}` the round-off is about
:math:`10^{-16}/10^{-6} = 10^{-10}` relative to :math:`f`. The analytic gradient :math:`g` and
the numerical one :math:`n` are compared with the relative error

.. math::

    \mathrm{rel}(g, n) = \frac{\lVert g - n \rVert_2}{\max(\lVert g \rVert_2 + \lVert n \rVert_2, \tau)},

which is scale-free (a gradient of size 1e3 and one of size 1e-3 are judged alike) and
bounded by 1. Below 1e-7 in float64 the backward pass is right; around 1e-2 or above, a
term is wrong or missing. :math:`\tau` (1e-300) only avoids 0/0 when both are zero.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np


def numerical_gradient(f: Callable[[], float], array: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """Central differences of the scalar ``f()`` with respect to every entry of ``array``.

    ``f`` takes no argument: it must read ``array`` (which is perturbed in place, one entry at
    a time, and restored exactly afterwards). Returns an array shaped like ``array``.
    """
    if not np.issubdtype(array.dtype, np.floating):
        raise TypeError(f"the array must hold floats to be perturbed, got {array.dtype}")
    grad = np.zeros_like(array)
    for index in np.ndindex(array.shape):
        old = array[index]
        array[index] = old + eps
        plus = float(f())
        array[index] = old - eps
        minus = float(f())
        array[index] = old  # restore exactly
        grad[index] = (plus - minus) / (2.0 * eps)
    return grad


def relative_error(analytic: np.ndarray, numerical: np.ndarray) -> float:
    """``||a - n|| / max(||a|| + ||n||, 1e-300)``: 0 when equal, at most 1."""
    analytic, numerical = np.asarray(analytic, dtype=np.float64), np.asarray(numerical, dtype=np.float64)
    if analytic.shape != numerical.shape:
        raise ValueError(f"shapes differ: {analytic.shape} and {numerical.shape}")
    scale = max(float(np.linalg.norm(analytic) + np.linalg.norm(numerical)), 1e-300)
    return float(np.linalg.norm(analytic - numerical)) / scale


def gradient_check(
    f: Callable[[], float],
    arrays: Mapping[str, np.ndarray],
    analytic: Mapping[str, np.ndarray],
    eps: float = 1e-6,
) -> dict[str, float]:
    """Relative error between ``analytic[name]`` and the numerical gradient of ``f`` w.r.t. ``arrays[name]``.

    ``arrays`` maps a name to the array that ``f`` reads (perturbed in place); returns
    ``{name: relative error}`` for every name of ``analytic``.
    """
    return {name: relative_error(analytic[name], numerical_gradient(f, arrays[name], eps)) for name in analytic}
