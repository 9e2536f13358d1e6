r"""Gradient clipping, by global norm and by value, for NumPy arrays and torch parameters.

By global norm (Pascanu, Mikolov & Bengio, 2013): treat every gradient as one long vector
:math:`g`, and if its length exceeds the threshold :math:`\tau`, shrink it:

.. math::

    \lVert g \rVert_2 = \sqrt{\textstyle\sum_k \lVert g_k \rVert_F^2}, \qquad
    g_k \leftarrow g_k \cdot \min\!\Big(1, \frac{\tau}{\lVert g \rVert_2 + \epsilon}\Big)

The *direction* of the update is kept; only its length is capped. ``torch.nn.utils.clip_grad_norm_``
computes exactly this with :math:`\epsilon = 10^{-6}` (the tests prove the equality).

By value: every entry is clamped to :math:`[-c, c]` independently. This changes the direction
of the update (large components are cut, small ones are not), which is why clipping by norm is
the usual choice for recurrent networks.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import torch

EPS = 1e-6  # the same safety term as torch.nn.utils.clip_grad_norm_


def global_norm(grads: Sequence[np.ndarray]) -> float:
    """The L2 norm of all arrays together, as if concatenated into one vector."""
    return float(np.sqrt(sum(np.sum(np.square(g)) for g in grads)))


def clip_by_global_norm(grads: Sequence[np.ndarray], max_norm: float) -> tuple[list[np.ndarray], float]:
    """Return ``(clipped, norm)``: new arrays scaled by ``min(1, max_norm / (norm + EPS))`` and the
    global norm *before* clipping. The inputs are not modified."""
    norm = global_norm(grads)
    scale = min(1.0, max_norm / (norm + EPS))
    return [g * scale for g in grads], norm


def clip_by_value(grads: Sequence[np.ndarray], clip_value: float) -> list[np.ndarray]:
    """Clamp every entry to ``[-clip_value, clip_value]`` (new arrays)."""
    return [np.clip(g, -clip_value, clip_value) for g in grads]


def clip_grad_norm_(parameters: Iterable[torch.Tensor], max_norm: float) -> torch.Tensor:
    """In place on ``p.grad``, like ``torch.nn.utils.clip_grad_norm_`` (L2 norm); returns the norm
    before clipping as a tensor on the gradients' device."""
    grads = [p.grad for p in parameters if p.grad is not None]
    if not grads:
        return torch.tensor(0.0)
    norm = torch.sqrt(sum((g.detach() ** 2).sum() for g in grads))  # stays on the grads' device
    scale = torch.clamp(max_norm / (norm + EPS), max=1.0)  # no host sync: always multiply
    for g in grads:
        g.detach().mul_(scale.to(g.dtype))
    return norm


def clip_grad_value_(parameters: Iterable[torch.Tensor], clip_value: float) -> None:
    """In place, like ``torch.nn.utils.clip_grad_value_``."""
    for p in parameters:
        if p.grad is not None:
            p.grad.detach().clamp_(-clip_value, clip_value)
