"""Honest variants of the LSTM and GRU cells (format: see tests/honest_variants/__init__.py)."""

VARIANTS = [
    dict(name="per_gate_matrices_and_exp_sigmoid", answers={
        "lstm_cell_forward": '''
def lstm_cell_forward(x_t, h_prev, c_prev, W_ih, W_hh, b_ih, b_hh):
    H = h_prev.shape[1]
    gates = {}
    for n, name in enumerate("ifgo"):
        rows = slice(n * H, (n + 1) * H)
        a = x_t @ W_ih[rows].T + b_ih[rows] + h_prev @ W_hh[rows].T + b_hh[rows]
        gates[name] = np.tanh(a) if name == "g" else 1.0 / (1.0 + np.exp(-a))
    c_t = gates["f"] * c_prev + gates["i"] * gates["g"]
    return gates["o"] * np.tanh(c_t), c_t
''',
        "lstm_cell_backward": '''
def lstm_cell_backward(dh_t, dc_t, x_t, h_prev, c_prev, W_ih, W_hh, b_ih, b_hh):
    W_i, W_f, W_g, W_o = np.split(W_ih, 4)
    U_i, U_f, U_g, U_o = np.split(W_hh, 4)
    b_i, b_f, b_g, b_o = np.split(b_ih + b_hh, 4)
    sig = lambda a: 1.0 / (1.0 + np.exp(-a))
    i = sig(x_t @ W_i.T + h_prev @ U_i.T + b_i)
    f = sig(x_t @ W_f.T + h_prev @ U_f.T + b_f)
    g = np.tanh(x_t @ W_g.T + h_prev @ U_g.T + b_g)
    o = sig(x_t @ W_o.T + h_prev @ U_o.T + b_o)
    c_t = f * c_prev + i * g
    dc = dc_t + dh_t * o * (1 - np.tanh(c_t) ** 2)
    da = [dc * g * i * (1 - i), dc * c_prev * f * (1 - f), dc * i * (1 - g * g), dh_t * np.tanh(c_t) * o * (1 - o)]
    dx = sum(d @ W for d, W in zip(da, (W_i, W_f, W_g, W_o)))
    dh_prev = sum(d @ U for d, U in zip(da, (U_i, U_f, U_g, U_o)))
    dW_ih = np.vstack([d.T @ x_t for d in da])
    dW_hh = np.vstack([d.T @ h_prev for d in da])
    db = np.concatenate([d.sum(axis=0) for d in da])
    return dx, dh_prev, dc * f, dW_ih, dW_hh, db
''',
        "gru_cell_forward": '''
def gru_cell_forward(x_t, h_prev, W_ih, W_hh, b_ih, b_hh):
    W_ir, W_iz, W_in = np.split(W_ih, 3)
    W_hr, W_hz, W_hn = np.split(W_hh, 3)
    b_ir, b_iz, b_in = np.split(b_ih, 3)
    b_hr, b_hz, b_hn = np.split(b_hh, 3)
    r = 1.0 / (1.0 + np.exp(-(x_t @ W_ir.T + b_ir + h_prev @ W_hr.T + b_hr)))
    z = 1.0 / (1.0 + np.exp(-(x_t @ W_iz.T + b_iz + h_prev @ W_hz.T + b_hz)))
    n = np.tanh(x_t @ W_in.T + b_in + r * (h_prev @ W_hn.T + b_hn))
    return n + z * (h_prev - n)
''',
        "lstm_params_to_torch": '''
def lstm_params_to_torch(W, b):
    H = len(b["i"])
    weight_ih, weight_hh, bias = [], [], []
    for gate in ("i", "f", "C", "o"):
        weight_hh.append(W[gate][:, :H])
        weight_ih.append(W[gate][:, H:])
        bias.append(b[gate])
    bias = np.concatenate(bias)
    return {"weight_ih_l0": np.vstack(weight_ih), "weight_hh_l0": np.vstack(weight_hh),
            "bias_ih_l0": np.zeros(4 * H), "bias_hh_l0": bias}          # the whole bias on the other side
'''}),
    dict(name="einsum_logaddexp_sigmoid_half_biases", answers={
        "lstm_cell_forward": '''
def lstm_cell_forward(x_t, h_prev, c_prev, W_ih, W_hh, b_ih, b_hh):
    A = np.einsum("bd,gd->bg", x_t, W_ih) + np.einsum("bh,gh->bg", h_prev, W_hh) + (b_ih + b_hh)
    A = A.reshape(len(x_t), 4, -1)                          # (B, gate, H)
    sigma = np.exp(-np.logaddexp(0.0, -A))                  # 1 / (1 + exp(-A)) without overflow
    c_t = sigma[:, 1] * c_prev + sigma[:, 0] * np.tanh(A[:, 2])
    return sigma[:, 3] * np.tanh(c_t), c_t
''',
        "gru_cell_forward": '''
def gru_cell_forward(x_t, h_prev, W_ih, W_hh, b_ih, b_hh):
    H = h_prev.shape[1]
    gx = (x_t @ W_ih.T + b_ih).reshape(-1, 3, H)
    gh = (h_prev @ W_hh.T + b_hh).reshape(-1, 3, H)
    r, z = (np.exp(-np.logaddexp(0.0, -(gx[:, :2] + gh[:, :2])))[:, j] for j in (0, 1))
    n = np.tanh(gx[:, 2] + r * gh[:, 2])
    return (1 - z) * n + z * h_prev
''',
        "lstm_params_to_torch": '''
def lstm_params_to_torch(W, b):
    H = W["i"].shape[0]
    order = ["i", "f", "C", "o"]
    stacked = np.concatenate([W[g] for g in order])
    bias = np.concatenate([b[g] for g in order])
    return {"weight_ih_l0": stacked[:, H:], "weight_hh_l0": stacked[:, :H],
            "bias_ih_l0": bias / 2, "bias_hh_l0": bias / 2}   # split in halves: nn.LSTM adds them
'''}),
    dict(name="closed_form_count_cached_steps_chunked_gates", answers={
        "recurrent_parameter_count": '''
def recurrent_parameter_count(D, H, layers, gates, bidirectional=False):
    n = 1 + int(bidirectional)
    first = gates * H * (D + H) + 2 * gates * H
    above = gates * H * (n * H + H) + 2 * gates * H
    return n * (first + (layers - 1) * above)
''',
        "lstm_gradient_norms_by_distance": '''
def lstm_gradient_norms_by_distance(X, h0, c0, W_ih, W_hh, b_ih, b_hh, w):
    hs, cs = [h0], [c0]
    for t in range(len(X)):
        h, c = lstm_cell_forward(X[t], hs[-1], cs[-1], W_ih, W_hh, b_ih, b_hh)
        hs.append(h)
        cs.append(c)
    dh = np.ones((X.shape[1], 1)) * w[None, :]
    dc = 0.0 * c0
    out = np.empty(len(X) + 1)
    out[0] = np.sqrt(np.sum(dh ** 2))
    for d in range(1, len(X) + 1):
        t = len(X) - d                                   # the step whose inputs produced h_{t+1}
        grads = lstm_cell_backward(dh, dc, X[t], hs[t], cs[t], W_ih, W_hh, b_ih, b_hh)
        dh, dc = grads[1], grads[2]
        out[d] = np.sqrt(np.sum(dh ** 2))
    return out
''',
        "gru_layer_torch": '''
def gru_layer_torch(X, h0, W_ih, W_hh, b_ih, b_hh):
    T, B, _ = X.shape
    H = W_hh.shape[-1]
    h = torch.zeros(B, H, device=X.device, dtype=X.dtype) if h0 is None else h0
    W_ir, W_iz, W_in = W_ih.chunk(3)
    W_hr, W_hz, W_hn = W_hh.chunk(3)
    b_ir, b_iz, b_in = b_ih.chunk(3)
    b_hr, b_hz, b_hn = b_hh.chunk(3)
    out = []
    for t in range(T):
        x = X[t]
        r = 1 / (1 + torch.exp(-(x @ W_ir.T + b_ir + h @ W_hr.T + b_hr)))
        z = 1 / (1 + torch.exp(-(x @ W_iz.T + b_iz + h @ W_hz.T + b_hz)))
        n = torch.tanh(x @ W_in.T + b_in + r * (h @ W_hn.T + b_hn))
        h = n + z * (h - n)
        out.append(h.unsqueeze(0))
    return torch.cat(out, dim=0)
'''}),
]
