"""Probes of assignment 02_rnn_equations: each test cell's function, called on the grader's own inputs.

Shapes and values are random for every grading run; they cover the cases the hidden tests
cover (a batch of one, one hidden unit, T = 1, h0 = None, K = 1).
"""


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

    return {
        "test_rnn_step_forward_visible": [("rnn_step_forward", step(size(), size(), size()))],
        "test_rnn_step_forward_hidden": [("rnn_step_forward", step(1, 1, 1)),
                                         ("rnn_step_forward", step(size(2, 8), size(), size(2, 9)))],
        "test_rnn_forward_visible": [("rnn_forward", sequence(size(2, 8), size(), size(), size()))],
        "test_rnn_forward_hidden": [("rnn_forward", sequence(1, 1, 1, 1)),
                                    ("rnn_forward", sequence(size(2, 10), size(), size(), size(), zero_start=True)),
                                    ("rnn_forward", sequence(size(2, 8), size(), size(), size()))],
        "test_many_to_one_visible": [("many_to_one", head(size(2, 6), size(), size(), size(), size(), zero_start=True))],
        "test_many_to_one_hidden": [("many_to_one", head(1, size(), 1, size(), 1)),
                                    ("many_to_one", head(size(2, 8), size(), size(), size(), size()))],
    }
