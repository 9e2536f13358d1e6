r"""Classic mistakes in the minGRU exercises, computed so that feedback can name them.

The minGRU's update :math:`h_t = (1 - z_t) \odot h_{t-1} + z_t \odot \tilde h_t` is the linear
recurrence :math:`h_t = a_t \odot h_{t-1} + b_t` with :math:`a_t = 1 - z_t` and
:math:`b_t = z_t \odot \tilde h_t`. The correct values come from :mod:`rnncourse.numpy_ref.min_rnn`;
the wrong ones are the same computation with one classic slip in it: ``a`` and ``b`` swapped,
``z`` and ``1 - z`` swapped, the gate left off the candidate, ``h0`` ignored, or the states
returned one step late (``h_0 .. h_{T-1}``, the usual off-by-one of a scan).

Each function takes the same inputs as the function the student writes and returns what
``check_array(..., mistakes=...)`` takes.
"""
from __future__ import annotations

import numpy as np

from ..numpy_ref.min_rnn import g, linear_recurrence, mingru_coefficients, sigmoid

SWAPPED_AB = "a and b are swapped: h_t = a_t * h_{t-1} + b_t with a_t = 1 - z_t and b_t = z_t * h~_t."
SWAPPED_Z = "z and 1 - z are swapped: h_t = (1 - z_t) * h_{t-1} + z_t * h~_t, so a_t = 1 - z_t."
NO_GATE = "b_t = z_t * h~_t: the update gate also weights the candidate."
NO_H0 = "The states ignore h0: the first step is h_1 = a_1 * h0 + b_1, not b_1."
SHIFTED = ("The states are one step late (h_0 .. h_{T-1}): return h_1 .. h_T, where h_t already includes "
           "step t; in a scan, fold h0 into the first step and keep every combined step.")


def coefficient_mistakes(X, W_z, b_z, W_h, b_h) -> dict:
    """{"a": {message: wrong a}, "b": {message: wrong b}} for ``min_gru_coefficients``."""
    a, b = mingru_coefficients(X, W_z, b_z, W_h, b_h)             # (T, B, H) each
    h_tilde = g(X @ W_h.T + b_h)
    z = sigmoid(X @ W_z.T + b_z)
    return {"a": {SWAPPED_AB: b, SWAPPED_Z: z},
            "b": {SWAPPED_AB: a, SWAPPED_Z: (1.0 - z) * h_tilde, NO_GATE: h_tilde}}


def state_mistakes(X, h0, W_z, b_z, W_h, b_h) -> dict:
    """{message: wrong states (T, B, H)} for a loop or a scan over the minGRU."""
    a, b = mingru_coefficients(X, W_z, b_z, W_h, b_h)
    z, h_tilde = 1.0 - a, g(X @ W_h.T + b_h)
    right = linear_recurrence(a, b, h0)
    return {NO_H0: linear_recurrence(a, b, None),
            SHIFTED: np.concatenate([h0[None], right[:-1]]),
            SWAPPED_Z: linear_recurrence(z, a * h_tilde, h0),
            SWAPPED_AB: linear_recurrence(b, a, h0)}
