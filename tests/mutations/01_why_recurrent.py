"""Classic mistakes in assignment 01 (why recurrence): pooling, the recurrent summary, counting, padding."""
from mutations import edit

STEP = "np.tanh(X[t] @ W_xh.T + h @ W_hh.T + b_h)"

MUTANTS = [
    edit("mean_pool", "sum_not_mean", "X.mean(axis=0)", "X.sum(axis=0)", "named:summed over time"),
    edit("mean_pool", "mean_over_batch", "X.mean(axis=0)", "X.mean(axis=1)", "named:averaged over the batch axis"),
    edit("mean_pool", "last_step", "X.mean(axis=0)", "X[-1]", "named:last time step"),
    edit("recurrent_summary", "no_recurrence", STEP, "np.tanh(X[t] @ W_xh.T + b_h)", "named:leaves out the recurrent term"),
    edit("recurrent_summary", "W_hh_transposed", STEP, "np.tanh(X[t] @ W_xh.T + h @ W_hh + b_h)", "named:uses W_hh transposed"),
    edit("recurrent_summary", "sigmoid_for_tanh", STEP, "1 / (1 + np.exp(-(X[t] @ W_xh.T + h @ W_hh.T + b_h)))", "named:sigmoid"),
    edit("recurrent_summary", "no_bias", STEP, "np.tanh(X[t] @ W_xh.T + h @ W_hh.T)", "named:missing the bias"),
    edit("recurrent_summary", "first_step_only", "for t in range(T):", "for t in range(1):",
         "named:state after the first step"),
    edit("recurrent_summary", "skips_last_step", "for t in range(T):", "for t in range(T - 1):", "named:stops one step early"),
    edit("count_parameters", "no_readout_bias", "readout = H * K + K", "readout = H * K", "named:K biases are missing"),
    edit("count_parameters", "recurrent_depends_on_T", "recurrent = H * D + H * H + H + readout",
         "recurrent = T * (H * D + H * H + H) + readout", "named:must not depend on T"),
    edit("count_parameters", "no_recurrent_weights", "recurrent = H * D + H * H + H + readout",
         "recurrent = H * D + H + readout", "named:leaves out W_hh"),
    edit("count_parameters", "swapped_results", "return int(feedforward), int(recurrent)",
         "return int(recurrent), int(feedforward)", "named:counts are swapped"),
    edit("pad_batch", "batch_first", "X = np.zeros((lengths.max(), len(sequences), D))\n    for b, s in enumerate(sequences):\n        X[: len(s), b] = s",
         "X = np.zeros((len(sequences), lengths.max(), D))\n    for b, s in enumerate(sequences):\n        X[b, : len(s)] = s",
         "named:batch-first"),
    edit("pad_batch", "pads_at_the_front", "X[: len(s), b] = s", "X[lengths.max() - len(s):, b] = s", "named:padding is in front"),
    edit("pad_batch", "max_of_first", "lengths.max()", "len(sequences[0])"),
    edit("readout_step", "sum_not_mean", "/ len(y)", "", "named:sums over the examples"),
    edit("readout_step", "climbs", "w - lr * (F.T @ dz), float(b - lr * dz.sum())", "w + lr * (F.T @ dz), float(b + lr * dz.sum())",
         "named:climbs the loss"),
    edit("readout_step", "bias_frozen", "float(b - lr * dz.sum())", "float(b)", "named:leaves the bias b where it was"),
    edit("readout_step", "z_minus_y", "(1.0 / (1.0 + np.exp(-z)) - y) / len(y)", "(z - y) / len(y)", "named:uses z - y as the error"),
    edit("break_even_length", "equal_not_more", "return int(H // D + 2)", "return int(-(-H // D) + 1)",
         "named:SAME number of parameters"),
    edit("break_even_length", "no_W_xh", "return int(H // D + 2)", "return int(H // D + 1)", "named:forgets that the RNN also has W_xh"),
]
