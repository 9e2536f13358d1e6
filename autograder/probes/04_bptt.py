"""Probes of assignment 04_bptt: each test cell's function, called on the grader's own inputs.

Shapes and values are random for every grading run; they cover the cases the hidden tests
cover (T = 1, k = t, windows k = 1, k dividing T and k >= T, scaled arrays). numerical_gradient
takes a function, so only the kernel's tests check it.
"""
import numpy as np


def probes(rng):
    def size(low=1, high=6):
        return int(rng.integers(low, high + 1))

    def forward(X, h0, W_xh, W_hh, b_h):
        Hs, h = np.empty((X.shape[0],) + h0.shape), h0
        for t in range(X.shape[0]):
            h = np.tanh(X[t] @ W_xh.T + h @ W_hh.T + b_h)
            Hs[t] = h
        return Hs

    def jacobian(T, D, H, pairs):
        x, W_xh, W_hh, b_h = rng.normal(size=(T, 1, D)), rng.normal(size=(H, D)), 0.8 * rng.normal(size=(H, H)), rng.normal(size=H)
        h0 = 0.5 * rng.normal(size=(1, H))
        Hs = np.concatenate([h0, forward(x, h0, W_xh, W_hh, b_h)[:, 0]])   # (T + 1, H)
        return [("jacobian_product", (Hs, W_hh, t, k)) for t, k in pairs]

    def truncated(T, B, D, H, k):
        X, h0 = rng.normal(size=(T, B, D)), 0.5 * rng.normal(size=(B, H))
        W_xh, W_hh, b_h = 0.5 * rng.normal(size=(H, D)), 0.8 * rng.normal(size=(H, H)), 0.5 * rng.normal(size=H)
        return ("truncated_rnn_backward", (rng.normal(size=(T, B, H)), X, forward(X, h0, W_xh, W_hh, b_h), h0, W_xh, W_hh, k))

    T1, T2 = size(3, 6), size(2, 8)
    a = rng.normal(size=(size(), size()))
    shape = (size(), size(), size())
    c, d = rng.normal(size=shape), rng.normal(size=shape)
    return {
        "test_jacobian_product_visible": jacobian(T1, size(), size(2, 5), [(T1 - 1, 1), (T1, T1), (T1, 0)]),
        "test_jacobian_product_hidden": jacobian(1, 1, 1, [(1, 0), (1, 1)])
        + jacobian(T2, size(), size(), [(T2, 0), (T2, T2 - 1), ((T2 + 1) // 2, 0)]),
        "test_truncated_rnn_backward_visible": [truncated(size(5, 8), size(), size(), size(), 3)],
        "test_truncated_rnn_backward_hidden": [truncated(size(2, 6), size(), size(), size(), 1),
                                               truncated(8, size(), size(), size(), 4),
                                               truncated(size(2, 6), 1, size(), size(), 10),
                                               truncated(size(7, 12), size(), size(), size(), size(2, 5))],
        "test_relative_error_visible": [("relative_error", (a, a)), ("relative_error", (a, 2 * a)),
                                        ("relative_error", (np.zeros(size()),) * 2)],
        "test_relative_error_hidden": [("relative_error", (rng.normal(size=1), rng.normal(size=1))),
                                       ("relative_error", (c, d)), ("relative_error", (1000 * c, 1000 * d))],
    }
