"""Probes of assignment 02_rnn_equations: each test's functions, called on the grader's own inputs.

Shapes and values come from the grader's seed; they cover what the hidden tests check (a batch
of one, one hidden unit, T = 1, h0 = None, T different from B, K = 1), and name the classic
mistakes with the generators of ``rnncourse.grading.rnn``.
"""
from autograder.probes import Call
from autograder.probes.judge import array_check
from rnncourse.grading.rnn import forward_mistakes, many_to_one_mistakes, step_forward_mistakes
from rnncourse.numpy_ref.rnn import rnn_forward

HIDDEN = {
    "test_rnn_step_forward_hidden": "rnn_step_forward on random shapes (a batch of one, one hidden unit).",
    "test_rnn_forward_hidden": "rnn_forward on random shapes, T = 1, and h0 = None (zeros).",
    "test_many_to_one_hidden": "many_to_one on random shapes (T different from B, K = 1).",
}

STEP = array_check("h_t", step_forward_mistakes)
FORWARD = array_check("Hs", forward_mistakes, hint="start from h0 (zeros when it is None) and store the state after every step.")
HEAD = array_check("y", lambda X, h0, W_xh, W_hh, b_h, W_hy, b_y: many_to_one_mistakes(
    rnn_forward(X, h0, W_xh, W_hh, b_h), W_hy, b_y))


def probes(rng):
    def size(low=1, high=7):
        return int(rng.integers(low, high + 1))

    def weights(D, H):
        return rng.normal(size=(H, D)), 0.5 * rng.normal(size=(H, H)), rng.normal(size=H)

    def step(B, D, H):
        return (rng.normal(size=(B, D)), rng.normal(size=(B, H))) + weights(D, H)

    def sequence(T, B, D, H, zero_start=False):
        h0 = None if zero_start else rng.normal(size=(B, H))
        return (rng.normal(size=(T, B, D)), h0) + weights(D, H)

    def head(T, B, D, H, K, zero_start=False):
        return sequence(T, B, D, H, zero_start) + (rng.normal(size=(K, H)), rng.normal(size=K))

    T = size(2, 6)
    return {
        "test_rnn_step_forward_visible": [("rnn_step_forward", step(size(), size(), size()))],
        "test_rnn_step_forward_hidden": [Call("rnn_step_forward", step(1, 1, 1), STEP, "B=1, D=1, H=1"),
                                         Call("rnn_step_forward", step(size(2, 8), size(), size(2, 9)), STEP)],
        "test_rnn_forward_visible": [("rnn_forward", sequence(size(2, 8), size(), size(), size()))],
        "test_rnn_forward_hidden": [Call("rnn_forward", sequence(1, 1, 1, 1), FORWARD, "T=1, B=1, D=1, H=1"),
                                    Call("rnn_forward", sequence(size(2, 10), size(), size(), size(), True), FORWARD,
                                         "h0=None"),
                                    Call("rnn_forward", sequence(size(2, 8), size(), size(), size()), FORWARD)],
        "test_many_to_one_visible": [("many_to_one", head(size(2, 6), size(), size(), size(), size(), zero_start=True))],
        "test_many_to_one_hidden": [Call("many_to_one", head(1, size(2, 5), 1, size(), 1), HEAD, "T=1, K=1"),
                                    Call("many_to_one", head(T, T, size(), size(), size(2, 4)), HEAD, "T=B"),
                                    Call("many_to_one", head(size(2, 8), size(), size(), size(), size()), HEAD)],
    }
