"""Probes of assignment 08_attention_transformer: each test cell's function, called on the grader's own inputs.

Shapes, lengths and values are random for every grading run; they cover the cases the hidden
tests cover (S = 1, a batch of one, large scores that overflow a naive softmax, padded steps,
L != S without a mask, T = 1 with the causal mask).
"""
import numpy as np


def probes(rng):
    def size(low=1, high=6):
        return int(rng.integers(low, high + 1))

    def weights(S, B, H, scale=1.0):
        lengths = rng.integers(1, S + 1, size=B).astype(np.int64)
        lengths[0] = S
        return ("attention_weights", (rng.normal(size=(B, H)), scale * rng.normal(size=(S, B, H)), lengths))

    def context(S, B, H):
        scores = rng.normal(size=(B, S))
        alpha = np.exp(scores - scores.max(axis=1, keepdims=True))
        return ("context_vector", (alpha / alpha.sum(axis=1, keepdims=True), rng.normal(size=(S, B, H))))

    def sdpa(B, L, S, d, dv, causal):
        return ("scaled_dot_product_attention",
                (rng.normal(size=(B, L, d)), rng.normal(size=(B, S, d)), rng.normal(size=(B, S, dv)), causal))

    T = size(2, 6)
    return {
        "test_attention_weights_visible": [weights(size(2, 6), size(2, 4), size())],
        "test_attention_weights_hidden": [weights(1, 1, 1), weights(size(2, 8), size(2, 6), size()),
                                          weights(size(2, 7), size(2, 5), size(4, 8), 100.0)],
        "test_context_vector_visible": [context(size(2, 6), size(2, 4), size())],
        "test_context_vector_hidden": [context(1, 1, 1), context(size(2, 9), size(), size()), context(size(2, 5), 1, size())],
        "test_sdpa_visible": [sdpa(size(), T, T, size(), size(), False), sdpa(size(), T, T, size(), size(), True)],
        "test_sdpa_hidden": [sdpa(1, 1, 1, 1, 1, True), sdpa(size(), size(2, 6), size(2, 8), size(), size(), False),
                             sdpa(size(), T, T, size(4, 16), size(), True)],
    }
