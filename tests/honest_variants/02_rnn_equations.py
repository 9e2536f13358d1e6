"""Honest variants of the RNN equations (format: see tests/honest_variants/__init__.py)."""

VARIANTS = [
    dict(name="scalar_loops", answers={
        "rnn_step_forward": '''
def rnn_step_forward(x_t, h_prev, W_xh, W_hh, b_h):
    B, H = h_prev.shape
    h_t = np.empty((B, H))
    for b in range(B):
        for j in range(H):
            a = b_h[j]
            for d in range(x_t.shape[1]):
                a += W_xh[j, d] * x_t[b, d]
            for k in range(H):
                a += W_hh[j, k] * h_prev[b, k]
            h_t[b, j] = np.tanh(a)
    return h_t
''',
        "rnn_forward": '''
def rnn_forward(X, h0, W_xh, W_hh, b_h):
    h = h0 if h0 is not None else np.zeros((X.shape[1], len(b_h)))
    states = []
    for x_t in X:
        h = rnn_step_forward(x_t, h, W_xh, W_hh, b_h)
        states.append(h)
    return np.array(states)
''',
        "many_to_one": '''
def many_to_one(X, h0, W_xh, W_hh, b_h, W_hy, b_y):
    h_T = rnn_forward(X, h0, W_xh, W_hh, b_h)[X.shape[0] - 1]
    return np.einsum("kh,bh->bk", W_hy, h_T) + b_y
'''}),
    dict(name="column_vectors_and_tanh_from_exp", answers={
        "rnn_step_forward": '''
def rnn_step_forward(x_t, h_prev, W_xh, W_hh, b_h):
    a = (W_xh @ x_t.T + W_hh @ h_prev.T + b_h[:, None]).T     # one column per example, then back
    return 2.0 / (1.0 + np.exp(-2.0 * a)) - 1.0                # tanh(a) = 2 sigmoid(2a) - 1
''',
        "rnn_forward": '''
def rnn_forward(X, h0, W_xh, W_hh, b_h):
    T, B, _ = X.shape
    H = W_hh.shape[0]
    Hs = np.zeros((T, B, H))
    h = np.zeros((B, H)) if h0 is None else h0.copy()
    input_part = X @ W_xh.T + b_h                              # (T, B, H): every step's input term at once
    for t in range(T):
        h = np.tanh(input_part[t] + h @ W_hh.T)
        Hs[t] = h
    return Hs
''',
        "many_to_one": '''
def many_to_one(X, h0, W_xh, W_hh, b_h, W_hy, b_y):
    h = np.zeros((X.shape[1], W_hh.shape[0])) if h0 is None else h0
    for t in range(len(X)):
        h = rnn_step_forward(X[t], h, W_xh, W_hh, b_h)
    return (W_hy @ h.T).T + b_y
'''}),
    dict(name="einsum_jacobian_logsumexp_loops", answers={
        "rnn_jacobian": '''
def rnn_jacobian(h_prev, x_t, W_xh, W_hh, b_h):
    a = np.einsum("hd,bd->bh", W_xh, x_t) + np.einsum("hk,bk->bh", W_hh, h_prev) + b_h
    slope = 1.0 / np.cosh(a) ** 2                       # tanh'(a) = sech^2(a)
    return np.einsum("bi,ij->bij", slope, W_hh)
''',
        "softmax_readout": '''
def softmax_readout(Hs, targets, W_hy, b_y):
    T, B, H = Hs.shape
    K = len(b_y)
    loss, dHs, dW_hy, db_y = 0.0, np.zeros((T, B, H)), np.zeros((K, H)), np.zeros(K)
    for t in range(T):
        for b in range(B):
            y = W_hy @ Hs[t, b] + b_y
            m = y.max()
            log_z = m + np.log(np.sum(np.exp(y - m)))  # log-sum-exp
            loss -= (y[targets[t, b]] - log_z) / (T * B)
            g = np.exp(y - log_z)
            g[targets[t, b]] -= 1.0
            g /= T * B
            dHs[t, b] = W_hy.T @ g
            dW_hy += np.outer(g, Hs[t, b])
            db_y += g
    return dict(loss=loss, dHs=dHs, dW_hy=dW_hy, db_y=db_y)
''',
        "state_difference": '''
def state_difference(X, X_changed, W_xh, W_hh, b_h):
    h = np.zeros((X.shape[1], W_hh.shape[0]))
    h_changed = h.copy()
    distances = []
    for x_t, x_changed in zip(X, X_changed):
        h = rnn_step_forward(x_t, h, W_xh, W_hh, b_h)
        h_changed = rnn_step_forward(x_changed, h_changed, W_xh, W_hh, b_h)
        distances.append(np.mean(np.sqrt(np.sum((h - h_changed) ** 2, axis=1))))
    return np.array(distances)
'''}),
]
