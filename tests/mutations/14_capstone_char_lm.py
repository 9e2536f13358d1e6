"""Classic mistakes in the capstone (a character language model in NumPy): the loss and its gradient,
the forward pass, BPTT, clipping, sampling, the training loop and the torch port."""
from mutations import edit

DELTA = "delta = (dHs[t] + dh_next) * (1.0 - Hs[t] ** 2)"
EMBED = 'np.add.at(grads["embed"], x[t], delta @ params["W_xh"])'
SCALE = "scale = min(1.0, max_norm / norm) if norm > 0 else 1.0"
DRAW = "e = np.exp((z - z.max()) / temperature)\n            cdf = np.cumsum(e / e.sum())"

MUTANTS = [
    edit("softmax_cross_entropy", "summed", ("].mean()", "return float(loss), dlogits / N"),
         ("].sum()", "return float(loss), dlogits"), "named:summed over the positions"),
    edit("softmax_cross_entropy", "no_one_hot", "    dlogits[np.arange(N), targets] -= 1.0\n", "",
         "named:subtract 1 at the target"),
    edit("softmax_cross_entropy", "wrong_sign", "return float(loss), dlogits / N", "return float(loss), -dlogits / N",
         "named:wrong sign"),
    edit("rnn_lm_forward", "h0_ignored", "h, states = h0, []", "h, states = np.zeros_like(h0), []", "named:ignores h0"),
    edit("rnn_lm_forward", "W_hh_transposed", 'h @ params["W_hh"].T', 'h @ params["W_hh"]', "named:W_hh is used transposed"),
    edit("rnn_lm_loss", "dh_next_forgotten", DELTA, "delta = dHs[t] * (1.0 - Hs[t] ** 2)", "named:flows through one step only"),
    edit("rnn_lm_loss", "no_tanh_slope", DELTA, "delta = dHs[t] + dh_next", "named:tanh derivative is missing"),
    edit("rnn_lm_loss", "embedding_assigned", EMBED, 'grads["embed"][x[t]] = delta @ params["W_xh"]', "named:overwrites"),
    edit("rnn_lm_loss", "embedding_buffered", EMBED, 'grads["embed"][x[t]] += delta @ params["W_xh"]',
         "named:fancy-index += is buffered"),
    edit("rnn_lm_loss", "W_hh_transposed_back", 'dh_next = delta @ params["W_hh"]', 'dh_next = delta @ params["W_hh"].T',
         "named:transposed in the backward pass"),
    edit("rnn_lm_loss", "h_t_for_h_prev", 'grads["W_hh"] += delta.T @ h_prev', 'grads["W_hh"] += delta.T @ Hs[t]',
         "named:dW_hh uses h_t"),
    edit("clip_gradients", "per_array", "{key: g * scale for key, g in grads.items()}",
         "{key: g * min(1.0, max_norm / np.linalg.norm(g)) for key, g in grads.items()}", "named:clipped on its own"),
    edit("clip_gradients", "always_rescaled", SCALE, "scale = max_norm / norm if norm > 0 else 1.0",
         "named:rescaled to max_norm"),
    edit("clip_gradients", "norm_after_clipping", "for key, g in grads.items()}, norm", "for key, g in grads.items()}, min(norm, max_norm)",
         "named:the one after clipping"),
    edit("sample", "state_not_carried", 'params["W_hh"] @ h +', 'params["W_hh"] @ np.zeros(len(params["b_h"])) +',
         "named:The state is not carried"),
    edit("sample", "temperature_multiplied", "(z - z.max()) / temperature", "(z - z.max()) * temperature",
         "named:multiplied by the temperature"),
    edit("sample", "temperature_after_softmax", DRAW,
         "e = np.exp(z - z.max())\n            cdf = np.cumsum(e / e.sum() / temperature)", "named:after the softmax"),
    edit("sample", "always_greedy", "if temperature == 0:", "if True:", "named:argmax at every step"),
    edit("train_char_lm", "step_uphill", "params[key] -= lr * clipped[key]", "params[key] += lr * clipped[key]",
         "named:goes downhill"),
    edit("rnn_lm_torch", "W_hh_transposed", "h @ W_hh.T", "h @ W_hh", "named:W_hh is used transposed"),
    edit("rnn_lm_torch", "h0_ignored", "if h0 is None else h0", "if True else h0", "named:ignores h0"),
    edit("rnn_lm_torch", "fixed_device_state", "X.new_zeros(X.shape[1], W_hh.shape[0])",
         "torch.zeros(X.shape[1], W_hh.shape[0], dtype=torch.float64)", "named:never on a fixed device"),
]
