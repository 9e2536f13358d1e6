r"""Attention from scratch: over RNN encoder states, scaled dot-product, multi-head, encoder layer.

Attention over encoder states (Bahdanau et al., 2015)
-----------------------------------------------------
A decoder state :math:`s` (the *query*) scores every encoder state :math:`h_j` (the *keys*,
which are also the *values*), the scores are turned into weights by a softmax over the source
positions, and the *context vector* is the weighted average of the encoder states:

.. math::

    e_j = \operatorname{score}(s, h_j), \qquad
    \alpha_j = \frac{\exp e_j}{\sum_{k} \exp e_k}, \qquad
    c = \sum_j \alpha_j h_j

with two classic scores

.. math::

    \text{additive:}\quad e_j = v^\top \tanh(W_q s + W_k h_j), \qquad
    \text{dot product:}\quad e_j = s^\top h_j .

Padding positions get :math:`e_j = -\infty`, hence :math:`\alpha_j = 0`.

Scaled dot-product and multi-head attention (Vaswani et al., 2017)
------------------------------------------------------------------
.. math::

    \operatorname{Attention}(Q, K, V) = \operatorname{softmax}\!\Big(\frac{Q K^\top}{\sqrt{d_k}} + M\Big) V,
    \qquad
    \operatorname{head}_i = \operatorname{Attention}(Q W_i^Q, K W_i^K, V W_i^V), \qquad
    \operatorname{MHA} = [\operatorname{head}_1; \dots; \operatorname{head}_h] W^O

where the mask :math:`M` holds :math:`0` where a query may look and :math:`-\infty` where it may
not (a *causal* mask forbids keys after the query; a *key padding* mask forbids padded keys).

Shapes
------
T or L  target (query) length, S  source (key) length, B  batch, E  embedding size,
H  encoder hidden size, A  additive-attention size, h  number of heads, d = E / h.

====================  ============  ==============================================
``query`` (RNN)       (B, Hq)       decoder state :math:`s`
``keys`` (RNN)        (S, B, H)     encoder states, time-major as everywhere
``mask`` (RNN)        (S, B) bool   True at real steps, False at padding
``weights`` (RNN)     (B, S)        attention weights :math:`\alpha`, rows sum to 1
``context`` (RNN)     (B, H)        context vector :math:`c`
``Q``, ``K``, ``V``   (..., L|S, E)  batch dims first for the bare function
``attn_mask``         (L, S) bool   True where attention is *forbidden* (PyTorch's rule)
``key_padding_mask``  (B, S) bool   True at padded keys (PyTorch's rule)
MHA inputs/outputs    (L, B, E)     time-major, as ``nn.MultiheadAttention(batch_first=False)``
====================  ============  ==============================================

Parameters carry ``nn.MultiheadAttention``'s and ``nn.TransformerEncoderLayer``'s names
(``in_proj_weight``, ``out_proj``, ``self_attn``, ``linear1``, ``norm1``, ...) so that a state
dict loads 1:1 in either direction.

References: Bahdanau, Cho and Bengio (2015); Luong, Pham and Manning (2015); Vaswani et al. (2017).
"""
from __future__ import annotations

import math

import torch
from torch import nn
from torch.nn import functional as F


# --------------------------------------------------------------------------------------------
# Masks
# --------------------------------------------------------------------------------------------
def causal_mask(L: int, S: int | None = None, device=None) -> torch.Tensor:
    """(L, S) bool (S = L by default), True strictly above the diagonal: query i may not look at
    keys j > i. With S > L this is PyTorch's ``is_causal`` rule (aligned at the top left)."""
    S = L if S is None else S
    return torch.ones(L, S, dtype=torch.bool, device=device).triu(diagonal=1)


def length_mask(lengths, T: int | None = None, device=None) -> torch.Tensor:
    """(T, B) bool, True at the real steps of each sequence (``t < lengths[b]``), False at padding.

    ``T=None`` takes the longest length, which needs the lengths' values: on the ``meta`` device
    they have none, so T must be given there."""
    lengths = torch.as_tensor(lengths, device=device)
    if T is None:
        if lengths.device.type == "meta":
            raise ValueError("length_mask: give T on the meta device (meta lengths have no values to take the max of)")
        T = int(lengths.max())
    steps = torch.arange(T, device=lengths.device)          # (T,)
    return steps[:, None] < lengths[None, :]                  # (T, B)


# --------------------------------------------------------------------------------------------
# Attention over RNN encoder states (one decoder step)
# --------------------------------------------------------------------------------------------
def masked_softmax(scores: torch.Tensor, mask: torch.Tensor | None, dim: int = -1) -> torch.Tensor:
    """Softmax over ``dim`` where positions with ``mask == False`` get weight exactly 0."""
    if mask is not None:
        scores = scores.masked_fill(~mask, float("-inf"))
    return torch.softmax(scores, dim=dim)


def attend(scores: torch.Tensor, keys: torch.Tensor, mask: torch.Tensor | None = None):
    """Weights and context from raw scores.

    ``scores`` (S, B), ``keys`` (S, B, H), ``mask`` (S, B) True at real steps.
    Returns ``context`` (B, H) and ``weights`` (B, S).
    """
    alpha = masked_softmax(scores, mask, dim=0)               # (S, B), softmax over source steps
    context = (alpha.unsqueeze(-1) * keys).sum(dim=0)         # (B, H) weighted average of h_j
    return context, alpha.transpose(0, 1)                     # (B, H), (B, S)


class DotProductAttention(nn.Module):
    r"""Luong's dot score :math:`e_j = s^\top h_j` (optionally divided by :math:`\sqrt{H}`).

    No parameters: query and keys must have the same size.
    """

    def __init__(self, scaled: bool = False):
        super().__init__()
        self.scaled = scaled

    def forward(self, query, keys, mask=None):
        # query (B, H), keys (S, B, H)
        scores = (keys * query.unsqueeze(0)).sum(dim=-1)      # (S, B)
        if self.scaled:
            scores = scores / math.sqrt(keys.shape[-1])
        return attend(scores, keys, mask)


class AdditiveAttention(nn.Module):
    r"""Bahdanau's additive score :math:`e_j = v^\top \tanh(W_q s + W_k h_j)`."""

    def __init__(self, query_size: int, key_size: int, attention_size: int):
        super().__init__()
        self.W_q = nn.Linear(query_size, attention_size, bias=False)
        self.W_k = nn.Linear(key_size, attention_size, bias=True)
        self.v = nn.Linear(attention_size, 1, bias=False)

    def forward(self, query, keys, mask=None, projected_keys=None):
        # query (B, Hq), keys (S, B, H). W_k h_j does not depend on the decoder step: a decoder
        # computes it once (``self.W_k(keys)``) and passes it as ``projected_keys`` every step.
        if projected_keys is None:
            projected_keys = self.W_k(keys)                                  # (S, B, A)
        hidden = torch.tanh(self.W_q(query).unsqueeze(0) + projected_keys)  # (S, B, A)
        scores = self.v(hidden).squeeze(-1)                                  # (S, B)
        return attend(scores, keys, mask)


# --------------------------------------------------------------------------------------------
# Scaled dot-product attention and multi-head attention
# --------------------------------------------------------------------------------------------
def scaled_dot_product_attention(Q, K, V, attn_mask=None, key_padding_mask=None, causal=False):
    """softmax(Q K^T / sqrt(d_k) + M) V with boolean masks that are True where looking is forbidden.

    ``Q`` (..., L, d_k), ``K`` (..., S, d_k), ``V`` (..., S, d_v); leading batch dims broadcast.
    ``attn_mask`` (L, S) or broadcastable to (..., L, S); ``key_padding_mask`` (B, S) is applied
    to the batch dim that comes first (``(B, L, S)`` or ``(B, heads, L, S)`` scores).
    Returns ``(output (..., L, d_v), weights (..., L, S))``. ``causal=True`` forbids keys j > i
    for query i, also when S > L (PyTorch's ``is_causal`` rule). A query whose every key is
    masked has nothing to average: it gets weights 0 and output 0, as from
    ``F.scaled_dot_product_attention`` (``nn.MultiheadAttention`` with ``need_weights=True``
    gives NaN there instead), and no gradient flows through it.
    """
    d_k = Q.shape[-1]
    scores = Q @ K.transpose(-2, -1) / math.sqrt(d_k)            # (..., L, S)
    forbidden = None
    if causal:
        forbidden = causal_mask(Q.shape[-2], K.shape[-2], device=Q.device)  # (L, S)
    if attn_mask is not None:
        forbidden = attn_mask if forbidden is None else forbidden | attn_mask
    if key_padding_mask is not None:
        extra = scores.dim() - 2                                   # dims between B and (L, S)
        padding = key_padding_mask.reshape(key_padding_mask.shape[0], *([1] * (extra - 1)), 1,
                                           key_padding_mask.shape[-1])
        forbidden = padding if forbidden is None else forbidden | padding
    if forbidden is None:
        weights = torch.softmax(scores, dim=-1)                    # (..., L, S)
        return weights @ V, weights
    scores = scores.masked_fill(forbidden, float("-inf"))
    empty = forbidden.all(dim=-1, keepdim=True)                    # (..., L, 1) rows with no key
    weights = torch.softmax(scores.masked_fill(empty, 0.0), dim=-1).masked_fill(empty, 0.0)
    return weights @ V, weights


class MultiHeadAttention(nn.Module):
    """Multi-head attention with ``nn.MultiheadAttention``'s parameters and time-major layout.

    ``forward(query (L, B, E), key (S, B, E), value (S, B, E))`` returns ``(output (L, B, E),
    weights)`` where weights are (B, L, S) averaged over heads, or (B, h, L, S) with
    ``average_attn_weights=False``, or ``None`` with ``need_weights=False``.
    """

    def __init__(self, embed_dim: int, num_heads: int, bias: bool = True, dropout: float = 0.0):
        super().__init__()
        if embed_dim % num_heads:
            raise ValueError(f"embed_dim={embed_dim} is not divisible by num_heads={num_heads}")
        self.embed_dim, self.num_heads = embed_dim, num_heads
        self.head_dim = embed_dim // num_heads
        self.dropout = dropout
        # W^Q, W^K, W^V stacked as PyTorch stores them: rows [0:E) query, [E:2E) key, [2E:3E) value
        self.in_proj_weight = nn.Parameter(torch.empty(3 * embed_dim, embed_dim))
        self.in_proj_bias = nn.Parameter(torch.empty(3 * embed_dim)) if bias else None
        self.out_proj = nn.Linear(embed_dim, embed_dim, bias=bias)
        self.reset_parameters()

    def reset_parameters(self):
        nn.init.xavier_uniform_(self.in_proj_weight)
        if self.in_proj_bias is not None:
            nn.init.zeros_(self.in_proj_bias)
            nn.init.zeros_(self.out_proj.bias)

    def _split_heads(self, X):
        # (T, B, E) -> (B, h, T, d): every head attends independently
        T, B, _ = X.shape
        return X.reshape(T, B, self.num_heads, self.head_dim).permute(1, 2, 0, 3)

    def forward(self, query, key, value, key_padding_mask=None, attn_mask=None,
                need_weights=True, average_attn_weights=True, is_causal=False):
        L, B, E = query.shape
        W_q, W_k, W_v = self.in_proj_weight.chunk(3, dim=0)        # each (E, E)
        b_q = b_k = b_v = None
        if self.in_proj_bias is not None:
            b_q, b_k, b_v = self.in_proj_bias.chunk(3)
        Q = self._split_heads(F.linear(query, W_q, b_q))           # (B, h, L, d)
        K = self._split_heads(F.linear(key, W_k, b_k))             # (B, h, S, d)
        V = self._split_heads(F.linear(value, W_v, b_v))           # (B, h, S, d)
        heads, weights = scaled_dot_product_attention(
            Q, K, V, attn_mask=attn_mask, key_padding_mask=key_padding_mask, causal=is_causal)
        if self.training and self.dropout > 0:
            # dropout on the weights, as PyTorch does; the returned weights stay undropped
            heads = F.dropout(weights, self.dropout) @ V
        concat = heads.permute(2, 0, 1, 3).reshape(L, B, E)        # (L, B, E) = [head_1; ...; head_h]
        output = self.out_proj(concat)                             # (L, B, E)
        if not need_weights:
            return output, None
        return output, weights.mean(dim=1) if average_attn_weights else weights


class TransformerEncoderLayer(nn.Module):
    r"""Post-norm Transformer encoder layer, as ``nn.TransformerEncoderLayer`` (ReLU, time-major).

    .. math::

        Z = \operatorname{LayerNorm}(X + \operatorname{MHA}(X, X, X)), \qquad
        Y = \operatorname{LayerNorm}(Z + W_2 \operatorname{ReLU}(W_1 Z + b_1) + b_2)

    ``norm_first=True`` gives the pre-norm variant
    :math:`Z = X + \operatorname{MHA}(\operatorname{LN}(X))`, :math:`Y = Z + \operatorname{FFN}(\operatorname{LN}(Z))`.
    """

    def __init__(self, d_model: int, nhead: int, dim_feedforward: int = 2048, dropout: float = 0.1,
                 layer_norm_eps: float = 1e-5, norm_first: bool = False):
        super().__init__()
        self.self_attn = MultiHeadAttention(d_model, nhead, dropout=dropout)
        self.linear1 = nn.Linear(d_model, dim_feedforward)
        self.dropout = nn.Dropout(dropout)
        self.linear2 = nn.Linear(dim_feedforward, d_model)
        self.norm1 = nn.LayerNorm(d_model, eps=layer_norm_eps)
        self.norm2 = nn.LayerNorm(d_model, eps=layer_norm_eps)
        self.dropout1 = nn.Dropout(dropout)
        self.dropout2 = nn.Dropout(dropout)
        self.norm_first = norm_first

    def _attention_block(self, X, src_mask, src_key_padding_mask, is_causal):
        out, _ = self.self_attn(X, X, X, key_padding_mask=src_key_padding_mask, attn_mask=src_mask,
                                need_weights=False, is_causal=is_causal)
        return self.dropout1(out)

    def _feedforward_block(self, X):
        return self.dropout2(self.linear2(self.dropout(F.relu(self.linear1(X)))))

    def forward(self, src, src_mask=None, src_key_padding_mask=None, is_causal=False):
        X = src                                                     # (T, B, E)
        if self.norm_first:
            X = X + self._attention_block(self.norm1(X), src_mask, src_key_padding_mask, is_causal)
            return X + self._feedforward_block(self.norm2(X))
        X = self.norm1(X + self._attention_block(X, src_mask, src_key_padding_mask, is_causal))
        return self.norm2(X + self._feedforward_block(X))
