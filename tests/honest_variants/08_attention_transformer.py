"""Honest variants of the attention exercises (format: see tests/honest_variants/__init__.py)."""

VARIANTS = [
    dict(name="loops_over_the_batch", answers={
        "attention_weights": '''
def attention_weights(s, Hs, lengths):
    S, B, _ = Hs.shape
    alpha = np.zeros((B, S))
    for b in range(B):
        n = int(lengths[b])
        e = np.array([np.dot(s[b], Hs[j, b]) for j in range(n)])
        w = np.exp(e - e.max())
        alpha[b, :n] = w / w.sum()
    return alpha
''',
        "context_vector": '''
def context_vector(alpha, Hs):
    S, B, H = Hs.shape
    c = np.zeros((B, H))
    for b in range(B):
        for j in range(S):
            c[b] += alpha[b, j] * Hs[j, b]
    return c
''',
        "scaled_dot_product_attention": '''
def scaled_dot_product_attention(Q, K, V, causal=False):
    B, L, d = Q.shape
    S = K.shape[1]
    A = np.zeros((B, L, S))
    for b in range(B):
        for i in range(L):
            visible = min(i + 1, S) if causal else S
            e = K[b, :visible] @ Q[b, i] / np.sqrt(d)
            w = np.exp(e - e.max())
            A[b, i, :visible] = w / w.sum()
    return np.matmul(A, V), A
'''}),
    dict(name="matmul_mask_after_exp", answers={
        "attention_weights": '''
def attention_weights(s, Hs, lengths):
    scores = np.matmul(Hs.transpose(1, 0, 2), s[:, :, None])[..., 0]     # (B, S)
    real = np.arange(Hs.shape[0])[None, :] < np.asarray(lengths)[:, None]
    scores = scores - np.max(np.where(real, scores, -np.inf), axis=1, keepdims=True)
    w = np.exp(np.where(real, scores, 0.0)) * real
    return w / w.sum(axis=1, keepdims=True)
''',
        "context_vector": '''
def context_vector(alpha, Hs):
    return (alpha.T[:, :, None] * Hs).sum(axis=0)
''',
        "scaled_dot_product_attention": '''
def scaled_dot_product_attention(Q, K, V, causal=False):
    scores = np.einsum("bld,bsd->bls", Q, K) / np.sqrt(Q.shape[-1])
    if causal:
        keep = np.tril(np.ones(scores.shape[-2:], dtype=bool))
        scores = np.where(keep, scores, -1e300)
    weights = np.exp(scores - scores.max(axis=-1, keepdims=True))
    A = weights / weights.sum(axis=-1, keepdims=True)
    return np.einsum("bls,bsv->blv", A, V), A
'''}),
]
