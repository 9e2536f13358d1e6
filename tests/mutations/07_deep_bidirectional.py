"""Classic mistakes in assignment 07 (deep and bidirectional RNNs): directions, padding, the last real step."""
from mutations import edit

BACKWARD = "rnn_forward(X[::-1], None, *backward_params)[::-1]"

MUTANTS = [
    edit("bidirectional_layer", "not_flipped_back", BACKWARD, "rnn_forward(X[::-1], None, *backward_params)",
         "named:were not flipped back"),
    edit("bidirectional_layer", "backward_not_reversed", BACKWARD, "rnn_forward(X, None, *backward_params)",
         "named:run on X in the forward direction"),
    edit("bidirectional_layer", "halves_swapped", "[forward_states, backward_states]", "[backward_states, forward_states]",
         "named:halves are in the wrong order"),
    edit("bidirectional_layer", "forward_params_twice", "None, *backward_params", "None, *forward_params",
         "named:Both directions used the forward parameters"),
    edit("bidirectional_layer", "concat_on_time", "axis=-1", "axis=0"),
    edit("reverse_padded", "whole_array", "out[:n, b] = X[:n, b][::-1]", "out[:, b] = X[::-1, b]", "named:reversed the whole padded array"),
    edit("reverse_padded", "off_by_one", "out[:n, b] = X[:n, b][::-1]", "out[:n, b] = X[1:n + 1, b][::-1]"),
    edit("reverse_padded", "padding_not_kept", "out = np.array(X, copy=True)", "out = np.zeros_like(X) + 1.0"),
    edit("masked_rnn", "no_mask", "h = np.where(mask[t], h_new, h)", "h = h_new", "named:The states at padded steps are not zero",
         also=("state after the padding",)),     # h_last is then the state after the padding: true as well
    edit("masked_rnn", "outputs_not_zeroed", "Hs[t] = np.where(mask[t], h, 0.0)", "Hs[t] = h",
         "named:outputs at padded steps must be"),
    edit("masked_rnn", "state_reset_at_padding", "h = np.where(mask[t], h_new, h)", "h = np.where(mask[t], h_new, 0.0)"),
    edit("masked_rnn", "mask_off_by_one", "np.arange(T)[:, None] < np.asarray(lengths)", "np.arange(T)[:, None] <= np.asarray(lengths)"),
    edit("masked_rnn", "W_hh_transposed", "h @ W_hh.T", "h @ W_hh"),
    edit("last_real_step", "time_major_as_batch_first", "outputs[lengths - 1, np.arange(len(lengths))]", "outputs[:, -1]",
         "named:batch-first"),
    edit("last_real_step", "last_padded_step", "outputs[lengths - 1, np.arange(len(lengths))]", "outputs[-1]",
         "named:the last *padded* step"),
    edit("last_real_step", "off_by_one", "outputs[lengths - 1, np.arange(len(lengths))]", "outputs[lengths - 2, np.arange(len(lengths))]",
         "named:Off by one"),
    edit("last_real_step", "index_at_length", "outputs[lengths - 1, np.arange(len(lengths))]",
         "outputs[np.minimum(lengths, len(outputs) - 1), np.arange(len(lengths))]"),
    edit("last_real_step", "first_step", "outputs[lengths - 1, np.arange(len(lengths))]", "outputs[0]", "named:first step"),
]
