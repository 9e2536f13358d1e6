"""Classic mistakes in assignment 07 (deep and bidirectional RNNs): directions, padding, the last real step."""
from mutations import edit

READOUT = "should beat the unidirectional one"     # the read-out experiment runs on the layers: true as well

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
    edit("bidirectional_layer", "concat_on_time", "axis=-1", "axis=0", "named:along the time axis"),
    edit("reverse_padded", "whole_array", "out[:n, b] = X[:n, b][::-1]", "out[:, b] = X[::-1, b]", "named:reversed the whole padded array",
         also=(READOUT,)),
    edit("reverse_padded", "off_by_one", "out[:n, b] = X[:n, b][::-1]", "out[:n, b] = X[1:n + 1, b][::-1]"),
    edit("reverse_padded", "padding_not_kept", "out = np.array(X, copy=True)", "out = np.zeros_like(X) + 1.0", "named:padded steps changed"),
    edit("masked_rnn", "no_mask", "h = np.where(mask[t], h_new, h)", "h = h_new", "named:The states at padded steps are not zero",
         also=("state after the padding",)),     # h_last is then the state after the padding: true as well
    edit("masked_rnn", "outputs_not_zeroed", "Hs[t] = np.where(mask[t], h, 0.0)", "Hs[t] = h",
         "named:outputs at padded steps must be"),
    edit("masked_rnn", "state_reset_at_padding", "h = np.where(mask[t], h_new, h)", "h = np.where(mask[t], h_new, 0.0)", "named:reset to zero at padded steps"),
    edit("masked_rnn", "mask_off_by_one", "np.arange(T)[:, None] < np.asarray(lengths)", "np.arange(T)[:, None] <= np.asarray(lengths)",
         "named:lets one padded step through"),
    edit("masked_rnn", "W_hh_transposed", "h @ W_hh.T", "h @ W_hh", "named:W_hh transposed"),
    edit("last_real_step", "time_major_as_batch_first", "outputs[lengths - 1, np.arange(len(lengths))]", "outputs[:, -1]",
         "named:batch-first"),
    edit("last_real_step", "last_padded_step", "outputs[lengths - 1, np.arange(len(lengths))]", "outputs[-1]",
         "named:the last *padded* step"),
    edit("last_real_step", "off_by_one", "outputs[lengths - 1, np.arange(len(lengths))]", "outputs[lengths - 2, np.arange(len(lengths))]",
         "named:Off by one"),
    edit("last_real_step", "index_at_length", "outputs[lengths - 1, np.arange(len(lengths))]",
         "outputs[np.minimum(lengths, len(outputs) - 1), np.arange(len(lengths))]", "named:one step past the last real step"),
    edit("last_real_step", "first_step", "outputs[lengths - 1, np.arange(len(lengths))]", "outputs[0]", "named:first step"),
]

PER_DIRECTION = "per_direction = lambda D: gates * H * (D + H + 2)"
DEEP_BACKWARD = "backward, _ = masked_rnn(reverse_padded(outputs, lengths), lengths, *backward_params)"
TORCH_BACKWARD = "backward = torch.flip(run(torch.flip(X, dims=[0]), W_xh_b, W_hh_b, b_b), dims=[0])"

MUTANTS += [
    edit("rnn_parameter_count", "one_bias", PER_DIRECTION, "per_direction = lambda D: gates * H * (D + H + 1)",
         "named:two bias vectors"),
    edit("rnn_parameter_count", "no_gate_factor", PER_DIRECTION, "per_direction = lambda D: H * (D + H + 2)",
         "named:gate factor is missing"),
    edit("rnn_parameter_count", "layers_above_read_D", "above = per_direction(directions * H)", "above = per_direction(input_size)",
         "named:counted with the input size D"),
    edit("rnn_parameter_count", "layers_above_read_H", "above = per_direction(directions * H)", "above = per_direction(H)",
         "named:read both directions' outputs"),
    edit("rnn_parameter_count", "one_direction", "return int(directions * (", "return int((", "named:second direction is missing"),
    edit("deep_bidirectional_rnn", "backward_not_reversed_back", "reverse_padded(backward, lengths)], axis=-1)",
         "backward], axis=-1)", "named:were not reversed back", also=(READOUT,)),
    edit("deep_bidirectional_rnn", "whole_array_flipped", (DEEP_BACKWARD, "reverse_padded(backward, lengths)], axis=-1)"),
         ("backward, _ = masked_rnn(outputs[::-1], lengths, *backward_params)", "backward[::-1]], axis=-1)"),
         "named:read the padding first", also=(READOUT,)),
    edit("deep_bidirectional_rnn", "first_layer_only", "    return outputs", "        break\n    return outputs",
         "named:first layer's output", also=(READOUT,)),
    edit("readout_accuracy", "padded_steps_used", "real = np.arange(T)[:, None] < np.asarray(lengths)[None, :]",
         "real = np.ones((T, B), dtype=bool)", "named:padded steps were part"),
    edit("readout_accuracy", "no_bias", "np.hstack([A, np.ones((len(A), 1))])", "A", "named:has no bias"),
    edit("readout_accuracy", "scored_on_training", "A_test, y_test = rows(slice(n_train, B))",
         "A_test, y_test = rows(slice(0, n_train))", "named:measured on the training sequences"),
    edit("bidirectional_rnn_torch", "not_flipped_back", TORCH_BACKWARD,
         "backward = run(torch.flip(X, dims=[0]), W_xh_b, W_hh_b, b_b)", "named:were not flipped back"),
    edit("bidirectional_rnn_torch", "halves_swapped", "torch.cat([forward, backward], dim=-1)",
         "torch.cat([backward, forward], dim=-1)", "named:halves are in the wrong order"),
    edit("bidirectional_rnn_torch", "fixed_device_state", "h = inputs.new_zeros(inputs.shape[1], W_hh.shape[0])",
         "h = torch.zeros(inputs.shape[1], W_hh.shape[0], dtype=torch.float64)", "named:never on a fixed device",
         also=("make the initial state with X.new_zeros",)),
]
