"""Gradients of a scalar linear RNN unrolled by hand, and the classic slips in deriving them.

``h_t = w h_{t-1} + u x_t``, ``h_0 = 0``, ``L = h_T``. Unrolled, ``h_T = sum_t w^(T-1-t) u x[t]``
(``x[0]`` is x_1), so ``dL/dx[t] = u w^(T-1-t)``, ``dL/du = sum_t w^(T-1-t) x[t]`` and, w being used
at every step, ``dL/dw = sum_t (T-1-t) w^(T-2-t) u x[t]``.
"""
from __future__ import annotations

import numpy as np

from .separate import separating

RESULTS = ("dx", "du", "dw")


def linear_rnn_gradients(x, w, u) -> dict:
    lags = len(x) - 1 - np.arange(len(x))                  # (T,)
    dw = sum(lag * w ** (lag - 1) * u * x_t for lag, x_t in zip(lags, x) if lag > 0)
    return {"dx": u * w ** lags, "du": float(np.sum(w ** lags * x)), "dw": float(dw)}


def linear_rnn_mistakes(x, w, u) -> dict[str, dict]:
    """{result: {message: wrong value}} for the slips that these inputs tell apart."""
    right = linear_rnn_gradients(x, w, u)
    lags = len(x) - 1 - np.arange(len(x))
    h = np.zeros(len(x) + 1)                               # h[0] = h_0, h[t + 1] after x[t]
    for t, x_t in enumerate(x):
        h[t + 1] = w * h[t] + u * x_t
    wrong = {
        "dx": {"runs the powers of w the wrong way: x[t] passes through the T - 1 - t LATER steps, so its "
               "gradient is u w^(T-1-t) (the last input has w^0).": u * w ** np.arange(len(x)),
               "is missing the factor u: x_t enters h_t as u x_t.": w ** lags},
        "du": {"is h_T: the derivative of u x_t by u is x_t, not u x_t.": h[-1]},
        "dw": {"keeps only the term of the LAST use of w (h_{T-1}): w is used at every step, so dL/dw sums one "
               "term per use, w^(T-t) h_{t-1} over t.": h[-2],
               "has the power of w one too high: d(w^k)/dw = k w^(k-1).":
                   float(sum(lag * w ** lag * u * x_t for lag, x_t in zip(lags, x))),
               "keeps only the FIRST use of w (the term of step 1, w^(T-1) h_0 = 0 with h_0 = 0): a loop that overwrites "
               "dw instead of adding to it ends there; sum the terms of every step.": 0.0},
    }
    return {name: separating(right[name], wrong[name]) for name in RESULTS}
