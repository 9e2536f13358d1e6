"""Honest variants of unrolling and BPTT (format: see tests/honest_variants/__init__.py)."""

VARIANTS = [
    dict(name="einsum_and_step_calls", answers={
        "rnn_step_backward": '''
def rnn_step_backward(dh_t, x_t, h_prev, h_t, W_xh, W_hh):
    da = dh_t - dh_t * h_t * h_t
    return {"dx_t": np.einsum("bh,hd->bd", da, W_xh), "dh_prev": np.einsum("bh,hk->bk", da, W_hh),
            "dW_xh": np.einsum("bh,bd->hd", da, x_t), "dW_hh": np.einsum("bh,bk->hk", da, h_prev),
            "db_h": np.einsum("bh->h", da)}
''',
        "step_contributions": '''
def step_contributions(dHs, X, Hs, h0, W_xh, W_hh):
    terms = []
    dh_next = np.zeros(h0.shape)
    for t in range(X.shape[0] - 1, -1, -1):
        step = rnn_step_backward(dHs[t] + dh_next, X[t], Hs[t - 1] if t else h0, Hs[t], W_xh, W_hh)
        terms.append(step["dW_hh"])
        dh_next = step["dh_prev"]
    return np.stack(terms[::-1])
''',
        "rnn_backward": '''
def rnn_backward(dHs, X, Hs, h0, W_xh, W_hh):
    grads = {"dX": np.zeros_like(X), "dW_xh": 0.0, "dW_hh": 0.0, "db_h": 0.0}
    dh = np.zeros_like(h0)
    for t in reversed(range(len(X))):
        step = rnn_step_backward(dHs[t] + dh, X[t], h0 if t == 0 else Hs[t - 1], Hs[t], W_xh, W_hh)
        grads["dX"][t] = step["dx_t"]
        grads["dW_xh"] = grads["dW_xh"] + step["dW_xh"]
        grads["dW_hh"] = grads["dW_hh"] + step["dW_hh"]
        grads["db_h"] = grads["db_h"] + step["db_h"]
        dh = step["dh_prev"]
    grads["dh0"] = dh
    return grads
'''}),
    dict(name="deltas_first_then_sums_over_time", answers={
        "rnn_backward": '''
def rnn_backward(dHs, X, Hs, h0, W_xh, W_hh):
    T = X.shape[0]
    deltas = np.zeros_like(Hs)                 # (T, B, H): gradient at each pre-activation
    carry = np.zeros_like(h0)
    for t in range(T - 1, -1, -1):
        deltas[t] = (dHs[t] + carry) * (1 - Hs[t] ** 2)
        carry = deltas[t] @ W_hh
    previous = np.concatenate([h0[None], Hs[:-1]])          # (T, B, H): h_{t-1} for every t
    return {"dX": deltas @ W_xh, "dh0": carry,
            "dW_xh": np.tensordot(deltas, X, axes=([0, 1], [0, 1])),
            "dW_hh": np.tensordot(deltas, previous, axes=([0, 1], [0, 1])),
            "db_h": deltas.sum(axis=(0, 1))}
''',
        "step_contributions": '''
def step_contributions(dHs, X, Hs, h0, W_xh, W_hh):
    T = X.shape[0]
    deltas = np.zeros_like(Hs)
    carry = np.zeros_like(h0)
    for t in range(T - 1, -1, -1):
        deltas[t] = (dHs[t] + carry) * (1 - Hs[t] ** 2)
        carry = deltas[t] @ W_hh
    previous = np.concatenate([h0[None], Hs[:-1]])
    return np.einsum("tbh,tbk->thk", deltas, previous)
'''}),
    dict(name="backward_loop_for_the_scalar_rnn", answers={
        "linear_rnn_gradients": '''
def linear_rnn_gradients(x, w, u):
    T = len(x)
    h = [0.0]
    for x_t in x:                                  # forward, keeping every state
        h.append(w * h[-1] + u * x_t)
    dh, dw, du, dx = 1.0, 0.0, 0.0, np.zeros(T)
    for t in range(T - 1, -1, -1):                 # backward: dL/dh_t, then each use of w and u
        dw += dh * h[t]
        du += dh * x[t]
        dx[t] = dh * u
        dh *= w
    return {"dx": dx, "du": du, "dw": dw}
''',
        "gradient_reach": '''
def gradient_reach(X, W_xh, W_hh, b_h):
    T, B, _ = X.shape
    h0 = np.zeros((B, len(b_h)))
    Hs = np.zeros((T, B, len(b_h)))
    for t in range(T):
        Hs[t] = np.tanh(np.einsum("hd,bd->bh", W_xh, X[t]) + (Hs[t - 1] if t else h0) @ W_hh.T + b_h)
    dHs = np.concatenate([np.zeros(Hs[:-1].shape), np.ones((1,) + Hs.shape[1:])])
    dX = rnn_backward(dHs, X, Hs, h0, W_xh, W_hh)["dX"]
    terms = step_contributions(dHs, X, Hs, h0, W_xh, W_hh)
    dX_norms = np.array([sum(np.sqrt(np.dot(dX[t, b], dX[t, b])) for b in range(B)) / B for t in range(T)])
    dW_hh_norms = np.array([np.sqrt(np.sum(term * term)) for term in terms])
    return {"dW_hh_norms": dW_hh_norms, "dX_norms": dX_norms}
'''}),
]
