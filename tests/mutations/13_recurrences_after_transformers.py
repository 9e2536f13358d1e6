"""Classic mistakes in assignment 13 (minGRU): coefficients, the loop, the scan in NumPy and in torch."""
from mutations import edit

SCAN_B = "b[k:] = a[k:] * b[:-k] + b[k:]"

MUTANTS = [
    edit("min_gru_coefficients", "a_b_swapped", "return 1.0 - z, z * h_tilde", "return z * h_tilde, 1.0 - z", "named:a and b are swapped"),
    edit("min_gru_coefficients", "z_swapped", "return 1.0 - z, z * h_tilde", "return z, (1.0 - z) * h_tilde", "named:z and 1 - z are swapped"),
    edit("min_gru_coefficients", "candidate_not_gated", "return 1.0 - z, z * h_tilde", "return 1.0 - z, h_tilde",
         "named:the update gate also weights the candidate"),
    edit("min_gru_coefficients", "tanh_for_g", "h_tilde = g(", "h_tilde = np.tanh(", "named:The candidate uses tanh"),
    edit("min_gru_sequential", "z_swapped", "h = (1.0 - z_t) * h + z_t * g(", "h = z_t * h + (1.0 - z_t) * g(",
         "named:z and 1 - z are swapped"),
    edit("min_gru_sequential", "state_before_step", ("h = (1.0 - z_t) * h + z_t * g(x_t @ W_h.T + b_h)\n        states.append(h)",),
         ("states.append(h)\n        h = (1.0 - z_t) * h + z_t * g(x_t @ W_h.T + b_h)",), "named:one step late"),
    edit("min_gru_sequential", "from_h0_every_step", "h = (1.0 - z_t) * h + z_t", "h = (1.0 - z_t) * h0 + z_t",
         "named:Every step starts from h0"),
    edit("min_gru_sequential", "tanh_for_g", "z_t * g(", "z_t * np.tanh(", "named:The candidate uses tanh"),
    edit("min_gru_parallel", "h0_not_folded", "b[0] = a[0] * h0 + b[0]", "pass", "named:ignore h0"),
    edit("min_gru_parallel", "a_updated_first", SCAN_B, "b[k:] = a_new[k:] * b[:-k] + b[k:]", "named:from BEFORE the round"),
    edit("min_gru_parallel", "one_round_short", "while k < len(a):", "while 2 * k < len(a):", "named:one round early"),
    edit("min_gru_parallel", "operands_swapped", SCAN_B, "b[k:] = a[:-k] * b[k:] + b[:-k]", "named:the wrong way round"),
    edit("min_gru_parallel", "step_by_one", "a, k = a_new, 2 * k", "a, k = a_new, k + 1", "named:grows by one per round"),
    edit("min_gru_parallel_torch", "h0_not_folded", "b = torch.cat([a[:1] * h0 + b[:1], b[1:]])", "pass", "named:ignore h0"),
    edit("min_gru_parallel_torch", "new_tensor_on_cpu", "a, b = 1 - z, z *", "a, b = torch.ones(z.shape, dtype=torch.float64) - z, z *",
         "named:meta device",
         also=("take the dtype from the inputs", "with the dtype and device of the inputs")),   # it also fixes float64: true
    edit("min_gru_parallel_torch", "g_slip", "pre + 0.5", "pre", "named:g(x) is x + 0.5"),
    edit("min_gru_parallel_torch", "scan_operands_swapped", "a[k:] * b[:-k] + b[k:]", "a[:-k] * b[k:] + b[:-k]",
         "named:the wrong way round"),
    edit("min_gru_cumulative", "no_h0", "A * (h0 + np.cumsum(b / A, axis=0))", "A * np.cumsum(b / A, axis=0)",
         "named:ignore h0"),
    edit("min_gru_cumulative", "shifted_product", "A = np.cumprod(a, axis=0)", "A = np.concatenate([np.ones_like(a[:1]), np.cumprod(a, axis=0)[:-1]])"),
]
