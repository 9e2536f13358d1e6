r"""Causal linear attention (Katharopoulos et al., 2020): a (T, T) product and an RNN, equal.

With the feature map :math:`\phi(x) = \operatorname{elu}(x) + 1`,

.. math::

    y_t = \frac{\phi(q_t)^\top S_t}{\phi(q_t)^\top z_t}, \qquad
    S_t = S_{t-1} + \phi(k_t)\, v_t^\top \ (d_k \times d_v), \qquad z_t = z_{t-1} + \phi(k_t).

``mode="masked"``: the weights :math:`\phi(Q)\phi(K)^\top` (T x T), masked below the diagonal
and normalised by row, as in softmax attention: memory :math:`O(T^2)`.
``mode="recurrent"``: the state :math:`(S_t, z_t)` carried step by step: at inference
:math:`d_k d_v + d_k` numbers per sequence, whatever :math:`T`.

Shapes: ``Q``, ``K`` (T, B, d_k); ``V`` (T, B, d_v); outputs (T, B, d_v);
state ``(S, z)``: (B, d_k, d_v), (B, d_k).
"""
from __future__ import annotations

import torch
from torch import nn


def elu_feature_map(x: torch.Tensor) -> torch.Tensor:
    """phi(x) = elu(x) + 1 > 0."""
    return nn.functional.elu(x) + 1.0


def causal_linear_attention(Q, K, V, mode: str = "masked", state=None):
    """Causal linear attention of (T, B, d) inputs; returns (outputs, (S_T, z_T)).

    ``state`` (recurrent mode only) continues a stream from an earlier ``(S, z)``.
    """
    phi_q, phi_k = elu_feature_map(Q), elu_feature_map(K)
    if mode == "masked":
        if state is not None:
            raise ValueError("the masked form starts from an empty history; use mode='recurrent' to continue a stream")
        T = Q.shape[0]
        scores = torch.einsum("tbd,sbd->bts", phi_q, phi_k)             # (B, T, T)
        causal = torch.ones(T, T, dtype=torch.bool, device=Q.device).tril()
        scores = scores.masked_fill(~causal, 0.0)
        out = torch.einsum("bts,sbv->tbv", scores / scores.sum(-1, keepdim=True), V)
        S = torch.einsum("tbd,tbv->bdv", phi_k, V)                       # the state the RNN would hold
        return out, (S, phi_k.sum(0))
    if mode != "recurrent":
        raise ValueError(f"mode must be 'masked' or 'recurrent', got {mode!r}")
    B, d_k, d_v = Q.shape[1], Q.shape[2], V.shape[2]
    S, z = state if state is not None else (V.new_zeros(B, d_k, d_v), V.new_zeros(B, d_k))
    outputs = []
    for q_t, k_t, v_t in zip(phi_q, phi_k, V):                          # one step per position
        S = S + k_t.unsqueeze(2) * v_t.unsqueeze(1)                      # (B, d_k, d_v)
        z = z + k_t                                                      # (B, d_k)
        num = torch.einsum("bd,bdv->bv", q_t, S)
        outputs.append(num / (q_t * z).sum(-1, keepdim=True))
    return torch.stack(outputs), (S, z)


class CausalLinearAttention(nn.Module):
    """Single-head causal linear self-attention with learned projections; E -> E."""

    def __init__(self, embed_dim: int, device=None, dtype=None):
        super().__init__()
        kw = dict(device=device, dtype=dtype)
        self.q_proj, self.k_proj = nn.Linear(embed_dim, embed_dim, **kw), nn.Linear(embed_dim, embed_dim, **kw)
        self.v_proj, self.out_proj = nn.Linear(embed_dim, embed_dim, **kw), nn.Linear(embed_dim, embed_dim, **kw)

    def forward(self, X, state=None, mode: str = "masked"):
        out, state = causal_linear_attention(self.q_proj(X), self.k_proj(X), self.v_proj(X), mode, state)
        return self.out_proj(out), state
