r"""The Linear Recurrent Unit (Orvieto et al., 2023) as a torch module.

.. math::

    \lambda = \exp(-e^{\nu} + i e^{\theta}),\quad
    h_t = \lambda \odot h_{t-1} + e^{\gamma_{\log}} \odot (B x_t),\quad
    y_t = \operatorname{Re}(C h_t) + D \odot x_t .

:math:`|\lambda| = \exp(-e^{\nu}) < 1` for every real :math:`\nu`, so no gradient step can make
the recurrence unstable; :math:`\gamma = \sqrt{1 - |\lambda|^2}` at initialisation normalises
the state. Complex numbers are stored as real and imaginary parts (``B_re``, ``B_im``, ...).
The recurrence is diagonal and linear, so ``mode`` picks a loop or a parallel scan
(:mod:`rnncourse.nn.linear_recurrence`); all give the same states.

Shapes: ``X`` (T, B, D); state (B, N) complex; outputs (T, B, D).
"""
from __future__ import annotations

import math

import torch
from torch import nn

from .linear_recurrence import linear_recurrence


class LRU(nn.Module):
    """One LRU layer with N complex state channels on D input channels."""

    def __init__(self, input_size: int, state_size: int, r_min: float = 0.4, r_max: float = 0.9,
                 max_phase: float = 2 * math.pi, device=None, dtype=None):
        super().__init__()
        kw = dict(device=device, dtype=dtype)
        D, N = input_size, state_size
        u1, u2 = torch.rand(N, **kw), torch.rand(N, **kw)
        # |lambda|^2 uniform on [r_min^2, r_max^2]; phase uniform on [0, max_phase)
        self.nu_log = nn.Parameter(torch.log(-0.5 * torch.log(u1 * (r_max ** 2 - r_min ** 2) + r_min ** 2)))
        self.theta_log = nn.Parameter(torch.log(max_phase * u2))
        self.gamma_log = nn.Parameter(0.5 * torch.log(1 - torch.exp(-2 * torch.exp(self.nu_log.detach()))))
        self.B_re = nn.Parameter(torch.randn(N, D, **kw) / math.sqrt(2 * D))
        self.B_im = nn.Parameter(torch.randn(N, D, **kw) / math.sqrt(2 * D))
        self.C_re = nn.Parameter(torch.randn(D, N, **kw) / math.sqrt(N))
        self.C_im = nn.Parameter(torch.randn(D, N, **kw) / math.sqrt(N))
        self.D = nn.Parameter(torch.randn(D, **kw))

    def eigenvalues(self) -> torch.Tensor:
        """lambda (N,) complex, |lambda| < 1."""
        return torch.exp(torch.complex(-torch.exp(self.nu_log), torch.exp(self.theta_log)))

    def forward(self, X, state=None, mode: str = "scan"):
        B = torch.complex(self.B_re, self.B_im)                           # (N, D)
        C = torch.complex(self.C_re, self.C_im)                           # (D, N)
        u = torch.exp(self.gamma_log) * (X.to(B.dtype) @ B.T)             # (T, B, N) gamma * B x_t
        lam = self.eigenvalues().expand_as(u)                             # same lambda at every step
        states = linear_recurrence(lam, u, state, mode)                   # (T, B, N) complex
        return (states @ C.T).real + self.D * X, states[-1]
