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
]
