"""Classic mistakes in assignment 02 (the RNN equations): one step, the sequence, a many-to-one head."""
from mutations import edit

STEP = "np.tanh(x_t @ W_xh.T + h_prev @ W_hh.T + b_h)"
SEQ = "np.tanh(X[t] @ W_xh.T + h @ W_hh.T + b_h)"

MUTANTS = [
    edit("rnn_step_forward", "W_hh_transposed", STEP, "np.tanh(x_t @ W_xh.T + h_prev @ W_hh + b_h)", "named:uses W_hh transposed"),
    edit("rnn_step_forward", "no_recurrence", STEP, "np.tanh(x_t @ W_xh.T + b_h)", "named:leaves out the recurrent term"),
    edit("rnn_step_forward", "no_tanh", STEP, "x_t @ W_xh.T + h_prev @ W_hh.T + b_h", "named:missing the tanh"),
    edit("rnn_step_forward", "no_bias", STEP, "np.tanh(x_t @ W_xh.T + h_prev @ W_hh.T)", "named:missing the bias"),
    edit("rnn_step_forward", "sigmoid_for_tanh", STEP, "1 / (1 + np.exp(-(x_t @ W_xh.T + h_prev @ W_hh.T + b_h)))",
         "named:sigmoid"),
    edit("rnn_forward", "W_hh_transposed", SEQ, "np.tanh(X[t] @ W_xh.T + h @ W_hh + b_h)", "named:uses W_hh transposed"),
    edit("rnn_forward", "state_not_carried", "h = np.tanh(X[t] @ W_xh.T + h @ W_hh.T + b_h)\n        Hs[t] = h",
         "Hs[t] = np.tanh(X[t] @ W_xh.T + h @ W_hh.T + b_h)", "named:computes every step from h0"),
    edit("rnn_forward", "state_before_step", "h = np.tanh(X[t] @ W_xh.T + h @ W_hh.T + b_h)\n        Hs[t] = h",
         "Hs[t] = h\n        h = np.tanh(X[t] @ W_xh.T + h @ W_hh.T + b_h)", "named:stores the state BEFORE each step"),
    edit("rnn_forward", "h0_ignored", "if h0 is None else h0", "", "named:ignores the given h0"),
    edit("rnn_forward", "no_tanh", SEQ, "X[t] @ W_xh.T + h @ W_hh.T + b_h", "named:missing the tanh"),
    edit("rnn_forward", "sigmoid_for_tanh", SEQ, "1 / (1 + np.exp(-(X[t] @ W_xh.T + h @ W_hh.T + b_h)))", "named:sigmoid"),
    edit("rnn_forward", "skips_last_step", "for t in range(T):", "for t in range(T - 1):"),
    edit("many_to_one", "first_step", "Hs[-1] @ W_hy.T", "Hs[0] @ W_hy.T", "named:reads the first step"),
    edit("many_to_one", "mean_of_states", "Hs[-1] @ W_hy.T", "Hs.mean(axis=0) @ W_hy.T", "named:averages the states"),
    edit("many_to_one", "no_bias", "Hs[-1] @ W_hy.T + b_y", "Hs[-1] @ W_hy.T", "named:missing the bias b_y"),
    edit("many_to_one", "batch_first_index", "Hs[-1] @ W_hy.T", "Hs[:, -1] @ W_hy.T", "named:batch-first indexing"),
    edit("many_to_one", "W_hy_not_transposed", "Hs[-1] @ W_hy.T", "(W_hy @ Hs[-1].T).T.T"),
    edit("rnn_jacobian", "columns_scaled", "(1.0 - h_t ** 2)[:, :, None] * W_hh", "(1.0 - h_t ** 2)[:, None, :] * W_hh",
         "named:scales the COLUMNS of W_hh"),
    edit("rnn_jacobian", "W_hh_transposed", "(1.0 - h_t ** 2)[:, :, None] * W_hh", "(1.0 - h_t ** 2)[:, :, None] * W_hh.T",
         "named:uses W_hh transposed"),
    edit("rnn_jacobian", "slope_of_h_prev", "(1.0 - h_t ** 2)[:, :, None]", "(1.0 - h_prev ** 2)[:, :, None]",
         "named:slope of the PREVIOUS state"),
    edit("softmax_readout", "sum_not_mean", "dscores /= T * B", "pass", "named:sums over the T * B predictions"),
    edit("softmax_readout", "batch_mean_only", ("loss = -log_p[t_idx, b_idx, targets].mean()", "dscores /= T * B"),
         ("loss = -log_p[t_idx, b_idx, targets].sum(axis=1).mean() / B", "dscores /= B"), "named:averages over the batch only"),
    edit("softmax_readout", "no_one_hot", "dscores[t_idx, b_idx, targets] -= 1.0", "pass", "named:leaves out the one-hot"),
    edit("state_difference", "squared_distance", "np.linalg.norm(Hs - Hs_changed, axis=-1)", "((Hs - Hs_changed) ** 2).sum(axis=-1)",
         "named:squared distances"),
    edit("state_difference", "sum_over_batch", ".mean(axis=1)", ".sum(axis=1)", "named:sums the distances over the batch"),
]
