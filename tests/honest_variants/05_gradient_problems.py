"""Honest variants of the gradient-problems assignment (format: see tests/honest_variants/__init__.py)."""

VARIANTS = [
    dict(name="flattened_vector_and_loops", answers={
        "global_norm": '''
def global_norm(grads):
    return float(np.linalg.norm(np.concatenate([np.ravel(g) for g in grads])))
''',
        "clip_by_global_norm": '''
def clip_by_global_norm(grads, max_norm):
    norm = global_norm(grads)
    if norm <= max_norm:
        return [g.copy() for g in grads], norm
    factor = max_norm / (norm + 1e-6)
    return [factor * g for g in grads], norm
''',
        "clip_by_value": '''
def clip_by_value(grads, clip_value):
    return [np.minimum(np.maximum(g, -clip_value), clip_value) for g in grads]
''',
        "spectral_radius": '''
def spectral_radius(W):
    return float(max(abs(complex(v)) for v in np.linalg.eigvals(W)))
''',
        "jacobian_norms": '''
def jacobian_norms(W_hh, Hs):
    T, H = Hs.shape
    norms = []
    for k in range(T + 1):
        product = np.eye(H)
        for t in range(T, k, -1):                 # J_T ... J_{k+1}, later steps on the left
            product = product @ (np.diag(1 - Hs[t - 1] ** 2) @ W_hh)
        norms.append(np.sqrt(np.sum(product ** 2)))
    return np.array(norms)
'''}),
    dict(name="cumulative_products_and_explicit_sigmoid", answers={
        "jacobian_bounds": '''
def jacobian_bounds(W_hh, Hs):
    singular_values = np.linalg.svd(W_hh, compute_uv=False)
    per_step = (1 - Hs ** 2).max(axis=1) * singular_values[0]       # ||J_t||_2 bound, t = 1..T
    tail = np.cumprod(per_step[::-1])[::-1]                          # tail[k] = prod_{t > k} per_step
    return np.append(tail, 1.0)
''',
        "order_forward_backward": '''
def order_forward_backward(X, y, h0, W_xh, W_hh, b_h, w_y, b_y):
    T, B, D = X.shape
    H = W_hh.shape[0]
    states = np.zeros((T + 1, B, H))
    states[0] = h0
    for t in range(1, T + 1):
        states[t] = np.tanh(X[t - 1] @ W_xh.T + states[t - 1] @ W_hh.T + b_h)
    z = states[T] @ w_y + b_y
    p = 1 / (1 + np.exp(-z))
    loss = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
    dz = (p - y) / B
    dH = np.zeros_like(states)
    dH[T] = dz[:, None] * w_y[None, :]
    dW_xh, dW_hh, db_h = 0 * W_xh, 0 * W_hh, 0 * b_h
    for t in range(T, 0, -1):
        da = (1 - states[t] ** 2) * dH[t]
        dW_xh = dW_xh + np.einsum("bh,bd->hd", da, X[t - 1])
        dW_hh = dW_hh + np.einsum("bh,bk->hk", da, states[t - 1])
        db_h = db_h + da.sum(0)
        dH[t - 1] = da @ W_hh
    return float(loss), {"W_xh": dW_xh, "W_hh": dW_hh, "b_h": db_h, "w_y": dz @ states[T], "b_y": float(np.sum(dz))}, dH
''',
        "gradient_norms_by_distance": '''
def gradient_norms_by_distance(X, y, h0, W_xh, W_hh, b_h, w_y, b_y):
    _, _, dH = order_forward_backward(X, y, h0, W_xh, W_hh, b_h, w_y, b_y)
    return np.sqrt((dH ** 2).sum(axis=(1, 2)))[::-1]
'''}),
]
