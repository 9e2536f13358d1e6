"""Classic mistakes in assignment 03 (unrolling): one step backward, the per-step terms, full BPTT."""
from mutations import edit

MUTANTS = [
    # rnn_step_backward
    edit("rnn_step_backward", "slope_of_preactivation_recomputed", "da = dh_t * (1.0 - h_t ** 2)",
         "a_t = x_t @ W_xh.T + h_prev @ W_hh.T\n    da = dh_t * (1.0 - a_t ** 2)", "named:slope of tanh"),
    edit("rnn_step_backward", "slope_tanh_of_output", "da = dh_t * (1.0 - h_t ** 2)", "da = dh_t * (1.0 - np.tanh(h_t) ** 2)",
         "named:1 - tanh(h_t)**2"),
    edit("rnn_step_backward", "no_slope", "da = dh_t * (1.0 - h_t ** 2)", "da = dh_t", "named:ignores the slope of tanh"),
    edit("rnn_step_backward", "slope_of_previous_state", "da = dh_t * (1.0 - h_t ** 2)", "da = dh_t * (1.0 - h_prev ** 2)",
         "named:slope of the state that ENTERED the step"),
    edit("rnn_step_backward", "W_hh_transposed", '"dh_prev": da @ W_hh', '"dh_prev": da @ W_hh.T', "named:uses W_hh transposed"),
    edit("rnn_step_backward", "dW_hh_transposed", '"dW_hh": da.T @ h_prev', '"dW_hh": h_prev.T @ da', "named:transpose of the right gradient"),
    edit("rnn_step_backward", "dW_hh_from_h_t", '"dW_hh": da.T @ h_prev', '"dW_hh": da.T @ h_t', "named:uses the new state h_t"),
    edit("rnn_step_backward", "db_mean", '"db_h": da.sum(axis=0)', '"db_h": da.mean(axis=0)', "named:averages db_h over the batch"),
    edit("rnn_step_backward", "dx_uses_W_hh", '"dx_t": da @ W_xh', '"dx_t": da @ W_xh * 2'),
    # step_contributions
    edit("step_contributions", "dh_next_forgotten", "dh_next = da @ W_hh", "dh_next = 0 * (da @ W_hh)",
         "named:ignores the gradient arriving from step t+1"),
    edit("step_contributions", "term_transposed", "terms[t] = da.T @ h_prev", "terms[t] = h_prev.T @ da",
         "named:transpose of the right gradient"),
    edit("step_contributions", "cumulative", "terms[t] = da.T @ h_prev", "terms[t] = da.T @ h_prev + (terms[t + 1] if t + 1 < T else 0)",
         "named:running sum of the terms"),
    edit("step_contributions", "h_t_for_h_prev", "terms[t] = da.T @ h_prev", "terms[t] = da.T @ Hs[t]",
         "named:uses the new state h_t"),
    edit("step_contributions", "slope_of_previous_state", "* (1.0 - Hs[t] ** 2)", "* (1.0 - h_prev ** 2)", "named:slope of the state that ENTERED the step"),
    edit("step_contributions", "W_hh_transposed", "dh_next = da @ W_hh", "dh_next = da @ W_hh.T", "named:uses W_hh transposed"),
    # rnn_backward
    edit("rnn_backward", "dW_hh_overwritten", 'grads["dW_hh"] += da.T @ h_prev', 'grads["dW_hh"] = da.T @ h_prev',
         "named:holds only the contribution of step t = 0"),
    edit("rnn_backward", "dh_next_forgotten", "dh_next = da @ W_hh", "dh_next = np.zeros_like(h0)",
         "named:ignores the gradient arriving from step t+1"),
    edit("rnn_backward", "slope_of_preactivation_recomputed", "da = (dHs[t] + dh_next) * (1.0 - Hs[t] ** 2)",
         "a = X[t] @ W_xh.T + h_prev @ W_hh.T\n        da = (dHs[t] + dh_next) * (1.0 - a ** 2)", "named:slope of tanh"),
    edit("rnn_backward", "h_t_for_h_prev", 'grads["dW_hh"] += da.T @ h_prev', 'grads["dW_hh"] += da.T @ Hs[t]',
         "named:uses the new state h_t"),
    edit("rnn_backward", "W_hh_transposed", "dh_next = da @ W_hh", "dh_next = da @ W_hh.T", "named:uses W_hh transposed"),
    edit("rnn_backward", "dW_hh_transposed", 'grads["dW_hh"] += da.T @ h_prev', 'grads["dW_hh"] += h_prev.T @ da', "named:transpose of the right gradient"),
    edit("rnn_backward", "dh0_not_returned", 'grads["dh0"] = dh_next', 'grads["dh0"] = np.zeros_like(h0)', "named:dh0 is zero"),
    edit("rnn_backward", "no_slope", "da = (dHs[t] + dh_next) * (1.0 - Hs[t] ** 2)", "da = dHs[t] + dh_next",
         "named:ignores the slope of tanh"),
    edit("rnn_backward", "forward_loop", "for t in reversed(range(T)):", "for t in range(T):", "named:runs the loop forwards"),
]

LAGS = '"dx": u * w ** lags'

MUTANTS += [
    edit("linear_rnn_gradients", "powers_reversed", LAGS, '"dx": u * w ** np.arange(T)', "named:powers of w the wrong way"),
    edit("linear_rnn_gradients", "u_missing", LAGS, '"dx": w ** lags', "named:missing the factor u"),
    edit("linear_rnn_gradients", "du_is_h_T", "float(np.sum(w ** lags * x))", "float(np.sum(u * w ** lags * x))",
         "named:is h_T"),
    edit("linear_rnn_gradients", "power_too_high", "lag * w ** (lag - 1)", "lag * w ** lag", "named:power of w one too high"),
    edit("gradient_reach", "loss_on_every_step", "dHs[-1] = 1.0", "dHs[:] = 1.0", "named:loss on EVERY step"),
    edit("gradient_reach", "squared_norms", '"dX_norms": np.linalg.norm(dX, axis=-1).mean(axis=1)',
         '"dX_norms": (dX ** 2).sum(axis=-1).mean(axis=1)', "named:squared norms"),
    edit("gradient_reach", "summed_over_batch", "np.linalg.norm(dX, axis=-1).mean(axis=1)", "np.linalg.norm(dX, axis=-1).sum(axis=1)",
         "named:sums the norms over the batch"),
    edit("gradient_reach", "reversed_order", '"dX_norms": np.linalg.norm(dX, axis=-1).mean(axis=1)',
         '"dX_norms": np.linalg.norm(dX, axis=-1).mean(axis=1)[::-1]', "named:reverse order"),
]
