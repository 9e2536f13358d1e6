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
    dict(name="loops_and_explicit_jacobians", answers={
        "softmax_jacobian": '''
def softmax_jacobian(z):
    z = np.asarray(z, dtype=float)
    flat = z.reshape(-1, z.shape[-1])
    J = np.zeros(flat.shape + (z.shape[-1],))
    for r, row in enumerate(flat):
        p = np.exp(row - row.max())
        p /= p.sum()
        for i in range(len(p)):
            for j in range(len(p)):
                J[r, i, j] = p[i] * ((i == j) - p[j])
    return J.reshape(z.shape + (z.shape[-1],))
''',
        "sdpa_backward": '''
def sdpa_backward(Q, K, V, dO, causal=False):
    O, A = scaled_dot_product_attention(Q, K, V, causal)
    dQ, dK, dV = np.zeros_like(Q), np.zeros_like(K), np.zeros_like(V)
    for b in range(Q.shape[0]):
        dV[b] = A[b].T @ dO[b]
        for i in range(Q.shape[1]):
            a = A[b, i]
            J = np.diag(a) - np.outer(a, a)           # the Jacobian of this row's softmax
            ds = J.T @ (V[b] @ dO[b, i]) / np.sqrt(Q.shape[2])
            dQ[b, i] = ds @ K[b]
            dK[b] += np.outer(ds, Q[b, i])
    return dQ, dK, dV
''',
        "attention_vote": '''
def attention_vote(queries, keys, labels, num_classes, scale):
    one_hot = (np.asarray(labels)[:, None] == np.arange(num_classes)[None, :]).astype(float)
    out, weights = scaled_dot_product_attention((queries * scale)[None, :, :], keys[None, :, :], one_hot[None, :, :])
    return out[0]
''',
        "causal_attention_torch": '''
def causal_attention_torch(Q, K, V):
    T = Q.shape[1]
    scores = torch.einsum("bid,bjd->bij", Q, K) / Q.shape[-1] ** 0.5
    allowed = torch.tril(torch.ones_like(scores[0], dtype=torch.bool))
    scores = torch.where(allowed, scores, torch.full_like(scores, float("-inf")))
    weights = torch.exp(scores - scores.amax(dim=-1, keepdim=True))
    return (weights / weights.sum(dim=-1, keepdim=True)) @ V
'''}),
]
