"""Probes of assignment 07_deep_bidirectional: each test cell's function, called on the grader's own inputs.

Shapes, lengths and values are random for every grading run; they cover the cases the hidden
tests cover (T = 1, a batch of one, unsorted lengths, full-length and length-one sequences,
extra trailing feature dimensions). Lengths are sent as integer arrays, as in the hidden tests.
"""
import numpy as np


def probes(rng):
    def size(low=1, high=6):
        return int(rng.integers(low, high + 1))

    def weights(D, H):
        return (rng.normal(size=(H, D)), 0.5 * rng.normal(size=(H, H)), rng.normal(size=H))

    def bidirectional(T, B, D, H):
        return ("bidirectional_layer", (rng.normal(size=(T, B, D)), weights(D, H), weights(D, H)))

    def lengths(T, B):
        values = rng.integers(1, T + 1, size=B)
        values[0] = T
        if B > 1:
            values[-1] = 1
        return rng.permutation(values).astype(np.int64)

    def reverse(T, B, tail):
        return ("reverse_padded", (rng.normal(size=(T, B) + tail), lengths(T, B)))

    def masked(T, B, D, H):
        return ("masked_rnn", (rng.normal(size=(T, B, D)), lengths(T, B)) + weights(D, H))

    def last(T, B, F):
        return ("last_real_step", (rng.normal(size=(T, B, F)), lengths(T, B)))

    return {
        "test_bidirectional_layer_visible": [bidirectional(size(2, 6), size(), size(), size())],
        "test_bidirectional_layer_hidden": [bidirectional(1, 1, 1, 1), bidirectional(size(2, 9), size(), size(), size())],
        "test_reverse_padded_visible": [reverse(size(2, 6), size(2, 4), (size(),))],
        "test_reverse_padded_hidden": [reverse(1, 1, (1,)), reverse(size(2, 8), size(2, 6), (size(),)),
                                       reverse(size(2, 6), size(2, 5), (size(1, 3), size(1, 3)))],
        "test_masked_rnn_visible": [masked(size(2, 6), size(2, 4), size(), size())],
        "test_masked_rnn_hidden": [masked(1, 1, 1, 1), masked(size(2, 8), size(2, 6), size(), size())],
        "test_last_real_step_visible": [last(size(2, 6), size(2, 4), size())],
        "test_last_real_step_hidden": [last(1, 1, 1), last(size(2, 9), size(2, 7), size())],
    }
