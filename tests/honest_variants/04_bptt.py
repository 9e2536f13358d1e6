"""Honest variants of BPTT and the gradient check (format: see tests/honest_variants/__init__.py)."""

VARIANTS = [
    dict(name="diagonal_matrices_and_own_windows", answers={
        "jacobian_product": '''
def jacobian_product(Hs, W_hh, t, k):
    J = np.identity(len(W_hh))
    for i in range(k + 1, t + 1):
        J = np.diag(1 - Hs[i] * Hs[i]) @ W_hh @ J
    return J
''',
        "truncated_rnn_backward": '''
def truncated_rnn_backward(dHs, X, Hs, h0, W_xh, W_hh, k):
    T = len(X)
    dX, dW_xh, dW_hh, db_h = np.zeros(X.shape), np.zeros(W_xh.shape), np.zeros(W_hh.shape), np.zeros(len(W_hh))
    dh = np.zeros(h0.shape)
    for t in range(T - 1, -1, -1):
        da = (dHs[t] + dh) * (1 - Hs[t] ** 2)
        h_prev = Hs[t - 1] if t > 0 else h0
        dX[t] = da @ W_xh
        dW_xh += da.T @ X[t]
        dW_hh += da.T @ h_prev
        db_h += da.sum(0)
        start_of_window = (t // k) * k == t
        dh = np.zeros(h0.shape) if (start_of_window and t > 0) else da @ W_hh
    return {"dX": dX, "dh0": dh, "dW_xh": dW_xh, "dW_hh": dW_hh, "db_h": db_h}
''',
        "numerical_gradient": '''
def numerical_gradient(f, array, eps=1e-6):
    grad = np.zeros(array.shape)
    for flat in range(array.size):
        index = np.unravel_index(flat, array.shape)
        saved = array[index]
        array[index] = saved + eps
        up = f()
        array[index] = saved - eps
        down = f()
        array[index] = saved
        grad[index] = (up - down) / (2.0 * eps)
    return grad
''',
        "relative_error": '''
def relative_error(a, b):
    a, b = np.array(a, dtype=np.float64), np.array(b, dtype=np.float64)
    top = np.sqrt(np.sum((a - b) ** 2))
    bottom = np.sqrt(np.sum(a ** 2)) + np.sqrt(np.sum(b ** 2))
    return float(top / max(bottom, 1e-300))
'''}),
    dict(name="reduce_and_step_backward", answers={
        "jacobian_product": '''
from functools import reduce

def jacobian_product(Hs, W_hh, t, k):
    factors = [(1.0 - Hs[i] ** 2)[:, None] * W_hh for i in range(t, k, -1)]    # latest step first
    return reduce(np.matmul, factors, np.eye(W_hh.shape[0]))
''',
        "relative_error": '''
def relative_error(a, b):
    a, b = np.ravel(a).astype(float), np.ravel(b).astype(float)
    denominator = np.linalg.norm(a) + np.linalg.norm(b)
    return 0.0 if denominator == 0 else float(np.linalg.norm(a - b) / denominator)
'''}),
    dict(name="column_vectors_and_own_gradients", answers={
        "bptt_term": '''
def bptt_term(G, Hs, W_hh, t, k):
    g = G[t - 1].reshape(-1, 1)                          # as a column: the transposed product applies
    for i in range(t, k, -1):
        g = W_hh.T @ (np.diag(1 - Hs[i] ** 2) @ g)
    delta = (1 - Hs[k] ** 2).reshape(-1, 1) * g
    H = len(W_hh)
    term = np.zeros((H, H))
    for a in range(H):
        for b in range(H):
            term[a, b] = delta[a, 0] * Hs[k - 1][b]
    return term
''',
        "truncation_gaps": '''
def truncation_gaps(X, h0, W_xh, W_hh, b_h, w, windows):
    Hs = rnn_forward(X, h0, W_xh, W_hh, b_h)
    dHs = np.zeros_like(Hs)
    dHs[len(X) - 1, :, :] = np.broadcast_to(w, dHs[-1].shape)
    reference = truncated_rnn_backward(dHs, X, Hs, h0, W_xh, W_hh, 10 ** 9)["dW_hh"]   # no boundary: full BPTT
    gaps = []
    for window in windows:
        gaps.append(relative_error(truncated_rnn_backward(dHs, X, Hs, h0, W_xh, W_hh, window)["dW_hh"], reference))
    return np.asarray(gaps, dtype=float)
'''}),
]
