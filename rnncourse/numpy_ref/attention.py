r"""Attention in NumPy: scaled dot-product attention (forward and backward) and attention over
encoder states (forward).

Forward
-------
.. math::

    S = \frac{Q K^\top}{\sqrt{d_k}} + M, \qquad A = \operatorname{softmax}_{\text{rows}}(S), \qquad O = A V

with :math:`M_{ij} = -\infty` where query :math:`i` may not look at key :math:`j` (causal mask,
padding) and :math:`0` elsewhere.

Backward (given :math:`dO = \partial L / \partial O`)
-----------------------------------------------------
.. math::

    dV = A^\top dO, \qquad dA = dO\, V^\top, \qquad
    dS = A \odot \big(dA - \operatorname{rowsum}(dA \odot A)\big), \qquad
    dQ = \frac{dS\, K}{\sqrt{d_k}}, \qquad dK = \frac{dS^\top Q}{\sqrt{d_k}}

The softmax Jacobian :math:`\operatorname{diag}(a) - a a^\top` applied to a row gives the
:math:`dS` line; masked entries have :math:`A = 0` and so get no gradient.

Attention over RNN encoder states (one decoder step)
----------------------------------------------------
.. math::

    e_j = s^\top h_j \ \text{(dot)} \quad\text{or}\quad e_j = v^\top \tanh(W_q s + W_k h_j + b_k)
    \ \text{(additive)}, \qquad \alpha = \operatorname{softmax}(e), \qquad c = \sum_j \alpha_j h_j

Shapes
------
====================  ==========  =============================================
``Q``                 (B, L, d)   queries (any leading batch dims)
``K``                 (B, S, d)   keys
``V``                 (B, S, dv)  values
``forbidden``         (L, S) or broadcastable, bool: True where looking is forbidden
``A``                 (B, L, S)   attention weights, rows sum to 1
``O``                 (B, L, dv)  outputs
``s`` (query)         (B, Hq)     decoder state
``Hs`` (keys)         (S, B, H)   encoder states, time-major
``mask``              (S, B)      bool, True at real steps
``alpha``             (B, S)      weights over source steps
``c``                 (B, H)      context vector
====================  ==========  =============================================

References: Bahdanau, Cho and Bengio (2015); Vaswani et al. (2017).
"""
from __future__ import annotations

import numpy as np


def causal_mask(L: int, S: int | None = None) -> np.ndarray:
    """(L, S) bool, True strictly above the diagonal (key j > query i is forbidden)."""
    S = L if S is None else S
    return np.triu(np.ones((L, S), dtype=bool), k=1)


def softmax(scores: np.ndarray, axis: int = -1) -> np.ndarray:
    """Numerically stable softmax: subtract the max so that exp never overflows."""
    shifted = scores - np.max(scores, axis=axis, keepdims=True)
    e = np.exp(shifted)
    return e / np.sum(e, axis=axis, keepdims=True)


def sdpa_forward(Q, K, V, forbidden=None):
    """Scaled dot-product attention. Returns ``O`` and a cache for :func:`sdpa_backward`."""
    d_k = Q.shape[-1]
    S = Q @ np.swapaxes(K, -1, -2) / np.sqrt(d_k)        # (B, L, S) scores
    if forbidden is not None:
        S = np.where(forbidden, -np.inf, S)
    A = softmax(S, axis=-1)                                # (B, L, S)
    O = A @ V                                              # (B, L, dv)
    return O, (Q, K, V, A)


def sdpa_backward(dO, cache):
    """Gradients ``(dQ, dK, dV)`` of a loss given ``dO``, its gradient w.r.t. the output ``O``."""
    Q, K, V, A = cache
    d_k = Q.shape[-1]
    dV = np.swapaxes(A, -1, -2) @ dO                       # (B, S, dv)
    dA = dO @ np.swapaxes(V, -1, -2)                       # (B, L, S)
    dS = A * (dA - np.sum(dA * A, axis=-1, keepdims=True)) # softmax Jacobian, row by row
    dQ = dS @ K / np.sqrt(d_k)                             # (B, L, d)
    dK = np.swapaxes(dS, -1, -2) @ Q / np.sqrt(d_k)        # (B, S, d)
    return dQ, dK, dV


def scaled_dot_product_attention(Q, K, V, forbidden=None):
    """Return ``(O, A)``: the outputs and the attention weights."""
    O, (_, _, _, A) = sdpa_forward(Q, K, V, forbidden)
    return O, A


def attention_context(scores, Hs, mask=None):
    """Weights ``alpha`` (B, S) and context ``c`` (B, H) from ``scores`` (S, B) and ``Hs`` (S, B, H)."""
    if mask is not None:
        scores = np.where(mask, scores, -np.inf)           # padding gets weight exactly 0
    alpha = softmax(scores, axis=0)                        # (S, B): softmax over source steps
    c = np.einsum("sb,sbh->bh", alpha, Hs)                 # (B, H) weighted average
    return alpha.T, c


def dot_attention(s, Hs, mask=None):
    """Dot-product attention of decoder state ``s`` (B, H) over encoder states ``Hs`` (S, B, H)."""
    scores = np.einsum("sbh,bh->sb", Hs, s)                # (S, B): e_j = s . h_j
    return attention_context(scores, Hs, mask)


def additive_attention(s, Hs, W_q, W_k, b_k, v, mask=None):
    """Bahdanau attention; ``W_q`` (A, Hq), ``W_k`` (A, H), ``b_k`` (A,), ``v`` (A,)."""
    hidden = np.tanh(s @ W_q.T + Hs @ W_k.T + b_k)         # (S, B, A), s broadcast over steps
    scores = hidden @ v                                    # (S, B)
    return attention_context(scores, Hs, mask)
