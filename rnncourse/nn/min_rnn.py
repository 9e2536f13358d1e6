r"""minGRU and minLSTM (Feng et al., 2024): gates of the input only, so training is a scan.

.. math::

    \text{minGRU:}\quad h_t = (1 - z_t) \odot h_{t-1} + z_t \odot \tilde h_t,\quad
    z_t = \sigma(W_z x_t + b_z),\quad \tilde h_t = g(W_h x_t + b_h)

    \text{minLSTM:}\quad h_t = f'_t \odot h_{t-1} + i'_t \odot \tilde h_t,\quad
    (f'_t, i'_t) = \frac{(f_t, i_t)}{f_t + i_t},\quad f_t = \sigma(W_f x_t + b_f),\ i_t = \sigma(W_i x_t + b_i)

with :math:`g(x) = x + \tfrac12\ (x \ge 0)`, :math:`\sigma(x)\ (x < 0)`. Neither gate sees
:math:`h_{t-1}`, so every step is :math:`h_t = a_t h_{t-1} + b_t` with coefficients computed for
all :math:`t` at once, and the states come from one linear recurrence:
``mode="loop"`` (step by step, as at inference), ``"scan"``, ``"chunked"`` or ``"log"``
(log-space: ``cumsum`` and ``logcumsumexp`` of :math:`\log a_t`, :math:`\log b_t`, which never
underflow). All four give the same states.

Shapes: ``X`` (T, B, D); ``state`` (B, H); outputs (T, B, H). Weights ``W_*`` (H, D), ``b_*`` (H,).
"""
from __future__ import annotations

import math

import torch
from torch import nn
from torch.nn.functional import softplus

from .linear_recurrence import linear_recurrence, log_space_recurrence


def g(x: torch.Tensor) -> torch.Tensor:
    """x + 1/2 for x >= 0, sigmoid(x) below: positive and continuous."""
    return torch.where(x >= 0, x + 0.5, torch.sigmoid(x))


def log_g(x: torch.Tensor) -> torch.Tensor:
    """log g(x), computed without forming g for negative x: log sigmoid(x) = -softplus(-x)."""
    return torch.where(x >= 0, torch.log(torch.relu(x) + 0.5), -softplus(-x))


class _MinRecurrence(nn.Module):
    """Shared part: parameters W_<gate>, b_<gate> for each gate name, and the four modes."""

    gates: tuple[str, ...] = ()

    def __init__(self, input_size: int, hidden_size: int, device=None, dtype=None):
        super().__init__()
        kw = dict(device=device, dtype=dtype)
        self.input_size, self.hidden_size = input_size, hidden_size
        bound = 1 / math.sqrt(input_size)                                 # nn.Linear's initialisation
        for name in self.gates:
            self.register_parameter(f"W_{name}", nn.Parameter(torch.empty(hidden_size, input_size, **kw).uniform_(-bound, bound)))
            self.register_parameter(f"b_{name}", nn.Parameter(torch.empty(hidden_size, **kw).uniform_(-bound, bound)))

    def pre_activations(self, X):
        """{gate: W_gate x_t + b_gate} for all t at once, each (T, B, H)."""
        return {name: X @ getattr(self, f"W_{name}").T + getattr(self, f"b_{name}") for name in self.gates}

    def forward(self, X, state=None, mode: str = "chunked"):
        if X.dim() != 3 or X.shape[-1] != self.input_size:
            raise ValueError(f"expected X of shape (T, B, {self.input_size}), got {tuple(X.shape)}")
        pre = self.pre_activations(X)
        if mode == "log":
            states = log_space_recurrence(*self.log_coefficients(pre), state)
        else:
            states = linear_recurrence(*self.coefficients(pre), state, mode)
        return states, states[-1]


class MinGRU(_MinRecurrence):
    """minGRU: h_t = (1 - z_t) h_{t-1} + z_t g(W_h x_t + b_h), z_t = sigmoid(W_z x_t + b_z)."""

    gates = ("z", "h")

    def coefficients(self, pre):
        z = torch.sigmoid(pre["z"])
        return 1 - z, z * g(pre["h"])

    def log_coefficients(self, pre):
        # log(1 - sigmoid(k)) = -softplus(k); log sigmoid(k) = -softplus(-k)
        return -softplus(pre["z"]), -softplus(-pre["z"]) + log_g(pre["h"])


class MinLSTM(_MinRecurrence):
    """minLSTM: h_t = f'_t h_{t-1} + i'_t g(W_h x_t + b_h), (f', i') = (f, i) / (f + i)."""

    gates = ("f", "i", "h")

    def coefficients(self, pre):
        f, i = torch.sigmoid(pre["f"]), torch.sigmoid(pre["i"])
        return f / (f + i), i / (f + i) * g(pre["h"])

    def log_coefficients(self, pre):
        log_f, log_i = -softplus(-pre["f"]), -softplus(-pre["i"])
        log_sum = torch.logaddexp(log_f, log_i)
        return log_f - log_sum, log_i - log_sum + log_g(pre["h"])
