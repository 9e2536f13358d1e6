r"""The LSTM in NumPy: forward and backward for one step and for a whole sequence.

.. math::

    \begin{aligned}
    i_t &= \sigma(W_{ii} x_t + b_{ii} + W_{hi} h_{t-1} + b_{hi}) && \text{input gate}\\
    f_t &= \sigma(W_{if} x_t + b_{if} + W_{hf} h_{t-1} + b_{hf}) && \text{forget gate}\\
    g_t &= \tanh(W_{ig} x_t + b_{ig} + W_{hg} h_{t-1} + b_{hg}) && \text{candidate } \tilde C_t\\
    o_t &= \sigma(W_{io} x_t + b_{io} + W_{ho} h_{t-1} + b_{ho}) && \text{output gate}\\
    c_t &= f_t \odot c_{t-1} + i_t \odot g_t\\
    h_t &= o_t \odot \tanh(c_t)
    \end{aligned}

The four gates are stacked in PyTorch's order (i, f, g, o) into one weight matrix, so that one
matrix product computes all pre-activations: ``A = x_t @ W_ih.T + b_ih + h_prev @ W_hh.T + b_hh``
is (B, 4H) and ``A[:, 0:H]`` belongs to ``i``, ``A[:, H:2H]`` to ``f``, ``A[:, 2H:3H]`` to ``g``
and ``A[:, 3H:4H]`` to ``o``. These arrays can be copied 1:1 into ``torch.nn.LSTM``.

The backward pass is what makes the LSTM work: along the cell state,
:math:`\partial c_t / \partial c_{t-1} = \mathrm{diag}(f_t)`, with no weight matrix and no
squashing derivative in between.

Shapes
------
T  sequence length, B  batch size, D  input size, H  hidden size.

=====================  ==========  ==========================================
``X``                  (T, B, D)   inputs, time-major
``x_t``                (B, D)      inputs at one step
``h_prev, c_prev``     (B, H)      previous hidden and cell state
``W_ih``               (4H, D)     input weights, gates stacked (i, f, g, o)
``W_hh``               (4H, H)     recurrent weights, same stacking
``b_ih, b_hh``         (4H,)       the two biases (PyTorch keeps both)
``Hs, Cs``             (T, B, H)   every hidden and cell state
=====================  ==========  ==========================================

Reference: Hochreiter & Schmidhuber (1997), *Long short-term memory*; the forget gate is from
Gers, Schmidhuber & Cummins (2000).
"""
from __future__ import annotations

import numpy as np

GATES = ("i", "f", "g", "o")  # PyTorch's stacking order in W_ih, W_hh, b_ih, b_hh


def sigmoid(a: np.ndarray) -> np.ndarray:
    """Logistic function :math:`1/(1+e^{-a})`, via tanh so that no ``exp`` can overflow."""
    return 0.5 * (1.0 + np.tanh(0.5 * a))


def require_steps(T: int, function: str) -> None:
    """Refuse an empty sequence, as ``torch.nn``'s recurrent modules do: with T = 0 there is no
    step to run, and no cache from which a backward pass could read the weights."""
    if T == 0:
        raise ValueError(f"{function}: the sequence has no time steps (T = 0); it needs at least one")


def lstm_step_forward(x_t, h_prev, c_prev, W_ih, W_hh, b_ih=None, b_hh=None):
    """One LSTM step. Returns ``h_t, c_t, cache`` (``cache`` is what the backward pass needs).

    ``b_ih=None`` / ``b_hh=None`` mean no bias.
    """
    H = h_prev.shape[1]
    A = x_t @ W_ih.T + h_prev @ W_hh.T  # (B, 4H) all gate pre-activations at once
    if b_ih is not None:
        A = A + b_ih
    if b_hh is not None:
        A = A + b_hh
    i = sigmoid(A[:, 0 * H:1 * H])  # (B, H) input gate
    f = sigmoid(A[:, 1 * H:2 * H])  # (B, H) forget gate
    g = np.tanh(A[:, 2 * H:3 * H])  # (B, H) candidate, often written c_tilde
    o = sigmoid(A[:, 3 * H:4 * H])  # (B, H) output gate
    c_t = f * c_prev + i * g  # (B, H) the forget gate scales the OLD cell state
    tanh_c = np.tanh(c_t)
    h_t = o * tanh_c  # (B, H)
    cache = (x_t, h_prev, c_prev, i, f, g, o, tanh_c, W_ih, W_hh)
    return h_t, c_t, cache


def lstm_step_backward(dh_t, dc_t, cache):
    """Backward through one step.

    ``dh_t`` and ``dc_t`` are the gradients of the loss with respect to ``h_t`` and ``c_t``
    (everything that reaches them from later steps and from the outputs). Returns a dict with
    ``x`` (B, D), ``h_prev`` (B, H), ``c_prev`` (B, H), ``W_ih``, ``W_hh``, ``b_ih``, ``b_hh``.
    """
    x_t, h_prev, c_prev, i, f, g, o, tanh_c, W_ih, W_hh = cache
    # c_t reaches the loss directly (dc_t) and through h_t = o * tanh(c_t)
    dc = dc_t + dh_t * o * (1.0 - tanh_c ** 2)  # (B, H)
    do = dh_t * tanh_c
    di = dc * g
    dg = dc * i
    df = dc * c_prev
    dc_prev = dc * f  # dc_t/dc_{t-1} = f_t: the path where the gradient survives
    dA = np.concatenate([
        di * i * (1.0 - i),
        df * f * (1.0 - f),
        dg * (1.0 - g ** 2),
        do * o * (1.0 - o),
    ], axis=1)  # (B, 4H) gradient of the stacked pre-activations
    db = dA.sum(axis=0)  # (4H,) both biases enter A in the same way
    return {
        "x": dA @ W_ih,  # (B, D)
        "h_prev": dA @ W_hh,  # (B, H)
        "c_prev": dc_prev,  # (B, H)
        "W_ih": dA.T @ x_t,  # (4H, D)
        "W_hh": dA.T @ h_prev,  # (4H, H)
        "b_ih": db,
        "b_hh": db.copy(),
    }


def lstm_forward(X, h0, c0, W_ih, W_hh, b_ih=None, b_hh=None):
    """Run the LSTM over a sequence.

    ``X`` is (T, B, D); ``h0``, ``c0`` are (B, H) or ``None`` for zeros. Returns
    ``Hs`` (T, B, H), ``Cs`` (T, B, H) and a ``cache`` for :func:`lstm_backward`.
    """
    T, B, _ = X.shape
    require_steps(T, "lstm_forward")
    H = W_hh.shape[1]
    dtype = np.result_type(X, W_ih)
    h = np.zeros((B, H), dtype=dtype) if h0 is None else h0
    c = np.zeros((B, H), dtype=dtype) if c0 is None else c0
    Hs = np.empty((T, B, H), dtype=dtype)
    Cs = np.empty((T, B, H), dtype=dtype)
    caches = []
    for t in range(T):
        h, c, step_cache = lstm_step_forward(X[t], h, c, W_ih, W_hh, b_ih, b_hh)
        Hs[t], Cs[t] = h, c
        caches.append(step_cache)
    return Hs, Cs, caches


def lstm_backward(dHs, caches, dh_T=None, dc_T=None):
    """Backpropagation through time for :func:`lstm_forward`.

    ``dHs`` (T, B, H) is dL/dh_t coming from the outputs at every step; ``dh_T`` and ``dc_T``
    (B, H) optionally add a gradient on the final states. Returns a dict with ``X`` (T, B, D),
    ``h0``, ``c0`` (B, H) and the parameter gradients ``W_ih``, ``W_hh``, ``b_ih``, ``b_hh``,
    each summed over every time step (the weights are shared by all of them).
    """
    T = dHs.shape[0]
    require_steps(T, "lstm_backward")
    x0, *_, W_ih, W_hh = caches[0]
    dX = np.empty((T,) + x0.shape, dtype=dHs.dtype)
    grads = {name: np.zeros_like(w) for name, w in (("W_ih", W_ih), ("W_hh", W_hh))}
    grads["b_ih"] = np.zeros(W_ih.shape[0], dtype=dHs.dtype)
    grads["b_hh"] = np.zeros(W_ih.shape[0], dtype=dHs.dtype)
    dh_next = np.zeros_like(dHs[0]) if dh_T is None else dh_T.copy()  # from step t+1
    dc_next = np.zeros_like(dHs[0]) if dc_T is None else dc_T.copy()
    for t in reversed(range(T)):
        step = lstm_step_backward(dHs[t] + dh_next, dc_next, caches[t])
        dX[t] = step["x"]
        dh_next, dc_next = step["h_prev"], step["c_prev"]
        for name in ("W_ih", "W_hh", "b_ih", "b_hh"):
            grads[name] += step[name]
    grads.update(X=dX, h0=dh_next, c0=dc_next)
    return grads
