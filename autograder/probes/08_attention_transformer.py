"""Probes of assignment 08_attention_transformer: each test's functions, called on the grader's own inputs.

Shapes, lengths and values come from the grader's seed; they cover what the hidden tests check
(S = 1, a batch of one, large scores that overflow a naive softmax, padded steps, L != S without
a mask, T = 1 with the causal mask), and name the classic mistakes with the generators of
``rnncourse.grading.attention``.
"""
import numpy as np

from autograder.probes import Call
from autograder.probes.judge import array_check, fields, same_array
from rnncourse.grading.attention import attention_weight_mistakes, context_mistakes, sdpa_mistakes

HIDDEN = {
    "test_attention_weights_hidden": "attention_weights on random shapes, lengths of 1 and full length, and very large scores.",
    "test_context_vector_hidden": "context_vector on random shapes, including S = 1 and B = 1.",
    "test_sdpa_hidden": "scaled_dot_product_attention on random shapes (L != S without mask, T = 1 with mask).",
}
WEIGHTS = array_check("alpha", attention_weight_mistakes, hint="with large scores, subtract the maximum score before np.exp.")
CONTEXT = array_check("context_vector(alpha, Hs)", context_mistakes)


def _sdpa(got, want, args):
    O, A = fields("scaled_dot_product_attention", got, 2)
    same_array("O", O, want[0], mistakes=sdpa_mistakes(*args))
    same_array("A", A, want[1])


def probes(rng):
    def size(low=1, high=6):
        return int(rng.integers(low, high + 1))

    def weights(S, B, H, scale=1.0):
        lengths = rng.integers(1, S + 1, size=B).astype(np.int64)
        lengths[0] = S
        if B > 1 and S > 1:               # at least one padded sequence, so masking matters
            lengths[-1] = rng.integers(1, S)
        return ("attention_weights", (rng.normal(size=(B, H)), scale * rng.normal(size=(S, B, H)), lengths))

    def context(S, B, H):
        scores = rng.normal(size=(B, S))
        alpha = np.exp(scores - scores.max(axis=1, keepdims=True))
        return ("context_vector", (alpha / alpha.sum(axis=1, keepdims=True), rng.normal(size=(S, B, H))))

    def sdpa(B, L, S, d, dv, causal):
        return ("scaled_dot_product_attention",
                (rng.normal(size=(B, L, d)), rng.normal(size=(B, S, d)), rng.normal(size=(B, S, dv)), causal))

    def hidden(case, check, label=""):
        return Call(case[0], case[1], check, label)

    T = size(2, 6)
    return {
        "test_attention_weights_visible": [weights(size(2, 6), size(2, 4), size())],
        "test_attention_weights_hidden": [hidden(weights(1, 1, 1), WEIGHTS, "S=1, B=1, H=1"),
                                          hidden(weights(size(2, 8), size(2, 6), size()), WEIGHTS),
                                          hidden(weights(size(2, 7), size(2, 5), size(4, 8), 100.0), WEIGHTS, "large scores")],
        "test_context_vector_visible": [context(size(2, 6), size(2, 4), size())],
        "test_context_vector_hidden": [hidden(context(1, 1, 1), CONTEXT, "S=1, B=1, H=1"),
                                       hidden(context(size(2, 9), size(), size()), CONTEXT),
                                       hidden(context(size(2, 5), 1, size()), CONTEXT, "B=1")],
        "test_sdpa_visible": [sdpa(size(), T, T, size(), size(), False), sdpa(size(), T, T, size(), size(), True)],
        "test_sdpa_hidden": [hidden(sdpa(1, 1, 1, 1, 1, True), _sdpa, "T=1, causal"),
                             hidden(sdpa(size(), size(2, 6), size(7, 9), size(), size(), False), _sdpa, "L != S"),
                             hidden(sdpa(size(), T, T, size(4, 16), size(), True), _sdpa, "causal")],
    }
