"""Honest variants of the minGRU assignment (format: see tests/honest_variants/__init__.py)."""

VARIANTS = [
    dict(name="exp_sigmoid_loops_and_cumprod", answers={
        "min_gru_coefficients": '''
def min_gru_coefficients(X, W_z, b_z, W_h, b_h):
    T, B, _ = X.shape
    H = len(b_z)
    a, b = np.empty((T, B, H)), np.empty((T, B, H))
    for t in range(T):
        z = 1.0 / (1.0 + np.exp(-(np.einsum("bd,hd->bh", X[t], W_z) + b_z)))
        pre = np.einsum("bd,hd->bh", X[t], W_h) + b_h
        h_tilde = np.where(pre >= 0, pre + 0.5, 1.0 / (1.0 + np.exp(-np.minimum(pre, 0.0))))
        a[t], b[t] = 1.0 - z, z * h_tilde
    return a, b
''',
        "min_gru_sequential": '''
def min_gru_sequential(X, h0, W_z, b_z, W_h, b_h):
    a, b = min_gru_coefficients(X, W_z, b_z, W_h, b_h)
    out = np.zeros_like(b)
    h = h0.astype(np.float64)
    for t in range(len(X)):
        h = a[t] * h + b[t]
        out[t] = h
    return out
''',
        "min_gru_parallel": '''
def min_gru_parallel(X, h0, W_z, b_z, W_h, b_h):
    a, b = min_gru_coefficients(X, W_z, b_z, W_h, b_h)
    b = np.concatenate([a[:1] * h0 + b[:1], b[1:]])   # fold h0 in
    shift = 1
    while shift < len(a):                              # combine with the step `shift` earlier
        earlier_a = np.concatenate([np.ones_like(a[:shift]), a[:-shift]])
        earlier_b = np.concatenate([np.zeros_like(b[:shift]), b[:-shift]])
        a, b = a * earlier_a, a * earlier_b + b
        shift *= 2
    return b
''',
        "min_gru_cumulative": '''
def min_gru_cumulative(X, h0, W_z, b_z, W_h, b_h):
    a, b = min_gru_coefficients(X, W_z, b_z, W_h, b_h)
    A = np.multiply.accumulate(a, axis=0)              # A_t = a_1 ... a_t
    return A * (h0[None] + np.add.accumulate(b / A, axis=0))
''',
        "long_sequence_errors": '''
def long_sequence_errors(X, h0, W_z, b_z, W_h, b_h, lengths):
    loop = min_gru_sequential(X, h0, W_z, b_z, W_h, b_h)
    routes = {"scan": min_gru_parallel, "cumulative": min_gru_cumulative}
    errors = {}
    old = np.seterr(all="ignore")
    try:
        for name, route in routes.items():
            difference = np.abs(route(X, h0, W_z, b_z, W_h, b_h) - loop).reshape(len(X), -1).max(axis=1)
            errors[name] = np.array([difference[:L].max() for L in lengths], dtype=np.float64)
    finally:
        np.seterr(**old)
    return errors
''',
        "min_gru_parallel_torch": '''
def min_gru_parallel_torch(X, h0, W_z, b_z, W_h, b_h):
    z = 1 / (1 + torch.exp(-torch.einsum("tbd,hd->tbh", X, W_z) - b_z))
    pre = torch.einsum("tbd,hd->tbh", X, W_h) + b_h
    h_tilde = torch.where(pre >= 0, pre + 0.5, torch.sigmoid(pre))
    A = torch.cumprod(1 - z, dim=0)
    return A * (h0 + torch.cumsum(z * h_tilde / A, dim=0))
'''}),
]
