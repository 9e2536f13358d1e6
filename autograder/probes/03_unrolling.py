"""Probes of assignment 03_unrolling: each test's functions, called on the grader's own inputs.

Shapes and values come from the grader's seed; they cover what the hidden tests check (T = 1, a
batch of one, one hidden unit, long sequences, agreement with finite differences), and name the
classic mistakes with the generators of ``rnncourse.grading``. The states handed to the
functions come from a real forward pass. The scalar linear RNN's gradients are compared with the
exact derivatives; the gradient-reach experiment runs on the grader's own names and weights and is
first judged by the geometric bound that a contracting W_hh imposes.
"""
import numpy as np

from autograder.probes import Call
from autograder.probes.judge import dict_check, same_array
from rnncourse.grading import Feedback
from rnncourse.grading.gradient_reach import RESULTS as REACH_RESULTS, gradient_reach_mistakes
from rnncourse.grading.linear_rnn import RESULTS as LINEAR_RESULTS, linear_rnn_mistakes
from rnncourse.data.corpora import load_names
from rnncourse.gradcheck import numerical_gradient
from rnncourse.grading.rnn import sequence_backward_mistakes, step_backward_mistakes, step_contributions_mistakes
from rnncourse.numpy_ref.rnn import rnn_backward, rnn_forward

HIDDEN = {
    "test_rnn_step_backward_hidden": "rnn_step_backward on random shapes, and dW_hh against finite differences.",
    "test_step_contributions_hidden": "step_contributions on random shapes, T = 1 included: the terms, and their sum equals BPTT's dW_hh.",
    "test_rnn_backward_hidden": "rnn_backward on random shapes (T = 1, long sequences), and dW_hh against finite differences.",
    "test_linear_rnn_gradients_hidden": "linear_rnn_gradients on other lengths (T = 1 included) and weights (w negative, "
                                        "|w| > 1), against the exact derivatives.",
    "test_gradient_reach_hidden": "gradient_reach on the grader's own names and weights: with ||W_hh||_2 = 0.5 the "
                                  "gradient reaching x_t shrinks at least geometrically going back, and both arrays "
                                  "match what your backward pass should give.",
}
LINEAR = dict_check(LINEAR_RESULTS, linear_rnn_mistakes)
REACH = dict_check(REACH_RESULTS, gradient_reach_mistakes)
STEP = dict_check(("dx_t", "dh_prev", "dW_xh", "dW_hh", "db_h"), step_backward_mistakes)
BPTT = dict_check(("dW_hh", "dW_xh", "db_h", "dh0", "dX"), sequence_backward_mistakes)


def _bias(x_t, h_prev, h_t, W_xh, W_hh):
    """b_h recovered from a step of the forward pass: arctanh(h_t) - x_t W_xh^T - h_prev W_hh^T, (H,)."""
    return (np.arctanh(h_t) - x_t @ W_xh.T - h_prev @ W_hh.T).mean(axis=0)


def _against_finite_differences(dW_hh, loss, W):
    """dW_hh against central differences of ``loss()``, which reads the copy ``W`` of W_hh."""
    same_array("dW_hh (against finite differences)", dW_hh, numerical_gradient(loss, W), rtol=1e-5, atol=1e-7)


def _step(got, want, args):
    STEP(got, want, args)
    dh_t, x_t, h_prev, h_t, W_xh, W_hh = args
    b_h, W = _bias(x_t, h_prev, h_t, W_xh, W_hh), W_hh.copy()
    _against_finite_differences(got["dW_hh"], lambda: np.sum(dh_t * np.tanh(x_t @ W_xh.T + h_prev @ W.T + b_h)), W)


def _terms(got, want, args):
    same_array("the step terms", got, want, mistakes=step_contributions_mistakes(*args))
    same_array("the sum of the step terms", np.sum(np.asarray(got, dtype=float), axis=0), rnn_backward(*args)["dW_hh"])


def _bptt(got, want, args):
    BPTT(got, want, args)
    dHs, X, Hs, h0, W_xh, W_hh = args
    b_h, W = _bias(X[0], h0, Hs[0], W_xh, W_hh), W_hh.copy()
    _against_finite_differences(got["dW_hh"], lambda: np.sum(dHs * rnn_forward(X, h0, W_xh, W, b_h)), W)


def _reach(got, want, args):
    X, W_xh, W_hh, b_h = args
    norm = float(np.linalg.norm(W_hh, 2))
    if isinstance(got, dict) and isinstance(got.get("dX_norms"), np.ndarray) and got["dX_norms"].shape == want["dX_norms"].shape:
        T, H = len(X), W_hh.shape[0]
        bound = norm ** (T - 1 - np.arange(T)) * np.linalg.norm(W_xh, 2) * np.sqrt(H)
        above = np.flatnonzero(got["dX_norms"] > bound * (1 + 1e-9))
        if norm < 1 and above.size:
            t = int(above[0])
            raise Feedback(f"dX_norms[{t}] is {got['dX_norms'][t]:.4g}, more than can reach step {t}: with "
                           f"||W_hh||_2 = {norm:.2g} every later step multiplies the gradient by a Jacobian of norm at "
                           f"most {norm:.2g}, which bounds it by {bound[t]:.4g}. Is the loss on the last state only?")
    REACH(got, want, args)


def names_one_hot(rng, T=8, B=60):
    """A random draw of names with at least T letters, one-hot (T, B, 26)."""
    names = [name for name in load_names() if len(name) >= T and name.isalpha() and name.isascii()]
    chosen = rng.choice(len(names), size=B, replace=False)
    return np.eye(26)[np.array([[ord(c) - ord("a") for c in names[i][:T]] for i in chosen]).T]


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
        return (rng.normal(size=(T, B, H)), X, rnn_forward(X, h0, W_xh, W_hh, b_h), h0, W_xh, W_hh)

    def linear(T, w):
        return rng.normal(size=T), float(w), float(rng.choice([-1, 1]) * rng.uniform(0.5, 2.0))

    def reach(scale, H=12):
        X = names_one_hot(rng)
        W_xh, direction, b_h = rng.normal(size=(H, 26)), rng.normal(size=(H, H)), 0.1 * rng.normal(size=H)
        return X, W_xh, scale * direction / np.linalg.norm(direction, 2), b_h

    return {
        "test_rnn_step_backward_visible": [("rnn_step_backward", step(size(), size(), size()))],
        "test_rnn_step_backward_hidden": [Call("rnn_step_backward", step(1, 1, 1), _step, "B=1, D=1, H=1"),
                                          Call("rnn_step_backward", step(size(2, 6), size(), size(2, 6)), _step)],
        "test_step_contributions_visible": [("step_contributions", sequence(size(2, 6), size(), size(), size()))],
        "test_step_contributions_hidden": [Call("step_contributions", sequence(1, 1, 1, 1), _terms, "T=1, B=1, D=1, H=1"),
                                           Call("step_contributions", sequence(size(2, 8), size(), size(), size(2, 6)), _terms)],  # H >= 2: a transpose shows
        "test_rnn_backward_visible": [("rnn_backward", sequence(size(2, 6), size(), size(), size()))],
        "test_rnn_backward_hidden": [Call("rnn_backward", sequence(1, size(), 1, size()), _bptt, "T=1"),
                                     Call("rnn_backward", sequence(size(8, 14), size(), size(), size()), _bptt,
                                          "a long sequence"),
                                     Call("rnn_backward", sequence(size(2, 6), 1, size(), size()), _bptt, "B=1")],
        "test_linear_rnn_gradients_visible": [("linear_rnn_gradients", linear(size(2, 8), rng.uniform(0.5, 0.9)))],
        "test_linear_rnn_gradients_hidden": [
            Call("linear_rnn_gradients", linear(size(4, 9), -rng.uniform(0.5, 0.9)), LINEAR, "w negative"),
            Call("linear_rnn_gradients", linear(size(4, 9), rng.uniform(1.1, 1.4)), LINEAR, "|w| > 1"),
            Call("linear_rnn_gradients", linear(1, rng.uniform(0.5, 0.9)), LINEAR, "T = 1")],
        "test_gradient_reach_visible": [("gradient_reach", reach(1.0))],
        "test_gradient_reach_hidden": [Call("gradient_reach", reach(0.5), _reach, "||W_hh||_2 = 0.5"),
                                       Call("gradient_reach", reach(3.0), _reach, "||W_hh||_2 = 3")],
    }
