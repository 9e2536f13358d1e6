"""Classic mistakes in the assignment on the RNN equations and the feedback each must produce."""

CASES = [
    dict(
        name="transposed_recurrent_weights",
        answers={"rnn_step_forward": (
            "def rnn_step_forward(x_t, h_prev, W_xh, W_hh, b_h):\n"
            "    return np.tanh(x_t @ W_xh.T + h_prev @ W_hh + b_h)\n")},
        failing={"test_rnn_step_forward_visible": "W_hh transposed",
                 "test_rnn_step_forward_hidden": "W_hh transposed"},
        composed={"test_rnn_jacobian_visible", "test_rnn_jacobian_hidden"},
    ),
    dict(
        name="input_weights_not_transposed",
        answers={"rnn_step_forward": (
            "def rnn_step_forward(x_t, h_prev, W_xh, W_hh, b_h):\n"
            "    return np.tanh(x_t @ W_xh + h_prev @ W_hh.T + b_h)\n")},
        failing={"test_rnn_step_forward_visible": "orientation of every matrix product",
                 "test_rnn_step_forward_hidden": "orientation of every matrix product"},
        composed={"test_rnn_jacobian_visible", "test_rnn_jacobian_hidden"},
    ),
    dict(
        name="state_not_carried",
        answers={"rnn_forward": (
            "def rnn_forward(X, h0, W_xh, W_hh, b_h):\n"
            "    h0 = np.zeros((X.shape[1], W_hh.shape[0])) if h0 is None else h0\n"
            "    return np.stack([rnn_step_forward(X[t], h0, W_xh, W_hh, b_h) for t in range(X.shape[0])])\n")},
        failing={"test_rnn_forward_visible": "every step from h0",
                 "test_rnn_forward_hidden": "every step from h0",
                 "test_many_to_one_visible": "y",
                 "test_many_to_one_hidden": "y"},
        composed={"test_state_difference_visible", "test_state_difference_hidden"},
    ),
    dict(
        name="returns_only_the_last_state",
        answers={"rnn_forward": (
            "def rnn_forward(X, h0, W_xh, W_hh, b_h):\n"
            "    h = np.zeros((X.shape[1], W_hh.shape[0])) if h0 is None else h0\n"
            "    for t in range(X.shape[0]):\n"
            "        h = rnn_step_forward(X[t], h, W_xh, W_hh, b_h)\n"
            "    return h\n")},
        failing={"test_rnn_forward_visible": "leading axis is missing",
                 "test_rnn_forward_hidden": "leading axis is missing",
                 "test_many_to_one_visible": "y",
                 "test_many_to_one_hidden": "y"},
        composed={"test_state_difference_visible", "test_state_difference_hidden"},
    ),
    dict(
        name="batch_first_last_step",
        answers={"many_to_one": (
            "def many_to_one(X, h0, W_xh, W_hh, b_h, W_hy, b_y):\n"
            "    out = rnn_forward(X, h0, W_xh, W_hh, b_h)\n"
            "    return out[:, -1, :] @ W_hy.T + b_y\n")},
        failing={"test_many_to_one_visible": "LAST SEQUENCE",
                 "test_many_to_one_hidden": "batch-first indexing on a time-major array"},
    ),
    dict(
        name="jacobian_slope_on_columns",
        answers={"rnn_jacobian": (
            "def rnn_jacobian(h_prev, x_t, W_xh, W_hh, b_h):\n"
            "    h_t = rnn_step_forward(x_t, h_prev, W_xh, W_hh, b_h)\n"
            "    return (1 - h_t ** 2)[:, None, :] * W_hh\n")},
        failing={"test_rnn_jacobian_visible": "COLUMNS", "test_rnn_jacobian_hidden": "COLUMNS"},
    ),
    dict(
        name="jacobian_slope_of_previous_state",
        answers={"rnn_jacobian": (
            "def rnn_jacobian(h_prev, x_t, W_xh, W_hh, b_h):\n"
            "    return (1 - h_prev ** 2)[:, :, None] * W_hh\n")},
        failing={"test_rnn_jacobian_visible": "PREVIOUS state", "test_rnn_jacobian_hidden": "PREVIOUS state"},
    ),
    dict(
        name="readout_summed_not_averaged",
        answers={"softmax_readout": (
            "def softmax_readout(Hs, targets, W_hy, b_y):\n"
            "    Y = Hs @ W_hy.T + b_y\n"
            "    Y = Y - Y.max(axis=-1, keepdims=True)\n"
            "    P = np.exp(Y) / np.exp(Y).sum(axis=-1, keepdims=True)\n"
            "    onehot = np.eye(len(b_y))[targets]\n"
            "    dY = P - onehot\n"
            "    return {'loss': -np.sum(np.log(P) * onehot), 'dHs': dY @ W_hy,\n"
            "            'dW_hy': np.einsum('tbk,tbh->kh', dY, Hs), 'db_y': dY.sum(axis=(0, 1))}\n")},
        failing={"test_softmax_readout_visible": "instead of averaging",
                 "test_softmax_readout_hidden": "instead of averaging"},
    ),
    dict(
        name="readout_softmax_overflows",
        answers={"softmax_readout": (
            "def softmax_readout(Hs, targets, W_hy, b_y):\n"
            "    T, B, _ = Hs.shape\n"
            "    E = np.exp(Hs @ W_hy.T + b_y)\n"
            "    P = E / E.sum(axis=-1, keepdims=True)\n"
            "    onehot = np.eye(len(b_y))[targets]\n"
            "    dY = (P - onehot) / (T * B)\n"
            "    return {'loss': -np.sum(np.log(P) * onehot) / (T * B), 'dHs': dY @ W_hy,\n"
            "            'dW_hy': np.einsum('tbk,tbh->kh', dY, Hs), 'db_y': dY.sum(axis=(0, 1))}\n")},
        failing={"test_softmax_readout_hidden": "scores near 1000"},
    ),
    dict(
        name="state_difference_squared",
        answers={"state_difference": (
            "def state_difference(X, X_changed, W_xh, W_hh, b_h):\n"
            "    diff = rnn_forward(X, None, W_xh, W_hh, b_h) - rnn_forward(X_changed, None, W_xh, W_hh, b_h)\n"
            "    return (diff ** 2).sum(axis=-1).mean(axis=1)\n")},
        failing={"test_state_difference_visible": "squared distances", "test_state_difference_hidden": "squared"},
    ),
]
