"""Classic mistakes in assignment 01 (why recurrence): pooling, the recurrent summary, counting, padding."""
from mutations import edit

STEP = "np.tanh(X[t] @ W_xh.T + h @ W_hh.T + b_h)"

MUTANTS = [
    edit("mean_pool", "sum_not_mean", "X.mean(axis=0)", "X.sum(axis=0)", "named:summed over time"),
    edit("mean_pool", "mean_over_batch", "X.mean(axis=0)", "X.mean(axis=1)"),
    edit("mean_pool", "last_step", "X.mean(axis=0)", "X[-1]"),
    edit("recurrent_summary", "no_recurrence", STEP, "np.tanh(X[t] @ W_xh.T + b_h)", "named:without the W_hh h_{t-1} term",
         also=("leaves out the recurrent term",)),
    edit("recurrent_summary", "W_hh_transposed", STEP, "np.tanh(X[t] @ W_xh.T + h @ W_hh + b_h)", "named:uses W_hh transposed"),
    edit("recurrent_summary", "sigmoid_for_tanh", STEP, "1 / (1 + np.exp(-(X[t] @ W_xh.T + h @ W_hh.T + b_h)))", "named:sigmoid"),
    edit("recurrent_summary", "no_bias", STEP, "np.tanh(X[t] @ W_xh.T + h @ W_hh.T)", "named:missing the bias"),
    edit("recurrent_summary", "first_step_only", "for t in range(T):", "for t in range(1):",
         "named:state after the first step"),
    edit("recurrent_summary", "skips_last_step", "for t in range(T):", "for t in range(T - 1):", "named:stops one step early"),
    edit("count_parameters", "no_readout_bias", "readout = H * K + K", "readout = H * K"),
    edit("count_parameters", "recurrent_depends_on_T", "recurrent = H * D + H * H + H + readout",
         "recurrent = T * (H * D + H * H + H) + readout", "named:must not depend on T"),
    edit("count_parameters", "no_recurrent_weights", "recurrent = H * D + H * H + H + readout",
         "recurrent = H * D + H + readout"),
    edit("count_parameters", "swapped_results", "return int(feedforward), int(recurrent)",
         "return int(recurrent), int(feedforward)"),
    edit("pad_batch", "batch_first", "X = np.zeros((lengths.max(), len(sequences), D))\n    for b, s in enumerate(sequences):\n        X[: len(s), b] = s",
         "X = np.zeros((len(sequences), lengths.max(), D))\n    for b, s in enumerate(sequences):\n        X[b, : len(s)] = s",
         "named:batch-first"),
    edit("pad_batch", "pads_at_the_front", "X[: len(s), b] = s", "X[lengths.max() - len(s):, b] = s"),
    edit("pad_batch", "max_of_first", "lengths.max()", "len(sequences[0])"),
]
