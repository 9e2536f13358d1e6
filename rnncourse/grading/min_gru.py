r"""Classic mistakes in the minGRU exercises, computed so that feedback can name them.

The minGRU's update :math:`h_t = (1 - z_t) \odot h_{t-1} + z_t \odot \tilde h_t` is the linear
recurrence :math:`h_t = a_t \odot h_{t-1} + b_t` with :math:`a_t = 1 - z_t` and
:math:`b_t = z_t \odot \tilde h_t`. The correct values come from :mod:`rnncourse.numpy_ref.min_rnn`;
the wrong ones are the same computation with one classic slip in it: ``a`` and ``b`` swapped,
``z`` and ``1 - z`` swapped, the gate left off the candidate, ``h0`` ignored, or the states
returned one step late (``h_0 .. h_{T-1}``, the usual off-by-one of a scan).

The candidate's slips (tanh for g, g without its + 0.5) and a loop that starts every step from h0
are named too; ``scan_mistakes`` adds the slips of the doubling (Hillis-Steele) scan: the combined
a used before b is combined, one round short, the pair combined the wrong way round, an offset that
grows by one. Only the mistakes that the inputs tell apart are kept (:func:`~.separate.separating`).

Each function takes the same inputs as the function the student writes and returns what
``check_array(..., mistakes=...)`` takes.
"""
from __future__ import annotations

import numpy as np

from ..numpy_ref.min_rnn import g, linear_recurrence, mingru_coefficients, sigmoid
from .separate import separating

SWAPPED_AB = "a and b are swapped: h_t = a_t * h_{t-1} + b_t with a_t = 1 - z_t and b_t = z_t * h~_t."
SWAPPED_Z = "z and 1 - z are swapped: h_t = (1 - z_t) * h_{t-1} + z_t * h~_t, so a_t = 1 - z_t."
NO_GATE = "b_t = z_t * h~_t: the update gate also weights the candidate."
NO_H0 = "The states ignore h0: the first step is h_1 = a_1 * h0 + b_1, not b_1."
TANH = ("The candidate uses tanh: the minGRU's candidate is h~_t = g(W_h x_t + b_h), with g(x) = x + 0.5 for x >= 0 "
        "and sigmoid(x) below, not tanh.")
G_SHIFT = "g(x) is x + 0.5 for x >= 0 (so that its two pieces meet at sigmoid(0) = 0.5), not x."
FROM_H0 = "Every step starts from h0: h_t = a_t * h_{t-1} + b_t carries the previous step's state."
SHIFTED = ("The states are one step late (h_0 .. h_{T-1}): return h_1 .. h_T, where h_t already includes "
           "step t; in a scan, fold h0 into the first step and keep every combined step.")


def coefficient_mistakes(X, W_z, b_z, W_h, b_h) -> dict:
    """{"a": {message: wrong a}, "b": {message: wrong b}} for ``min_gru_coefficients``."""
    a, b = mingru_coefficients(X, W_z, b_z, W_h, b_h)             # (T, B, H) each
    h_tilde = g(X @ W_h.T + b_h)
    z = sigmoid(X @ W_z.T + b_z)
    pre = X @ W_h.T + b_h
    return {"a": separating(a, {SWAPPED_AB: b, SWAPPED_Z: z}),
            "b": separating(b, {SWAPPED_AB: a, SWAPPED_Z: (1.0 - z) * h_tilde, NO_GATE: h_tilde,
                                TANH: z * np.tanh(pre), G_SHIFT: z * _g_unshifted(pre)})}


def _g_unshifted(x):
    return np.where(x >= 0, x, sigmoid(np.minimum(x, 0.0)))


def state_mistakes(X, h0, W_z, b_z, W_h, b_h) -> dict:
    """{message: wrong states (T, B, H)} for a loop or a scan over the minGRU."""
    a, b = mingru_coefficients(X, W_z, b_z, W_h, b_h)
    pre = X @ W_h.T + b_h
    z, h_tilde = 1.0 - a, g(pre)
    right = linear_recurrence(a, b, h0)
    return separating(right, {
        NO_H0: linear_recurrence(a, b, None),
        SHIFTED: np.concatenate([h0[None], right[:-1]]),
        SWAPPED_Z: linear_recurrence(z, a * h_tilde, h0),
        SWAPPED_AB: linear_recurrence(b, a, h0),
        TANH: linear_recurrence(a, z * np.tanh(pre), h0),
        G_SHIFT: linear_recurrence(a, z * _g_unshifted(pre), h0),
        FROM_H0: a * h0 + b,
    })


SCAN_SLIPS = {
    "a_first": "Each round must combine b with the a from BEFORE the round: update b with the old a, then a.",
    "short": "The scan stops one round early: keep doubling while k < T, so that step t has combined every earlier step.",
    "swapped": ("The scan combines the pair the wrong way round: step t takes a[t] * b[t - k] + b[t], the earlier "
                "step's b scaled by the later step's a."),
    "plus_one": ("The offset grows by one per round: a doubling scan doubles it (k = 2 k); with k + 1 some steps are "
                 "combined twice."),
}


def _scan(a, b, h0, slip=""):
    """The doubling scan of h_t = a_t h_{t-1} + b_t from h0, or with one slip of :data:`SCAN_SLIPS`."""
    a, b = a.copy(), b.copy()
    b[0] = a[0] * h0 + b[0]
    k = 1
    while (2 * k < len(a)) if slip == "short" else (k < len(a)):
        a_new = a.copy()
        a_new[k:] = a[k:] * a[:-k]
        if slip == "a_first":
            b[k:] = a_new[k:] * b[:-k] + b[k:]
        elif slip == "swapped":
            b[k:] = a[:-k] * b[k:] + b[:-k]
        else:
            b[k:] = a[k:] * b[:-k] + b[k:]
        a, k = a_new, (k + 1 if slip == "plus_one" else 2 * k)
    return b


def scan_mistakes(X, h0, W_z, b_z, W_h, b_h) -> dict:
    """:func:`state_mistakes` and the slips of the doubling scan, for ``min_gru_parallel`` (NumPy or torch)."""
    a, b = mingru_coefficients(X, W_z, b_z, W_h, b_h)
    scans = {message: _scan(a, b, h0, slip) for slip, message in SCAN_SLIPS.items()}
    return separating(linear_recurrence(a, b, h0), {**state_mistakes(X, h0, W_z, b_z, W_h, b_h), **scans})
