"""Classic mistakes in assignment 05 (gradient problems): norms, clipping, spectral radius, Jacobian norms."""
from mutations import edit

NORM = "float(np.sqrt(sum(np.sum(np.square(g)) for g in grads)))"

MUTANTS = [
    edit("global_norm", "sums_the_norms", NORM, "float(sum(np.linalg.norm(g) for g in grads))", "named:added the norms"),
    edit("global_norm", "no_square_root", NORM, "float(sum(np.sum(np.square(g)) for g in grads))",
         "named:sum of squares"),
    edit("global_norm", "largest_norm", NORM, "float(max(np.linalg.norm(g) for g in grads))",
         "named:largest array's norm"),
    edit("clip_by_global_norm", "per_tensor", "return [g * scale for g in grads], norm",
         "return [g * min(1.0, max_norm / (np.linalg.norm(g) + 1e-6)) for g in grads], norm", "named:OWN norm"),
    edit("clip_by_global_norm", "always_scales", "scale = min(1.0, max_norm / (norm + 1e-6))",
         "scale = max_norm / (norm + 1e-6)", "named:scaled UP"),
    edit("clip_by_global_norm", "returns_clipped_norm", "return [g * scale for g in grads], norm",
         "return [g * scale for g in grads], norm * scale",
         "named:norm after clipping"),
    edit("clip_by_global_norm", "sums_the_norms", "norm = float(np.sqrt(sum(np.sum(np.square(g)) for g in grads)))",
         "norm = float(sum(np.linalg.norm(g) for g in grads))", "named:added the norms"),
    edit("clip_by_value", "no_lower_bound", "np.clip(g, -clip_value, clip_value)", "np.minimum(g, clip_value)",
         "named:Negative entries"),
    edit("clip_by_value", "clips_by_norm", "np.clip(g, -clip_value, clip_value)",
         "g * min(1.0, clip_value / np.linalg.norm(g))"),
    edit("spectral_radius", "largest_real_part", "np.max(np.abs(np.linalg.eigvals(W)))", "np.max(np.linalg.eigvals(W).real)",
         "named:largest REAL part"),
    edit("spectral_radius", "singular_value", "np.max(np.abs(np.linalg.eigvals(W)))", "np.linalg.norm(W, 2)",
         "named:largest singular value"),
    edit("spectral_radius", "frobenius", "np.max(np.abs(np.linalg.eigvals(W)))", "np.linalg.norm(W)", "named:Frobenius norm of W"),
    edit("jacobian_norms", "wrong_order", "product = product @ J", "product = J @ product", "named:wrong order"),
    edit("jacobian_norms", "no_slope", "J = (1.0 - Hs[k] ** 2)[:, None] * W_hh", "J = W_hh",
         "named:tanh derivative is missing"),
    edit("jacobian_norms", "columns_scaled", "J = (1.0 - Hs[k] ** 2)[:, None] * W_hh", "J = W_hh * (1.0 - Hs[k] ** 2)[None, :]",
         "named:scale the ROWS"),
    edit("jacobian_norms", "spectral_norm", "norms[k] = np.linalg.norm(product)", "norms[k] = np.linalg.norm(product, 2)"),
    edit("jacobian_norms", "slope_of_next_state", "J = (1.0 - Hs[k] ** 2)[:, None] * W_hh",
         "J = (1.0 - Hs[min(k + 1, T - 1)] ** 2)[:, None] * W_hh"),
]

SIGMA = "sigma_max = np.linalg.norm(W_hh, 2)"
SLOPES = "np.max(1.0 - Hs ** 2, axis=1)"
DA = "da = dH[t] * (1.0 - Hs[t] ** 2)"

MUTANTS += [
    edit("jacobian_bounds", "spectral_radius", SIGMA, "sigma_max = np.max(np.abs(np.linalg.eigvals(W_hh)))",
         "named:spectral radius"),
    edit("jacobian_bounds", "frobenius", SIGMA, "sigma_max = np.linalg.norm(W_hh)", "named:Frobenius norm"),
    edit("jacobian_bounds", "no_slopes", SLOPES, "np.ones(T)", "named:leaves out the slopes"),
    edit("jacobian_bounds", "mean_slope", SLOPES, "np.mean(1.0 - Hs ** 2, axis=1)", "named:mean slope"),
    edit("jacobian_bounds", "slope_of_step_before", "bounds[k + 1] * factor[k]",
         "bounds[k + 1] * (factor[k - 1] if k > 0 else sigma_max)", "named:slopes of the step before"),
    edit("order_forward_backward", "summed_loss", ("loss = float(np.mean(", "- y) / B "), ("loss = float(np.sum(", "- y) "),
         "named:SUMMED over the batch"),
    edit("order_forward_backward", "no_slope", DA, "da = dH[t]", "named:ignores the slope of tanh"),
    edit("order_forward_backward", "h_t_for_h_prev", 'grads["W_hh"] += da.T @ Hs[t - 1]', 'grads["W_hh"] += da.T @ Hs[t]',
         "named:uses the new state h_t"),
    edit("order_forward_backward", "W_hh_transposed", "dH[t - 1] = da @ W_hh", "dH[t - 1] = da @ W_hh.T",
         "named:uses W_hh transposed"),
    edit("order_forward_backward", "dW_hh_overwritten", 'grads["W_hh"] += da.T @ Hs[t - 1]', 'grads["W_hh"] = da.T @ Hs[t - 1]',
         "named:holds only the contribution of step t = 0"),
    edit("gradient_norms_by_distance", "indexed_by_step", "for k in range(len(dH) - 1, -1, -1)", "for k in range(len(dH))",
         "named:indexed by the step k"),
    edit("gradient_norms_by_distance", "mean_of_squares", "np.linalg.norm(dH[k])", "np.mean(dH[k] ** 2)",
         "named:squared entries were averaged"),
]
