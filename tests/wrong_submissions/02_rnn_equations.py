"""Classic mistakes in the assignment on the RNN equations and the feedback each must produce."""

CASES = [
    dict(
        name="transposed_recurrent_weights",
        answers={"rnn_step_forward": (
            "def rnn_step_forward(x_t, h_prev, W_xh, W_hh, b_h):\n"
            "    return np.tanh(x_t @ W_xh.T + h_prev @ W_hh + b_h)\n")},
        failing={"test_rnn_step_forward_visible": "W_hh transposed",
                 "test_rnn_step_forward_hidden": "W_hh transposed"},
    ),
    dict(
        name="input_weights_not_transposed",
        answers={"rnn_step_forward": (
            "def rnn_step_forward(x_t, h_prev, W_xh, W_hh, b_h):\n"
            "    return np.tanh(x_t @ W_xh + h_prev @ W_hh.T + b_h)\n")},
        failing={"test_rnn_step_forward_visible": "orientation of every matrix product",
                 "test_rnn_step_forward_hidden": "orientation of every matrix product"},
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
    ),
    dict(
        name="batch_first_last_step",
        answers={"many_to_one": (
            "def many_to_one(X, h0, W_xh, W_hh, b_h, W_hy, b_y):\n"
            "    out = rnn_forward(X, h0, W_xh, W_hh, b_h)\n"
            "    return out[:, -1, :] @ W_hy.T + b_y\n")},
        failing={"test_many_to_one_visible": "LAST SEQUENCE",
                 "test_many_to_one_hidden": "y has shape"},
    ),
]
