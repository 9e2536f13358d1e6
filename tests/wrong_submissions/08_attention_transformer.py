"""Classic mistakes in the attention assignment and the feedback each must produce."""

_SOFTMAX_ROWS = (
    "    scores = scores - scores.max(axis=1, keepdims=True)\n"
    "    w = np.exp(scores)\n"
    "    return w / w.sum(axis=1, keepdims=True)\n"
)

CASES = [
    dict(
        name="padding_not_masked",
        answers={"attention_weights": (
            "def attention_weights(s, Hs, lengths):\n"
            "    scores = np.einsum('sbh,bh->bs', Hs, s)\n" + _SOFTMAX_ROWS)},
        failing={"test_attention_weights_visible": "padded steps received attention weight",
                 "test_attention_weights_hidden": "padded steps received attention weight"},
    ),
    dict(
        name="padding_scores_set_to_zero",
        answers={"attention_weights": (
            "def attention_weights(s, Hs, lengths):\n"
            "    scores = np.einsum('sbh,bh->bs', Hs, s)\n"
            "    padded = np.arange(Hs.shape[0])[None, :] >= np.asarray(lengths)[:, None]\n"
            "    scores = np.where(padded, 0.0, scores)\n" + _SOFTMAX_ROWS)},
        failing={"test_attention_weights_visible": "exp(0) = 1",
                 "test_attention_weights_hidden": "exp(0) = 1"},
    ),
    dict(
        name="padding_zeroed_after_softmax",
        answers={"attention_weights": (
            "def attention_weights(s, Hs, lengths):\n"
            "    scores = np.einsum('sbh,bh->bs', Hs, s)\n"
            "    scores = scores - scores.max(axis=1, keepdims=True)\n"
            "    w = np.exp(scores) / np.exp(scores).sum(axis=1, keepdims=True)\n"
            "    real = np.arange(Hs.shape[0])[None, :] < np.asarray(lengths)[:, None]\n"
            "    return w * real\n")},
        failing={"test_attention_weights_visible": "no longer sum to 1",
                 "test_attention_weights_hidden": "no longer sum to 1"},
    ),
    dict(
        name="context_is_unweighted_mean",
        answers={"context_vector": "def context_vector(alpha, Hs):\n    return Hs.mean(axis=0)\n"},
        failing={"test_context_vector_visible": "not the mean of the encoder states",
                 "test_context_vector_hidden": "not the mean of the encoder states"},
    ),
    dict(
        name="scores_not_scaled",
        answers={"scaled_dot_product_attention": (
            "def scaled_dot_product_attention(Q, K, V, causal=False):\n"
            "    scores = Q @ np.swapaxes(K, -1, -2)\n"
            "    if causal:\n"
            "        scores = np.where(np.triu(np.ones(scores.shape[-2:], dtype=bool), k=1), -np.inf, scores)\n"
            "    A = np.exp(scores - scores.max(axis=-1, keepdims=True))\n"
            "    A = A / A.sum(axis=-1, keepdims=True)\n"
            "    return A @ V, A\n")},
        failing={"test_sdpa_visible": "not scaled", "test_sdpa_hidden": "not scaled"},
    ),
    dict(
        name="causal_mask_flipped",
        answers={"scaled_dot_product_attention": (
            "def scaled_dot_product_attention(Q, K, V, causal=False):\n"
            "    scores = Q @ np.swapaxes(K, -1, -2) / np.sqrt(Q.shape[-1])\n"
            "    if causal:\n"
            "        scores = np.where(np.tril(np.ones(scores.shape[-2:], dtype=bool), k=-1), -np.inf, scores)\n"
            "    A = np.exp(scores - scores.max(axis=-1, keepdims=True))\n"
            "    A = A / A.sum(axis=-1, keepdims=True)\n"
            "    return A @ V, A\n")},
        failing={"test_sdpa_visible": "causal mask is flipped", "test_sdpa_hidden": "causal mask is flipped"},
    ),
    dict(
        name="softmax_over_queries",
        answers={"scaled_dot_product_attention": (
            "def scaled_dot_product_attention(Q, K, V, causal=False):\n"
            "    scores = Q @ np.swapaxes(K, -1, -2) / np.sqrt(Q.shape[-1])\n"
            "    if causal:\n"
            "        scores = np.where(np.triu(np.ones(scores.shape[-2:], dtype=bool), k=1), -np.inf, scores)\n"
            "    A = np.exp(scores - scores.max(axis=-2, keepdims=True))\n"
            "    A = A / A.sum(axis=-2, keepdims=True)\n"
            "    return A @ V, A\n")},
        failing={"test_sdpa_visible": "over the queries", "test_sdpa_hidden": "over the queries"},
    ),
]
