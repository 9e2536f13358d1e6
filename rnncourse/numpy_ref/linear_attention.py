r"""Causal linear attention (Katharopoulos et al., 2020), two ways, float64.

Replace the softmax's :math:`\exp(q^\top k)` by a product of feature maps
:math:`\phi(q)^\top \phi(k)` with :math:`\phi(x) = \operatorname{elu}(x) + 1 > 0`. Causal attention
of query :math:`t` over keys :math:`j \le t` becomes

.. math::

    y_t = \frac{\sum_{j \le t} \phi(q_t)^\top \phi(k_j)\, v_j}{\sum_{j \le t} \phi(q_t)^\top \phi(k_j)}
        = \frac{\phi(q_t)^\top S_t}{\phi(q_t)^\top z_t}, \qquad
    S_t = S_{t-1} + \phi(k_t) v_t^\top, \quad z_t = z_{t-1} + \phi(k_t).

Left: a masked (T, T) product, like softmax attention. Right: a recurrence whose state is the
matrix :math:`S_t` (d_k, d_v) and the vector :math:`z_t` (d_k): an RNN.

Shapes: ``Q``, ``K`` (T, B, d_k); ``V`` (T, B, d_v); outputs (T, B, d_v).
"""
from __future__ import annotations

import numpy as np


def elu_feature_map(x: np.ndarray) -> np.ndarray:
    """phi(x) = elu(x) + 1: x + 1 for x > 0, exp(x) otherwise; always positive."""
    return np.where(x > 0, x + 1.0, np.exp(np.minimum(x, 0.0)))


def causal_linear_attention_masked(Q, K, V):
    """The (T, T) form: scores phi(Q) phi(K)^T, lower-triangular mask, row normalisation."""
    phi_q, phi_k = elu_feature_map(Q), elu_feature_map(K)
    T = Q.shape[0]
    scores = np.einsum("tbd,sbd->bts", phi_q, phi_k)            # (B, T, T), all positive
    scores = scores * np.tril(np.ones((T, T)))                  # key s > query t: weight 0
    weights = scores / scores.sum(-1, keepdims=True)            # (B, T, T) rows sum to 1
    return np.einsum("bts,sbv->tbv", weights, V)                # (T, B, d_v)


def causal_linear_attention_recurrent(Q, K, V):
    """The RNN form: carry S (B, d_k, d_v) and z (B, d_k), one step per position."""
    phi_q, phi_k = elu_feature_map(Q), elu_feature_map(K)
    T, B, d_k = Q.shape
    S = np.zeros((B, d_k, V.shape[-1]))
    z = np.zeros((B, d_k))
    out = np.empty((T, B, V.shape[-1]))
    for t in range(T):
        S = S + phi_k[t][:, :, None] * V[t][:, None, :]         # S_t = S_{t-1} + phi(k_t) v_t^T
        z = z + phi_k[t]                                        # z_t = z_{t-1} + phi(k_t)
        out[t] = np.einsum("bd,bdv->bv", phi_q[t], S) / np.einsum("bd,bd->b", phi_q[t], z)[:, None]
    return out
