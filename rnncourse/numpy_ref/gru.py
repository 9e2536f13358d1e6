r"""The GRU in NumPy, in its two conventions: forward and backward, one step and a sequence.

PyTorch's ``nn.GRU`` (the default everywhere in the course):

.. math::

    \begin{aligned}
    r_t &= \sigma(W_{ir} x_t + b_{ir} + W_{hr} h_{t-1} + b_{hr}) && \text{reset gate}\\
    z_t &= \sigma(W_{iz} x_t + b_{iz} + W_{hz} h_{t-1} + b_{hz}) && \text{update gate}\\
    n_t &= \tanh\big(W_{in} x_t + b_{in} + r_t \odot (W_{hn} h_{t-1} + b_{hn})\big) && \text{candidate}\\
    h_t &= (1 - z_t) \odot n_t + z_t \odot h_{t-1}
    \end{aligned}

The reset-before-product form (``convention="reset_before"``): the reset gate scales
:math:`h_{t-1}` *before* the matrix product, as in Cho et al. (2014) and Chung et al. (2014),
and :math:`z_t` weights the candidate, as in Chung et al. (2014):

.. math::

    \tilde h_t = \tanh\big(W_{in} x_t + b_{in} + W_{hn} (r_t \odot h_{t-1}) + b_{hn}\big), \qquad
    h_t = (1 - z_t) \odot h_{t-1} + z_t \odot \tilde h_t

Cho et al. write :math:`h_t = z_t \odot h_{t-1} + (1 - z_t) \odot \tilde h_t`, the roles of
:math:`z` that PyTorch keeps; the swapped roles above are Chung et al.'s. The two forms here differ
in two ways. Swapping the roles of :math:`z` and :math:`1-z` is only a relabelling (a network
learns :math:`-a_z` instead of :math:`a_z`); applying the reset before or after :math:`W_{hn}` is a
genuinely different function. Both use the same arrays, gates stacked in PyTorch's order (r, z, n).

Shapes
------
T  sequence length, B  batch size, D  input size, H  hidden size.

=================  ==========  ============================================
``X``              (T, B, D)   inputs, time-major
``x_t``            (B, D)      inputs at one step
``h_prev``         (B, H)      previous hidden state
``W_ih``           (3H, D)     input weights, gates stacked (r, z, n)
``W_hh``           (3H, H)     recurrent weights, same stacking
``b_ih, b_hh``     (3H,)       the two biases (PyTorch keeps both)
``Hs``             (T, B, H)   every hidden state
=================  ==========  ============================================

References: Cho et al. (2014), *Learning phrase representations using RNN encoder-decoder for
statistical machine translation*; Chung et al. (2014), *Empirical evaluation of gated recurrent
neural networks on sequence modeling*.
"""
from __future__ import annotations

import numpy as np

from .lstm import require_steps, sigmoid

GATES = ("r", "z", "n")  # PyTorch's stacking order in W_ih, W_hh, b_ih, b_hh
CONVENTIONS = ("pytorch", "reset_before")


def _affine(x, W, b):
    out = x @ W.T
    return out if b is None else out + b


def gru_step_forward(x_t, h_prev, W_ih, W_hh, b_ih=None, b_hh=None):
    """One step of ``nn.GRU``'s GRU. Returns ``h_t, cache``."""
    H = h_prev.shape[1]
    Gx = _affine(x_t, W_ih, b_ih)  # (B, 3H) input parts of r, z, n
    Gh = _affine(h_prev, W_hh, b_hh)  # (B, 3H) recurrent parts of r, z, n
    r = sigmoid(Gx[:, :H] + Gh[:, :H])  # (B, H)
    z = sigmoid(Gx[:, H:2 * H] + Gh[:, H:2 * H])  # (B, H)
    hn = Gh[:, 2 * H:]  # (B, H) W_hn h_prev + b_hn: the reset gate scales this
    n = np.tanh(Gx[:, 2 * H:] + r * hn)  # (B, H)
    h_t = (1.0 - z) * n + z * h_prev  # z close to 1 keeps the old state
    return h_t, (x_t, h_prev, r, z, n, hn, W_ih, W_hh)


def gru_step_backward(dh_t, cache):
    """Backward through :func:`gru_step_forward`. Returns a dict with ``x``, ``h_prev``,
    ``W_ih``, ``W_hh``, ``b_ih``, ``b_hh``."""
    x_t, h_prev, r, z, n, hn, W_ih, W_hh = cache
    dn = dh_t * (1.0 - z)
    dz = dh_t * (h_prev - n)
    da_n = dn * (1.0 - n ** 2)  # through tanh
    dr = da_n * hn
    da_r = dr * r * (1.0 - r)
    da_z = dz * z * (1.0 - z)
    dGx = np.concatenate([da_r, da_z, da_n], axis=1)  # (B, 3H)
    dGh = np.concatenate([da_r, da_z, da_n * r], axis=1)  # (B, 3H) the reset gate scales W_hn h
    return {
        "x": dGx @ W_ih,
        "h_prev": dh_t * z + dGh @ W_hh,  # direct path through z * h_prev, plus the gates
        "W_ih": dGx.T @ x_t,
        "W_hh": dGh.T @ h_prev,
        "b_ih": dGx.sum(axis=0),
        "b_hh": dGh.sum(axis=0),
    }


def gru_reset_before_step_forward(x_t, h_prev, W_ih, W_hh, b_ih=None, b_hh=None):
    """One step of the reset-before-product GRU (Chung et al.'s form). Returns ``h_t, cache``.

    Same arrays as :func:`gru_step_forward`; ``b_hn`` is simply added to the candidate's
    pre-activation (in this convention it is indistinguishable from ``b_in``).
    """
    H = h_prev.shape[1]
    Gx = _affine(x_t, W_ih, b_ih)  # (B, 3H)
    Gh_rz = _affine(h_prev, W_hh[:2 * H], None if b_hh is None else b_hh[:2 * H])  # (B, 2H)
    r = sigmoid(Gx[:, :H] + Gh_rz[:, :H])
    z = sigmoid(Gx[:, H:2 * H] + Gh_rz[:, H:])
    rh = r * h_prev  # (B, H) reset BEFORE the matrix product
    a_n = Gx[:, 2 * H:] + _affine(rh, W_hh[2 * H:], None if b_hh is None else b_hh[2 * H:])
    h_tilde = np.tanh(a_n)
    h_t = (1.0 - z) * h_prev + z * h_tilde  # z close to 1 takes the candidate
    return h_t, (x_t, h_prev, r, z, rh, h_tilde, W_ih, W_hh)


def gru_reset_before_step_backward(dh_t, cache):
    """Backward through :func:`gru_reset_before_step_forward` (same dict as :func:`gru_step_backward`)."""
    x_t, h_prev, r, z, rh, h_tilde, W_ih, W_hh = cache
    H = h_prev.shape[1]
    dh_tilde = dh_t * z
    dz = dh_t * (h_tilde - h_prev)
    da_n = dh_tilde * (1.0 - h_tilde ** 2)  # (B, H)
    drh = da_n @ W_hh[2 * H:]  # (B, H) gradient of r * h_prev
    da_r = drh * h_prev * r * (1.0 - r)
    da_z = dz * z * (1.0 - z)
    da_rz = np.concatenate([da_r, da_z], axis=1)  # (B, 2H)
    dGx = np.concatenate([da_rz, da_n], axis=1)  # (B, 3H)
    dW_hh = np.concatenate([da_rz.T @ h_prev, da_n.T @ rh], axis=0)  # (3H, H)
    return {
        "x": dGx @ W_ih,
        "h_prev": dh_t * (1.0 - z) + drh * r + da_rz @ W_hh[:2 * H],
        "W_ih": dGx.T @ x_t,
        "W_hh": dW_hh,
        "b_ih": dGx.sum(axis=0),
        "b_hh": dGx.sum(axis=0),
    }


_STEPS = {
    "pytorch": (gru_step_forward, gru_step_backward),
    "reset_before": (gru_reset_before_step_forward, gru_reset_before_step_backward),
}


def _steps(convention):
    if convention not in _STEPS:
        raise ValueError(f"convention must be one of {CONVENTIONS}, got {convention!r}")
    return _STEPS[convention]


def gru_forward(X, h0, W_ih, W_hh, b_ih=None, b_hh=None, convention="pytorch"):
    """Run the GRU over a sequence. ``X`` (T, B, D), ``h0`` (B, H) or ``None`` for zeros.

    Returns ``Hs`` (T, B, H) and a cache for :func:`gru_backward`.
    """
    step_forward, _ = _steps(convention)
    T, B, _ = X.shape
    require_steps(T, "gru_forward")
    H = W_hh.shape[1]
    dtype = np.result_type(X, W_ih)
    h = np.zeros((B, H), dtype=dtype) if h0 is None else h0
    Hs = np.empty((T, B, H), dtype=dtype)
    caches = []
    for t in range(T):
        h, step_cache = step_forward(X[t], h, W_ih, W_hh, b_ih, b_hh)
        Hs[t] = h
        caches.append(step_cache)
    return Hs, (convention, caches)


def gru_backward(dHs, cache, dh_T=None):
    """BPTT for :func:`gru_forward`. ``dHs`` (T, B, H) is dL/dh_t from the outputs; ``dh_T``
    optionally adds a gradient on the final state. Returns a dict with ``X``, ``h0`` and the
    parameter gradients summed over time."""
    convention, caches = cache
    _, step_backward = _steps(convention)
    T = dHs.shape[0]
    require_steps(T, "gru_backward")
    x0, W_ih, W_hh = caches[0][0], caches[0][-2], caches[0][-1]
    dX = np.empty((T,) + x0.shape, dtype=dHs.dtype)
    grads = {"W_ih": np.zeros_like(W_ih), "W_hh": np.zeros_like(W_hh),
             "b_ih": np.zeros(W_ih.shape[0], dtype=dHs.dtype), "b_hh": np.zeros(W_ih.shape[0], dtype=dHs.dtype)}
    dh_next = np.zeros_like(dHs[0]) if dh_T is None else dh_T.copy()
    for t in reversed(range(T)):
        step = step_backward(dHs[t] + dh_next, caches[t])
        dX[t] = step["x"]
        dh_next = step["h_prev"]
        for name in ("W_ih", "W_hh", "b_ih", "b_hh"):
            grads[name] += step[name]
    grads.update(X=dX, h0=dh_next)
    return grads
