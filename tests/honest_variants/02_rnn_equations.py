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
]
