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
    dict(name="search_free_algebra_and_explicit_probabilities", answers={
        "break_even_length": '''
def break_even_length(D, H, K):
    # T D > D + H; the smallest integer above (D + H) / D
    return (D + H) // D + 1
''',
        "readout_step": '''
def readout_step(w, b, F, y, lr):
    N = F.shape[0]
    z = np.einsum("nm,m->n", F, w) + b
    # log(1 + e^z) - y z, split by the sign of z so that nothing overflows
    softplus = np.where(z > 0, z + np.log1p(np.exp(-np.abs(z))), np.log1p(np.exp(-np.abs(z))))
    loss = np.sum(softplus - y * z) / N
    p = np.where(z >= 0, 1.0 / (1.0 + np.exp(-np.abs(z))), np.exp(-np.abs(z)) / (1.0 + np.exp(-np.abs(z))))
    dw = np.zeros_like(w)
    for n in range(N):
        dw = dw + (p[n] - y[n]) * F[n] / N
    db = np.sum(p - y) / N
    return loss, w - lr * dw, b - lr * db
''',
        "order_experiment": '''
def order_experiment(X_train, y_train, X_test, y_test, W_xh, W_hh, b_h, steps, lr):
    def train_and_test(F_train, F_test):
        w, b, loss = np.zeros(F_train.shape[1]), 0.0, None
        for _ in range(steps):
            loss, w, b = readout_step(w, b, F_train, y_train, lr)
        predictions = (F_test @ w + b > 0).astype(int)
        return loss, np.count_nonzero(predictions == y_test) / len(y_test)

    bag_loss, bag_accuracy = train_and_test(mean_pool(X_train), mean_pool(X_test))
    rnn_loss, rnn_accuracy = train_and_test(recurrent_summary(X_train, W_xh, W_hh, b_h),
                                            recurrent_summary(X_test, W_xh, W_hh, b_h))
    return dict(bag_loss=bag_loss, bag_accuracy=bag_accuracy, rnn_loss=rnn_loss, rnn_accuracy=rnn_accuracy)
'''}),
]
