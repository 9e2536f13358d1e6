"""Classic mistakes in the bidirectional / ragged-batch assignment and the feedback each must produce."""

# Tests of functions that run the student's own reverse_padded and masked_rnn: the stacked layer and the
# experiment, which reads the states of the student's layers.
STACKED = {"test_deep_bidirectional_rnn_visible", "test_deep_bidirectional_rnn_hidden", "test_readout_accuracy_visible"}

CASES = [
    dict(
        name="backward_outputs_not_flipped_back",
        answers={"bidirectional_layer": (
            "def bidirectional_layer(X, forward_params, backward_params):\n"
            "    f = rnn_forward(X, None, *forward_params)\n"
            "    b = rnn_forward(X[::-1], None, *backward_params)\n"
            "    return np.concatenate([f, b], axis=-1)\n")},
        failing={"test_bidirectional_layer_visible": "not flipped back",
                 "test_bidirectional_layer_hidden": "not flipped back"},
    ),
    dict(
        name="one_set_of_weights_for_both_directions",
        answers={"bidirectional_layer": (
            "def bidirectional_layer(X, forward_params, backward_params):\n"
            "    f = rnn_forward(X, None, *forward_params)\n"
            "    b = rnn_forward(X[::-1], None, *forward_params)[::-1]\n"
            "    return np.concatenate([f, b], axis=-1)\n")},
        failing={"test_bidirectional_layer_visible": "own weights",
                 "test_bidirectional_layer_hidden": "own weights"},
    ),
    dict(
        name="flip_moves_padding_to_front",
        answers={"reverse_padded": "def reverse_padded(X, lengths):\n    return X[::-1].copy()\n"},
        failing={"test_reverse_padded_visible": "padding moved to the front",
                 "test_reverse_padded_hidden": "padding moved to the front"},
        composed=STACKED,
    ),
    dict(
        name="rnn_runs_over_padding",
        answers={"masked_rnn": (
            "def masked_rnn(X, lengths, W_xh, W_hh, b_h):\n"
            "    Hs = rnn_forward(X, None, W_xh, W_hh, b_h)\n"
            "    return Hs, Hs[-1]\n")},
        failing={"test_masked_rnn_visible": "ran over the padding",
                 "test_masked_rnn_hidden": "ran over the padding"},
        composed=STACKED,
    ),
    dict(
        name="final_state_read_after_padding",
        answers={"masked_rnn": (
            "def masked_rnn(X, lengths, W_xh, W_hh, b_h):\n"
            "    T = X.shape[0]\n"
            "    mask = (np.arange(T)[:, None] < np.asarray(lengths)[None, :])[..., None]\n"
            "    Hs = rnn_forward(X, None, W_xh, W_hh, b_h)\n"
            "    return Hs * mask, Hs[-1]\n")},
        failing={"test_masked_rnn_visible": "classic outputs[-1] bug",
                 "test_masked_rnn_hidden": "classic outputs[-1] bug"},
        composed=STACKED,
    ),
    dict(
        name="reads_last_padded_step",
        answers={"last_real_step": "def last_real_step(outputs, lengths):\n    return outputs[-1]\n"},
        failing={"test_last_real_step_visible": "last *padded* step",
                 "test_last_real_step_hidden": "last *padded* step"},
    ),
    dict(
        name="upper_layers_counted_with_input_size",
        answers={"rnn_parameter_count": (
            "def rnn_parameter_count(input_size, hidden_size, num_layers, bidirectional, gates):\n"
            "    directions = 2 if bidirectional else 1\n"
            "    return directions * num_layers * gates * hidden_size * (input_size + hidden_size + 2)\n")},
        failing={"test_rnn_parameter_count_visible": "rnn_parameter_count",
                 "test_rnn_parameter_count_hidden": "layers above the first read the previous layer's output"},
    ),
    dict(
        name="stack_feeds_x_to_every_layer",
        answers={"deep_bidirectional_rnn": (
            "def deep_bidirectional_rnn(X, lengths, layers):\n"
            "    outputs = X\n"
            "    for fp, bp in layers[:1]:\n"
            "        f, _ = masked_rnn(outputs, lengths, *fp)\n"
            "        b, _ = masked_rnn(reverse_padded(outputs, lengths), lengths, *bp)\n"
            "        outputs = np.concatenate([f, reverse_padded(b, lengths)], axis=-1)\n"
            "    return outputs\n")},
        failing={"test_deep_bidirectional_rnn_visible": "first layer's output",
                 "test_deep_bidirectional_rnn_hidden": "first layer's output"},
    ),
    dict(
        name="stack_reverses_with_a_plain_flip",
        answers={"deep_bidirectional_rnn": (
            "def deep_bidirectional_rnn(X, lengths, layers):\n"
            "    outputs = X\n"
            "    for fp, bp in layers:\n"
            "        f, _ = masked_rnn(outputs, lengths, *fp)\n"
            "        b = rnn_forward(outputs[::-1], None, *bp)[::-1]\n"
            "        mask = (np.arange(len(X))[:, None] < np.asarray(lengths)[None, :])[..., None]\n"
            "        outputs = np.concatenate([f, b], axis=-1) * mask\n"
            "    return outputs\n")},
        failing={"test_deep_bidirectional_rnn_visible": "read the padding first",
                 "test_deep_bidirectional_rnn_hidden": "read the padding first"},
    ),
    dict(
        name="readout_fitted_on_padding_too",
        answers={"readout_accuracy": (
            "def readout_accuracy(features, targets, lengths, n_train, ridge=1e-3):\n"
            "    T, B, F = features.shape\n"
            "    A = np.concatenate([features, np.ones((T, B, 1))], axis=-1)\n"
            "    A_train, y_train = A[:, :n_train].reshape(-1, F + 1), targets[:, :n_train].reshape(-1)\n"
            "    w = np.linalg.solve(A_train.T @ A_train + ridge * np.eye(F + 1), A_train.T @ y_train)\n"
            "    A_test, y_test = A[:, n_train:].reshape(-1, F + 1), targets[:, n_train:].reshape(-1)\n"
            "    return float(np.mean((A_test @ w > 0.5) == y_test))\n")},
        failing={"test_readout_accuracy_visible": "real steps", "test_readout_accuracy_hidden": "real steps"},
    ),
    dict(
        name="torch_state_made_on_the_cpu",
        answers={"bidirectional_rnn_torch": (
            "def bidirectional_rnn_torch(X, W_xh_f, W_hh_f, b_f, W_xh_b, W_hh_b, b_b):\n"
            "    def run(inputs, W_xh, W_hh, b_h):\n"
            "        h = torch.zeros(inputs.shape[1], W_hh.shape[0], dtype=torch.float64)\n"
            "        out = []\n"
            "        for x_t in inputs:\n"
            "            h = torch.tanh(x_t @ W_xh.T + h @ W_hh.T + b_h)\n"
            "            out.append(h)\n"
            "        return torch.stack(out)\n"
            "    back = torch.flip(run(torch.flip(X, dims=[0]), W_xh_b, W_hh_b, b_b), dims=[0])\n"
            "    return torch.cat([run(X, W_xh_f, W_hh_f, b_f), back], dim=-1)\n")},
        failing={"test_bidirectional_rnn_torch_visible": "X.new_zeros",
                 "test_bidirectional_rnn_torch_hidden": "Meta tensors have no values"},
    ),
]
