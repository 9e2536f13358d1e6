"""Probes of assignment 05_gradient_problems: each test's functions, called on the grader's own inputs.

Shapes and values come from the grader's seed; they cover what the hidden tests check (a single
entry, several arrays of different shapes, clipping above and below the threshold, 1x1 and
16x16 matrices, T = 1). Clipped gradients have norms above 1, so that the small constant added
to the norm stays far below the tolerance.
"""
import numpy as np

from autograder.probes import Call
from autograder.probes.judge import Feedback, array_check, component_check, fields, keys, same_array
from rnncourse.data.synthetic import order_task
from rnncourse.grading.clipping import norm_mistakes
from rnncourse.grading.gradient_flow import distance_mistakes, distinct, jacobian_bound_mistakes, order_model_mistakes

HIDDEN = {
    "test_global_norm_hidden": "global_norm on random lists of arrays of different shapes.",
    "test_clip_by_global_norm_hidden": "clip_by_global_norm on random gradients, above and below the threshold.",
    "test_clip_by_value_hidden": "clip_by_value on random arrays.",
    "test_spectral_radius_hidden": "spectral_radius of random matrices (1x1 to 16x16).",
    "test_jacobian_norms_hidden": "jacobian_norms on states of a real tanh RNN run (T = 1 included).",
    "test_jacobian_bounds_hidden": "jacobian_bounds on states of real tanh RNN runs (T = 1 included, non-normal W_hh), "
                                   "never below the measured ||dh_T/dh_k||_2.",
    "test_order_forward_backward_hidden": "order_forward_backward on the order task of other lengths and sizes "
                                          "(T = 2 and B = 1 included).",
    "test_gradient_norms_by_distance_hidden": "gradient_norms_by_distance on the order task of other lengths and "
                                              "batch sizes; the gradient shrinks with the distance.",
}
BOUND_HINT = ("bound the spectral norm of each factor J_t by the norms of its two matrices, then multiply the factors' "
              "bounds over t = k+1 .. T; what is the spectral norm of a diagonal matrix?")
MODEL_RESULTS = ("w_y", "b_y", "W_hh", "W_xh", "b_h")
NORM = array_check("global_norm(grads)", lambda grads: distinct(np.sqrt(sum(np.sum(np.square(g)) for g in grads)), {
    "You added the norms of the arrays; take one square root of the total sum of squares.":
        sum(np.linalg.norm(g) for g in grads),
    "You returned the largest array's norm; the global norm is the square root of the sum of squares of EVERY "
    "entry of every array.": max(np.linalg.norm(g) for g in grads)}))
RADIUS = array_check("the spectral radius", lambda W: distinct(np.max(np.abs(np.linalg.eigvals(W))), {
    "You returned the largest singular value; use the largest |eigenvalue|.": np.linalg.norm(W, 2),
    "You returned the Frobenius norm of W; use the largest |eigenvalue|.": np.linalg.norm(W)}))
NORMS = array_check("jacobian_norms", hint="dh_T/dh_k = J_T ... J_{k+1} with J_t = diag(1 - h_t^2) W_hh; "
                                            "norms[T] is the norm of I.")


def _bounds(got, want, args):
    W_hh, Hs = args
    try:
        same_array("jacobian_bounds", got, want, mistakes=distinct(want, jacobian_bound_mistakes(W_hh, Hs)), hint=BOUND_HINT)
    except Feedback as failure:
        got = np.asarray(got, dtype=float)
        if " is wrong. " in str(failure) or got.shape != want.shape:
            raise
        below = [k for k in range(len(want)) if got[k] < _measured(W_hh, Hs, k) * (1 - 1e-9)]
        if below:
            raise Feedback(f"jacobian_bounds is not a bound: bounds[{below[0]}] = {got[below[0]]:.6g} is below the "
                           f"measured ||dh_T/dh_{below[0]}||_2 = {_measured(W_hh, Hs, below[0]):.6g}. {BOUND_HINT}") from None
        raise


def _measured(W_hh, Hs, k):
    """||dh_T/dh_k||_2 of the states Hs (T, H), Hs[t-1] = h_t."""
    J = np.eye(W_hh.shape[0])
    for h in Hs[k:]:
        J = ((1.0 - h ** 2)[:, None] * W_hh) @ J
    return float(np.linalg.norm(J, 2))


def _order_model(got, want, args):
    loss, grads, dH = fields("order_forward_backward", got, 3)
    mistakes = order_model_mistakes(*args)
    same_array("loss", loss, want[0], mistakes=mistakes["loss"], hint="the mean over the batch of log(1 + e^z) - y z.")
    grads = keys("grads", grads, MODEL_RESULTS)
    for name in MODEL_RESULTS:
        same_array(f"grads[{name!r}]", grads[name], want[1][name], mistakes=mistakes.get(name))
    same_array("dH", dH, want[2], mistakes=mistakes["dH"], hint="dH[k] = dL/dh_k for k = 0..T; dH[0] is the gradient on h0.")


def _distance(got, want, args):
    same_array("gradient_norms_by_distance", got, want, mistakes=distance_mistakes(*args),
               hint="norms[d] = ||dL/dh_{T-d}||_F, from the dH of your order_forward_backward.")


def _distance_calls(args):
    """gradient_norms_by_distance, after the student's order_forward_backward on the same inputs."""
    return [Call("order_forward_backward", args, component_check("gradient_norms_by_distance", "order_forward_backward",
                                                                 _order_model), "as gradient_norms_by_distance calls it"),
            Call("gradient_norms_by_distance", args, _distance)]


def _clipped(got, want, args):
    grads, max_norm = args
    clipped, norm = fields("clip_by_global_norm", got, 2)
    same_array("norm", norm, want[1], mistakes=norm_mistakes([np.asarray(g) for g in grads], max_norm))
    clipped = fields("the clipped gradients", clipped, len(grads))
    for k, (c, w, g) in enumerate(zip(clipped, want[0], grads)):
        same_array(f"clipped[{k}]", c, w, mistakes={
            "Each array was clipped by its own norm; use one factor from the global norm.":
                g * min(1.0, max_norm / (np.linalg.norm(g) + 1e-6)),
            "A gradient below the threshold was scaled up: the factor is min(1, max_norm / norm).":
                g * max_norm / (float(want[1]) + 1e-6),
        })


def _by_value(got, want, args):
    for k, (c, w) in enumerate(zip(fields("clip_by_value", got, len(want)), want)):
        same_array(f"clip_by_value(...)[{k}]", c, w)


def probes(rng):
    def size(low=1, high=6):
        return int(rng.integers(low, high + 1))

    def grads(shapes, scale=1.0):
        return [scale * rng.normal(size=s) for s in shapes]

    def states(T, H):
        W_xh, W_hh, h, Hs = rng.normal(size=(H, 2)), rng.normal(size=(H, H)) / np.sqrt(H), np.zeros(H), []
        for x in rng.normal(size=(T, 2)):
            h = np.tanh(W_xh @ x + W_hh @ h)
            Hs.append(h)
        return W_hh, np.array(Hs)

    def non_normal(H):
        """A recurrent matrix whose largest singular value clearly exceeds its spectral radius."""
        W = np.triu(rng.normal(size=(H, H)), 1) * 1.5 + np.diag(rng.uniform(0.3, 0.7, size=H) * rng.choice([-1, 1], size=H))
        return W + 0.1 * rng.normal(size=(H, H))

    def bound_states(T, H):
        W_hh, W_xh, h, Hs = non_normal(H), rng.normal(size=(H, 2)), np.zeros(H), []
        for x in rng.normal(size=(T, 2)):
            h = np.tanh(W_xh @ x + W_hh @ h)
            Hs.append(h)
        return W_hh, np.array(Hs)

    def order_model(T, B, H):
        X, y = order_task(B, T, np.random.default_rng(int(rng.integers(2**31))))
        return (X, y, 0.5 * rng.normal(size=(B, H)), rng.normal(size=(H, 3)), 0.9 * rng.normal(size=(H, H)) / np.sqrt(H),
                0.3 * rng.normal(size=H), rng.normal(size=H), float(rng.normal()))

    def several():
        return [(size(2, 5), size(2, 5)), (size(2, 6),), (size(), size(), 2)]

    return {
        "test_global_norm_visible": [("global_norm", (grads([(size(), size()), (size(),)]),))],
        "test_global_norm_hidden": [Call("global_norm", (grads([(1,)]),), NORM, "one entry"),
                                    Call("global_norm", (grads(several()),), NORM, "several shapes"),
                                    Call("global_norm", (grads([(size(5, 8), size(4, 6)), (size(4, 6),)]),), NORM)],
        "test_clip_by_global_norm_visible": [("clip_by_global_norm", (grads([(size(2, 4),), (size(2, 3), 2)], 3.0), 1.0)),
                                             ("clip_by_global_norm", (grads([(size(),)], 0.05), 1.0))],
        "test_clip_by_global_norm_hidden": [Call("clip_by_global_norm", (grads(several()), 0.5), _clipped, "above the threshold"),
                                            Call("clip_by_global_norm", (grads(several()), 100.0), _clipped, "below the threshold"),
                                            Call("clip_by_global_norm", (grads([(size(4, 7), size(4, 6))]), 1.0), _clipped)],
        "test_clip_by_value_visible": [("clip_by_value", (grads([(size(),)], 3.0), 0.1))],
        "test_clip_by_value_hidden": [Call("clip_by_value", (grads([(size(2, 5), size(2, 4)), (size(2, 6),)]), 0.5), _by_value)],
        "test_spectral_radius_visible": [("spectral_radius", (0.9 * np.array([[0.0, -1.0], [1.0, 0.0]]),)),
                                         ("spectral_radius", (np.triu(rng.normal(size=(2, 2))),))],
        "test_spectral_radius_hidden": [Call("spectral_radius", (rng.normal(size=(1, 1)),), RADIUS, "1x1"),
                                        Call("spectral_radius", (rng.normal(size=(size(2, 5),) * 2),), RADIUS),
                                        Call("spectral_radius", (rng.normal(size=(16, 16)),), RADIUS, "16x16")],
        "test_jacobian_norms_visible": [("jacobian_norms", states(3, 2))],
        "test_jacobian_norms_hidden": [Call("jacobian_norms", states(1, 1), NORMS, "T=1, H=1"),
                                       Call("jacobian_norms", states(size(5, 12), size(2, 7)), NORMS)],
        "test_jacobian_bounds_visible": [("jacobian_bounds", bound_states(size(3, 5), 2))],
        "test_jacobian_bounds_hidden": [Call("jacobian_bounds", bound_states(1, size(2, 4)), _bounds, "T=1"),
                                        Call("jacobian_bounds", bound_states(size(5, 12), size(2, 7)), _bounds)],
        "test_order_forward_backward_visible": [("order_forward_backward", order_model(5, 4, 3))],
        "test_order_forward_backward_hidden": [Call("order_forward_backward", order_model(2, 1, 2), _order_model, "T=2, B=1"),
                                               Call("order_forward_backward", order_model(size(6, 12), size(2, 5), size(2, 6)),
                                                    _order_model)],
        "test_gradient_norms_by_distance_visible": [("gradient_norms_by_distance", order_model(6, 3, 4))],
        "test_gradient_norms_by_distance_hidden": _distance_calls(order_model(size(15, 30), size(3, 8), size(3, 8))),
    }
