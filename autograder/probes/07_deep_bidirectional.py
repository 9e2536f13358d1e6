"""Probes of assignment 07_deep_bidirectional: each test's functions, called on the grader's own inputs.

Shapes, lengths and values come from the grader's seed; they cover what the hidden tests check
(T = 1, a batch of one, unsorted lengths, full-length and length-one sequences, extra trailing
feature dimensions, reversing twice), and name the classic mistakes with the generators of
``rnncourse.grading.ragged``. Lengths are sent as integer arrays.
"""
import numpy as np

from autograder.probes import Call
from autograder.probes.judge import array_check, fields, same_array
from rnncourse.grading.ragged import (bidirectional_mistakes, final_state_mistakes, last_real_step_mistakes,
                                      masked_rnn_state_mistakes, reverse_padded_mistakes)

HIDDEN = {
    "test_bidirectional_layer_hidden": "bidirectional_layer on random shapes (T = 1 included), as torch.nn.RNN(bidirectional=True) computes it.",
    "test_reverse_padded_hidden": "reverse_padded on random lengths and extra trailing axes, and applied twice gives X back.",
    "test_masked_rnn_hidden": "masked_rnn on random shapes, as torch.nn.RNN on a packed sequence computes it (outputs and final states).",
    "test_last_real_step_hidden": "last_real_step on random shapes, lengths of 1 and T.",
}
BIDIRECTIONAL = array_check("bidirectional_layer(X, ...)", bidirectional_mistakes)
REVERSED = array_check("reverse_padded(X, lengths)", reverse_padded_mistakes)
LAST = array_check("last_real_step(outputs, lengths)", last_real_step_mistakes)


def _twice(got, want, args):
    reversed_, back = fields("reverse_padded", got, 2)
    REVERSED(reversed_, want[0], args)
    same_array("reverse_padded applied twice", back, args[0])


def _masked(got, want, args):
    X, lengths, W_xh, W_hh, b_h = args
    Hs, h_last = fields("masked_rnn", got, 2)
    same_array("Hs", Hs, want[0], mistakes=masked_rnn_state_mistakes(X, W_xh, W_hh, b_h, lengths))
    same_array("h_last", h_last, want[1], mistakes=final_state_mistakes(X, W_xh, W_hh, b_h, lengths))


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

    def hidden(case, check, label="", **options):
        return Call(case[0], case[1], check, label, **options)

    return {
        "test_bidirectional_layer_visible": [bidirectional(size(2, 6), size(), size(), size())],
        "test_bidirectional_layer_hidden": [hidden(bidirectional(1, 1, 1, 1), BIDIRECTIONAL, "T=1, B=1, D=1, H=1"),
                                            hidden(bidirectional(size(2, 9), size(), size(), size()), BIDIRECTIONAL)],
        "test_reverse_padded_visible": [reverse(size(2, 6), size(2, 4), (size(),))],
        "test_reverse_padded_hidden": [hidden(reverse(1, 1, (1,)), REVERSED, "T=1, B=1"),
                                       hidden(reverse(size(2, 8), size(2, 6), (size(),)), REVERSED),
                                       hidden(reverse(size(2, 6), size(2, 5), (size(1, 3), size(1, 3))), REVERSED,
                                              "two trailing axes"),
                                       hidden(reverse(size(2, 7), size(2, 5), (size(),)), _twice, "applied twice",
                                              driver="twice")],
        "test_masked_rnn_visible": [masked(size(2, 6), size(2, 4), size(), size())],
        "test_masked_rnn_hidden": [hidden(masked(1, 1, 1, 1), _masked, "T=1, B=1, D=1, H=1"),
                                   hidden(masked(size(2, 8), size(2, 6), size(), size()), _masked)],
        "test_last_real_step_visible": [last(size(2, 6), size(2, 4), size())],
        "test_last_real_step_hidden": [hidden(last(1, 1, 1), LAST, "T=1, B=1"),
                                       hidden(last(size(2, 9), size(2, 7), size()), LAST)],
    }
