"""Probes of assignment 01_why_recurrent: each test cell's function, called on the grader's own inputs.

Shapes and values are random for every grading run; they cover the edge cases the hidden
tests cover (T = 1, a batch of one, a single hidden unit).
"""


def probes(rng):
    def size(low=1, high=7):
        return int(rng.integers(low, high + 1))

    def rnn_inputs(T, B, D, H):
        return (rng.normal(size=(T, B, D)), rng.normal(size=(H, D)), 0.5 * rng.normal(size=(H, H)),
                rng.normal(size=H))

    def sequences(B, D):
        return [rng.normal(size=(size(1, 8), D)) for _ in range(B)]

    return {
        "test_mean_pool_visible": [("mean_pool", (rng.normal(size=(size(), size(), size())),))],
        "test_mean_pool_hidden": [("mean_pool", (rng.normal(size=(1, 1, size())),)),
                                  ("mean_pool", (rng.normal(size=(size(2, 12), size(), size())),))],
        "test_recurrent_summary_visible": [("recurrent_summary", rnn_inputs(size(2, 6), size(), size(), size()))],
        "test_recurrent_summary_hidden": [("recurrent_summary", rnn_inputs(1, 1, size(), 1)),
                                          ("recurrent_summary", rnn_inputs(size(2, 10), size(), size(), size()))],
        "test_count_parameters_visible": [("count_parameters", (size(2, 20), size(), size(1, 32), size(1, 4)))],
        "test_count_parameters_hidden": [("count_parameters", (size(100, 999), size(), size(1, 64), size(1, 9)))],
        "test_pad_batch_visible": [("pad_batch", (sequences(size(2, 4), size(1, 4)),))],
        "test_pad_batch_hidden": [("pad_batch", (sequences(1, 1),)), ("pad_batch", (sequences(size(2, 8), size()),))],
    }
