"""Honest variants of the pilot assignment (format: see tests/honest_variants/__init__.py)."""

VARIANTS = [
    dict(name="loops_and_lists", answers={
        "mean_pool": '''
def mean_pool(X):
    total = np.zeros(X.shape[1:])
    for x_t in X:
        total = total + x_t
    return total / len(X)
''',
        "recurrent_summary": '''
def recurrent_summary(X, W_xh, W_hh, b_h):
    h = np.zeros((X.shape[1], len(b_h)))
    for t in range(X.shape[0]):
        h = np.tanh(np.einsum("hd,bd->bh", W_xh, X[t]) + np.einsum("hk,bk->bh", W_hh, h) + b_h)
    return h
''',
        "count_parameters": '''
def count_parameters(T, D, H, K):
    return (D * T + 1) * H + (H + 1) * K, (D + H + 1) * H + (H + 1) * K
''',
        "pad_batch": '''
def pad_batch(sequences):
    T_max = max(s.shape[0] for s in sequences)
    X = np.stack([np.concatenate([s, np.zeros((T_max - len(s), s.shape[1]))]) for s in sequences], axis=1)
    return X, np.array([s.shape[0] for s in sequences])
'''}),
]
