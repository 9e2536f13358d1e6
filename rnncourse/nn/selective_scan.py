r"""The selective scan of Mamba (Gu and Dao, 2023) in plain torch, and a small Mamba-style block.

.. math::

    \Delta_t = \operatorname{softplus}(W_\Delta x_t + b_\Delta),\ B_t = W_B x_t,\ C_t = W_C x_t,\
    \bar A_t = \exp(\Delta_t A),\ h_t = \bar A_t \odot h_{t-1} + \Delta_t B_t x_t,\
    y_t = h_t C_t + D \odot x_t

with :math:`A = -\exp(A_{\log})` (D, N). The coefficients depend on the input (selection), so
the model is no longer time-invariant and has no convolution form; it is still linear in
:math:`h`, so ``mode="scan"``/``"chunked"`` runs it in parallel and ``mode="loop"`` step by step.
Mamba's fused GPU kernel avoids writing the (T, B, D, N) states to memory; here they are formed
explicitly, which is fine at the course's sizes.

Shapes: ``X`` (T, B, D); states (B, D, N); outputs (T, B, D).
"""
from __future__ import annotations

import torch
from torch import nn
from torch.nn.functional import silu, softplus

from .linear_recurrence import linear_recurrence


class SelectiveScan(nn.Module):
    """The S6 layer: D channels, each with an N-dimensional selective state."""

    def __init__(self, d_model: int, state_size: int = 8, device=None, dtype=None):
        super().__init__()
        kw = dict(device=device, dtype=dtype)
        self.delta_proj = nn.Linear(d_model, d_model, **kw)
        self.W_B = nn.Parameter(torch.randn(state_size, d_model, **kw) / d_model ** 0.5)
        self.W_C = nn.Parameter(torch.randn(state_size, d_model, **kw) / d_model ** 0.5)
        # S4D-real initialisation A[:, n] = -(n + 1)
        self.A_log = nn.Parameter(torch.log(torch.arange(1, state_size + 1, **kw)).repeat(d_model, 1))
        self.D = nn.Parameter(torch.ones(d_model, **kw))

    def forward(self, X, state=None, mode: str = "chunked"):
        delta = softplus(self.delta_proj(X))                               # (T, B, D)
        B_t, C_t = X @ self.W_B.T, X @ self.W_C.T                          # (T, B, N)
        A = -torch.exp(self.A_log)                                         # (D, N)
        A_bar = torch.exp(delta.unsqueeze(-1) * A)                         # (T, B, D, N)
        Bx = (delta * X).unsqueeze(-1) * B_t.unsqueeze(2)                  # (T, B, D, N)
        states = linear_recurrence(A_bar, Bx, state, mode)                 # (T, B, D, N)
        y = torch.einsum("tbdn,tbn->tbd", states, C_t) + self.D * X
        return y, states[-1]


class MambaBlock(nn.Module):
    """x -> in-projection (x, gate) -> causal depthwise conv -> SiLU -> selective scan -> * SiLU(gate) -> out."""

    def __init__(self, d_model: int, expand: int = 2, state_size: int = 8, conv_size: int = 4, device=None, dtype=None):
        super().__init__()
        kw = dict(device=device, dtype=dtype)
        d_inner = expand * d_model
        self.in_proj = nn.Linear(d_model, 2 * d_inner, **kw)
        self.conv = nn.Conv1d(d_inner, d_inner, conv_size, groups=d_inner, padding=conv_size - 1, **kw)
        self.ssm = SelectiveScan(d_inner, state_size, **kw)
        self.out_proj = nn.Linear(d_inner, d_model, **kw)

    def forward(self, X, mode: str = "chunked"):
        x, gate = self.in_proj(X).chunk(2, dim=-1)                         # (T, B, d_inner) each
        T = X.shape[0]
        x = self.conv(x.permute(1, 2, 0))[..., :T].permute(2, 0, 1)        # causal: keep the first T outputs
        y, _ = self.ssm(silu(x), mode=mode)
        return self.out_proj(y * silu(gate))
