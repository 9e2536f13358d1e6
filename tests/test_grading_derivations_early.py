"""The instructor-side references and mistake generators of the derive, implement and experiment
tasks of assignments 01-03, checked against brute force and finite differences: a mistake is named
only when its value differs from the right one and from every other mistake's."""
from __future__ import annotations

import numpy as np
import pytest

from rnncourse.gradcheck import numerical_gradient
from rnncourse.grading import Feedback, check_equal
from rnncourse.grading.counting import break_even_length, break_even_mistakes
from rnncourse.grading.gradient_reach import gradient_reach, gradient_reach_mistakes
from rnncourse.grading.jacobian import rnn_jacobian, rnn_jacobian_mistakes
from rnncourse.grading.linear_rnn import linear_rnn_gradients, linear_rnn_mistakes
from rnncourse.grading.readout import readout_step, readout_step_mistakes
from rnncourse.grading.separate import separating
from rnncourse.grading.softmax_readout import softmax_readout, softmax_readout_mistakes
from rnncourse.grading.state_difference import state_difference_mistakes
from rnncourse.numpy_ref.rnn import rnn_forward


def test_separating_drops_mistakes_that_coincide_with_the_answer_or_each_other():
    kept = separating(np.ones(3), {"right": np.ones(3), "a": np.zeros(3), "b": np.zeros(3), "c": 2 * np.ones(3),
                                   "shape": np.ones(4)})
    assert set(kept) == {"c", "shape"}


def test_check_equal_names_a_mistake_by_its_value_only():
    with pytest.raises(Feedback, match="is 4, expected 5. the slip"):
        check_equal("T", 4, 5, mistakes={"the slip": 4, "other": 6}, hint="a hint")
    with pytest.raises(Feedback, match="Hint: a hint"):
        check_equal("T", 3, 5, mistakes={"the slip": 4}, hint="a hint")
    with pytest.raises(Feedback, match="expected 5.$"):
        check_equal("T", 4, 5, mistakes={"a float is not an int": 4.0})


@pytest.mark.parametrize("D,H,K", [(3, 16, 1), (4, 12, 5), (1, 1, 1), (7, 3, 2), (5, 50, 9)])
def test_break_even_length_is_the_smallest_T_found_by_counting(D, H, K):
    def counts(T):
        return T * D * H + H + H * K + K, H * D + H * H + H + H * K + K

    T = next(T for T in range(1, 10_000) if counts(T)[0] > counts(T)[1])
    assert break_even_length(D, H, K) == T
    assert all(wrong != T for wrong in break_even_mistakes(D, H, K).values())


def test_readout_step_descends_the_loss_and_matches_finite_differences():
    rng = np.random.default_rng(0)
    w, b, F, y = rng.normal(size=3), 0.2, rng.normal(size=(7, 3)), rng.integers(0, 2, size=7).astype(float)
    loss, w_new, b_new = readout_step(w, b, F, y, lr=1.0)
    W = w.copy()
    dw = numerical_gradient(lambda: readout_step(W, b, F, y, 0.0)[0], W)
    np.testing.assert_allclose(w - w_new, dw, rtol=1e-6, atol=1e-9)
    assert readout_step(w_new, b_new, F, y, 0.0)[0] < loss
    saturated = readout_step(np.array([60.0]), 0.0, np.array([[1.0], [-1.0]]), np.array([0.0, 1.0]), 0.1)[0]
    assert np.isfinite(saturated) and saturated == pytest.approx(60.0)
    for name, wrong in readout_step_mistakes(w, b, F, y, 0.5).items():
        assert wrong, f"no mistake of {name} is told apart on generic inputs"


def test_rnn_jacobian_matches_finite_differences_and_every_slip_differs():
    rng = np.random.default_rng(1)
    B, D, H = 3, 2, 4
    h_prev, x_t = 0.5 * rng.normal(size=(B, H)), rng.normal(size=(B, D))
    W_xh, W_hh, b_h = rng.normal(size=(H, D)), rng.normal(size=(H, H)), rng.normal(size=H)
    J = rnn_jacobian(h_prev, x_t, W_xh, W_hh, b_h)
    for i in range(H):
        h = h_prev.copy()
        row = numerical_gradient(lambda: float(np.tanh(x_t @ W_xh.T + h @ W_hh.T + b_h)[:, i].sum()), h)
        np.testing.assert_allclose(J[:, i, :], row, rtol=1e-6, atol=1e-9)
    assert len(rnn_jacobian_mistakes(h_prev, x_t, W_xh, W_hh, b_h)) == 6


def test_softmax_readout_gradients_match_finite_differences_and_survive_large_scores():
    rng = np.random.default_rng(2)
    T, B, H, K = 3, 2, 4, 5
    Hs, targets = np.tanh(rng.normal(size=(T, B, H))), rng.integers(0, K, size=(T, B))
    W_hy, b_y = rng.normal(size=(K, H)), rng.normal(size=K)
    got = softmax_readout(Hs, targets, W_hy, b_y)
    for name, array in (("dHs", Hs), ("dW_hy", W_hy), ("db_y", b_y)):
        copy = array.copy()
        args = {"dHs": (copy, targets, W_hy, b_y), "dW_hy": (Hs, targets, copy, b_y), "db_y": (Hs, targets, W_hy, copy)}
        numeric = numerical_gradient(lambda: softmax_readout(*args[name])["loss"], copy)
        np.testing.assert_allclose(got[name], numeric, rtol=1e-6, atol=1e-9)
    shifted = softmax_readout(Hs, targets, W_hy, b_y + 1000.0)
    assert shifted["loss"] == pytest.approx(got["loss"])
    assert all(softmax_readout_mistakes(Hs, targets, W_hy, b_y).values())


@pytest.mark.parametrize("w", [0.7, -0.8, 1.3])
def test_linear_rnn_gradients_match_finite_differences(w):
    x, u = np.random.default_rng(3).normal(size=6), 1.5

    def h_T(x, w, u):
        h = 0.0
        for x_t in x:
            h = w * h + u * x_t
        return h

    got = linear_rnn_gradients(x, w, u)
    eps = 1e-6
    assert got["dw"] == pytest.approx((h_T(x, w + eps, u) - h_T(x, w - eps, u)) / (2 * eps), rel=1e-6)
    assert got["du"] == pytest.approx((h_T(x, w, u + eps) - h_T(x, w, u - eps)) / (2 * eps), rel=1e-6)
    X = x.copy()
    np.testing.assert_allclose(got["dx"], numerical_gradient(lambda: h_T(X, w, u), X), rtol=1e-6)
    assert all(linear_rnn_mistakes(x, w, u).values())


def test_the_experiments_obey_the_bounds_their_probes_check():
    rng = np.random.default_rng(4)
    T, B, D, H = 8, 20, 26, 12
    X = np.eye(D)[rng.integers(0, D, size=(T, B))]
    X_changed = X.copy()
    X_changed[0] = np.eye(D)[rng.integers(0, D, size=B)]
    W_xh, direction, b_h = rng.normal(size=(H, D)), rng.normal(size=(H, H)), 0.1 * rng.normal(size=H)
    W_hh = 0.5 * direction / np.linalg.norm(direction, 2)
    Hs, Hs_changed = rnn_forward(X, None, W_xh, W_hh, b_h), rnn_forward(X_changed, None, W_xh, W_hh, b_h)
    d = np.linalg.norm(Hs - Hs_changed, axis=-1).mean(axis=1)
    assert np.all(d[1:] <= 0.5 * d[:-1] + 1e-12)
    assert len(state_difference_mistakes(X, X_changed, W_xh, W_hh, b_h)) == 4
    reach = gradient_reach(X, W_xh, W_hh, b_h)
    bound = 0.5 ** (T - 1 - np.arange(T)) * np.linalg.norm(W_xh, 2) * np.sqrt(H)
    assert np.all(reach["dX_norms"] <= bound) and reach["dW_hh_norms"][0] == 0.0
    assert all(gradient_reach_mistakes(X, W_xh, W_hh, b_h).values())
