"""Classic mistakes in the bidirectional / ragged-batch assignment and the feedback each must produce."""

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
    ),
    dict(
        name="rnn_runs_over_padding",
        answers={"masked_rnn": (
            "def masked_rnn(X, lengths, W_xh, W_hh, b_h):\n"
            "    Hs = rnn_forward(X, None, W_xh, W_hh, b_h)\n"
            "    return Hs, Hs[-1]\n")},
        failing={"test_masked_rnn_visible": "ran over the padding",
                 "test_masked_rnn_hidden": "ran over the padding"},
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
    ),
    dict(
        name="reads_last_padded_step",
        answers={"last_real_step": "def last_real_step(outputs, lengths):\n    return outputs[-1]\n"},
        failing={"test_last_real_step_visible": "last *padded* step",
                 "test_last_real_step_hidden": "last *padded* step"},
    ),
]
