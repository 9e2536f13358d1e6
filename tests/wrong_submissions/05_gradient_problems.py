"""Classic mistakes in the gradient-problems assignment and the feedback each must produce."""

CASES = [
    dict(
        name="norms_added_not_squares",
        answers={"global_norm": (
            "def global_norm(grads):\n"
            "    return float(sum(np.linalg.norm(g) for g in grads))\n")},
        failing={"test_global_norm_visible": "You added the norms of the arrays",
                 "test_global_norm_hidden": "You added the norms of the arrays"},
    ),
    dict(
        name="each_tensor_clipped_by_its_own_norm",
        answers={"clip_by_global_norm": (
            "def clip_by_global_norm(grads, max_norm):\n"
            "    norm = float(np.sqrt(sum(np.sum(g ** 2) for g in grads)))\n"
            "    return [g * min(1.0, max_norm / (np.linalg.norm(g) + 1e-6)) for g in grads], norm\n")},
        failing={"test_clip_by_global_norm_visible": "clipped by its OWN norm",
                 "test_clip_by_global_norm_hidden": "clipped by its own norm"},
    ),
    dict(
        name="small_gradients_scaled_up",
        answers={"clip_by_global_norm": (
            "def clip_by_global_norm(grads, max_norm):\n"
            "    norm = float(np.sqrt(sum(np.sum(g ** 2) for g in grads)))\n"
            "    return [g * max_norm / (norm + 1e-6) for g in grads], norm\n")},
        failing={"test_clip_by_global_norm_visible": "scaled UP to max_norm",
                 "test_clip_by_global_norm_hidden": "scaled up"},
    ),
    dict(
        name="clip_value_only_positive",
        answers={"clip_by_value": (
            "def clip_by_value(grads, clip_value):\n"
            "    return [np.minimum(g, clip_value) for g in grads]\n")},
        failing={"test_clip_by_value_visible": "Negative entries must be clamped",
                 "test_clip_by_value_hidden": "clip_by_value(...)[0] does not match"},
    ),
    dict(
        name="singular_value_for_radius",
        answers={"spectral_radius": (
            "def spectral_radius(W):\n"
            "    return float(np.linalg.norm(W, 2))\n")},
        failing={"test_spectral_radius_visible": "largest singular value",
                 "test_spectral_radius_hidden": "largest singular value"},
    ),
    dict(
        name="jacobian_product_reversed",
        answers={"jacobian_norms": (
            "def jacobian_norms(W_hh, Hs):\n"
            "    T, H = Hs.shape\n"
            "    norms = np.empty(T + 1)\n"
            "    product = np.eye(H)\n"
            "    norms[T] = np.linalg.norm(product)\n"
            "    for k in range(T - 1, -1, -1):\n"
            "        product = ((1.0 - Hs[k] ** 2)[:, None] * W_hh) @ product\n"
            "        norms[k] = np.linalg.norm(product)\n"
            "    return norms\n")},
        failing={"test_jacobian_norms_visible": "wrong order",
                 "test_jacobian_norms_hidden": "J_T ... J_{k+1}"},
    ),
    dict(
        name="jacobian_without_tanh_derivative",
        answers={"jacobian_norms": (
            "def jacobian_norms(W_hh, Hs):\n"
            "    T, H = Hs.shape\n"
            "    return np.array([np.linalg.norm(np.linalg.matrix_power(W_hh, T - k)) for k in range(T + 1)])\n")},
        failing={"test_jacobian_norms_visible": "tanh derivative is missing",
                 "test_jacobian_norms_hidden": "diag(1 - h_t^2) W_hh"},
    ),
    dict(
        name="bound_with_the_spectral_radius",
        answers={"jacobian_bounds": (
            "def jacobian_bounds(W_hh, Hs):\n"
            "    factor = np.max(1.0 - Hs ** 2, axis=1) * np.max(np.abs(np.linalg.eigvals(W_hh)))\n"
            "    bounds = np.ones(len(Hs) + 1)\n"
            "    for k in range(len(Hs) - 1, -1, -1):\n"
            "        bounds[k] = bounds[k + 1] * factor[k]\n"
            "    return bounds\n")},
        failing={"test_jacobian_bounds_visible": "uses the spectral radius of W_hh",
                 "test_jacobian_bounds_hidden": "uses the spectral radius of W_hh"},
    ),
    dict(
        name="order_model_with_a_summed_loss",
        answers={"order_forward_backward": (
            "def order_forward_backward(X, y, h0, W_xh, W_hh, b_h, w_y, b_y):\n"
            "    T = len(X)\n"
            "    Hs = [h0]\n"
            "    for x_t in X:\n"
            "        Hs.append(np.tanh(x_t @ W_xh.T + Hs[-1] @ W_hh.T + b_h))\n"
            "    z = Hs[-1] @ w_y + b_y\n"
            "    dz = 1 / (1 + np.exp(-z)) - y\n"
            "    grads = {'W_xh': 0 * W_xh, 'W_hh': 0 * W_hh, 'b_h': 0 * b_h, 'w_y': Hs[-1].T @ dz, 'b_y': float(dz.sum())}\n"
            "    dH = np.zeros((T + 1,) + h0.shape)\n"
            "    dH[T] = np.outer(dz, w_y)\n"
            "    for t in range(T, 0, -1):\n"
            "        da = dH[t] * (1 - Hs[t] ** 2)\n"
            "        grads['W_xh'] = grads['W_xh'] + da.T @ X[t - 1]\n"
            "        grads['W_hh'] = grads['W_hh'] + da.T @ Hs[t - 1]\n"
            "        grads['b_h'] = grads['b_h'] + da.sum(axis=0)\n"
            "        dH[t - 1] = da @ W_hh\n"
            "    return float(np.sum(np.logaddexp(0, z) - y * z)), grads, dH\n")},
        failing={"test_order_forward_backward_visible": "SUMMED over the batch",
                 "test_order_forward_backward_hidden": "SUMMED over the batch"},
        composed={"test_gradient_norms_by_distance_visible", "test_gradient_norms_by_distance_hidden"},
    ),
    dict(
        name="gradient_norms_indexed_by_step",
        answers={"gradient_norms_by_distance": (
            "def gradient_norms_by_distance(X, y, h0, W_xh, W_hh, b_h, w_y, b_y):\n"
            "    dH = order_forward_backward(X, y, h0, W_xh, W_hh, b_h, w_y, b_y)[2]\n"
            "    return np.array([np.linalg.norm(g) for g in dH])\n")},
        failing={"test_gradient_norms_by_distance_visible": "indexed by the step k",
                 "test_gradient_norms_by_distance_hidden": "indexed by the step k"},
    ),
]
