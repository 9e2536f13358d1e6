"""Stored cases of assignment 05_gradient_problems (see autograder/cases/__init__.py)."""
import numpy as np

from autograder.cases import case
from rnncourse.data.synthetic import order_task
from rnncourse.grading.gradient_flow import distance_mistakes, distinct, jacobian_bound_mistakes, order_model_mistakes

OWN_NORM = ("Each array was clipped by its OWN norm; all arrays must share one factor computed from the "
            "global norm.")


def cases(solution):
    grads = [np.array([[3.0, 0.0], [0.0, 0.0]]), np.array([4.0])]
    large = [np.array([3.0, 0.0]), np.array([[0.0], [4.0]])]            # global norm 5
    small = [np.array([0.3, 0.4])]                                       # global norm 0.5
    clipped_large, _ = solution.clip_by_global_norm(large, 1.0)
    rotation = 0.9 * np.array([[0.0, -1.0], [1.0, 0.0]])                 # eigenvalues +-0.9i
    shear = np.array([[0.5, 3.0], [0.0, 0.5]])                           # eigenvalues 0.5, 0.5
    W_hh = np.array([[0.5, 1.2], [-0.7, 0.3]])
    Hs = np.array([[0.1, -0.5], [0.8, 0.2], [-0.3, 0.9]])
    J = [(1 - h ** 2)[:, None] * W_hh for h in Hs]                       # J[t-1] = dh_t/dh_{t-1}
    columns = [W_hh * (1 - h ** 2) for h in Hs]                          # W_hh diag(1 - h^2): columns scaled
    return {
        "global_norm": case(solution.global_norm, grads, mistakes={
            "You added the norms of the arrays (3 + 4); square the entries of all arrays, sum, then take ONE "
            "square root.": sum(np.linalg.norm(g) for g in grads),
            "You returned the sum of squares; take the square root.": sum(np.sum(g ** 2) for g in grads)}),
        "clip_by_global_norm_large": case(solution.clip_by_global_norm, large, 1.0, mistakes=[
            {OWN_NORM: g / np.linalg.norm(g)} for g in large]),
        "clip_by_global_norm_small": case(solution.clip_by_global_norm, small, 1.0, mistakes={
            "A gradient below the threshold was scaled UP to max_norm: the factor is min(1, max_norm / norm).":
                small[0] / (np.linalg.norm(small[0]) + 1e-6)}),
        "clip_by_value": case(solution.clip_by_value, [np.array([-3.0, 0.05, 2.0])], 0.1, mistakes={
            "Negative entries must be clamped at -clip_value, not at 0 or left alone.":
                np.minimum(np.array([-3.0, 0.05, 2.0]), 0.1)}),
        "spectral_radius_rotation": case(solution.spectral_radius, rotation, mistakes={
            "You took the largest REAL part of the eigenvalues; use their absolute value (modulus).":
                float(np.max(np.linalg.eigvals(rotation).real))}),
        "spectral_radius_shear": case(solution.spectral_radius, shear, mistakes={
            "You returned the largest singular value; the spectral radius is the largest |eigenvalue|.":
                np.linalg.norm(shear, 2)}),
        "jacobian_norms": case(solution.jacobian_norms, W_hh, Hs, mistakes={
            "The product is in the wrong order: dh_T/dh_k = J_T ... J_{k+1}, the latest step on the LEFT.":
                np.array([np.linalg.norm(J[0] @ J[1] @ J[2]), np.linalg.norm(J[1] @ J[2]), np.linalg.norm(J[2]),
                          np.sqrt(2.0)]),
            "The tanh derivative is missing: each factor is diag(1 - h_t^2) W_hh, not W_hh alone.":
                np.array([np.linalg.norm(np.linalg.matrix_power(W_hh, n)) for n in (3, 2, 1, 0)]),
            "Each factor should be diag(1 - h_t^2) W_hh (scale the ROWS of W_hh), not W_hh diag(1 - h_t^2).":
                np.array([np.linalg.norm(M) for M in [columns[2] @ columns[1] @ columns[0], columns[2] @ columns[1],
                                                      columns[2], np.eye(2)]])}),
        **gradient_flow_cases(solution),
    }


def order_model(rng, T, B, H, seed):
    """(X, y, h0, W_xh, W_hh, b_h, w_y, b_y) on the order task; weights asymmetric, h0 and biases non-zero."""
    X, y = order_task(B, T, np.random.default_rng(seed))
    return (X, y, 0.5 * rng.normal(size=(B, H)), rng.normal(size=(H, 3)), 0.9 * rng.normal(size=(H, H)) / np.sqrt(H),
            0.3 * rng.normal(size=H), rng.normal(size=H), 0.2)


def gradient_flow_cases(solution):
    rng = np.random.default_rng(55)
    W_hh = np.array([[0.6, 1.5], [-0.2, 0.4]])                          # non-normal: radius < sigma_max
    Hs = np.array([[0.3, -0.8], [0.9, 0.1], [-0.5, 0.6], [0.2, 0.95]])
    model = order_model(rng, 5, 4, 3, seed=5)
    short = order_model(rng, 6, 3, 4, seed=6)
    bounds = solution.jacobian_bounds(W_hh, Hs)
    return {
        "jacobian_bounds": case(solution.jacobian_bounds, W_hh, Hs,
                                mistakes=distinct(bounds, jacobian_bound_mistakes(W_hh, Hs))),
        "order_forward_backward": case(solution.order_forward_backward, *model, mistakes=order_model_mistakes(*model)),
        "gradient_norms_by_distance": case(solution.gradient_norms_by_distance, *short,
                                           mistakes=distance_mistakes(*short)),
    }
