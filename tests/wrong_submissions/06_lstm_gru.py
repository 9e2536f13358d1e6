"""Classic mistakes in the LSTM/GRU assignment and the feedback each must produce."""

_LSTM_HEAD = (
    "def lstm_cell_forward(x_t, h_prev, c_prev, W_ih, W_hh, b_ih, b_hh):\n"
    "    H = h_prev.shape[1]\n"
    "    A = x_t @ W_ih.T + h_prev @ W_hh.T + b_ih + b_hh\n"
)

CASES = [
    dict(
        name="forget_gate_on_candidate",
        answers={"lstm_cell_forward": _LSTM_HEAD + (
            "    i, f = sigmoid(A[:, :H]), sigmoid(A[:, H:2 * H])\n"
            "    g, o = np.tanh(A[:, 2 * H:3 * H]), sigmoid(A[:, 3 * H:])\n"
            "    c_t = i * c_prev + f * g\n"
            "    return o * np.tanh(c_t), c_t\n")},
        failing={"test_lstm_cell_forward_visible": "the input and forget gates are exchanged",
                 "test_lstm_cell_forward_hidden": "c_t = f * c_prev + i * g"},
    ),
    dict(
        name="lstm_gates_in_order_i_f_o_g",
        answers={"lstm_cell_forward": _LSTM_HEAD + (
            "    i, f = sigmoid(A[:, :H]), sigmoid(A[:, H:2 * H])\n"
            "    o, g = sigmoid(A[:, 2 * H:3 * H]), np.tanh(A[:, 3 * H:])\n"
            "    c_t = f * c_prev + i * g\n"
            "    return o * np.tanh(c_t), c_t\n")},
        failing={"test_lstm_cell_forward_visible": "PyTorch stacks i, f, g, o",
                 "test_lstm_cell_forward_hidden": "gate blocks are in the wrong order: PyTorch stacks i, f, g, o"},
    ),
    dict(
        name="backward_forgets_the_path_through_h",
        answers={"lstm_cell_backward": (
            "def lstm_cell_backward(dh_t, dc_t, x_t, h_prev, c_prev, W_ih, W_hh, b_ih, b_hh):\n"
            "    H = h_prev.shape[1]\n"
            "    A = x_t @ W_ih.T + h_prev @ W_hh.T + b_ih + b_hh\n"
            "    i, f = sigmoid(A[:, :H]), sigmoid(A[:, H:2 * H])\n"
            "    g, o = np.tanh(A[:, 2 * H:3 * H]), sigmoid(A[:, 3 * H:])\n"
            "    tanh_c = np.tanh(f * c_prev + i * g)\n"
            "    dc = dc_t\n"
            "    dA = np.concatenate([dc * g * i * (1 - i), dc * c_prev * f * (1 - f), dc * i * (1 - g ** 2),\n"
            "                         dh_t * tanh_c * o * (1 - o)], axis=1)\n"
            "    return dA @ W_ih, dA @ W_hh, dc * f, dA.T @ x_t, dA.T @ h_prev, dA.sum(axis=0)\n")},
        failing={"test_lstm_cell_backward_visible": "dc_prev ignores the path through h_t",
                 "test_lstm_cell_backward_hidden": "dc ignores the path through h_t"},
    ),
    dict(
        name="gru_reset_before_convention",
        answers={"gru_cell_forward": (
            "def gru_cell_forward(x_t, h_prev, W_ih, W_hh, b_ih, b_hh):\n"
            "    H = h_prev.shape[1]\n"
            "    Gx = x_t @ W_ih.T + b_ih\n"
            "    r = sigmoid(Gx[:, :H] + h_prev @ W_hh[:H].T + b_hh[:H])\n"
            "    z = sigmoid(Gx[:, H:2 * H] + h_prev @ W_hh[H:2 * H].T + b_hh[H:2 * H])\n"
            "    h_tilde = np.tanh(Gx[:, 2 * H:] + (r * h_prev) @ W_hh[2 * H:].T + b_hh[2 * H:])\n"
            "    return (1 - z) * h_prev + z * h_tilde\n")},
        failing={"test_gru_cell_forward_visible": "This is the reset-before-product GRU",
                 "test_gru_cell_forward_hidden": "This is the reset-before-product GRU"},
    ),
    dict(
        name="gru_update_gate_swapped",
        answers={"gru_cell_forward": (
            "def gru_cell_forward(x_t, h_prev, W_ih, W_hh, b_ih, b_hh):\n"
            "    H = h_prev.shape[1]\n"
            "    Gx, Gh = x_t @ W_ih.T + b_ih, h_prev @ W_hh.T + b_hh\n"
            "    r = sigmoid(Gx[:, :H] + Gh[:, :H])\n"
            "    z = sigmoid(Gx[:, H:2 * H] + Gh[:, H:2 * H])\n"
            "    n = np.tanh(Gx[:, 2 * H:] + r * Gh[:, 2 * H:])\n"
            "    return z * n + (1 - z) * h_prev\n")},
        failing={"test_gru_cell_forward_visible": "z and 1 - z are swapped",
                 "test_gru_cell_forward_hidden": "h_t = (1 - z) * n + z * h_prev"},
    ),
    dict(
        name="mapping_keeps_the_dict_gate_order",
        answers={"lstm_params_to_torch": (
            "def lstm_params_to_torch(W, b):\n"
            "    H = W['f'].shape[0]\n"
            "    stacked = np.concatenate([W[k] for k in ('f', 'i', 'C', 'o')])\n"
            "    bias = np.concatenate([b[k] for k in ('f', 'i', 'C', 'o')])\n"
            "    return {'weight_ih_l0': stacked[:, H:], 'weight_hh_l0': stacked[:, :H],\n"
            "            'bias_ih_l0': bias, 'bias_hh_l0': np.zeros_like(bias)}\n")},
        failing={"test_lstm_params_to_torch_visible": "the dicts' order f, i, C, o",
                 "test_lstm_params_to_torch_hidden": "the dicts' order f, i, C, o"},
    ),
    dict(
        name="mapping_doubles_the_bias",
        answers={"lstm_params_to_torch": (
            "def lstm_params_to_torch(W, b):\n"
            "    H = W['f'].shape[0]\n"
            "    stacked = np.concatenate([W[k] for k in ('i', 'f', 'C', 'o')])\n"
            "    bias = np.concatenate([b[k] for k in ('i', 'f', 'C', 'o')])\n"
            "    return {'weight_ih_l0': stacked[:, H:], 'weight_hh_l0': stacked[:, :H],\n"
            "            'bias_ih_l0': bias, 'bias_hh_l0': bias}\n")},
        failing={"test_lstm_params_to_torch_visible": "ADDS its two biases",
                 "test_lstm_params_to_torch_hidden": "ADDS its two biases"},
    ),
    dict(
        name="parameter_count_with_one_bias",
        answers={"recurrent_parameter_count": (
            "def recurrent_parameter_count(D, H, layers, gates, bidirectional=False):\n"
            "    n = 2 if bidirectional else 1\n"
            "    return sum(n * gates * H * ((D if l == 0 else n * H) + H + 1) for l in range(layers))\n")},
        failing={"test_recurrent_parameter_count_visible": "one bias vector per gate block",
                 "test_recurrent_parameter_count_hidden": "one bias vector per gate block"},
    ),
    dict(
        name="lstm_distance_drops_the_cell_gradient",
        answers={"lstm_gradient_norms_by_distance": (
            "def lstm_gradient_norms_by_distance(X, h0, c0, W_ih, W_hh, b_ih, b_hh, w):\n"
            "    states = [(h0, c0)]\n"
            "    for x_t in X:\n"
            "        states.append(lstm_cell_forward(x_t, *states[-1], W_ih, W_hh, b_ih, b_hh))\n"
            "    dh = np.tile(w, (X.shape[1], 1))\n"
            "    norms = [np.linalg.norm(dh)]\n"
            "    for t in range(len(X), 0, -1):\n"
            "        dh = lstm_cell_backward(dh, np.zeros_like(c0), X[t - 1], *states[t - 1], W_ih, W_hh, b_ih, b_hh)[1]\n"
            "        norms.append(np.linalg.norm(dh))\n"
            "    return np.array(norms)\n")},
        failing={"test_lstm_gradient_norms_by_distance_visible": "cell-state gradient is dropped between steps",
                 "test_lstm_gradient_norms_by_distance_hidden": "cell-state gradient is dropped between steps"},
    ),
    dict(
        name="gru_layer_with_a_cpu_float32_zero_state",
        answers={"gru_layer_torch": (
            "def gru_layer_torch(X, h0, W_ih, W_hh, b_ih, b_hh):\n"
            "    H = W_hh.shape[1]\n"
            "    h = torch.zeros(X.shape[1], H) if h0 is None else h0\n"
            "    states = []\n"
            "    for x_t in X:\n"
            "        Gx, Gh = x_t @ W_ih.T + b_ih, h @ W_hh.T + b_hh\n"
            "        r = torch.sigmoid(Gx[:, :H] + Gh[:, :H])\n"
            "        z = torch.sigmoid(Gx[:, H:2 * H] + Gh[:, H:2 * H])\n"
            "        n = torch.tanh(Gx[:, 2 * H:] + r * Gh[:, 2 * H:])\n"
            "        h = (1 - z) * n + z * h\n"
            "        states.append(h)\n"
            "    return torch.stack(states)\n")},
        failing={"test_gru_layer_torch_visible": "X.new_zeros",
                 "test_gru_layer_torch_hidden": "X.new_zeros"},
    ),
]

# A composed task runs the student's own components: a slip in one of them may fail it too.
_COMPOSED = {
    "lstm_cell_forward": {"test_lstm_gradient_norms_by_distance_visible", "test_lstm_gradient_norms_by_distance_hidden"},
    "lstm_cell_backward": {"test_lstm_gradient_norms_by_distance_visible", "test_lstm_gradient_norms_by_distance_hidden"},
}
for _case in CASES:
    _case.setdefault("composed", set()).update(*(_COMPOSED.get(name, set()) for name in _case["answers"]))
