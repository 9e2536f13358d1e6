"""Classic mistakes in attention exercises, as the wrong values they produce.

Each function returns ``{feedback message: wrong value}`` for :func:`rnncourse.grading.check_array`'s
``mistakes=``. Shapes follow the exercises: decoder state ``s`` (B, H), encoder states ``Hs``
(S, B, H) time-major, ``lengths`` (B,), weights ``alpha`` (B, S), context (B, H); for scaled
dot-product attention ``Q`` (B, L, d), ``K`` (B, S, d), ``V`` (B, S, dv).
"""
from __future__ import annotations

import numpy as np

from ..numpy_ref.attention import causal_mask, softmax


def _real_steps(lengths, S):
    return np.arange(S)[:, None] < np.asarray(lengths)[None, :]          # (S, B)


def attention_weight_mistakes(s, Hs, lengths) -> dict[str, np.ndarray]:
    """Wrong weights (B, S) from dot-product scores ``e_j = s . h_j`` over a padded batch."""
    S = Hs.shape[0]
    scores = np.einsum("sbh,bh->sb", Hs, s)                             # (S, B)
    real = _real_steps(lengths, S)
    no_mask = softmax(scores, axis=0).T
    zero_scores = softmax(np.where(real, scores, 0.0), axis=0).T
    after = softmax(scores, axis=0).T * real.T
    mistakes = {
        "The padded steps received attention weight: set their scores to -inf (or a very large "
        "negative number) before the softmax, so that their weight is exactly 0.": no_mask,
        "The padded steps still get weight: a score of 0 is not 'nothing', exp(0) = 1. "
        "Use -inf for the scores of padded steps.": zero_scores,
        "You zeroed the padded weights after the softmax, so the real weights no longer sum to 1. "
        "Mask the scores before the softmax (or renormalise).": after,
    }
    one_more = _real_steps(np.minimum(np.asarray(lengths) + 1, S), S)
    if np.any(one_more != real):
        mistakes["One padded step still gets attention: step lengths[b] is already padding, so mask every step "
                 "t >= lengths[b] (not t > lengths[b])."] = softmax(np.where(one_more, scores, -np.inf), axis=0).T
    if Hs.shape[2] > 1:
        mistakes["The scores were divided by sqrt(H): this task's scores are plain dot products e_j = s . h_j."] = \
            softmax(np.where(real, scores / np.sqrt(Hs.shape[2]), -np.inf), axis=0).T
    if S > 1:
        # softmax over the batch axis instead of the source steps
        mistakes["The weights do not sum to 1 over the source steps: the softmax must run over the "
                  "time axis of the encoder states (axis 0 of the scores), not over the batch."] = \
            softmax(np.where(real, scores, -np.inf), axis=1).T
        with np.errstate(invalid="ignore"):       # a step padded in every sequence gives 0 / 0 here
            shifted = np.exp(np.where(real, scores, -np.inf) - np.where(real, scores, -np.inf).max(axis=0))   # (S, B)
            shifted = shifted / shifted.sum(axis=1, keepdims=True)
        mistakes["The weights were normalised over the batch (sum over axis 0 of the (B, S) weights): each "
                 "sequence's weights must sum to 1 over its source steps."] = shifted.T
    return mistakes


def context_mistakes(alpha, Hs) -> dict[str, np.ndarray]:
    """Wrong context vectors (B, H) from weights ``alpha`` (B, S) and states ``Hs`` (S, B, H)."""
    return {
        "The context ignores the weights: it must be the weighted sum sum_j alpha_j h_j, "
        "not the plain sum of the encoder states.": Hs.sum(axis=0),
        "The context ignores the weights: it must be the weighted sum sum_j alpha_j h_j, "
        "not the mean of the encoder states.": Hs.mean(axis=0),
        "You used only the last encoder state: that is the encoder-decoder without attention. "
        "The context is a weighted sum over every step.": Hs[-1],
        "alpha was reshaped to (S, B), which scrambles which weight goes with which step (a reshape is not a "
        "transpose): weight alpha[b, j] multiplies h_j of sequence b.":
            np.einsum("sb,sbh->bh", alpha.reshape(alpha.shape[::-1]), Hs),
    }


def sdpa_mistakes(Q, K, V, causal) -> dict[str, np.ndarray]:
    """Wrong outputs (B, L, dv) of scaled dot-product attention."""
    d_k = Q.shape[-1]
    L, S = Q.shape[-2], K.shape[-2]
    raw = Q @ np.swapaxes(K, -1, -2)                                     # (B, L, S)
    mask = causal_mask(L, S) if causal else np.zeros((L, S), dtype=bool)

    def attend(scores, axis=-1, forbidden=mask):
        return softmax(np.where(forbidden, -np.inf, scores), axis=axis) @ V

    mistakes = {
        "The scores are not scaled: divide Q K^T by sqrt(d_k) before the softmax.": attend(raw),
        "The scores are divided by d_k; the scale is sqrt(d_k).": attend(raw / d_k),
    }
    if causal:
        mistakes["No causal mask was applied: query i may only look at keys j <= i "
                 "(set the scores above the diagonal to -inf)."] = \
            attend(raw / np.sqrt(d_k), forbidden=np.zeros_like(mask))
        mistakes["The causal mask is flipped: it lets each query see the future and hides the past. "
                 "Forbid j > i (above the diagonal), not j < i."] = \
            attend(raw / np.sqrt(d_k), forbidden=np.tril(np.ones((L, S), dtype=bool), k=-1))
        mistakes["The future was zeroed after the softmax, so each row of weights no longer sums "
                 "to 1: mask the scores with -inf before the softmax."] = \
            (softmax(raw / np.sqrt(d_k), axis=-1) * ~mask) @ V
    if L > 1 and not causal:
        mistakes["The softmax ran over the queries (axis -2); each query's weights must sum to 1 "
                 "over the keys (axis -1)."] = \
            softmax(raw / np.sqrt(d_k), axis=-2) @ V
    return mistakes
