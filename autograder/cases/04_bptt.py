"""Stored cases of assignment 04_bptt (see autograder/cases/__init__.py)."""
import numpy as np

from autograder.cases import case
from rnncourse.data.synthetic import order_task
from rnncourse.grading.gradient_flow import (bptt_term_mistakes, distinct, jacobian_product_mistakes,
                                             truncation_gap_mistakes)
from rnncourse.grading.rnn import truncated_backward_mistakes


def cases(solution):
    rng = np.random.default_rng(4)
    T, D, H = 4, 2, 3
    x, W_xh, W_hh, b_h = rng.normal(size=(T, D)), rng.normal(size=(H, D)), rng.normal(size=(H, H)), rng.normal(size=H)
    Hs = np.concatenate([np.zeros((1, H)), solution.rnn_forward(x[:, None], None, W_xh, W_hh, b_h)[:, 0]])  # (T+1, H)
    jacobians = {f"jacobian_product_{t}_{k}": case(solution.jacobian_product, Hs, W_hh, t, k,
                                                   mistakes=jacobian_product_mistakes(Hs, W_hh, t, k))
                 for t, k in [(3, 1), (4, 4), (4, 0)]}

    T, B, D, H, k = 7, 2, 3, 4, 3
    X, h0 = rng.normal(size=(T, B, D)), 0.5 * rng.normal(size=(B, H))
    W_xh, W_hh, b_h = 0.5 * rng.normal(size=(H, D)), 0.8 * rng.normal(size=(H, H)), 0.5 * rng.normal(size=H)
    window = (rng.normal(size=(T, B, H)), X, solution.rnn_forward(X, h0, W_xh, W_hh, b_h), h0, W_xh, W_hh, k)

    A = rng.normal(size=(3, 2))
    f = lambda: float(np.sum(np.exp(2 * A)))           # noqa: E731
    central = solution.numerical_gradient(f, A, eps=1e-3)
    forward = np.zeros_like(A)
    for index in np.ndindex(A.shape):
        A[index] += 1e-3
        plus = f()
        A[index] -= 1e-3
        forward[index] = (plus - f()) / 1e-3

    a = np.array([[3.0, 0.0], [0.0, 4.0]])
    return {
        **jacobians,
        "truncated_rnn_backward": case(solution.truncated_rnn_backward, *window,
                                       mistakes=truncated_backward_mistakes(*window)),
        "numerical_gradient": {"A": A, "eps": 1e-3, "expected": central, "mistakes": {
            "is a one-sided (forward) difference (f(x+eps) - f(x)) / eps: its error is O(eps); use the central "
            "difference (f(x+eps) - f(x-eps)) / (2 eps), whose error is O(eps^2).": forward,
            "divides by eps instead of 2 eps: the two evaluations are 2 eps apart.": 2 * central}},
        "relative_error_equal": case(solution.relative_error, a, a),
        "relative_error_scaled": case(solution.relative_error, a, 2 * a, mistakes={
            "divides by ||a|| alone (or not at all): the denominator is ||a|| + ||b||.": 5.0 / 5.0,
            "divides by max(||a||, ||b||): the denominator is ||a|| + ||b||.": 5.0 / 10.0}),
        "relative_error_zero": case(solution.relative_error, np.zeros(3), np.zeros(3)),
        **double_sum_cases(solution),
    }


def double_sum_cases(solution):
    rng = np.random.default_rng(44)
    T, D, H = 5, 2, 3
    x, W_xh, W_hh, b_h = rng.normal(size=(T, D)), rng.normal(size=(H, D)), rng.normal(size=(H, H)), rng.normal(size=H)
    h0 = 0.5 * rng.normal(size=(1, H))                  # non-zero: the term (t, 1) uses h_0
    Hs = np.concatenate([h0, solution.rnn_forward(x[:, None], h0, W_xh, W_hh, b_h)[:, 0]])   # (T + 1, H)
    G = rng.normal(size=(T, H))
    terms = {}
    for t, k in [(4, 2), (5, 5), (3, 1)]:
        right = solution.bptt_term(G, Hs, W_hh, t, k)
        terms[f"bptt_term_{t}_{k}"] = case(solution.bptt_term, G, Hs, W_hh, t, k,
                                           mistakes=distinct(right, bptt_term_mistakes(G, Hs, W_hh, t, k)))
    T, B, H = 6, 3, 4
    X, _ = order_task(B, T, np.random.default_rng(4))
    gaps = (X, 0.5 * rng.normal(size=(B, H)), rng.normal(size=(H, 3)), 0.9 * rng.normal(size=(H, H)),
            0.3 * rng.normal(size=H), rng.normal(size=H), [1, 2, 4, 6])
    return {**terms, "truncation_gaps": case(solution.truncation_gaps, *gaps, mistakes=truncation_gap_mistakes(*gaps))}
