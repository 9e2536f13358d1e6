"""Classic mistakes in assignment 08 (attention): masking, softmax axis, context, scaled dot-product attention."""
from mutations import edit

MUTANTS = [
    edit("attention_weights", "no_mask", "scores = np.where(padded, -np.inf, scores)", "pass", "named:padded steps received attention"),
    edit("attention_weights", "mask_with_zero", "np.where(padded, -np.inf, scores)", "np.where(padded, 0.0, scores)",
         "named:a score of 0 is not 'nothing'"),
    edit("attention_weights", "mask_after_softmax", ("    scores = np.where(padded, -np.inf, scores)\n", "return weights / weights.sum(axis=1, keepdims=True)"),
         ("", "return np.where(padded, 0.0, weights / weights.sum(axis=1, keepdims=True))"), "named:zeroed the padded weights after the softmax"),
    edit("attention_weights", "softmax_over_batch", "weights / weights.sum(axis=1, keepdims=True)", "weights / weights.sum(axis=0, keepdims=True)"),
    edit("attention_weights", "mask_off_by_one", ">= np.asarray(lengths)[:, None]", "> np.asarray(lengths)[:, None]"),
    edit("attention_weights", "scaled_scores", 'np.einsum("sbh,bh->bs", Hs, s)', 'np.einsum("sbh,bh->bs", Hs, s) / np.sqrt(s.shape[1])'),
    edit("context_vector", "plain_sum", 'np.einsum("bs,sbh->bh", alpha, Hs)', "Hs.sum(axis=0)", "named:plain sum"),
    edit("context_vector", "mean", 'np.einsum("bs,sbh->bh", alpha, Hs)', "Hs.mean(axis=0)", "named:not the mean"),
    edit("context_vector", "last_state", 'np.einsum("bs,sbh->bh", alpha, Hs)', "Hs[-1]", "named:only the last encoder state"),
    edit("context_vector", "alpha_transposed", 'np.einsum("bs,sbh->bh", alpha, Hs)', 'np.einsum("sb,sbh->bh", alpha.reshape(alpha.shape[::-1]), Hs)'),
    edit("scaled_dot_product_attention", "no_scale", "/ np.sqrt(d_k)", "", "named:not scaled"),
    edit("scaled_dot_product_attention", "divides_by_d_k", "/ np.sqrt(d_k)", "/ d_k", "named:divided by d_k"),
    edit("scaled_dot_product_attention", "no_causal_mask", "scores = np.where(future, -np.inf, scores)", "pass",
         "named:No causal mask"),
    edit("scaled_dot_product_attention", "flipped_mask", "np.triu(np.ones((T_q, S), dtype=bool), k=1)",
         "np.tril(np.ones((T_q, S), dtype=bool), k=-1)", "named:causal mask is flipped"),
    edit("scaled_dot_product_attention", "softmax_over_queries",
         ("scores.max(axis=-1, keepdims=True)", "A = A / A.sum(axis=-1, keepdims=True)"),
         ("scores.max(axis=-2, keepdims=True)", "A = A / A.sum(axis=-2, keepdims=True)"), "named:over the queries"),
    edit("scaled_dot_product_attention", "mask_includes_diagonal", "k=1)", "k=0)"),
    edit("scaled_dot_product_attention", "returns_scores", "return A @ V, A", "return A @ V, scores"),
]
