"""Experiments of the chapter "Unrolling an RNN in time".

- :func:`unroll_by_hand`: the recurrence written as T explicit layers (a Python list of steps),
  in torch, to compare with ``nn.RNN``.
- :class:`UntiedUnrolled`: the same T-layer network with its OWN copy of the weights at every
  step; with all copies equal it computes the RNN, and the gradient of each copy is one
  step's contribution to the gradient of the shared weight.
- :func:`per_step_contributions`: those contributions from the NumPy backward pass.
"""
from __future__ import annotations

import numpy as np
import torch
from torch import nn

from ..numpy_ref.rnn import rnn_step_backward


def unroll_by_hand(X: torch.Tensor, h0: torch.Tensor, W_xh, W_hh, b_h) -> torch.Tensor:
    """``h_1 = tanh(W_xh x_1 + W_hh h_0 + b_h)``, ``h_2 = ...``: one line per layer of the unrolled net."""
    layers = [h0]  # (B, H)
    for x_t in X:  # the t-th layer of a T-layer network, with the same weights in every layer
        layers.append(torch.tanh(x_t @ W_xh.T + layers[-1] @ W_hh.T + b_h))
    return torch.stack(layers[1:])  # (T, B, H)


class UntiedUnrolled(nn.Module):
    """A T-layer feedforward network with one copy of ``(W_xh, W_hh, b_h)`` per layer.

    Built from a single-layer ``nn.RNN`` (tanh) with every copy equal to its weights, it
    computes exactly what the RNN computes; but each copy gets its own gradient. Tying the
    weights back together means adding those gradients.
    """

    def __init__(self, rnn: nn.RNN, T: int):
        super().__init__()
        W_xh, W_hh = rnn.weight_ih_l0.detach(), rnn.weight_hh_l0.detach()
        b_h = (rnn.bias_ih_l0 + rnn.bias_hh_l0).detach()
        self.W_xh = nn.ParameterList([nn.Parameter(W_xh.clone()) for _ in range(T)])
        self.W_hh = nn.ParameterList([nn.Parameter(W_hh.clone()) for _ in range(T)])
        self.b_h = nn.ParameterList([nn.Parameter(b_h.clone()) for _ in range(T)])

    def forward(self, X: torch.Tensor, h0: torch.Tensor) -> torch.Tensor:
        h, outputs = h0, []
        for t, x_t in enumerate(X):  # layer t uses its own copy
            h = torch.tanh(x_t @ self.W_xh[t].T + h @ self.W_hh[t].T + self.b_h[t])
            outputs.append(h)
        return torch.stack(outputs)  # (T, B, H)


def per_step_contributions(dHs, X, Hs, h0, W_xh, W_hh, nonlinearity="tanh") -> dict[str, np.ndarray]:
    """Each step's term of the shared weights' gradients, from the NumPy backward pass.

    Returns ``dW_xh`` (T, H, D), ``dW_hh`` (T, H, H), ``db_h`` (T, H): entry t is step t's
    contribution ``delta_t x_t^T``, ``delta_t h_{t-1}^T``, ``delta_t``; their sums over t are
    the gradients that :func:`rnncourse.numpy_ref.rnn.rnn_backward` returns.
    """
    T = X.shape[0]
    terms = {"dW_xh": np.empty((T,) + W_xh.shape), "dW_hh": np.empty((T,) + W_hh.shape),
             "db_h": np.empty((T, W_hh.shape[0]))}
    dh_next = np.zeros_like(h0)
    for t in reversed(range(T)):
        h_prev = Hs[t - 1] if t > 0 else h0
        step = rnn_step_backward(dHs[t] + dh_next, X[t], h_prev, Hs[t], W_xh, W_hh, nonlinearity)
        for name in terms:
            terms[name][t] = step[name]
        dh_next = step["dh_prev"]
    return terms
