"""Probes of assignment 06_lstm_gru: each test cell's function, called on the grader's own inputs.

Shapes and values are random for every grading run; they cover the cases the hidden tests
cover (a batch of one, one hidden unit). Weights are drawn like PyTorch's initialisation,
uniform in [-1/sqrt(H), 1/sqrt(H)]. lstm_params_to_torch takes dicts of weights, which the
probes do not send, so only the kernel's tests check it.
"""
import numpy as np


def probes(rng):
    def size(low=1, high=6):
        return int(rng.integers(low, high + 1))

    def params(gates, D, H):
        bound = 1.0 / np.sqrt(H)
        return tuple(rng.uniform(-bound, bound, size=s) for s in ((gates * H, D), (gates * H, H), (gates * H,), (gates * H,)))

    def lstm(B, D, H):
        return (rng.normal(size=(B, D)), rng.normal(size=(B, H)), rng.normal(size=(B, H))) + params(4, D, H)

    def lstm_backward(B, D, H):
        return (rng.normal(size=(B, H)), rng.normal(size=(B, H))) + lstm(B, D, H)

    def gru(B, D, H):
        return (rng.normal(size=(B, D)), rng.normal(size=(B, H))) + params(3, D, H)

    return {
        "test_lstm_cell_forward_visible": [("lstm_cell_forward", lstm(size(2, 5), size(), size(2, 6)))],
        "test_lstm_cell_forward_hidden": [("lstm_cell_forward", lstm(1, 1, 1)),
                                          ("lstm_cell_forward", lstm(size(2, 6), size(), size()))],
        "test_lstm_cell_backward_visible": [("lstm_cell_backward", lstm_backward(size(2, 5), size(), size(2, 5)))],
        "test_lstm_cell_backward_hidden": [("lstm_cell_backward", lstm_backward(1, 1, 1)),
                                           ("lstm_cell_backward", lstm_backward(size(2, 6), size(), size()))],
        "test_gru_cell_forward_visible": [("gru_cell_forward", gru(size(2, 5), size(), size(2, 6)))],
        "test_gru_cell_forward_hidden": [("gru_cell_forward", gru(1, 1, 1)),
                                         ("gru_cell_forward", gru(size(2, 6), size(), size()))],
    }
