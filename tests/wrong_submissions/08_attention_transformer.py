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
        composed={"test_sdpa_backward_visible", "test_sdpa_backward_hidden", "test_attention_vote_visible",
                  "test_attention_vote_hidden"},   # both run the student's own scaled_dot_product_attention
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
        composed={"test_sdpa_backward_visible", "test_sdpa_backward_hidden", "test_attention_vote_visible",
                  "test_attention_vote_hidden"},   # both run the student's own scaled_dot_product_attention
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
        composed={"test_sdpa_backward_visible", "test_sdpa_backward_hidden", "test_attention_vote_visible",
                  "test_attention_vote_hidden"},   # both run the student's own scaled_dot_product_attention
    ),
    dict(
        name="softmax_jacobian_diagonal_only",
        answers={"softmax_jacobian": (
            "def softmax_jacobian(z):\n"
            "    p = np.exp(z - z.max(axis=-1, keepdims=True))\n"
            "    p = p / p.sum(axis=-1, keepdims=True)\n"
            "    return p[..., :, None] * (1 - p[..., :, None]) * np.eye(z.shape[-1])\n")},
        failing={"test_softmax_jacobian_visible": "Only the diagonal", "test_softmax_jacobian_hidden": "Only the diagonal"},
    ),
    dict(
        name="attention_backward_without_the_scale",
        answers={"sdpa_backward": (
            "def sdpa_backward(Q, K, V, dO, causal=False):\n"
            "    _, A = scaled_dot_product_attention(Q, K, V, causal)\n"
            "    dA = dO @ np.swapaxes(V, -1, -2)\n"
            "    dS = A * (dA - (dA * A).sum(axis=-1, keepdims=True))\n"
            "    return dS @ K, np.swapaxes(dS, -1, -2) @ Q, np.swapaxes(A, -1, -2) @ dO\n")},
        failing={"test_sdpa_backward_visible": "1/sqrt(d_k) of the forward pass is missing",
                 "test_sdpa_backward_hidden": "1/sqrt(d_k) of the forward pass is missing"},
    ),
    dict(
        name="attention_backward_elementwise_softmax",
        answers={"sdpa_backward": (
            "def sdpa_backward(Q, K, V, dO, causal=False):\n"
            "    _, A = scaled_dot_product_attention(Q, K, V, causal)\n"
            "    dS = A * (1 - A) * (dO @ np.swapaxes(V, -1, -2))\n"
            "    s = np.sqrt(Q.shape[-1])\n"
            "    return dS @ K / s, np.swapaxes(dS, -1, -2) @ Q / s, np.swapaxes(A, -1, -2) @ dO\n")},
        failing={"test_sdpa_backward_visible": "only the diagonal of its Jacobian",
                 "test_sdpa_backward_hidden": "only the diagonal of its Jacobian"},
    ),
    dict(
        name="attention_vote_ignores_the_scale",
        answers={"attention_vote": (
            "def attention_vote(queries, keys, labels, num_classes, scale):\n"
            "    values = np.eye(num_classes)[labels]\n"
            "    return scaled_dot_product_attention(queries[None], keys[None], values[None])[0][0]\n")},
        failing={"test_attention_vote_visible": "not multiplied by scale",
                 "test_attention_vote_hidden": "not multiplied by scale"},
    ),
    dict(
        name="causal_mask_made_on_the_cpu",
        answers={"causal_attention_torch": (
            "def causal_attention_torch(Q, K, V):\n"
            "    T = Q.shape[-2]\n"
            "    scores = Q @ K.transpose(-1, -2) / math.sqrt(Q.shape[-1])\n"
            "    scores = scores.masked_fill(torch.ones(T, T).triu(1).bool(), float('-inf'))\n"
            "    return torch.softmax(scores, dim=-1) @ V\n")},
        failing={"test_causal_attention_torch_visible": "device=Q.device",
                 "test_causal_attention_torch_hidden": "Meta tensors have no values"},
    ),
]
