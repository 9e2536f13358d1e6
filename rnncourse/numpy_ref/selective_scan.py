r"""The selective scan of Mamba (Gu and Dao, 2023), the sequential reference, float64.

Each of the D channels carries an N-dimensional state. The step size :math:`\Delta_t`, the
input matrix :math:`B_t` and the read-out :math:`C_t` are functions of the input, which is what
makes the state space model *selective*:

.. math::

    \Delta_t = \operatorname{softplus}(W_\Delta x_t + b_\Delta) \in \mathbb R^D,\quad
    B_t = W_B x_t \in \mathbb R^N,\quad C_t = W_C x_t \in \mathbb R^N,

    \bar A_t = \exp(\Delta_t A),\quad \bar B_t x_t = \Delta_t B_t x_t,\quad
    h_t = \bar A_t \odot h_{t-1} + \bar B_t x_t,\quad y_t = h_t C_t + D \odot x_t,

with :math:`A = -\exp(A_{\log})` (D, N) negative, so :math:`0 < \bar A_t < 1` (zero-order hold
for :math:`A`, Euler for :math:`B`, as in the Mamba code). A large :math:`\Delta_t` resets the
state towards the current input; a small one keeps the state and ignores the input.

Shapes: ``X`` (T, B, D); ``W_delta`` (D, D); ``b_delta`` (D,); ``W_B``, ``W_C`` (N, D);
``A_log`` (D, N); ``D_skip`` (D,); states (T, B, D, N); outputs (T, B, D).
"""
from __future__ import annotations

import numpy as np


def softplus(x):
    return np.logaddexp(0.0, x)


def selective_scan(X, W_delta, b_delta, W_B, W_C, A_log, D_skip):
    """Outputs (T, B, D) and states (T, B, D, N) of the selective SSM, one step at a time."""
    delta = softplus(X @ W_delta.T + b_delta)                   # (T, B, D)
    B_t, C_t = X @ W_B.T, X @ W_C.T                             # (T, B, N)
    A = -np.exp(A_log)                                          # (D, N)
    A_bar = np.exp(delta[..., None] * A)                        # (T, B, D, N)
    Bx = delta[..., None] * B_t[:, :, None, :] * X[..., None]   # (T, B, D, N)
    h = np.zeros(A_bar.shape[1:])
    states = np.empty_like(A_bar)
    for t in range(X.shape[0]):
        h = A_bar[t] * h + Bx[t]
        states[t] = h
    y = np.einsum("tbdn,tbn->tbd", states, C_t) + D_skip * X
    return y, states
