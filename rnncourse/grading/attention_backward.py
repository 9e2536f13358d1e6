"""Classic mistakes in the softmax Jacobian and the backward pass of scaled dot-product attention,
and the scale experiment of attention as a soft lookup, as the wrong values they produce.

For ``p = softmax(z)`` over the last axis the Jacobian is

    dp_i / dz_j = p_i (delta_ij - p_j),        J = diag(p) - p p^T            (..., n, n)

and for ``O = A V`` with ``A = softmax(Q K^T / sqrt(d) + M)`` and an upstream gradient ``dO``

    dV = A^T dO,   dA = dO V^T,   dS = A * (dA - rowsum(dA * A)),
    dQ = dS K / sqrt(d),   dK = dS^T Q / sqrt(d).

Shapes: ``Q`` (B, L, d), ``K`` (B, S, d), ``V`` (B, S, dv), ``dO`` (B, L, dv). Each generator
returns ``{feedback message: wrong value}`` for ``mistakes=`` of the checks.
"""
from __future__ import annotations

import numpy as np

from ..numpy_ref.attention import causal_mask, sdpa_forward, softmax


def softmax_jacobian_mistakes(z) -> dict[str, np.ndarray]:
    """Wrong Jacobians (..., n, n) of the softmax of ``z`` (..., n)."""
    p = softmax(np.asarray(z, dtype=float), axis=-1)
    eye = np.eye(p.shape[-1])
    outer = p[..., :, None] * p[..., None, :]
    diag = p[..., :, None] * eye
    return {
        "Only the diagonal p_i (1 - p_i) is there: raising z_j lowers every other p_i too, "
        "so the off-diagonal entries are -p_i p_j.": diag * (1.0 - p[..., None, :]),
        "The outer-product term -p p^T is missing: dp_i/dz_j = p_i (delta_ij - p_j).": diag,
        "Only -p p^T is there: the diagonal also needs + p_i (the derivative of exp(z_i) in the numerator).": -outer,
        "The sign is flipped: J = diag(p) - p p^T, so that the diagonal is positive.": outer - diag,
    }


def _forbidden(Q, K, causal):
    return causal_mask(Q.shape[-2], K.shape[-2]) if causal else None


def sdpa_backward_mistakes(Q, K, V, dO, causal) -> dict[str, dict[str, np.ndarray]]:
    """{"dQ" | "dK" | "dV": {message: wrong value}} for the backward pass of causal or plain attention."""
    d = Q.shape[-1]
    _, (_, _, _, A) = sdpa_forward(Q, K, V, _forbidden(Q, K, causal))
    T = lambda M: np.swapaxes(M, -1, -2)
    dA = dO @ T(V)
    right = A * (dA - np.sum(dA * A, axis=-1, keepdims=True))
    diagonal_only = A * (1.0 - A) * dA
    through = dA
    found = {"dQ": {}, "dK": {}, "dV": {}}

    def both(message, dS, scale=1.0 / np.sqrt(d)):
        found["dQ"][message] = dS @ K * scale
        found["dK"][message] = T(dS) @ Q * scale

    both("The 1/sqrt(d_k) of the forward pass is missing: the scores are Q K^T / sqrt(d_k), so dQ and dK "
         "carry that factor too.", right, 1.0)
    both("The softmax backward used only the diagonal of its Jacobian (A (1 - A) dA); every weight of a row "
         "depends on every score of the row: dS = A * (dA - sum_j(dA * A)).", diagonal_only)
    both("The softmax was skipped in the backward pass (dS = dA): go through its Jacobian, "
         "dS = A * (dA - sum_j(dA * A)).", through)
    if causal:
        _, (_, _, _, A_open) = sdpa_forward(Q, K, V, None)
        dA_open = dO @ T(V)
        both("The backward pass used weights without the causal mask: the gradient must flow only through "
             "the weights the forward pass used (zero above the diagonal).",
             A_open * (dA_open - np.sum(dA_open * A_open, axis=-1, keepdims=True)))
    if Q.shape[-2] == K.shape[-2]:        # the untransposed products exist only for T_q == S
        found["dK"]["dK is dS Q without the transpose: each key collects from every query, "
                   "dK = dS^T Q / sqrt(d_k)."] = right @ Q / np.sqrt(d)
        found["dV"]["dV is A dO without the transpose: each value collects from every query, dV = A^T dO."] = A @ dO
    found["dV"]["dV is dO itself: the values are mixed by A, so dV = A^T dO."] = dO
    return found


def log_loss(probs, labels, floor: float = 1e-6) -> float:
    """Mean of -ln p(label) over the rows of ``probs`` (N, C), each probability floored at ``floor``."""
    probs = np.asarray(probs, dtype=float)
    return float(-np.mean(np.log(np.maximum(probs[np.arange(len(labels)), labels], floor))))


def attention_vote_mistakes(queries, keys, labels, num_classes, scale) -> dict[str, np.ndarray]:
    """Wrong label probabilities (N, C) of attention over keys with one-hot label values."""
    values = np.eye(num_classes)[np.asarray(labels)]                     # (M, C)
    d = queries.shape[-1]
    scores = queries @ keys.T                                            # (N, M)
    return {
        "The queries were not multiplied by scale (or the scores were divided by it): the weights are "
        "softmax(scale * q k^T / sqrt(d)).": softmax(scores / np.sqrt(d), axis=-1) @ values,
        "The output is the label of the nearest key (an argmax): return the attention output, a weighted "
        "average of the one-hot labels.": values[np.argmax(scores, axis=-1)],
        "The softmax ran over the queries instead of the keys: each query's weights over the keys must sum to 1.":
            softmax(scale * scores / np.sqrt(d), axis=0) @ values,
    }
