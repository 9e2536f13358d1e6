r"""Measuring how gradients travel back in time: :math:`\lVert \partial h_T / \partial s_k \rVert` against T - k.

For a recurrence :math:`s_t = F(s_{t-1}, x_t)` whose output is :math:`h_t` (the state itself for an
RNN or a GRU; :math:`s_t = (h_t, c_t)` for an LSTM), the chain rule gives

.. math::

    \frac{\partial h_T}{\partial s_k} = \frac{\partial h_T}{\partial s_T}\prod_{t=k+1}^{T} \frac{\partial s_t}{\partial s_{t-1}},

and for the tanh RNN :math:`\partial h_t / \partial h_{t-1} = \mathrm{diag}(1 - h_t^2)\, W_{hh}`.
If the product shrinks geometrically, what happened at step k cannot influence the loss at
step T: the gradient *vanishes*; if it grows, it *explodes*.

:func:`state_jacobian_norms` measures the whole Jacobian, not a projection of it, with one
backward pass: every example is repeated H times, copy j reads out unit j of :math:`h_T`, so the
gradient reaching copy j of :math:`s_k` is row j of :math:`\partial h_T / \partial s_k`.
It works with any cell that follows the course's cell protocol (``rnncourse.nn.layers``).

Shapes: ``X`` (T, B, D); the result is (B, T + 1), entry ``[b, k]`` the Frobenius norm of
:math:`\partial h_T / \partial s_k` for example b, k = 0 (the initial state) ... T.
"""
from __future__ import annotations

import torch
from torch import Tensor, nn


def state_jacobian_norms(cell: nn.Module, X: Tensor, state=None) -> Tensor:
    r"""Frobenius norms of :math:`\partial h_T / \partial s_k` for k = 0..T; returns (B, T + 1)."""
    T, B, D = X.shape
    H = cell.hidden_size
    X_rep = X.detach().repeat_interleave(H, dim=1)  # (T, B*H, D): H copies of each example
    if state is None:
        state = cell.init_state(B * H, X_rep)
    else:
        state = (state.detach().repeat_interleave(H, dim=0) if isinstance(state, Tensor)
                 else tuple(s.detach().repeat_interleave(H, dim=0) for s in state))
    # Each state s_k gets a zero "tap" e_k added before the next step reads it. The gradient
    # with respect to e_k is dh_T/ds_k with the parts of s_k (h_k and c_k for an LSTM) treated
    # as independent inputs; the gradient with respect to s_k itself would also count the path
    # c_k -> h_k inside step k.
    taps = []
    with torch.enable_grad():
        for t in range(T + 1):
            parts = (state,) if isinstance(state, Tensor) else tuple(state)
            tap = [torch.zeros_like(p).requires_grad_() for p in parts]
            taps.append(tap)
            parts = tuple(p.detach() + e if t == 0 else p + e for p, e in zip(parts, tap))
            state = parts[0] if len(parts) == 1 else parts
            if t < T:
                state = cell(X_rep[t], state)
        h_T = cell.hidden(state).reshape(B, H, H)  # [b, copy j, unit]
        readout = torch.diagonal(h_T, dim1=1, dim2=2).sum()  # copy j reads unit j
        grads = torch.autograd.grad(readout, [e for tap in taps for e in tap], allow_unused=True)
    norms = []
    index = 0
    for tap in taps:
        g = [torch.zeros_like(e) if grads[index + i] is None else grads[index + i] for i, e in enumerate(tap)]
        index += len(tap)
        jac = torch.cat(g, dim=-1).reshape(B, H, -1)  # (B, H rows, state size)
        norms.append(jac.flatten(1).norm(dim=1))
    return torch.stack(norms, dim=1).detach()  # (B, T + 1)


def recurrent_weight(hidden_size: int, spectral_radius: float, generator: torch.Generator | None = None,
                     dtype=torch.float64) -> Tensor:
    """A random Gaussian (H, H) matrix rescaled so that its largest |eigenvalue| is ``spectral_radius``."""
    W = torch.randn(hidden_size, hidden_size, generator=generator, dtype=dtype) / hidden_size ** 0.5
    return W * (spectral_radius / torch.linalg.eigvals(W).abs().max())


def spectral_radius(W: Tensor) -> float:
    """The largest absolute eigenvalue of a square matrix."""
    return float(torch.linalg.eigvals(W.detach().cpu()).abs().max())
