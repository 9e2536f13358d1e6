"""Classic mistakes in assignment 04 (BPTT): Jacobian products, truncation, finite differences."""
from mutations import edit

FACTOR = "J = ((1.0 - Hs[i] ** 2)[:, None] * W_hh) @ J"

MUTANTS = [
    edit("jacobian_product", "slope_of_previous_step", FACTOR, "J = ((1.0 - Hs[i - 1] ** 2)[:, None] * W_hh) @ J",
         "named:slope of step i-1"),
    edit("jacobian_product", "transposed_factor", FACTOR, "J = (W_hh.T * (1.0 - Hs[i] ** 2)[None, :]) @ J",
         "named:transposed Jacobian"),
    edit("jacobian_product", "wrong_order", FACTOR, "J = J @ ((1.0 - Hs[i] ** 2)[:, None] * W_hh)",
         "named:wrong order"),
    edit("jacobian_product", "columns_scaled", FACTOR, "J = (W_hh * (1.0 - Hs[i] ** 2)[None, :]) @ J",
         "named:scales the COLUMNS"),
    # factors k .. t-1 with the slopes of those steps: exactly "the slope of step i-1 in factor i"
    edit("jacobian_product", "range_off_by_one", "range(k + 1, t + 1)", "range(k, t)", "named:slope of step i-1"),
    edit("jacobian_product", "no_slope", FACTOR, "J = W_hh @ J", "named:leaves out the slopes"),
    edit("truncated_rnn_backward", "no_truncation", "dh_next = np.zeros_like(dh_next)", "pass", "named:FULL BPTT"),
    edit("truncated_rnn_backward", "boundary_off_by_one", "if t > 0 and t % k == 0:", "if t > 0 and (t + 1) % k == 0:",
         "named:resets dh_next one step too"),
    edit("truncated_rnn_backward", "overwrite_not_accumulate", "grads[name] += step[name]", "grads[name] = step[name]",
         "named:holds only the contribution of step t = 0"),
    edit("truncated_rnn_backward", "dh_next_forgotten", "dh_next = step[\"dh_prev\"]", "dh_next = 0 * step[\"dh_prev\"]",
         "named:ignores the gradient arriving from step t+1"),
    edit("truncated_rnn_backward", "h_t_for_h_prev", "rnn_step_backward(dHs[t] + dh_next, X[t], h_prev, Hs[t]",
         "rnn_step_backward(dHs[t] + dh_next, X[t], Hs[t], Hs[t]", "named:uses the new state h_t"),
    edit("truncated_rnn_backward", "reset_drops_the_gradient", "if t > 0 and t % k == 0:", "if t % k == 0:",
         "named:resets dh_next at t = 0"),
    edit("numerical_gradient", "forward_difference", "grad[index] = (plus - minus) / (2 * eps)",
         "grad[index] = (plus - f()) / eps", "named:one-sided"),
    edit("numerical_gradient", "no_half", "grad[index] = (plus - minus) / (2 * eps)", "grad[index] = (plus - minus) / eps",
         "named:divides by eps instead of 2 eps"),
    edit("numerical_gradient", "not_restored", "        array[index] = old\n        grad", "        grad",
         "named:changed the array"),
    edit("numerical_gradient", "int_grad", "grad = np.zeros_like(array)", "grad = np.zeros(array.shape, dtype=int)",
         "named:stored as whole numbers"),
    edit("relative_error", "no_denominator", "/ max(np.linalg.norm(a) + np.linalg.norm(b), 1e-300)", "",
         "named:divides by nothing"),
    edit("relative_error", "max_of_norms", "max(np.linalg.norm(a) + np.linalg.norm(b), 1e-300)",
         "max(np.linalg.norm(a), np.linalg.norm(b), 1e-300)", "named:divides by max(||a||, ||b||)"),
    edit("relative_error", "entrywise_max", "np.linalg.norm(a - b)", "np.abs(a - b).max()", "named:largest entry"),
]

TERM = "delta = (G[t - 1] @ jacobian_product(Hs, W_hh, t, k)) * (1.0 - Hs[k] ** 2)"

MUTANTS += [
    edit("bptt_term", "state_after_step", "np.outer(delta, Hs[k - 1])", "np.outer(delta, Hs[k])", "named:uses h_k"),
    edit("bptt_term", "outer_transposed", "np.outer(delta, Hs[k - 1])", "np.outer(Hs[k - 1], delta)",
         "named:is the transpose of the term"),
    edit("bptt_term", "no_slope", " * (1.0 - Hs[k] ** 2)", "", "named:leaves out the slope of step k"),
    edit("bptt_term", "jacobian_transposed", TERM, "delta = (G[t - 1] @ jacobian_product(Hs, W_hh, t, k).T) * (1.0 - Hs[k] ** 2)",
         "named:transposed Jacobian"),
    # J @ g for g @ J: the column-vector habit, the same numbers as the transposed Jacobian
    edit("bptt_term", "jacobian_on_the_left", TERM, "delta = (jacobian_product(Hs, W_hh, t, k) @ G[t - 1]) * (1.0 - Hs[k] ** 2)",
         "named:transposed Jacobian"),
    edit("truncation_gaps", "w_on_every_step", "dHs[-1] = w", "dHs[:] = w", "named:puts w on every step"),
    edit("truncation_gaps", "compares_dW_xh", ('T)["dW_hh"]', 'k)["dW_hh"], full)'), ('T)["dW_xh"]', 'k)["dW_xh"], full)'),
         "named:compares dW_xh"),
]
