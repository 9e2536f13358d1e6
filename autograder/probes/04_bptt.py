"""Probes of assignment 04_bptt: each test's functions, called on the grader's own inputs.

Shapes and values come from the grader's seed; they cover what the hidden tests check (T = 1,
k = t, windows k = 1, k dividing T and k >= T, agreement with finite differences, scaled
arrays), and name the classic mistakes with the generators of ``rnncourse.grading.rnn``.
numerical_gradient is handed functions of one array that the grader knows the gradient of.
"""
import numpy as np

from autograder.probes import Call
from autograder.probes.judge import Feedback, array_check, component_check, dict_check, fields, same_array
from autograder.probes.wire import GradientOf
from rnncourse.data.synthetic import order_task
from rnncourse.grading.gradient_flow import (bptt_term_mistakes, distinct, jacobian_product_mistakes,
                                             truncation_gap_mistakes)
from rnncourse.grading.rnn import reference_backward, truncated_backward_mistakes
from rnncourse.numpy_ref.rnn import rnn_forward

HIDDEN = {
    "test_jacobian_product_hidden": "jacobian_product on random sizes, and dh_T/dh_0 against finite differences of h_T.",
    "test_truncated_rnn_backward_hidden": "truncated_rnn_backward on random shapes and windows (k = 1, k dividing T, k >= T).",
    "test_numerical_gradient_hidden": "numerical_gradient on other shapes and functions; the array is restored exactly.",
    "test_relative_error_hidden": "relative_error on random arrays of several shapes, and its invariance to scaling both arrays.",
    "test_bptt_term_hidden": "bptt_term on random sizes and pairs (k = 1, k = t included); the terms of all pairs sum "
                             "to full BPTT's dW_hh.",
    "test_truncation_gaps_hidden": "truncation_gaps on the order task of other lengths, sizes and windows (k = 1, k >= T "
                                   "included).",
}
TERM_HINT = ("first carry G[t-1] back to dL_t/da_k (through dh_t/dh_k and the slope of step k), then ask which "
             "vector W_hh multiplies at step k.")
JACOBIAN_HINT = "J starts as the identity; each factor is diag(1 - h_i**2) @ W_hh, multiplied on the left."
FLOAT64 = "a central difference with a step of 1e-6 is lost in float32's rounding (about 1e-7 of each value)"
TRUNCATED = dict_check(("dW_hh", "dW_xh", "db_h", "dX", "dh0"), lambda *args: truncated_backward_mistakes(*args))
INTEGER_GRADIENT = ("is stored as whole numbers: the gradient array has an integer dtype, so every entry was cut "
                    "towards zero; make it float (np.zeros(array.shape)).")


def relative_error_mistakes(a, b):
    """relative_error(a, b) with the denominator left out, max(||a||, ||b||) for the sum, or the largest entry of
    |a - b| for the norm."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    norms = np.linalg.norm(a) + np.linalg.norm(b)
    return {"divides by nothing: ||a - b|| is an absolute error; the denominator is ||a|| + ||b||.": np.linalg.norm(a - b),
            "divides by max(||a||, ||b||): the denominator is ||a|| + ||b||.":
                np.linalg.norm(a - b) / max(np.linalg.norm(a), np.linalg.norm(b), 1e-300),
            "takes the largest entry of |a - b| where the norm ||a - b|| belongs.": np.abs(a - b).max() / max(norms, 1e-300)}


# dHs is zero but at the last step here, so several mistakes give all-zero gradients: a zero result names none
NONZERO_TRUNCATED = dict_check(("dW_hh", "dW_xh", "db_h", "dX", "dh0"), lambda *args: {
    name: distinct(reference_backward(*args[:6], truncate=args[6])[name],
                   {message: value for message, value in wrong.items() if np.any(value)})
    for name, wrong in truncated_backward_mistakes(*args).items()})
RELATIVE = array_check("relative_error(a, b)", lambda a, b: distinct(np.linalg.norm(a - b) / max(
    np.linalg.norm(a) + np.linalg.norm(b), 1e-300), relative_error_mistakes(a, b)))
SCALED = array_check("relative_error(1000 a, 1000 b)",
                     hint="the relative error must not change when both arrays are scaled by the same factor.")


def _jacobian_check(t, k, numeric=None):
    def check(got, want, args):
        same_array(f"dh_{t}/dh_{k}", got, want, hint=JACOBIAN_HINT,
                   mistakes=distinct(want, jacobian_product_mistakes(*args)))
        if numeric is not None:
            same_array(f"dh_{t}/dh_{k} (against finite differences)", got, numeric, rtol=1e-5, atol=1e-8)
    return check


def _gradient_check(analytic):
    def check(got, want, args):
        gradient, after = fields("numerical_gradient", got, 2)
        if not np.array_equal(np.asarray(after), args[1]):
            raise Feedback("numerical_gradient changed the array: restore every entry.")
        same_array("the numerical gradient", gradient, analytic, float64_reason=FLOAT64,
                   mistakes={INTEGER_GRADIENT: np.trunc(analytic)} if np.any(np.trunc(analytic) != analytic) else None)
    return check


def _term_check(got, want, args):
    G, Hs, W_hh, t, k = args
    same_array(f"the term ({t}, {k})", got, want, mistakes=distinct(want, bptt_term_mistakes(*args)), hint=TERM_HINT)


def _gaps_check(got, want, args):
    same_array("truncation_gaps", got, want, mistakes=truncation_gap_mistakes(*args),
               hint="dHs is zero except dHs[T-1] = w; compare dW_hh of each window with dW_hh of the window T.")


def _double_sum(T, D, H, rng):
    """(G, Hs, W_hh) of one sequence with a non-zero h0."""
    x, W_xh, W_hh, b_h = rng.normal(size=(T, 1, D)), rng.normal(size=(H, D)), 0.8 * rng.normal(size=(H, H)), rng.normal(size=H)
    h0 = 0.5 * rng.normal(size=(1, H))
    Hs = np.concatenate([h0, rnn_forward(x, h0, W_xh, W_hh, b_h)[:, 0]])
    return rng.normal(size=(T, H)), Hs, W_hh


def probes(rng):
    def size(low=1, high=6):
        return int(rng.integers(low, high + 1))

    def jacobian(T, D, H, pairs):
        x, W_xh, W_hh, b_h = rng.normal(size=(T, 1, D)), rng.normal(size=(H, D)), 0.8 * rng.normal(size=(H, H)), rng.normal(size=H)
        h0 = 0.5 * rng.normal(size=(1, H))
        Hs = np.concatenate([h0, rnn_forward(x, h0, W_xh, W_hh, b_h)[:, 0]])   # (T + 1, H)
        eps, numeric = 1e-6, np.empty((H, H))
        for b in range(H):
            e = np.zeros((1, H))
            e[0, b] = eps
            numeric[:, b] = (rnn_forward(x, h0 + e, W_xh, W_hh, b_h)[-1, 0] - rnn_forward(x, h0 - e, W_xh, W_hh, b_h)[-1, 0]) / (2 * eps)
        return [Call("jacobian_product", (Hs, W_hh, t, k), _jacobian_check(t, k, numeric if (t, k) == (T, 0) else None),
                     f"T={T}, H={H}") for t, k in pairs]

    def truncated(T, B, D, H, k):
        X, h0 = rng.normal(size=(T, B, D)), 0.5 * rng.normal(size=(B, H))
        W_xh, W_hh, b_h = 0.5 * rng.normal(size=(H, D)), 0.8 * rng.normal(size=(H, H)), 0.5 * rng.normal(size=H)
        return ("truncated_rnn_backward", (rng.normal(size=(T, B, H)), X, rnn_forward(X, h0, W_xh, W_hh, b_h), h0, W_xh, W_hh, k))

    def hidden_truncated(T, B, D, H, k, label):
        name, args = truncated(T, B, D, H, k)
        return Call(name, args, TRUNCATED, label)

    def gradient_sin(n):
        v, c = rng.normal(size=n), rng.normal(size=n)
        return Call("numerical_gradient", (GradientOf("sum_sin", (c,)), v), _gradient_check(c * (np.sin(v) + v * np.cos(v))),
                    "f = sum(c sin(v) v)", driver="gradient_of", after=(1,))

    def gradient_tanh(n, m):
        W, M = rng.normal(size=(n, m)), rng.normal(size=(size(2, 5), n))
        c = rng.normal(size=(M.shape[0], m))
        analytic = M.T @ (c * (1 - np.tanh(M @ W) ** 2))
        return Call("numerical_gradient", (GradientOf("sum_tanh", (c, M)), W), _gradient_check(analytic),
                    "f = sum(C tanh(M W))", driver="gradient_of", after=(1,))

    T1, T2 = size(3, 6), size(2, 8)
    a = rng.normal(size=(size(), size()))
    cases = []
    for shape in [(1,), (size(), size()), (size(), size(), size())]:
        c, d = rng.normal(size=shape), rng.normal(size=shape)
        cases += [Call("relative_error", (c, d), RELATIVE, f"shape {shape}"),
                  Call("relative_error", (1000 * c, 1000 * d), SCALED, f"shape {shape}, scaled")]
    return {
        "test_jacobian_product_visible": [Call(c.function, c.args)    # the generic comparison
                                          for c in jacobian(T1, size(), size(2, 5), [(T1 - 1, 1), (T1, T1), (T1, 0)])],
        "test_jacobian_product_hidden": jacobian(1, 1, 1, [(1, 0), (1, 1)])
        # H >= 2 here: with one hidden unit every Jacobian equals its transpose, and a transposed
        # product would pass unseen (H = 1 has its own case above).
        + jacobian(T2, size(), size(2, 6), [(T2, 0), (T2, T2 - 1), ((T2 + 1) // 2, 0)]),
        "test_truncated_rnn_backward_visible": [truncated(size(5, 8), size(), size(), size(), 3)],
        "test_truncated_rnn_backward_hidden": [hidden_truncated(size(3, 6), size(), size(), size(), 1, "k=1"),   # T >= 3: at T = 2 a window off by one equals full BPTT
                                               hidden_truncated(8, size(), size(), size(), 4, "k dividing T"),
                                               hidden_truncated(size(2, 6), 1, size(), size(), 10, "k >= T"),
                                               hidden_truncated(size(7, 12), size(2, 6), size(), size(2, 6), size(2, 5), "")],
        "test_numerical_gradient_hidden": [gradient_sin(size(1, 7)), gradient_tanh(size(), size())],
        "test_relative_error_visible": [("relative_error", (a, a)), ("relative_error", (a, 2 * a)),
                                        ("relative_error", (np.zeros(size()),) * 2)],
        "test_relative_error_hidden": cases,
        "test_bptt_term_visible": [("bptt_term", _double_sum(5, 2, 3, rng) + (4, 2))],
        "test_bptt_term_hidden": _term_calls(rng, size(4, 7), size(), size(2, 5)),
        "test_truncation_gaps_visible": _gap_calls(_gap_args(rng, 6, 3, 4, [1, 2, 4, 6]), None),
        "test_truncation_gaps_hidden": [call for T, windows in [(size(7, 20), [1, 3, 5, 40]), (size(3, 6), [2, 1, 10])]
                                        for call in _gap_calls(_gap_args(rng, T, size(2, 6), size(2, 6), windows), _gaps_check,
                                                               f"T={T}, windows {windows}")],
    }


def _term_calls(rng, T, D, H):
    """Every pair 1 <= k <= t <= T of one sequence (k = 1 and k = t among them): all the terms of the double sum."""
    G, Hs, W_hh = _double_sum(T, D, H, rng)
    pairs = [(t, k) for t in range(T, 0, -1) for k in range(1, t + 1)]
    return ([Call("jacobian_product", (Hs, W_hh, t, k), component_check("bptt_term", "jacobian_product", _jacobian_check(t, k)),
                  f"t={t}, k={k}, as bptt_term calls it") for t, k in pairs]
            + [Call("bptt_term", (G, Hs, W_hh, t, k), _term_check, f"T={T}, H={H}, t={t}, k={k}") for t, k in pairs])


def _gap_calls(args, check, label=""):
    """truncation_gaps(*args), after its components on the inputs it hands them: truncated_rnn_backward for every
    window (and k = T, full BPTT), relative_error of the right gradients."""
    X, h0, W_xh, W_hh, b_h, w, windows = args
    Hs = rnn_forward(X, h0, W_xh, W_hh, b_h)
    dHs = np.zeros(Hs.shape)
    dHs[-1] = w
    T = X.shape[0]
    components = [Call("truncated_rnn_backward", (dHs, X, Hs, h0, W_xh, W_hh, k),
                       component_check("truncation_gaps", "truncated_rnn_backward", NONZERO_TRUNCATED),
                       f"k={k}, as truncation_gaps calls it")
                  for k in list(windows) + [T]]
    full = reference_backward(dHs, X, Hs, h0, W_xh, W_hh)["dW_hh"]
    cut = reference_backward(dHs, X, Hs, h0, W_xh, W_hh, truncate=min(windows))["dW_hh"]
    components.append(Call("relative_error", (cut, full), component_check("truncation_gaps", "relative_error", RELATIVE),
                           "as truncation_gaps calls it"))
    return components + [Call("truncation_gaps", args, check, label)]


def _gap_args(rng, T, B, H, windows):
    X, _ = order_task(B, T, np.random.default_rng(int(rng.integers(2**31))))
    return (X, 0.5 * rng.normal(size=(B, H)), rng.normal(size=(H, 3)), 0.9 * rng.normal(size=(H, H)) / np.sqrt(H),
            0.3 * rng.normal(size=H), rng.normal(size=H), windows)
