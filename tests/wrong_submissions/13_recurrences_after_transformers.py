"""Classic mistakes in the minGRU assignment and the feedback each must produce."""

_SEQUENTIAL_HEAD = (
    "def min_gru_sequential(X, h0, W_z, b_z, W_h, b_h):\n"
    "    h, states = h0, []\n"
    "    for x_t in X:\n"
    "        z_t = sigmoid(x_t @ W_z.T + b_z)\n"
)
_PARALLEL_HEAD = (
    "def min_gru_parallel(X, h0, W_z, b_z, W_h, b_h):\n"
    "    a, b = min_gru_coefficients(X, W_z, b_z, W_h, b_h)\n"
)
# The experiment compares the student's own scan and cumulative form with their own loop.
_EXPERIMENT = {"test_long_sequence_errors_visible", "test_long_sequence_errors_hidden"}
# The scan tests also run the student's own min_gru_coefficients and min_gru_sequential.
_USES_COEFFICIENTS = {"test_min_gru_parallel_visible", "test_min_gru_parallel_hidden",
                      "test_min_gru_cumulative_visible", "test_min_gru_cumulative_hidden"} | _EXPERIMENT

CASES = [
    dict(
        name="coefficients_a_and_b_swapped",
        answers={"min_gru_coefficients": (
            "def min_gru_coefficients(X, W_z, b_z, W_h, b_h):\n"
            "    z = sigmoid(X @ W_z.T + b_z)\n"
            "    return z * g(X @ W_h.T + b_h), 1.0 - z\n")},
        failing={"test_min_gru_coefficients_visible": "a and b are swapped",
                 "test_min_gru_coefficients_hidden": "a and b are swapped"},
        composed=_USES_COEFFICIENTS,
    ),
    dict(
        name="coefficients_z_and_one_minus_z_swapped",
        answers={"min_gru_coefficients": (
            "def min_gru_coefficients(X, W_z, b_z, W_h, b_h):\n"
            "    z = sigmoid(X @ W_z.T + b_z)\n"
            "    return z, (1.0 - z) * g(X @ W_h.T + b_h)\n")},
        failing={"test_min_gru_coefficients_visible": "z and 1 - z are swapped",
                 "test_min_gru_coefficients_hidden": "z and 1 - z are swapped"},
        composed=_USES_COEFFICIENTS,
    ),
    dict(
        name="sequential_forgets_h0",
        answers={"min_gru_sequential": _SEQUENTIAL_HEAD.replace("h, states = h0, []", "h, states = 0.0, []") + (
            "        h = (1.0 - z_t) * h + z_t * g(x_t @ W_h.T + b_h)\n"
            "        states.append(h)\n"
            "    return np.stack(states)\n")},
        failing={"test_min_gru_sequential_visible": "The states ignore h0",
                 "test_min_gru_sequential_hidden": "The states ignore h0"},
        composed={"test_min_gru_parallel_visible"} | _EXPERIMENT,   # they compare the scan with the student's loop
    ),
    dict(
        name="sequential_states_one_step_late",
        answers={"min_gru_sequential": _SEQUENTIAL_HEAD + (
            "        states.append(h)\n"
            "        h = (1.0 - z_t) * h + z_t * g(x_t @ W_h.T + b_h)\n"
            "    return np.stack(states)\n")},
        failing={"test_min_gru_sequential_visible": "one step late",
                 "test_min_gru_sequential_hidden": "one step late"},
        composed={"test_min_gru_parallel_visible"} | _EXPERIMENT,
    ),
    dict(
        name="scan_off_by_one",
        answers={"min_gru_parallel": _PARALLEL_HEAD + (
            "    a, b = a.copy(), b.copy()\n"
            "    b[0] = a[0] * h0 + b[0]\n"
            "    k = 1\n"
            "    while k < len(a):\n"
            "        a_new = a.copy()\n"
            "        a_new[k:] = a[k:] * a[:-k]\n"
            "        b[k:] = a[k:] * b[:-k] + b[k:]\n"
            "        a, k = a_new, 2 * k\n"
            "    return np.concatenate([h0[None], b[:-1]])\n")},
        failing={"test_min_gru_parallel_visible": "one step late",
                 "test_min_gru_parallel_hidden": "one step late"},
        composed=_EXPERIMENT,
    ),
    dict(
        name="cumulative_form_ignores_h0",
        answers={"min_gru_cumulative": (
            "def min_gru_cumulative(X, h0, W_z, b_z, W_h, b_h):\n"
            "    a, b = min_gru_coefficients(X, W_z, b_z, W_h, b_h)\n"
            "    A = np.cumprod(a, axis=0)\n"
            "    return A * np.cumsum(b / A, axis=0)\n")},
        failing={"test_min_gru_cumulative_visible": "The states ignore h0",
                 "test_min_gru_cumulative_hidden": "The states ignore h0"},
        composed=_EXPERIMENT,
    ),
    dict(
        name="experiment_cumulative_form_in_log_space",
        answers={"min_gru_cumulative": (
            "def min_gru_cumulative(X, h0, W_z, b_z, W_h, b_h):\n"
            "    a, b = min_gru_coefficients(X, W_z, b_z, W_h, b_h)\n"
            "    log_A = np.cumsum(np.log(a), axis=0)\n"
            "    states = np.empty_like(b)\n"
            "    for t in range(len(a)):\n"
            "        weights = np.exp(log_A[t] - log_A[:t + 1])\n"
            "        states[t] = np.exp(log_A[t]) * h0 + np.sum(weights * b[:t + 1], axis=0)\n"
            "    return states\n")},
        failing={"test_long_sequence_errors_visible": "underflows there",
                 "test_long_sequence_errors_hidden": "stays within"},
    ),
    dict(
        name="torch_scan_on_a_fixed_device",
        answers={"min_gru_parallel_torch": (
            "def min_gru_parallel_torch(X, h0, W_z, b_z, W_h, b_h):\n"
            "    z = torch.sigmoid(X @ W_z.T + b_z)\n"
            "    pre = X @ W_h.T + b_h\n"
            "    a, b = 1 - z, z * torch.where(pre >= 0, pre + 0.5, torch.sigmoid(pre))\n"
            "    h = torch.zeros(X.shape[1], W_z.shape[0], dtype=torch.float64)   # on the CPU, in float64\n"
            "    h = h + h0\n"
            "    states = torch.zeros(len(X), X.shape[1], W_z.shape[0], dtype=torch.float64)\n"
            "    for t in range(len(X)):\n"
            "        h = a[t] * h + b[t]\n"
            "        states[t] = h\n"
            "    return states\n")},
        failing={"test_min_gru_parallel_torch_visible": "float32",
                 "test_min_gru_parallel_torch_hidden": "fixed device"},
    ),
]
