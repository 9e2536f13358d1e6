r"""One entry point for the linear recurrence :math:`h_t = a_t \odot h_{t-1} + b_t`, three ways.

``mode="loop"``     T dependent steps (:func:`rnncourse.scan.linear_recurrence_loop`), the reference;
``mode="scan"``     the Hillis-Steele scan, :math:`\lceil \log_2 T \rceil` sweeps;
``mode="chunked"``  the chunked scan, O(T) work, fastest on a CPU.

And in log space, for positive coefficients (Feng et al., 2024, appendix; Heinsen, 2023):

.. math::

    \log h_t = a^*_t + \log \sum_{k=0}^{t} \exp(\log b_k - a^*_k), \qquad a^*_t = \sum_{k \le t} \log a_k,

with :math:`b_0 = h_0`, :math:`a_0 = 1`: a cumulative sum and a ``logcumsumexp``, both parallel.

Shapes: ``a``, ``b`` (T, ...); ``h0`` (...); returns (T, ...).
"""
from __future__ import annotations

import torch

from ..scan import linear_recurrence_chunked, linear_recurrence_loop, linear_recurrence_scan

MODES = {"loop": linear_recurrence_loop, "scan": linear_recurrence_scan, "chunked": linear_recurrence_chunked}


def linear_recurrence(a: torch.Tensor, b: torch.Tensor, h0: torch.Tensor | None = None,
                      mode: str = "scan") -> torch.Tensor:
    """All states of h_t = a_t h_{t-1} + b_t by the named method (see the module docstring)."""
    if mode not in MODES:
        raise ValueError(f"mode must be one of {sorted(MODES)}, got {mode!r}")
    return MODES[mode](a, b, h0)


def log_space_recurrence(log_a: torch.Tensor, log_b: torch.Tensor, h0: torch.Tensor | None = None) -> torch.Tensor:
    """All states of h_t = a_t h_{t-1} + b_t from log a_t and log b_t (so a_t, b_t > 0), h0 >= 0."""
    if h0 is not None:
        if h0.device.type != "meta" and bool((h0 < 0).any()):
            raise ValueError("log_space_recurrence needs a non-negative initial state h0")
        log_a = torch.cat([torch.zeros_like(log_a[:1]), log_a])       # (T+1, ...) h0 enters as b_0
        log_b = torch.cat([torch.log(h0).unsqueeze(0), log_b])
    a_star = torch.cumsum(log_a, dim=0)                                # log of a_1 ... a_t
    log_h = a_star + torch.logcumsumexp(log_b - a_star, dim=0)
    return torch.exp(log_h[1:] if h0 is not None else log_h)
