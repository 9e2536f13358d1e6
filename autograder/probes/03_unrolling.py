"""Probes of assignment 03_unrolling: each test cell's function, called on the grader's own inputs.

Shapes and values are random for every grading run; they cover the cases the hidden tests
cover (T = 1, a batch of one, one hidden unit, long sequences). The states given to the
functions come from a real forward pass, as in the tests.
"""
import numpy as np


def probes(rng):
    def size(low=1, high=6):
        return int(rng.integers(low, high + 1))

    def weights(D, H):
        return 0.5 * rng.normal(size=(H, D)), 0.5 * rng.normal(size=(H, H)), 0.5 * rng.normal(size=H)

    def step(B, D, H):
        x_t, h_prev = rng.normal(size=(B, D)), 0.5 * rng.normal(size=(B, H))
        W_xh, W_hh, b_h = weights(D, H)
        h_t = np.tanh(x_t @ W_xh.T + h_prev @ W_hh.T + b_h)
        return (rng.normal(size=(B, H)), x_t, h_prev, h_t, W_xh, W_hh)

    def sequence(T, B, D, H):
        X, h0 = rng.normal(size=(T, B, D)), 0.5 * rng.normal(size=(B, H))
        W_xh, W_hh, b_h = weights(D, H)
        Hs, h = np.empty((T, B, H)), h0
        for t in range(T):
            h = np.tanh(X[t] @ W_xh.T + h @ W_hh.T + b_h)
            Hs[t] = h
        return (rng.normal(size=(T, B, H)), X, Hs, h0, W_xh, W_hh)

    return {
        "test_rnn_step_backward_visible": [("rnn_step_backward", step(size(), size(), size()))],
        "test_rnn_step_backward_hidden": [("rnn_step_backward", step(1, 1, 1)),
                                          ("rnn_step_backward", step(size(2, 6), size(), size(2, 6)))],
        "test_step_contributions_visible": [("step_contributions", sequence(size(2, 6), size(), size(), size()))],
        "test_step_contributions_hidden": [("step_contributions", sequence(1, 1, 1, 1)),
                                           ("step_contributions", sequence(size(2, 8), size(), size(), size()))],
        "test_rnn_backward_visible": [("rnn_backward", sequence(size(2, 6), size(), size(), size()))],
        "test_rnn_backward_hidden": [("rnn_backward", sequence(1, size(), 1, size())),
                                     ("rnn_backward", sequence(size(8, 14), size(), size(), size())),
                                     ("rnn_backward", sequence(size(2, 6), 1, size(), size()))],
    }
