"""Classic mistakes in the assignment on backpropagation through time and the feedback each must produce."""

_TRUNCATED_HEAD = (
    "def truncated_rnn_backward(dHs, X, Hs, h0, W_xh, W_hh, k):\n"
    "    grads = {'dX': np.zeros(X.shape), 'dW_xh': np.zeros(W_xh.shape), 'dW_hh': np.zeros(W_hh.shape),\n"
    "             'db_h': np.zeros(W_hh.shape[0])}\n"
    "    dh_next = np.zeros_like(h0)\n"
    "    for t in reversed(range(X.shape[0])):\n"
    "        h_prev = Hs[t - 1] if t > 0 else h0\n"
    "        step = rnn_step_backward(dHs[t] + dh_next, X[t], h_prev, Hs[t], W_xh, W_hh)\n"
    "        grads['dX'][t] = step['dx_t']\n"
    "        for name in ('dW_xh', 'dW_hh', 'db_h'):\n"
    "            grads[name] += step[name]\n"
    "        dh_next = step['dh_prev']\n"
)

CASES = [
    dict(
        name="slope_of_the_previous_step",
        answers={"jacobian_product": (
            "def jacobian_product(Hs, W_hh, t, k):\n"
            "    J = np.eye(W_hh.shape[0])\n"
            "    for i in range(k + 1, t + 1):\n"
            "        J = np.diag(1 - Hs[i - 1] ** 2) @ W_hh @ J\n"
            "    return J\n")},
        failing={"test_jacobian_product_visible": "slope of step i-1",
                 "test_jacobian_product_hidden": "slope of step i-1"},
    ),
    dict(
        name="transposed_jacobian",
        answers={"jacobian_product": (
            "def jacobian_product(Hs, W_hh, t, k):\n"
            "    J = np.eye(W_hh.shape[0])\n"
            "    for i in range(k + 1, t + 1):\n"
            "        J = W_hh.T @ np.diag(1 - Hs[i] ** 2) @ J\n"
            "    return J\n")},
        failing={"test_jacobian_product_visible": "transposed Jacobian",
                 "test_jacobian_product_hidden": "dh_"},
    ),
    dict(
        name="no_truncation",
        answers={"truncated_rnn_backward": _TRUNCATED_HEAD + (
            "    grads['dh0'] = dh_next\n"
            "    return grads\n")},
        failing={"test_truncated_rnn_backward_visible": "FULL BPTT",
                 "test_truncated_rnn_backward_hidden": "FULL BPTT"},
    ),
    dict(
        name="window_boundary_off_by_one",
        answers={"truncated_rnn_backward": _TRUNCATED_HEAD + (
            "        if t > 1 and (t - 1) % k == 0:\n"
            "            dh_next = np.zeros_like(dh_next)\n"
            "    grads['dh0'] = dh_next\n"
            "    return grads\n")},
        failing={"test_truncated_rnn_backward_visible": "one step too late or too early",
                 "test_truncated_rnn_backward_hidden": "one step too late or too early"},
    ),
    dict(
        name="forward_difference",
        answers={"numerical_gradient": (
            "def numerical_gradient(f, array, eps=1e-6):\n"
            "    grad = np.zeros_like(array)\n"
            "    base = f()\n"
            "    for index in np.ndindex(array.shape):\n"
            "        old = array[index]\n"
            "        array[index] = old + eps\n"
            "        grad[index] = (f() - base) / eps\n"
            "        array[index] = old\n"
            "    return grad\n")},
        failing={"test_numerical_gradient_visible": "one-sided (forward) difference",
                 "test_numerical_gradient_hidden": "does not match"},
    ),
    dict(
        name="array_not_restored",
        answers={"numerical_gradient": (
            "def numerical_gradient(f, array, eps=1e-6):\n"
            "    grad = np.zeros_like(array)\n"
            "    for index in np.ndindex(array.shape):\n"
            "        array[index] += eps\n"
            "        plus = f()\n"
            "        array[index] -= 2 * eps\n"
            "        minus = f()\n"
            "        grad[index] = (plus - minus) / (2 * eps)\n"
            "    return grad\n")},
        failing={"test_numerical_gradient_visible": "put every entry back",
                 "test_numerical_gradient_hidden": "restore every entry"},
    ),
    dict(
        name="relative_error_not_normalised",
        answers={"relative_error": (
            "def relative_error(a, b):\n"
            "    return float(np.linalg.norm(np.asarray(a) - np.asarray(b)) / max(np.linalg.norm(a), 1e-300))\n")},
        failing={"test_relative_error_visible": "denominator is ||a|| + ||b||",
                 "test_relative_error_hidden": "relative_error(a, b)"},
    ),
    dict(
        name="double_sum_term_with_the_state_after_the_step",
        answers={"bptt_term": (
            "def bptt_term(G, Hs, W_hh, t, k):\n"
            "    delta = (G[t - 1] @ jacobian_product(Hs, W_hh, t, k)) * (1.0 - Hs[k] ** 2)\n"
            "    return np.outer(delta, Hs[k])\n")},
        failing={"test_bptt_term_visible": "uses h_k, the state that step k produced",
                 "test_bptt_term_hidden": "uses h_k, the state that step k produced"},
    ),
    dict(
        name="truncation_gaps_with_a_loss_on_every_step",
        answers={"truncation_gaps": (
            "def truncation_gaps(X, h0, W_xh, W_hh, b_h, w, windows):\n"
            "    Hs = rnn_forward(X, h0, W_xh, W_hh, b_h)\n"
            "    dHs = np.zeros(Hs.shape) + w\n"
            "    full = truncated_rnn_backward(dHs, X, Hs, h0, W_xh, W_hh, len(X))['dW_hh']\n"
            "    return np.array([relative_error(truncated_rnn_backward(dHs, X, Hs, h0, W_xh, W_hh, k)['dW_hh'], full)\n"
            "                     for k in windows])\n")},
        failing={"test_truncation_gaps_visible": "puts w on every step's gradient",
                 "test_truncation_gaps_hidden": "puts w on every step's gradient"},
    ),
]

# A composed task runs the student's own components: a slip in one of them may fail it too.
_COMPOSED = {
    "jacobian_product": {"test_bptt_term_visible", "test_bptt_term_hidden"},
    "truncated_rnn_backward": {"test_truncation_gaps_visible", "test_truncation_gaps_hidden"},
    "relative_error": {"test_truncation_gaps_visible", "test_truncation_gaps_hidden"},
}
for _case in CASES:
    _case.setdefault("composed", set()).update(*(_COMPOSED.get(name, set()) for name in _case["answers"]))
