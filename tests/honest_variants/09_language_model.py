"""Honest variants of the sampling assignment (format: see tests/honest_variants/__init__.py)."""

VARIANTS = [
    dict(name="logsumexp_searchsorted_while_loop", answers={
        "temperature_softmax": '''
def temperature_softmax(logits, temperature):
    z = np.asarray(logits, dtype=float) / temperature
    m = np.max(z, axis=-1, keepdims=True)
    log_total = m + np.log(np.sum(np.exp(z - m), axis=-1, keepdims=True))
    return np.exp(z - log_total)
''',
        "sample_index": '''
def sample_index(probs, rng):
    probs = np.asarray(probs, dtype=float)
    u = rng.random(len(probs))
    picks = [min(int(np.searchsorted(np.cumsum(row), ub, side="right")), len(row) - 1) for row, ub in zip(probs, u)]
    return np.array(picks, dtype=np.int64)
''',
        "generate": '''
def generate(step, start_id, stop_id, temperature, rng, max_len=20):
    symbols, state, current = [], None, start_id
    while len(symbols) < max_len:
        logits, state = step(current, state)
        if temperature == 0:
            current = int(np.argmax(logits))
        else:
            current = int(sample_index(temperature_softmax(logits, temperature).reshape(1, -1), rng)[0])
        if current == stop_id:
            return symbols
        symbols.append(current)
    return symbols
'''}),
    dict(name="loops_logsumexp_and_a_cross_entropy_module", answers={
        "cross_entropy_grad": '''
def cross_entropy_grad(logits, targets, temperature=1.0):
    N, V = logits.shape
    grad = np.empty((N, V))
    for n in range(N):
        scaled = logits[n] / temperature
        p = np.exp(scaled - np.logaddexp.reduce(scaled))
        onehot = np.zeros(V)
        onehot[targets[n]] = 1.0
        grad[n] = (p - onehot) / temperature / N
    return grad
''',
        "embedding_softmax_loss": '''
def embedding_softmax_loss(ids, targets, E, W_hy, b_y):
    N = len(ids)
    dE, dW_hy, db_y, loss = np.zeros_like(E), np.zeros_like(W_hy), np.zeros_like(b_y), 0.0
    for n in range(N):
        e = E[ids[n]]
        z = W_hy @ e + b_y
        log_norm = np.logaddexp.reduce(z)
        loss += (log_norm - z[targets[n]]) / N
        g = np.exp(z - log_norm)
        g[targets[n]] -= 1.0
        g /= N
        dW_hy += np.outer(g, e)
        db_y += g
        dE[ids[n]] += W_hy.T @ g
    return loss, dE, dW_hy, db_y
''',
        "sequence_nll_torch": '''
def sequence_nll_torch(logits, targets, mask):
    return torch.nn.functional.cross_entropy(logits.flatten(0, 1), targets.flatten(0, 1), reduction="none") \
        .mul(mask.flatten()).sum().div(mask.sum())
''',
        "training_step": '''
def training_step(model, optimizer, X, Y, M, max_norm=1.0):
    for p in model.parameters():
        p.grad = None
    loss = sequence_nll_torch(model(X)[0], Y, M)
    loss.backward()
    total = torch.sqrt(sum((p.grad ** 2).sum() for p in model.parameters()))
    if total > max_norm:
        for p in model.parameters():
            p.grad.mul_(max_norm / (total + 1e-6))
    optimizer.step()
    return loss.item()
'''}),
]
