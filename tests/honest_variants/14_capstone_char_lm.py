"""Honest variants of the capstone (format: see tests/honest_variants/__init__.py): one-hot products
instead of lookups, a log-sum-exp loss, loops over rows, norms from np.linalg, searchsorted sampling,
another way to write the training loop, and torch with einsum and an explicit device and dtype."""

VARIANTS = [
    dict(name="one_hot_products_loops_and_searchsorted", answers={
        "softmax_cross_entropy": '''
def softmax_cross_entropy(logits, targets):
    N, V = logits.shape
    one_hot = np.eye(V)[targets]
    top = logits.max(axis=1)
    log_norm = top + np.log(np.sum(np.exp(logits - top[:, None]), axis=1))      # log-sum-exp per row
    loss = np.sum(log_norm - np.sum(one_hot * logits, axis=1)) / N
    p = np.exp(logits - log_norm[:, None])
    return loss, (p - one_hot) / N
''',
        "rnn_lm_forward": '''
def rnn_lm_forward(params, x, h0):
    T, B = x.shape
    V, H = params["embed"].shape[0], params["W_hh"].shape[0]
    Hs = np.zeros((T, B, H))
    logits = np.zeros((T, B, V))
    for b in range(B):                                   # one sequence at a time
        h = h0[b]
        for t in range(T):
            e = np.eye(V)[x[t, b]] @ params["embed"]
            h = np.tanh(params["W_xh"] @ e + params["W_hh"] @ h + params["b_h"])
            Hs[t, b] = h
            logits[t, b] = params["W_hy"] @ h + params["b_y"]
    return logits, Hs
''',
        "rnn_lm_loss": '''
def rnn_lm_loss(params, x, y, h0):
    T, B = x.shape
    V = params["embed"].shape[0]
    logits, Hs = rnn_lm_forward(params, x, h0)
    loss, dz = softmax_cross_entropy(logits.reshape(-1, V), y.reshape(-1))
    dz = dz.reshape(T, B, V)
    X = np.eye(V)[x]                                     # (T, B, V) one-hot
    E = X @ params["embed"]                              # (T, B, D)
    grads = {"W_hy": sum(dz[t].T @ Hs[t] for t in range(T)), "b_y": dz.sum(axis=0).sum(axis=0)}
    dW_xh, dW_hh = np.zeros_like(params["W_xh"]), np.zeros_like(params["W_hh"])
    db_h, dE = np.zeros_like(params["b_h"]), np.zeros_like(params["embed"])
    carry = np.zeros_like(h0)
    for t in range(T - 1, -1, -1):
        da = (dz[t] @ params["W_hy"] + carry) * (1 - Hs[t] * Hs[t])
        dW_xh += np.einsum("bh,bd->hd", da, E[t])
        dW_hh += np.einsum("bh,bk->hk", da, Hs[t - 1] if t else h0)
        db_h += da.sum(axis=0)
        dE += X[t].T @ (da @ params["W_xh"])             # the one-hot product adds repeated characters
        carry = da @ params["W_hh"]
    grads.update(embed=dE, W_xh=dW_xh, W_hh=dW_hh, b_h=db_h)
    return loss, grads, Hs[T - 1]
''',
        "clip_gradients": '''
def clip_gradients(grads, max_norm):
    norm = np.linalg.norm(np.concatenate([g.ravel() for g in grads.values()]))
    clipped = {key: g.copy() for key, g in grads.items()}
    if norm > max_norm:
        for key in clipped:
            clipped[key] *= max_norm / norm
    return clipped, float(norm)
''',
        "sample": '''
def sample(params, start_id, n, temperature, rng, h=None):
    state = np.zeros(params["W_hh"].shape[0]) if h is None else np.array(h, dtype=float)
    ids = [start_id]
    while len(ids) <= n:
        state = np.tanh(params["embed"][ids[-1]] @ params["W_xh"].T + state @ params["W_hh"].T + params["b_h"])
        z = state @ params["W_hy"].T + params["b_y"]
        if temperature == 0:
            ids.append(int(z.argmax()))
            continue
        scaled = z / temperature
        p = np.exp(scaled - np.max(scaled))
        cdf = np.cumsum(p) / p.sum()
        ids.append(int(min(np.searchsorted(cdf, rng.random(), side="right"), len(cdf) - 1)))
    return ids[1:]
''',
        "train_char_lm": '''
def train_char_lm(train_ids, vocab_size, steps, seed, lr=3.0, max_norm=1.0):
    params = init_params(vocab_size, 16, 64, np.random.default_rng(seed))
    chunks = stream_chunks(train_ids, 32, 32)
    losses, norms = [], []
    done = 0
    while done < steps:
        h = np.zeros((32, 64))                            # every pass over the text starts from zero
        for x, y in chunks[: steps - done]:
            loss, grads, h = rnn_lm_loss(params, x, y, h)
            clipped, norm = clip_gradients(grads, max_norm)
            params = {key: value - lr * clipped[key] for key, value in params.items()}
            losses.append(loss)
            norms.append(norm)
        done = len(losses)
    return params, {"loss": losses, "grad_norm": norms}
''',
        "rnn_lm_torch": '''
def rnn_lm_torch(X, h0, embed, W_xh, W_hh, b_h, W_hy, b_y):
    T, B, _ = X.shape
    h = torch.zeros(B, W_hh.shape[0], device=X.device, dtype=X.dtype) if h0 is None else h0
    E = torch.einsum("tbv,vd->tbd", X, embed)
    out = []
    for t in range(T):
        h = torch.tanh(torch.einsum("bd,hd->bh", E[t], W_xh) + torch.einsum("bk,hk->bh", h, W_hh) + b_h)
        out.append(torch.einsum("bh,vh->bv", h, W_hy) + b_y)
    return torch.stack(out, dim=0)
'''}),
]
