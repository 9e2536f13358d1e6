r"""The Elman RNN in NumPy: forward for one step and for a whole sequence.

.. math::

    h_t = \phi(W_{xh} x_t + W_{hh} h_{t-1} + b_h), \qquad y_t = W_{hy} h_t + b_y

with :math:`\phi = \tanh` (or ReLU). For a batch of rows (one example per row) this reads
``H_t = phi(X_t @ W_xh.T + H_prev @ W_hh.T + b_h)``.

Shapes
------
T  sequence length, B  batch size, D  input size, H  hidden size.

==========  =========  =====================================
``X``       (T, B, D)  inputs, time-major
``x_t``     (B, D)     inputs at one step
``h_prev``  (B, H)     previous hidden state :math:`h_{t-1}`
``W_xh``    (H, D)     input-to-hidden weights
``W_hh``    (H, H)     hidden-to-hidden weights, shared by every step
``b_h``     (H,)       hidden bias
``Hs``      (T, B, H)  every hidden state :math:`h_1 \dots h_T`
==========  =========  =====================================

Reference: Elman (1990), *Finding structure in time*.
"""
from __future__ import annotations

import numpy as np

ACTIVATIONS = ("tanh", "relu")


def activate(a: np.ndarray, nonlinearity: str = "tanh") -> np.ndarray:
    """Apply the hidden nonlinearity phi to the pre-activation ``a``."""
    if nonlinearity == "tanh":
        return np.tanh(a)
    if nonlinearity == "relu":
        return np.maximum(a, 0.0)
    raise ValueError(f"nonlinearity must be one of {ACTIVATIONS}, got {nonlinearity!r}")


def rnn_step_forward(x_t, h_prev, W_xh, W_hh, b_h=None, nonlinearity="tanh"):
    """One step: ``h_t = phi(x_t @ W_xh.T + h_prev @ W_hh.T + b_h)``.

    Returns ``h_t`` of shape (B, H). ``b_h=None`` means no bias.
    """
    a_t = x_t @ W_xh.T + h_prev @ W_hh.T  # (B, H) pre-activation
    if b_h is not None:
        a_t = a_t + b_h
    return activate(a_t, nonlinearity)


def rnn_forward(X, h0, W_xh, W_hh, b_h=None, nonlinearity="tanh"):
    """Run the recurrence over a whole sequence.

    ``X`` is (T, B, D); ``h0`` is (B, H) or ``None`` for zeros. Returns ``Hs`` (T, B, H), the
    hidden state after every step; ``Hs[-1]`` is the final state :math:`h_T`.
    """
    T, B, _ = X.shape
    h = np.zeros((B, W_hh.shape[0]), dtype=X.dtype) if h0 is None else h0
    Hs = np.empty((T, B, W_hh.shape[0]), dtype=np.result_type(X, W_xh))
    for t in range(T):  # the sequential dependency: step t needs h_{t-1}
        h = rnn_step_forward(X[t], h, W_xh, W_hh, b_h, nonlinearity)
        Hs[t] = h
    return Hs
