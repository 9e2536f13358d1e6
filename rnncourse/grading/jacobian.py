"""The Jacobian of one Elman step, dh_t / dh_{t-1}, and the classic slips in deriving it.

With ``h_t = tanh(a_t)``, ``a_t = W_xh x_t + W_hh h_{t-1} + b_h``, the chain rule gives for each
example ``J = diag(1 - h_t^2) W_hh``: entry ``J[i, j] = (1 - h_t[i]^2) W_hh[i, j]`` is
``d h_t[i] / d h_{t-1}[j]``, so the slope scales the ROWS of W_hh. For a batch the result is
(B, H, H), one matrix per example (each has its own slope).
"""
from __future__ import annotations

import numpy as np

from .separate import separating


def rnn_jacobian(h_prev, x_t, W_xh, W_hh, b_h, *, slope="output", rows=True, transpose=False):
    """(B, H, H) Jacobians, right or with one slip: ``slope`` "output" (right), "none",
    "preactivation", "previous"; ``rows=False`` scales the columns; ``transpose`` uses W_hh.T."""
    a = x_t @ W_xh.T + h_prev @ W_hh.T + b_h              # (B, H)
    s = {"output": 1.0 - np.tanh(a) ** 2, "none": np.ones_like(a), "preactivation": 1.0 - a ** 2,
         "previous": 1.0 - h_prev ** 2}[slope]
    W = W_hh.T if transpose else W_hh
    return s[:, :, None] * W if rows else s[:, None, :] * W


def rnn_jacobian_mistakes(h_prev, x_t, W_xh, W_hh, b_h) -> dict[str, np.ndarray]:
    """{message: wrong (B, H, H)} for the slips that these inputs tell apart."""
    args = (h_prev, x_t, W_xh, W_hh, b_h)
    return separating(rnn_jacobian(*args), {
        "is W_hh alone, one (H, H) matrix: h_t = tanh(a_t), so the chain rule multiplies W_hh by the slope of "
        "tanh at a_t, which differs from example to example, (B, H, H).": W_hh,
        "is W_hh alone: h_t = tanh(a_t), so the chain rule multiplies W_hh by the slope of tanh at a_t.":
            np.broadcast_to(W_hh, (len(h_prev),) + W_hh.shape),
        "uses W_hh transposed: entry [i, j] is d h_t[i] / d h_prev[j], and a_t[i] holds W_hh[i, j] h_prev[j].":
            rnn_jacobian(*args, transpose=True),
        "scales the COLUMNS of W_hh by the slope: unit i's slope 1 - h_t[i]^2 multiplies row i, "
        "J = diag(1 - h_t^2) W_hh (mind which axis the broadcast adds).": rnn_jacobian(*args, rows=False),
        "uses 1 - a_t^2 as the slope: tanh' must be evaluated at a_t, tanh'(a_t) = 1 - tanh(a_t)^2 = 1 - h_t^2 "
        "(the same numbers come from an rnn_step_forward that is missing the tanh, if you call it).":
            rnn_jacobian(*args, slope="preactivation"),
        "uses the slope of the PREVIOUS state, 1 - h_prev^2: the tanh that h_t comes out of is this step's, "
        "so the slope is 1 - h_t^2.": rnn_jacobian(*args, slope="previous"),
    })
