"""Classic mistakes in the sampling assignment and the feedback each must produce."""

_SOFTMAX_OK = (
    "def temperature_softmax(logits, temperature):\n"
    "    s = np.asarray(logits, dtype=float) / temperature\n"
    "    e = np.exp(s - s.max(axis=-1, keepdims=True))\n"
    "    return e / e.sum(axis=-1, keepdims=True)\n")

# Tests of functions that run the student's own temperature_softmax, sample_index or generate: the loss
# gradients (cross_entropy_grad, embedding_softmax_loss) and the experiment (training, then samples).
AFTER_SAMPLING = {"test_cross_entropy_grad_visible", "test_cross_entropy_grad_hidden", "test_embedding_softmax_loss_visible",
                  "test_embedding_softmax_loss_hidden", "test_training_step_visible", "test_training_step_hidden"}

CASES = [
    dict(
        name="multiplies_by_temperature",
        answers={"temperature_softmax": (
            "def temperature_softmax(logits, temperature):\n"
            "    s = np.asarray(logits, dtype=float) * temperature\n"
            "    e = np.exp(s - s.max(axis=-1, keepdims=True))\n"
            "    return e / e.sum(axis=-1, keepdims=True)\n")},
        failing={"test_temperature_softmax_visible": "divide them",
                 "test_temperature_softmax_hidden": "multiplied the scores by the temperature"},
        composed={"test_generate_hidden"} | AFTER_SAMPLING,   # generate runs the student's own temperature_softmax
    ),
    dict(
        name="unstable_softmax",
        answers={"temperature_softmax": (
            "def temperature_softmax(logits, temperature):\n"
            "    e = np.exp(np.asarray(logits, dtype=float) / temperature)\n"
            "    return e / e.sum(axis=-1, keepdims=True)\n")},
        failing={"test_temperature_softmax_visible": "NaN or infinity"},
        composed=AFTER_SAMPLING,
    ),
    dict(
        name="normalised_over_first_axis",
        answers={"temperature_softmax": (
            "def temperature_softmax(logits, temperature):\n"
            "    s = np.asarray(logits, dtype=float) / temperature\n"
            "    e = np.exp(s - s.max())\n"
            "    return e / e.sum(axis=0, keepdims=True)\n")},
        failing={"test_temperature_softmax_hidden": "normalised over the first axis"},
        composed=AFTER_SAMPLING,
    ),
    dict(
        name="greedy_instead_of_sampling",
        answers={"sample_index": (
            "def sample_index(probs, rng):\n"
            "    return np.asarray(probs).argmax(axis=1)\n")},
        failing={"test_sample_index_visible": "was the most likely index", "test_sample_index_hidden": "argmax"},
        composed={"test_generate_hidden"} | AFTER_SAMPLING,   # generate runs the student's own sample_index
    ),
    dict(
        name="state_not_carried",
        answers={"generate": (
            "def generate(step, start_id, stop_id, temperature, rng, max_len=20):\n"
            "    current, out = start_id, []\n"
            "    for _ in range(max_len):\n"
            "        logits, _ = step(current, None)\n"
            "        if temperature == 0:\n"
            "            nxt = int(np.argmax(logits))\n"
            "        else:\n"
            "            nxt = int(sample_index(temperature_softmax(logits, temperature)[None, :], rng)[0])\n"
            "        if nxt == stop_id:\n"
            "            break\n"
            "        out.append(nxt)\n"
            "        current = nxt\n"
            "    return out\n")},
        failing={"test_generate_visible": "carry the state", "test_generate_hidden": "carry the state"},
        composed=AFTER_SAMPLING,
    ),
    dict(
        name="stop_symbol_appended",
        answers={"generate": (
            "def generate(step, start_id, stop_id, temperature, rng, max_len=20):\n"
            "    state, current, out = None, start_id, []\n"
            "    for _ in range(max_len):\n"
            "        logits, state = step(current, state)\n"
            "        if temperature == 0:\n"
            "            nxt = int(np.argmax(logits))\n"
            "        else:\n"
            "            nxt = int(sample_index(temperature_softmax(logits, temperature)[None, :], rng)[0])\n"
            "        out.append(nxt)\n"
            "        if nxt == stop_id:\n"
            "            break\n"
            "        current = nxt\n"
            "    return out\n")},
        failing={"test_generate_visible": "stop symbol was appended", "test_generate_hidden": "stop symbol was appended"},
        composed=AFTER_SAMPLING,
    ),
    dict(
        name="loss_gradient_without_the_temperature",
        answers={"cross_entropy_grad": (
            "def cross_entropy_grad(logits, targets, temperature=1.0):\n"
            "    grad = temperature_softmax(logits, temperature)\n"
            "    grad[np.arange(len(targets)), targets] -= 1.0\n"
            "    return grad / len(targets)\n")},
        failing={"test_cross_entropy_grad_visible": "chain rule", "test_cross_entropy_grad_hidden": "chain rule"},
    ),
    dict(
        name="embedding_gradient_overwritten",
        answers={"embedding_softmax_loss": (
            "def embedding_softmax_loss(ids, targets, E, W_hy, b_y):\n"
            "    X = E[ids]\n"
            "    Z = X @ W_hy.T + b_y\n"
            "    p = temperature_softmax(Z, 1.0)\n"
            "    loss = -np.mean(np.log(p[np.arange(len(ids)), targets]))\n"
            "    G = cross_entropy_grad(Z, targets, 1.0)\n"
            "    dE = np.zeros_like(E)\n"
            "    dE[ids] = G @ W_hy\n"
            "    return loss, dE, G.T @ X, G.sum(axis=0)\n")},
        failing={"test_embedding_softmax_loss_visible": "overwrites", "test_embedding_softmax_loss_hidden": "overwrites"},
    ),
    dict(
        name="padding_counted_in_the_loss",
        answers={"sequence_nll_torch": (
            "def sequence_nll_torch(logits, targets, mask):\n"
            "    nll = -(targets * torch.log_softmax(logits, dim=-1)).sum(dim=-1)\n"
            "    return (nll * mask).mean()\n")},
        failing={"test_sequence_nll_torch_visible": "padding is counted",
                 "test_sequence_nll_torch_hidden": "padding is counted"},
        composed={"test_training_step_visible", "test_training_step_hidden"},   # the experiment runs this loss
    ),
    dict(
        name="loss_count_read_with_item",
        answers={"sequence_nll_torch": (
            "def sequence_nll_torch(logits, targets, mask):\n"
            "    nll = -(targets * torch.log_softmax(logits, dim=-1)).sum(dim=-1)\n"
            "    return (nll * mask).sum() / mask.sum().item()\n")},
        failing={"test_sequence_nll_torch_visible": "meta float32 tensor",
                 "test_sequence_nll_torch_hidden": "Meta tensors have no values"},
    ),
    dict(
        name="training_step_never_clears_the_gradients",
        answers={"training_step": (
            "def training_step(model, optimizer, X, Y, M, max_norm=1.0):\n"
            "    loss = sequence_nll_torch(model(X)[0], Y, M)\n"
            "    loss.backward()\n"
            "    torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm)\n"
            "    optimizer.step()\n"
            "    return loss.item()\n")},
        failing={"test_training_step_visible": "zero_grad", "test_training_step_hidden": "zero_grad"},
    ),
]
