"""Classic mistakes in assignment 05 (gradient problems): norms, clipping, spectral radius, Jacobian norms."""
from mutations import edit

NORM = "float(np.sqrt(sum(np.sum(np.square(g)) for g in grads)))"

MUTANTS = [
    edit("global_norm", "sums_the_norms", NORM, "float(sum(np.linalg.norm(g) for g in grads))", "named:added the norms"),
    edit("global_norm", "no_square_root", NORM, "float(sum(np.sum(np.square(g)) for g in grads))",
         "named:sum of squares"),
    edit("global_norm", "largest_norm", NORM, "float(max(np.linalg.norm(g) for g in grads))"),
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
    edit("spectral_radius", "frobenius", "np.max(np.abs(np.linalg.eigvals(W)))", "np.linalg.norm(W)"),
    edit("jacobian_norms", "wrong_order", "product = product @ J", "product = J @ product", "named:wrong order"),
    edit("jacobian_norms", "no_slope", "J = (1.0 - Hs[k] ** 2)[:, None] * W_hh", "J = W_hh",
         "named:tanh derivative is missing"),
    edit("jacobian_norms", "columns_scaled", "J = (1.0 - Hs[k] ** 2)[:, None] * W_hh", "J = W_hh * (1.0 - Hs[k] ** 2)[None, :]",
         "named:scale the ROWS"),
    edit("jacobian_norms", "spectral_norm", "norms[k] = np.linalg.norm(product)", "norms[k] = np.linalg.norm(product, 2)"),
    edit("jacobian_norms", "slope_of_next_state", "J = (1.0 - Hs[k] ** 2)[:, None] * W_hh",
         "J = (1.0 - Hs[min(k + 1, T - 1)] ** 2)[:, None] * W_hh"),
]
