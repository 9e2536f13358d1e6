"""The classic-mistake generators of rnncourse.grading.rnn: right where they claim to be right,
different from the right answer where they claim a mistake, and recognised by check_array."""
from __future__ import annotations

import numpy as np
import pytest

from rnncourse.grading import Feedback, check_array
from rnncourse.grading import rnn as g
from rnncourse.numpy_ref.rnn import rnn_backward, rnn_forward, rnn_step_backward, rnn_step_forward


def make(T=5, B=3, D=4, H=6, seed=0):
    rng = np.random.default_rng(seed)
    X, h0 = rng.normal(size=(T, B, D)), 0.5 * rng.normal(size=(B, H))
    W_xh, W_hh, b_h = 0.5 * rng.normal(size=(H, D)), 0.5 * rng.normal(size=(H, H)), 0.5 * rng.normal(size=H)
    Hs = rnn_forward(X, h0, W_xh, W_hh, b_h)
    return X, h0, W_xh, W_hh, b_h, Hs, rng.normal(size=(T, B, H))


@pytest.mark.parametrize("truncate", [None, 1, 2, 5])
def test_switchable_backward_without_mistakes_is_the_reference(truncate):
    X, h0, W_xh, W_hh, b_h, Hs, dHs = make()
    got = g.sequence_backward(dHs, X, Hs, h0, W_xh, W_hh, truncate=truncate)
    expected = rnn_backward(dHs, X, Hs, h0, W_xh, W_hh, truncate=truncate)
    for name in expected:
        np.testing.assert_allclose(got[name], expected[name], rtol=1e-12, atol=1e-14)
    terms = g.step_contributions(dHs, X, Hs, h0, W_xh, W_hh)
    np.testing.assert_allclose(terms.sum(0), rnn_backward(dHs, X, Hs, h0, W_xh, W_hh)["dW_hh"], rtol=1e-12)


def test_every_mistake_changes_the_gradient_it_claims_to():
    X, h0, W_xh, W_hh, b_h, Hs, dHs = make()
    right = rnn_backward(dHs, X, Hs, h0, W_xh, W_hh)
    wrong = g.sequence_backward_mistakes(dHs, X, Hs, h0, W_xh, W_hh)
    for message, value in wrong["dW_hh"].items():  # every mistake shows in dW_hh
        assert not np.allclose(value, right["dW_hh"]), message
    for name in ("dX", "dW_xh", "db_h"):
        assert not np.allclose(wrong[name][g.SLOPE_OF_PREACTIVATION], right[name])


def test_step_backward_mistakes_and_check_array_name_them():
    X, h0, W_xh, W_hh, b_h, Hs, dHs = make(seed=1)
    right = rnn_step_backward(dHs[1], X[1], Hs[0], Hs[1], W_xh, W_hh)
    wrong = g.step_backward_mistakes(dHs[1], X[1], Hs[0], Hs[1], W_xh, W_hh)
    check_array("dh_prev", right["dh_prev"], right["dh_prev"], mistakes=wrong["dh_prev"])  # right passes
    with pytest.raises(Feedback, match="W_hh transposed"):
        check_array("dh_prev", wrong["dh_prev"][g.TRANSPOSED_W_HH], right["dh_prev"], mistakes=wrong["dh_prev"])
    with pytest.raises(Feedback, match=r"1 - tanh\(h_t\)\*\*2"):
        check_array("dW_hh", wrong["dW_hh"][g.SLOPE_OF_OUTPUT_TANH], right["dW_hh"], mistakes=wrong["dW_hh"])


def test_forward_mistakes_are_recognised():
    X, h0, W_xh, W_hh, b_h, Hs, _ = make(seed=2)
    wrong = g.forward_mistakes(X, h0, W_xh, W_hh, b_h)
    for message, value in wrong.items():
        assert value.shape != Hs.shape or not np.allclose(value, Hs), message
        with pytest.raises(Feedback, match="Hs is wrong"):
            check_array("Hs", value, Hs, mistakes=wrong)
    step = g.step_forward_mistakes(X[0], h0, W_xh, W_hh, b_h)
    right = rnn_step_forward(X[0], h0, W_xh, W_hh, b_h)
    assert all(not np.allclose(v, right) for v in step.values())


def test_many_to_one_batch_first_mistake_only_when_shapes_coincide():
    X, h0, W_xh, W_hh, b_h, Hs, _ = make(T=4, B=4)
    W_hy, b_y = np.ones((2, 6)), np.zeros(2)
    assert any("LAST SEQUENCE" in m for m in g.many_to_one_mistakes(Hs, W_hy, b_y))
    X, h0, W_xh, W_hh, b_h, Hs, _ = make(T=5, B=3)
    assert not any("LAST SEQUENCE" in m for m in g.many_to_one_mistakes(Hs, W_hy, b_y))


def test_truncated_mistakes():
    X, h0, W_xh, W_hh, b_h, Hs, dHs = make(T=7)
    right = rnn_backward(dHs, X, Hs, h0, W_xh, W_hh, truncate=3)
    wrong = g.truncated_backward_mistakes(dHs, X, Hs, h0, W_xh, W_hh, 3)
    for message, value in wrong["dW_hh"].items():
        assert not np.allclose(value, right["dW_hh"]), message
    single_window = g.truncated_backward_mistakes(dHs, X, Hs, h0, W_xh, W_hh, 10)
    assert not any("FULL BPTT" in m for m in single_window["dW_hh"])


def test_call_checked_explains_shape_errors_and_passes_the_rest():
    def transposed(x, W):
        return x @ W

    with pytest.raises(Feedback, match="orientation of every matrix product"):
        g.call_checked(transposed, np.ones((2, 3)), np.ones((4, 3)))
    assert g.call_checked(transposed, np.ones((2, 3)), np.ones((3, 4))).shape == (2, 4)

    def stub():
        raise NotImplementedError()

    with pytest.raises(NotImplementedError):
        g.call_checked(stub)

    def other():
        raise ValueError("something else")

    with pytest.raises(ValueError, match="something else"):
        g.call_checked(other)


def forgetful_rnn_forward(X, h0, W_xh, W_hh, b_h):
    """A student's sequence forward that leaves out the recurrent term."""
    return np.stack([np.tanh(x_t @ W_xh.T + b_h) for x_t in X])


@pytest.mark.parametrize("with_h0", [True, False])
def test_a_forward_without_the_recurrent_term_is_named(with_h0):
    X, h0, W_xh, W_hh, b_h, Hs, _ = make(seed=3)
    h0 = h0 if with_h0 else None
    Hs = rnn_forward(X, h0, W_xh, W_hh, b_h)
    with pytest.raises(Feedback, match="leaves out the recurrent term"):
        check_array("Hs", forgetful_rnn_forward(X, h0, W_xh, W_hh, b_h), Hs,
                    mistakes=g.forward_mistakes(X, h0, W_xh, W_hh, b_h))


def test_a_forward_that_ignores_h0_or_returns_it_is_named():
    X, h0, W_xh, W_hh, b_h, Hs, _ = make(seed=4)
    wrong = g.forward_mistakes(X, h0, W_xh, W_hh, b_h)
    with pytest.raises(Feedback, match="ignores the given h0"):
        check_array("Hs", rnn_forward(X, None, W_xh, W_hh, b_h), Hs, mistakes=wrong)
    with pytest.raises(Feedback, match="returns h0 as well"):
        check_array("Hs", np.concatenate([h0[None], Hs]), Hs, mistakes=wrong)


def test_dW_hh_from_the_new_state_is_named():
    X, h0, W_xh, W_hh, b_h, Hs, dHs = make(seed=5)
    right = rnn_backward(dHs, X, Hs, h0, W_xh, W_hh)
    wrong = g.sequence_backward_mistakes(dHs, X, Hs, h0, W_xh, W_hh)
    student = g.sequence_backward(dHs, X, Hs, h0, W_xh, W_hh, state_after=True)
    with pytest.raises(Feedback, match="ENTERED the step"):
        check_array("dW_hh", student["dW_hh"], right["dW_hh"], mistakes=wrong["dW_hh"])
