"""Probes of assignment 01_why_recurrent: each test's functions, called on the grader's own inputs.

Shapes and values come from the grader's seed; they cover what the hidden tests check (T = 1, a
batch of one, a single hidden unit, time steps in another order, counts that must not depend on T).
"""
import numpy as np

from autograder.probes import Call
from autograder.probes.judge import array_check, fields, same_array, same_int
from rnncourse.grading.rnn import forward_mistakes
from rnncourse.numpy_ref.rnn import rnn_forward

HIDDEN = {
    "test_mean_pool_hidden": "mean_pool on random shapes, and invariance to reordering the time steps.",
    "test_recurrent_summary_hidden": "recurrent_summary on random shapes, including T = 1 and a single hidden unit.",
    "test_count_parameters_hidden": "count_parameters on other sizes: the recurrent count never depends on T.",
    "test_pad_batch_hidden": "pad_batch on random lengths and feature sizes, including a batch of one.",
}

MEAN = array_check("mean_pool(X)", lambda X: {"You summed over time instead of averaging: divide by T.": X.sum(axis=0)})
PERMUTED = array_check("mean_pool of the time-permuted X", hint="the mean over time cannot depend on the order of the steps.")


def _summary_mistakes(X, W_xh, W_hh, b_h):
    """The step's classic mistakes (as in a sequence's last state), and the loop run too few times."""
    states = rnn_forward(X, None, W_xh, W_hh, b_h)                      # (T, B, H)
    wrong = {message: Hs[-1] for message, Hs in forward_mistakes(X, None, W_xh, W_hh, b_h).items()
             if len(Hs) == len(X) and "Hs" not in message}            # (the ones about storing every state do not apply)
    wrong["You returned the state after the first step; return h_T."] = states[0]
    if len(X) > 1:
        wrong["The loop stops one step early: h_T is the state after all T steps."] = states[-2]
    return wrong


SUMMARY = array_check("recurrent_summary(...)", _summary_mistakes,
                      hint="start from h_0 = 0 and apply the update once per time step.")


def _counts(got, want, args):
    T, D, H, K = args
    feedforward, recurrent = fields("count_parameters", got, 2)
    same_int(f"the feedforward count for T={T}, D={D}, H={H}, K={K}", feedforward, T * D * H + H + H * K + K)
    same_int(f"the recurrent count for T={T}, D={D}, H={H}, K={K}", recurrent, H * D + H * H + H + H * K + K,
             hint="the recurrent count must not depend on T.")


def _padded(got, want, args):
    X, lengths = fields("pad_batch", got, 2)
    same_array("X", X, want[0])
    same_array("lengths", lengths, want[1])


def probes(rng):
    def size(low=1, high=7):
        return int(rng.integers(low, high + 1))

    def rnn_inputs(T, B, D, H):
        return (rng.normal(size=(T, B, D)), rng.normal(size=(H, D)), 0.4 * rng.normal(size=(H, H)), rng.normal(size=H))

    def sequences(B, D, longest=None):
        lengths = [size(1, 8) for _ in range(B)]
        if longest is not None:           # the longest sequence differs from B: a batch-first
            lengths[0] = longest          # layout then has another shape, never the same one
            lengths = [min(n, longest) for n in lengths]
        return [rng.normal(size=(n, D)) for n in lengths]

    B_pad = size(2, 8)

    def mean_cases(T, B, D):
        X = rng.normal(size=(T, B, D))
        return [Call("mean_pool", (X,), MEAN, f"T={T}, B={B}, D={D}"),
                Call("mean_pool", (X[rng.permutation(T)],), PERMUTED, f"T={T}, B={B}, D={D}, steps reordered")]

    return {
        "test_mean_pool_visible": [("mean_pool", (rng.normal(size=(size(), size(), size())),))],
        "test_mean_pool_hidden": mean_cases(1, 1, 1) + mean_cases(size(2, 12), size(), size()),
        "test_recurrent_summary_visible": [("recurrent_summary", rnn_inputs(size(2, 6), size(), size(), size()))],
        "test_recurrent_summary_hidden": [Call("recurrent_summary", rnn_inputs(1, 1, size(), 1), SUMMARY, "T=1, B=1, H=1"),
                                          Call("recurrent_summary", rnn_inputs(size(3, 10), size(), size(), size()), SUMMARY)],  # T >= 3: one step short is not one step
        "test_count_parameters_visible": [("count_parameters", (size(2, 20), size(), size(1, 32), size(1, 4)))],
        "test_count_parameters_hidden": [Call("count_parameters", (1, 1, 1, 1), _counts),
                                         Call("count_parameters", (size(100, 999), size(), size(1, 64), size(1, 9)), _counts)],
        "test_pad_batch_visible": [("pad_batch", (sequences(size(2, 4), size(1, 4)),))],
        "test_pad_batch_hidden": [Call("pad_batch", (sequences(1, 1),), _padded, "a batch of one"),
                                  Call("pad_batch", (sequences(B_pad, size(), longest=B_pad + 1),), _padded)],
    }
