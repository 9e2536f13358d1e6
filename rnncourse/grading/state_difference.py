"""The distance between two runs of an Elman RNN whose inputs differ, and the classic slips in measuring it.

``d[t] = mean_b || h_t[b] - h'_t[b] ||`` (T,), both runs from h0 = 0. When only the first input
differs, every later step can only contract or stretch the difference through the Jacobians
``diag(1 - h_t^2) W_hh``; since tanh is 1-Lipschitz, ``d[t] <= ||W_hh||_2 d[t-1]`` for t >= 1.
"""
from __future__ import annotations

import numpy as np

from ..numpy_ref.rnn import rnn_forward
from .separate import separating


def state_difference_mistakes(X, X_changed, W_xh, W_hh, b_h) -> dict[str, np.ndarray]:
    diff = rnn_forward(X, None, W_xh, W_hh, b_h) - rnn_forward(X_changed, None, W_xh, W_hh, b_h)   # (T, B, H)
    right = np.linalg.norm(diff, axis=-1).mean(axis=1)
    return separating(right, {
        "holds squared distances: take the Euclidean norm, the square root of the sum of squares over the H units.":
            (diff ** 2).sum(axis=-1).mean(axis=1),
        "sums the distances over the batch: average them over the B sequences.":
            np.linalg.norm(diff, axis=-1).sum(axis=1),
        "averages |h_t - h'_t| over the units as well: the distance of one example is the Euclidean norm over its "
        "H units, then average over the batch.": np.abs(diff).mean(axis=(1, 2)),
        "takes the norm over the batch axis: for each example, the norm runs over its H units (the last axis).":
            np.linalg.norm(diff, axis=1).mean(axis=1),
    })
