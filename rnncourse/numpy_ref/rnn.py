r"""The Elman RNN in NumPy: forward and backward (BPTT, truncated BPTT), one step and a sequence.

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
``dHs``     (T, B, H)  :math:`\partial L / \partial h_t` from the outputs at every step
``dh_next`` (B, H)     :math:`\partial L / \partial h_t` arriving from step t+1
==========  =========  =====================================

Backward
--------
With :math:`a_t` the pre-activation and :math:`\delta_t = \partial L/\partial a_t`,

.. math::

    \frac{\partial L}{\partial h_t} = \underbrace{\frac{\partial L_t}{\partial h_t}}_{\text{dHs[t]}}
        + \underbrace{W_{hh}^\top \delta_{t+1}}_{\text{dh\_next}}, \qquad
    \delta_t = \frac{\partial L}{\partial h_t} \odot \phi'(a_t), \qquad
    \phi'(a_t) = 1 - h_t^2 \ (\tanh), \ [h_t > 0] \ (\mathrm{ReLU}),

    \frac{\partial L}{\partial W_{hh}} = \sum_t \delta_t h_{t-1}^\top, \quad
    \frac{\partial L}{\partial W_{xh}} = \sum_t \delta_t x_t^\top, \quad
    \frac{\partial L}{\partial b_h} = \sum_t \delta_t, \quad
    \frac{\partial L}{\partial x_t} = W_{xh}^\top \delta_t .

The derivative of tanh is written with the *output* :math:`h_t` (``1 - h_t**2``), never with
the pre-activation. Truncated BPTT with window ``k`` runs the same forward pass but drops
``dh_next`` at every window boundary (the carried state is treated as a constant).

Reference: Elman (1990), *Finding structure in time*; Werbos (1990), *Backpropagation through
time: what it does and how to do it*.
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


def activation_derivative(h: np.ndarray, nonlinearity: str = "tanh") -> np.ndarray:
    """phi'(a) written with the OUTPUT ``h = phi(a)``: ``1 - h**2`` for tanh, ``h > 0`` for ReLU."""
    if nonlinearity == "tanh":
        return 1.0 - h ** 2
    if nonlinearity == "relu":
        return (h > 0).astype(h.dtype)
    raise ValueError(f"nonlinearity must be one of {ACTIVATIONS}, got {nonlinearity!r}")


def rnn_step_backward(dh_t, x_t, h_prev, h_t, W_xh, W_hh, nonlinearity="tanh"):
    """Backward through one step ``h_t = phi(x_t @ W_xh.T + h_prev @ W_hh.T + b_h)``.

    ``dh_t`` (B, H) is the TOTAL gradient of the loss with respect to ``h_t`` (from the output
    at step t and from step t+1). Returns a dict with ``dx_t`` (B, D), ``dh_prev`` (B, H),
    ``dW_xh`` (H, D), ``dW_hh`` (H, H) and ``db_h`` (H,): this step's contributions only.
    """
    delta = dh_t * activation_derivative(h_t, nonlinearity)  # (B, H) dL/da_t
    return {
        "dx_t": delta @ W_xh,  # (B, D)
        "dh_prev": delta @ W_hh,  # (B, H) = (W_hh^T delta^T)^T: the path to step t-1
        "dW_xh": delta.T @ x_t,  # (H, D) summed over the batch
        "dW_hh": delta.T @ h_prev,  # (H, H)
        "db_h": delta.sum(axis=0),  # (H,)
    }


def rnn_backward(dHs, X, Hs, h0, W_xh, W_hh, nonlinearity="tanh", dh_T=None, truncate=None):
    """Backpropagation through time for :func:`rnn_forward`.

    ``dHs`` (T, B, H) is dL/dh_t from the outputs at every step (zeros where a step has no
    loss); ``X``, ``Hs`` are the forward pass's input and output; ``h0`` (B, H) or ``None`` for
    zeros; ``dh_T`` (B, H) optionally adds a gradient on the final state. ``truncate=k`` gives
    the gradient of truncated BPTT with windows ``[0, k), [k, 2k), ...``: the gradient flowing
    into the state carried across a window boundary is dropped (in torch: ``h = h.detach()``
    every k steps), so ``dh0`` receives only the first window's gradient.

    Returns a dict with ``dX`` (T, B, D), ``dh0`` (B, H) and ``dW_xh``, ``dW_hh``, ``db_h``,
    each summed over every time step because the weights are shared by all of them.
    """
    T, B, _ = X.shape
    H = W_hh.shape[0]
    if truncate is not None and truncate < 1:
        raise ValueError(f"truncate must be a positive number of steps, got {truncate}")
    h0 = np.zeros((B, H), dtype=Hs.dtype) if h0 is None else h0
    grads = {"dX": np.empty_like(X, dtype=np.result_type(X, dHs)),
             "dW_xh": np.zeros_like(W_xh), "dW_hh": np.zeros_like(W_hh),
             "db_h": np.zeros(H, dtype=W_hh.dtype)}
    dh_next = np.zeros((B, H), dtype=dHs.dtype) if dh_T is None else dh_T.copy()  # (B, H)
    for t in reversed(range(T)):
        h_prev = Hs[t - 1] if t > 0 else h0  # (B, H)
        step = rnn_step_backward(dHs[t] + dh_next, X[t], h_prev, Hs[t], W_xh, W_hh, nonlinearity)
        grads["dX"][t] = step["dx_t"]
        for name in ("dW_xh", "dW_hh", "db_h"):
            grads[name] += step[name]  # accumulate: every step uses the same weights
        dh_next = step["dh_prev"]
        if truncate is not None and t > 0 and t % truncate == 0:
            dh_next = np.zeros_like(dh_next)  # window boundary: the carried state is a constant
    grads["dh0"] = dh_next
    return grads


def truncated_windows(T: int, k: int) -> list[tuple[int, int]]:
    """The windows ``[(0, k), (k, 2k), ...]`` (the last one may be shorter) covering T steps."""
    if k < 1:
        raise ValueError(f"the window must hold at least one step, got k={k}")
    return [(start, min(start + k, T)) for start in range(0, T, k)]


def rnn_truncated_bptt(X, h0, W_xh, W_hh, b_h, loss_grad, k, nonlinearity="tanh"):
    """Truncated BPTT as it runs in training: window by window, carrying the state forwards.

    For each window ``[s, e)`` of :func:`truncated_windows`: run :func:`rnn_forward` from the
    carried state, ask ``loss_grad(start, Hs_window) -> dHs_window`` for dL/dh_t of the
    window's steps, backpropagate inside the window only (the carried state is treated as a
    constant, it is "detached"), and carry ``Hs_window[-1]`` into the next window. Only the
    current window's activations are kept, so memory is O(k) instead of O(T).

    Returns ``Hs`` (T, B, H) and a list of per-window gradient dicts (as :func:`rnn_backward`);
    their sum equals ``rnn_backward(..., truncate=k)``. A trainer would update the weights after
    each window instead of summing.
    """
    T = X.shape[0]
    h = np.zeros((X.shape[1], W_hh.shape[0]), dtype=X.dtype) if h0 is None else h0
    Hs = np.empty((T, X.shape[1], W_hh.shape[0]), dtype=np.result_type(X, W_xh))
    window_grads = []
    for start, stop in truncated_windows(T, k):
        H_window = rnn_forward(X[start:stop], h, W_xh, W_hh, b_h, nonlinearity)  # (k, B, H)
        dH_window = loss_grad(start, H_window)  # (k, B, H)
        window_grads.append(rnn_backward(dH_window, X[start:stop], H_window, h, W_xh, W_hh, nonlinearity))
        Hs[start:stop] = H_window
        h = H_window[-1]  # carried forwards, but no gradient flows back through it
    return Hs, window_grads
