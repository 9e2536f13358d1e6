"""Probes of assignment 02_rnn_equations: each test's functions, called on the grader's own inputs.

Shapes and values come from the grader's seed; they cover what the hidden tests check (a batch
of one, one hidden unit, T = 1, h0 = None, T different from B, K = 1, scores near 1000), and
name the classic mistakes with the generators of ``rnncourse.grading``. The Jacobian and the
read-out's gradients are also compared with central differences; the state-difference experiment
runs on the grader's own names and weights, and is first judged by the contraction property.
many_to_one and state_difference run the student's own rnn_forward, rnn_jacobian their rnn_step_forward: when
that component is wrong on their inputs, their feedback says so instead of naming a mistake of theirs.
"""
import numpy as np

from autograder.probes import Call
from autograder.probes.judge import array_check, dict_check, same_array
from rnncourse.data.corpora import load_names
from rnncourse.gradcheck import numerical_gradient
from rnncourse.grading import Feedback
from rnncourse.grading.jacobian import rnn_jacobian_mistakes
from rnncourse.grading.rnn import forward_mistakes, many_to_one_mistakes, step_forward_mistakes
from rnncourse.grading.softmax_readout import RESULTS, softmax_readout, softmax_readout_mistakes
from rnncourse.grading.state_difference import state_difference_mistakes
from rnncourse.numpy_ref.rnn import rnn_forward

HIDDEN = {
    "test_rnn_step_forward_hidden": "rnn_step_forward on random shapes (a batch of one, one hidden unit).",
    "test_rnn_forward_hidden": "rnn_forward on random shapes, T = 1, and h0 = None (zeros).",
    "test_many_to_one_hidden": "many_to_one on random shapes (T different from B, K = 1).",
    "test_rnn_jacobian_hidden": "rnn_jacobian on random shapes (B = 1, H = 1 included) against the exact derivative "
                                "and finite differences.",
    "test_softmax_readout_hidden": "softmax_readout on random shapes (T different from B, K = 2), scores near "
                                   "1000, and the gradients against finite differences.",
    "test_state_difference_hidden": "state_difference on the grader's own names and weights: with ||W_hh||_2 = 0.5 "
                                    "every step at least halves the distance, and both runs match what your "
                                    "rnn_forward should give.",
}

STEP = array_check("h_t", step_forward_mistakes)
FORWARD = array_check("Hs", forward_mistakes, hint="start from h0 (zeros when it is None) and store the state after every step.")
HEAD = array_check("y", lambda X, h0, W_xh, W_hh, b_h, W_hy, b_y: many_to_one_mistakes(
    rnn_forward(X, h0, W_xh, W_hh, b_h), W_hy, b_y))

JACOBIAN = array_check("J", rnn_jacobian_mistakes)
READOUT = dict_check(RESULTS, softmax_readout_mistakes,
                     hints={"loss": "with scores near 1000 np.exp overflows: subtract each prediction's largest "
                                    "score before exponentiating."})
DIFFERENCE = array_check("the distance d", state_difference_mistakes)


def _jacobian(got, want, args):
    JACOBIAN(got, want, args)
    h_prev, x_t, W_xh, W_hh, b_h = args
    h = h_prev.copy()
    for i in range(W_hh.shape[0]):       # row i of every example's J: the gradient of h_t[:, i] by h_prev
        numeric = numerical_gradient(lambda: float(np.sum(np.tanh(x_t @ W_xh.T + h @ W_hh.T + b_h)[:, i])), h)
        same_array(f"J[:, {i}, :] (against finite differences)", np.asarray(got)[:, i, :], numeric,
                   rtol=1e-5, atol=1e-7)


def _readout(got, want, args):
    READOUT(got, want, args)
    Hs, targets, W_hy, b_y = args
    W = W_hy.copy()
    numeric = numerical_gradient(lambda: softmax_readout(Hs, targets, W, b_y)["loss"], W)
    same_array("dW_hy (against finite differences)", got["dW_hy"], numeric, rtol=1e-5, atol=1e-7)


def _difference(got, want, args):
    X, X_changed, W_xh, W_hh, b_h = args
    distances = np.asarray(got, dtype=float) if isinstance(got, np.ndarray) else got
    norm = float(np.linalg.norm(W_hh, 2))
    if isinstance(distances, np.ndarray) and distances.shape == want.shape and norm < 1:
        grows = np.flatnonzero(distances[1:] > norm * distances[:-1] + 1e-9)
        if grows.size:
            t = int(grows[0]) + 1
            raise Feedback(f"the distances shrink too little: with ||W_hh||_2 = {norm:.2g} and equal inputs after the "
                           f"first step, d[t] <= {norm:.2g} d[t-1], but yours go from {distances[t - 1]:.4g} at t = "
                           f"{t - 1} to {distances[t]:.4g} at t = {t}. Do both runs start from h0 = 0 and carry their "
                           "own states?")
    DIFFERENCE(got, want, args)


def _with_rnn_forward(call: Call, *inputs: tuple) -> list[Call]:
    """``call`` of a function that runs rnn_forward, after the student's own rnn_forward on each of ``inputs``
    (marked as a component: a wrong rnn_forward is reported as such, not as a mistake of the composed function)."""
    return [Call("rnn_forward", args, FORWARD, call.label, component=True) for args in inputs] + [call]


def _with_step(call: Call) -> list[Call]:
    """``call`` of rnn_jacobian after the student's own rnn_step_forward on its inputs (a component)."""
    h_prev, x_t, W_xh, W_hh, b_h = call.args
    return [Call("rnn_step_forward", (x_t, h_prev, W_xh, W_hh, b_h), STEP, call.label, component=True), call]


def _head(args, check=HEAD, label=""):
    return _with_rnn_forward(Call("many_to_one", args, check, label), args[:5])


def _experiment(args, check=None, label=""):
    X, X_changed, W_xh, W_hh, b_h = args
    return _with_rnn_forward(Call("state_difference", args, check, label), (X, None, W_xh, W_hh, b_h),
                             (X_changed, None, W_xh, W_hh, b_h))


def names_one_hot(rng, T=8, B=60):
    """A random draw of names with at least T letters, one-hot (T, B, 26), and the same with another first letter."""
    names = [name for name in load_names() if len(name) >= T and name.isalpha() and name.isascii()]
    chosen = rng.choice(len(names), size=B, replace=False)
    letters = np.array([[ord(c) - ord("a") for c in names[i][:T]] for i in chosen]).T     # (T, B)
    changed = letters.copy()
    changed[0] = (changed[0] + rng.integers(1, 26, size=B)) % 26
    return np.eye(26)[letters], np.eye(26)[changed]


def probes(rng):
    def size(low=2, high=7):   # sizes of 1 only where a case asks for them: a 1x1 W_hh hides a transpose
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

    def jacobian(B, D, H):
        return (0.5 * rng.normal(size=(B, H)), rng.normal(size=(B, D))) + weights(D, H)

    def readout(T, B, H, K, shift=0.0):
        return (np.tanh(rng.normal(size=(T, B, H))), rng.integers(0, K, size=(T, B)), rng.normal(size=(K, H)),
                rng.normal(size=K) + shift)

    def experiment(scale, H=12):
        X, X_changed = names_one_hot(rng)
        direction = rng.normal(size=(H, H))
        return (X, X_changed, rng.normal(size=(H, 26)), scale * direction / np.linalg.norm(direction, 2),
                0.1 * rng.normal(size=H))

    T = size(2, 6)
    D_step = size()                       # H differs from D: W_xh used untransposed cannot run by chance
    T_readout = size(2, 6)
    return {
        "test_rnn_step_forward_visible": [("rnn_step_forward", step(size(), size(), size()))],
        "test_rnn_step_forward_hidden": [Call("rnn_step_forward", step(1, 1, 1), STEP, "B=1, D=1, H=1"),
                                         Call("rnn_step_forward", step(size(2, 8), D_step, D_step + size(1, 4)), STEP,
                                              "D different from H")],
        "test_rnn_forward_visible": [("rnn_forward", sequence(size(2, 8), size(), size(), size()))],
        "test_rnn_forward_hidden": [Call("rnn_forward", sequence(1, 1, 1, 1), FORWARD, "T=1, B=1, D=1, H=1"),
                                    Call("rnn_forward", sequence(size(2, 10), size(), size(), size(), True), FORWARD,
                                         "h0=None"),
                                    Call("rnn_forward", sequence(size(2, 8), size(), size(), size()), FORWARD)],
        "test_many_to_one_visible": _head(head(size(2, 6), size(), size(), size(), size(), zero_start=True), None),
        "test_many_to_one_hidden": (_head(head(1, size(2, 5), 1, size(), 1), label="T=1, K=1")
                                    + _head(head(T, T, size(), size(), size(2, 4)), label="T=B")
                                    + _head(head(size(2, 8), size(), size(), size(), size()))),
        "test_rnn_jacobian_visible": _with_step(Call("rnn_jacobian", jacobian(size(), size(), size()))),
        "test_rnn_jacobian_hidden": (_with_step(Call("rnn_jacobian", jacobian(size(2, 6), size(), size(2, 6)), _jacobian))
                                     + _with_step(Call("rnn_jacobian", jacobian(1, size(), 1), _jacobian, "B=1, H=1"))),
        "test_softmax_readout_visible": [("softmax_readout", readout(size(), size(), size(), size(2, 6)))],
        "test_softmax_readout_hidden": [Call("softmax_readout", readout(T_readout, T_readout + size(1, 3), size(), 2),
                                             _readout, "T different from B, K=2"),
                                        Call("softmax_readout", readout(size(2, 5), size(2, 5), size(), size(3, 7), 1000.0),
                                             _readout, "scores near 1000")],
        "test_state_difference_visible": _experiment(experiment(1.0)),
        "test_state_difference_hidden": (_experiment(experiment(0.5), _difference, "||W_hh||_2 = 0.5")
                                         + _experiment(experiment(3.0), _difference, "||W_hh||_2 = 3")),
    }
