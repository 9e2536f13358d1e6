"""Classic mistakes in the capstone character language model and the feedback each must produce."""

# The training tests run the student's own loss, clipping and sampling: a slip there may fail them too.
_TRAINING = {"test_train_char_lm_visible", "test_train_char_lm_hidden"}

CASES = [
    dict(
        name="cross_entropy_summed",
        answers={"softmax_cross_entropy": (
            "def softmax_cross_entropy(logits, targets):\n"
            "    N = len(targets)\n"
            "    shifted = logits - logits.max(axis=1, keepdims=True)\n"
            "    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))\n"
            "    d = np.exp(log_p)\n"
            "    d[np.arange(N), targets] -= 1.0\n"
            "    return float(-log_p[np.arange(N), targets].sum()), d\n")},
        failing={"test_softmax_cross_entropy_visible": "summed over the positions",
                 "test_softmax_cross_entropy_hidden": "summed over the positions",
                 "test_rnn_lm_loss_visible": "summed over the positions",
                 "test_rnn_lm_loss_hidden": "summed over the positions"},
        composed=_TRAINING,
    ),
    dict(
        name="backward_not_carried",
        answers={"rnn_lm_loss": (
            "def rnn_lm_loss(params, x, y, h0):\n"
            "    logits, Hs = rnn_lm_forward(params, x, h0)\n"
            "    T, B = x.shape\n"
            "    loss, dz = softmax_cross_entropy(logits.reshape(T * B, -1), y.reshape(-1))\n"
            "    dz = dz.reshape(logits.shape)\n"
            "    grads = {key: np.zeros_like(value, dtype=float) for key, value in params.items()}\n"
            "    grads['W_hy'] = np.einsum('tbv,tbh->vh', dz, Hs)\n"
            "    grads['b_y'] = dz.sum(axis=(0, 1))\n"
            "    for t in reversed(range(T)):\n"
            "        h_prev = Hs[t - 1] if t > 0 else h0\n"
            "        delta = (dz[t] @ params['W_hy']) * (1.0 - Hs[t] ** 2)\n"
            "        grads['W_xh'] += delta.T @ params['embed'][x[t]]\n"
            "        grads['W_hh'] += delta.T @ h_prev\n"
            "        grads['b_h'] += delta.sum(axis=0)\n"
            "        np.add.at(grads['embed'], x[t], delta @ params['W_xh'])\n"
            "    return loss, grads, Hs[-1]\n")},
        failing={"test_rnn_lm_loss_visible": "The gradient flows through one step only",
                 "test_rnn_lm_loss_hidden": "The gradient flows through one step only"},
        composed=_TRAINING,
    ),
    dict(
        name="embedding_gradient_assigned",
        answers={"rnn_lm_loss": (
            "def rnn_lm_loss(params, x, y, h0):\n"
            "    logits, Hs = rnn_lm_forward(params, x, h0)\n"
            "    T, B = x.shape\n"
            "    loss, dz = softmax_cross_entropy(logits.reshape(T * B, -1), y.reshape(-1))\n"
            "    dz = dz.reshape(logits.shape)\n"
            "    grads = {key: np.zeros_like(value, dtype=float) for key, value in params.items()}\n"
            "    grads['W_hy'] = np.einsum('tbv,tbh->vh', dz, Hs)\n"
            "    grads['b_y'] = dz.sum(axis=(0, 1))\n"
            "    dh_next, de = np.zeros_like(h0), np.zeros(x.shape + (params['embed'].shape[1],))\n"
            "    for t in reversed(range(T)):\n"
            "        h_prev = Hs[t - 1] if t > 0 else h0\n"
            "        delta = (dz[t] @ params['W_hy'] + dh_next) * (1.0 - Hs[t] ** 2)\n"
            "        grads['W_xh'] += delta.T @ params['embed'][x[t]]\n"
            "        grads['W_hh'] += delta.T @ h_prev\n"
            "        grads['b_h'] += delta.sum(axis=0)\n"
            "        de[t] = delta @ params['W_xh']\n"
            "        dh_next = delta @ params['W_hh']\n"
            "    grads['embed'][x.reshape(-1)] = de.reshape(T * B, -1)\n"
            "    return loss, grads, Hs[-1]\n")},
        failing={"test_rnn_lm_loss_visible": "dembed keeps one occurrence of a repeated character",
                 "test_rnn_lm_loss_hidden": "dembed keeps one occurrence of a repeated character"},
        composed=_TRAINING,
    ),
    dict(
        name="clipping_each_array",
        answers={"clip_gradients": (
            "def clip_gradients(grads, max_norm):\n"
            "    norm = float(np.sqrt(sum(np.sum(g ** 2) for g in grads.values())))\n"
            "    return {key: g * min(1.0, max_norm / np.linalg.norm(g)) for key, g in grads.items()}, norm\n")},
        failing={"test_clip_gradients_visible": "Each array was clipped on its own",
                 "test_clip_gradients_hidden": "Each array was clipped on its own"},
        composed=_TRAINING,
    ),
    dict(
        name="sample_state_not_carried",
        answers={"sample": (
            "def sample(params, start_id, n, temperature, rng, h=None):\n"
            "    h0 = np.zeros(len(params['b_h'])) if h is None else h\n"
            "    current, out = start_id, []\n"
            "    for _ in range(n):\n"
            "        h = np.tanh(params['W_xh'] @ params['embed'][current] + params['W_hh'] @ h0 + params['b_h'])\n"
            "        z = params['W_hy'] @ h + params['b_y']\n"
            "        if temperature == 0:\n"
            "            current = int(np.argmax(z))\n"
            "        else:\n"
            "            e = np.exp((z - z.max()) / temperature)\n"
            "            current = min(int((np.cumsum(e / e.sum()) <= rng.random()).sum()), len(z) - 1)\n"
            "        out.append(current)\n"
            "    return out\n")},
        failing={"test_sample_visible": "carry h",
                 "test_sample_hidden": "The state is not carried"},
        composed=_TRAINING,
    ),
    dict(
        name="training_steps_uphill",
        answers={"train_char_lm": (
            "def train_char_lm(train_ids, vocab_size, steps, seed, lr=3.0, max_norm=1.0):\n"
            "    params = init_params(vocab_size, 16, 64, np.random.default_rng(seed))\n"
            "    chunks = stream_chunks(train_ids, 32, 32)\n"
            "    history, h = {'loss': [], 'grad_norm': []}, np.zeros((32, 64))\n"
            "    for step in range(steps):\n"
            "        x, y = chunks[step % len(chunks)]\n"
            "        loss, grads, h = rnn_lm_loss(params, x, y, h)\n"
            "        clipped, norm = clip_gradients(grads, max_norm)\n"
            "        for key in params:\n"
            "            params[key] += lr * clipped[key]\n"
            "        history['loss'].append(loss)\n"
            "        history['grad_norm'].append(norm)\n"
            "    return params, history\n")},
        failing={"test_train_char_lm_visible": "went from",
                 "test_train_char_lm_hidden": "a gradient step goes downhill"},
    ),
    dict(
        name="torch_state_on_a_fixed_device",
        answers={"rnn_lm_torch": (
            "def rnn_lm_torch(X, h0, embed, W_xh, W_hh, b_h, W_hy, b_y):\n"
            "    h = torch.zeros(X.shape[1], W_hh.shape[0], dtype=torch.float64) if h0 is None else h0\n"
            "    states = []\n"
            "    for x_t in X @ embed @ W_xh.T:\n"
            "        h = torch.tanh(x_t + h @ W_hh.T + b_h)\n"
            "        states.append(h)\n"
            "    return torch.stack(states) @ W_hy.T + b_y\n")},
        failing={"test_rnn_lm_torch_visible": "On inputs on the meta device the function failed",
                 "test_rnn_lm_torch_hidden": "Meta tensors have no values"},
    ),
]
