"""Honest variants of the bidirectional and ragged-batch exercises (format: see tests/honest_variants/__init__.py)."""

VARIANTS = [
    dict(name="own_loops_and_fancy_indexing", answers={
        "bidirectional_layer": '''
def bidirectional_layer(X, forward_params, backward_params):
    T, B, _ = X.shape
    H = forward_params[1].shape[0]
    out = np.zeros((T, B, 2 * H))
    (Wf, Uf, bf), (Wb, Ub, bb) = forward_params, backward_params
    h = np.zeros((B, H))
    for t in range(T):
        h = np.tanh(X[t] @ Wf.T + h @ Uf.T + bf)
        out[t, :, :H] = h
    h = np.zeros((B, H))
    for t in range(T - 1, -1, -1):
        h = np.tanh(X[t] @ Wb.T + h @ Ub.T + bb)
        out[t, :, H:] = h
    return out
''',
        "reverse_padded": '''
def reverse_padded(X, lengths):
    T, B = X.shape[:2]
    L = np.asarray(lengths)[None, :]                       # (1, B)
    t = np.arange(T)[:, None]                              # (T, 1)
    source = np.where(t < L, L - 1 - t, t)                 # (T, B): where each output step reads from
    return X[source, np.arange(B)[None, :]]
''',
        "masked_rnn": '''
def masked_rnn(X, lengths, W_xh, W_hh, b_h):
    T, B, _ = X.shape
    H = W_hh.shape[0]
    Hs, h_last = np.zeros((T, B, H)), np.zeros((B, H))
    for b in range(B):                                     # each sequence alone, only its real steps
        h = np.zeros(H)
        for t in range(int(lengths[b])):
            h = np.tanh(W_xh @ X[t, b] + W_hh @ h + b_h)
            Hs[t, b] = h
        h_last[b] = h
    return Hs, h_last
''',
        "last_real_step": '''
def last_real_step(outputs, lengths):
    return np.stack([outputs[int(n) - 1, b] for b, n in enumerate(lengths)])
'''}),
    dict(name="flip_mask_arithmetic_take_along_axis", answers={
        "bidirectional_layer": '''
def bidirectional_layer(X, forward_params, backward_params):
    ahead = rnn_forward(X, None, *forward_params)
    behind = np.flip(rnn_forward(np.flip(X, axis=0), None, *backward_params), axis=0)
    return np.dstack([ahead, behind])
''',
        "reverse_padded": '''
def reverse_padded(X, lengths):
    out = X.copy()
    for b, n in enumerate(lengths):
        out[:n, b] = np.flip(X[:n, b], axis=0)
    return out
''',
        "masked_rnn": '''
def masked_rnn(X, lengths, W_xh, W_hh, b_h):
    T, B, _ = X.shape
    m = (np.arange(T)[:, None] < np.asarray(lengths)[None, :]).astype(float)[..., None]   # (T, B, 1)
    h = np.zeros((B, W_hh.shape[0]))
    Hs = []
    for t in range(T):
        h = m[t] * np.tanh(X[t] @ W_xh.T + h @ W_hh.T + b_h) + (1.0 - m[t]) * h
        Hs.append(m[t] * h)
    return np.array(Hs), h
''',
        "last_real_step": '''
def last_real_step(outputs, lengths):
    index = (np.asarray(lengths) - 1)[None, :, None]                     # (1, B, 1)
    return np.take_along_axis(outputs, np.broadcast_to(index, (1,) + outputs.shape[1:]), axis=0)[0]
'''}),
    dict(name="loops_lstsq_and_torch_rnn_cell", answers={
        "rnn_parameter_count": '''
def rnn_parameter_count(input_size, hidden_size, num_layers, bidirectional, gates):
    total, layer_input = 0, input_size
    for layer in range(num_layers):
        for direction in range(2 if bidirectional else 1):
            total += gates * hidden_size * layer_input        # weight_ih
            total += gates * hidden_size * hidden_size        # weight_hh
            total += 2 * gates * hidden_size                  # bias_ih, bias_hh
        layer_input = hidden_size * (2 if bidirectional else 1)
    return total
''',
        "deep_bidirectional_rnn": '''
def deep_bidirectional_rnn(X, lengths, layers):
    for (fw, bw) in layers:
        ahead = masked_rnn(X, lengths, *fw)[0]
        behind = reverse_padded(masked_rnn(reverse_padded(X, lengths), lengths, *bw)[0], lengths)
        X = np.dstack([ahead, behind])
    return X
''',
        "readout_accuracy": '''
def readout_accuracy(features, targets, lengths, n_train, ridge=1e-3):
    train_rows, train_y, test_rows, test_y = [], [], [], []
    for b in range(features.shape[1]):
        for t in range(int(lengths[b])):
            row = np.append(features[t, b], 1.0)
            (train_rows if b < n_train else test_rows).append(row)
            (train_y if b < n_train else test_y).append(targets[t, b])
    A, y = np.array(train_rows), np.array(train_y)
    k = A.shape[1]
    stacked = np.vstack([A, np.sqrt(ridge) * np.eye(k)])              # ridge as extra rows of least squares
    w = np.linalg.lstsq(stacked, np.concatenate([y, np.zeros(k)]), rcond=None)[0]
    return float(np.mean((np.array(test_rows) @ w > 0.5) == np.array(test_y)))
''',
        "bidirectional_rnn_torch": '''
def bidirectional_rnn_torch(X, W_xh_f, W_hh_f, b_f, W_xh_b, W_hh_b, b_b):
    T = X.shape[0]
    H = W_hh_f.shape[0]
    h_f = torch.zeros_like(X[0, :, :1]).expand(-1, H)
    h_b = h_f
    ahead, behind = [], [None] * T
    for t in range(T):
        h_f = torch.tanh(torch.addmm(b_f, X[t], W_xh_f.t()) + h_f @ W_hh_f.t())
        ahead.append(h_f)
        h_b = torch.tanh(torch.addmm(b_b, X[T - 1 - t], W_xh_b.t()) + h_b @ W_hh_b.t())
        behind[T - 1 - t] = h_b
    return torch.cat([torch.stack(ahead), torch.stack(behind)], dim=2)
'''}),
]
