"""Classic mistakes in assignment 08 (attention): masking, softmax axis, context, scaled dot-product attention."""
from mutations import edit

MUTANTS = [
    edit("attention_weights", "no_mask", "scores = np.where(padded, -np.inf, scores)", "pass", "named:padded steps received attention"),
    edit("attention_weights", "mask_with_zero", "np.where(padded, -np.inf, scores)", "np.where(padded, 0.0, scores)",
         "named:a score of 0 is not 'nothing'"),
    edit("attention_weights", "mask_after_softmax", ("    scores = np.where(padded, -np.inf, scores)\n", "return weights / weights.sum(axis=1, keepdims=True)"),
         ("", "return np.where(padded, 0.0, weights / weights.sum(axis=1, keepdims=True))"), "named:zeroed the padded weights after the softmax"),
    edit("attention_weights", "softmax_over_batch", "weights / weights.sum(axis=1, keepdims=True)", "weights / weights.sum(axis=0, keepdims=True)",
         "named:normalised over the batch"),
    edit("attention_weights", "mask_off_by_one", ">= np.asarray(lengths)[:, None]", "> np.asarray(lengths)[:, None]", "named:One padded step still gets attention"),
    edit("attention_weights", "scaled_scores", 'np.einsum("sbh,bh->bs", Hs, s)', 'np.einsum("sbh,bh->bs", Hs, s) / np.sqrt(s.shape[1])',
         "named:divided by sqrt(H)"),
    edit("context_vector", "plain_sum", 'np.einsum("bs,sbh->bh", alpha, Hs)', "Hs.sum(axis=0)", "named:plain sum"),
    edit("context_vector", "mean", 'np.einsum("bs,sbh->bh", alpha, Hs)', "Hs.mean(axis=0)", "named:not the mean"),
    edit("context_vector", "last_state", 'np.einsum("bs,sbh->bh", alpha, Hs)', "Hs[-1]", "named:only the last encoder state"),
    edit("context_vector", "alpha_transposed", 'np.einsum("bs,sbh->bh", alpha, Hs)', 'np.einsum("sb,sbh->bh", alpha.reshape(alpha.shape[::-1]), Hs)',
         "named:alpha was reshaped"),
    edit("scaled_dot_product_attention", "no_scale", "/ np.sqrt(d_k)", "", "named:not scaled"),
    edit("scaled_dot_product_attention", "divides_by_d_k", "/ np.sqrt(d_k)", "/ d_k", "named:divided by d_k"),
    edit("scaled_dot_product_attention", "no_causal_mask", "scores = np.where(future, -np.inf, scores)", "pass",
         "named:No causal mask", also=("weights without the causal mask",)),   # sdpa_backward runs it: true as well
    edit("scaled_dot_product_attention", "flipped_mask", "np.triu(np.ones((T_q, S), dtype=bool), k=1)",
         "np.tril(np.ones((T_q, S), dtype=bool), k=-1)", "named:causal mask is flipped"),
    edit("scaled_dot_product_attention", "softmax_over_queries",
         ("scores.max(axis=-1, keepdims=True)", "A = A / A.sum(axis=-1, keepdims=True)"),
         ("scores.max(axis=-2, keepdims=True)", "A = A / A.sum(axis=-2, keepdims=True)"), "named:over the queries"),
    edit("scaled_dot_product_attention", "mask_includes_diagonal", "k=1)", "k=0)", "named:hides the diagonal too"),
    edit("scaled_dot_product_attention", "returns_scores", "return A @ V, A", "return A @ V, scores",
         "named:A holds the scores"),
]

OUTER = " - p[..., :, None] * p[..., None, :]"
DS = "dS = A * (dA - (dA * A).sum(axis=-1, keepdims=True))"

MUTANTS += [
    edit("softmax_jacobian", "diagonal_only", OUTER, " * (1.0 - p[..., None, :])", "named:Only the diagonal"),
    edit("softmax_jacobian", "outer_term_missing", OUTER, "", "named:outer-product term -p p^T is missing"),
    edit("softmax_jacobian", "sign_flipped", "return p[..., :, None] * np.eye(z.shape[-1]) - p[..., :, None] * p[..., None, :]",
         "return p[..., :, None] * p[..., None, :] - p[..., :, None] * np.eye(z.shape[-1])", "named:sign is flipped"),
    edit("sdpa_backward", "no_scale", "scale = 1.0 / np.sqrt(Q.shape[-1])", "scale = 1.0", "named:1/sqrt(d_k) of the forward pass"),
    edit("sdpa_backward", "diagonal_of_the_jacobian", DS, "dS = A * (1.0 - A) * dA", "named:only the diagonal of its Jacobian"),
    edit("sdpa_backward", "softmax_skipped", DS, "dS = dA", "named:softmax was skipped"),
    edit("sdpa_backward", "dV_untransposed", "dV = np.swapaxes(A, -1, -2) @ dO", "dV = A @ dO", "named:dV is A dO without the transpose"),
    edit("sdpa_backward", "dK_untransposed", "np.swapaxes(dS, -1, -2) @ Q * scale", "dS @ Q * scale",
         "named:dK is dS Q without the transpose"),
    edit("sdpa_backward", "mask_forgotten", "scaled_dot_product_attention(Q, K, V, causal)", "scaled_dot_product_attention(Q, K, V)",
         "named:weights without the causal mask"),
    edit("attention_vote", "scale_forgotten", "scale * queries[None]", "queries[None]", "named:not multiplied by scale"),
    edit("attention_vote", "nearest_key", "    return O[0]", "    return values[np.argmax(queries @ keys.T, axis=-1)]",
         "named:label of the nearest key"),
    edit("causal_attention_torch", "no_mask", '.masked_fill(future, float("-inf"))', "", "named:No causal mask"),
    edit("causal_attention_torch", "no_scale", " / math.sqrt(Q.shape[-1])", "", "named:not scaled"),
    edit("causal_attention_torch", "flipped_mask", ".triu(diagonal=1)", ".tril(diagonal=-1)", "named:causal mask is flipped"),
]
