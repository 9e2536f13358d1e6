r"""minGRU and minLSTM (Feng et al., 2024), the sequential reference, float64.

Both drop the previous state from the gates and the candidate, so every coefficient depends on
the input only:

.. math::

    \text{minGRU:}\quad z_t = \sigma(W_z x_t + b_z),\;\; \tilde h_t = g(W_h x_t + b_h),\;\;
    h_t = (1 - z_t) \odot h_{t-1} + z_t \odot \tilde h_t

    \text{minLSTM:}\quad f_t = \sigma(W_f x_t + b_f),\; i_t = \sigma(W_i x_t + b_i),\;
    f'_t = \tfrac{f_t}{f_t + i_t},\; i'_t = \tfrac{i_t}{f_t + i_t},\;
    h_t = f'_t \odot h_{t-1} + i'_t \odot \tilde h_t

with :math:`g(x) = x + \tfrac12` for :math:`x \ge 0` and :math:`\sigma(x)` otherwise (positive,
so that the recurrence can also run in log space). Each is :math:`h_t = a_t h_{t-1} + b_t` with
:math:`(a_t, b_t) = (1 - z_t, z_t \tilde h_t)` or :math:`(f'_t, i'_t \tilde h_t)`.

Shapes: ``X`` (T, B, D); ``W_*`` (H, D); ``b_*`` (H,); ``h0`` (B, H); outputs (T, B, H).
"""
from __future__ import annotations

import numpy as np


def sigmoid(x):
    return 0.5 * (1.0 + np.tanh(0.5 * x))


def g(x):
    """Positive candidate activation: x + 1/2 for x >= 0, sigmoid(x) below (continuous at 0)."""
    return np.where(x >= 0, x + 0.5, sigmoid(np.minimum(x, 0.0)))


def mingru_coefficients(X, W_z, b_z, W_h, b_h):
    """(a_t, b_t) of h_t = a_t h_{t-1} + b_t for the minGRU, each (T, B, H)."""
    z = sigmoid(X @ W_z.T + b_z)
    return 1.0 - z, z * g(X @ W_h.T + b_h)


def minlstm_coefficients(X, W_f, b_f, W_i, b_i, W_h, b_h):
    """(a_t, b_t) of h_t = a_t h_{t-1} + b_t for the minLSTM (normalised gates), each (T, B, H)."""
    f, i = sigmoid(X @ W_f.T + b_f), sigmoid(X @ W_i.T + b_i)
    return f / (f + i), i / (f + i) * g(X @ W_h.T + b_h)


def linear_recurrence(a, b, h0=None):
    """All states of h_t = a_t h_{t-1} + b_t, step by step; a, b (T, ...)."""
    h = np.zeros_like(b[0]) if h0 is None else h0
    out = np.empty_like(b)
    for t in range(len(a)):
        h = a[t] * h + b[t]
        out[t] = h
    return out


def mingru_forward(X, W_z, b_z, W_h, b_h, h0=None):
    """minGRU outputs (T, B, H), step by step."""
    return linear_recurrence(*mingru_coefficients(X, W_z, b_z, W_h, b_h), h0)


def minlstm_forward(X, W_f, b_f, W_i, b_i, W_h, b_h, h0=None):
    """minLSTM outputs (T, B, H), step by step."""
    return linear_recurrence(*minlstm_coefficients(X, W_f, b_f, W_i, b_i, W_h, b_h), h0)
