"""Classic mistakes in the training-practice assignment and the feedback each must produce."""

_LOOP = (
    "def train_with_early_stopping(model, train_batches, val_batch, loss_fn, optimizer, max_epochs, max_norm, patience):\n"
    "    history, best, best_state = [], float('inf'), None\n"
    "    X_val, y_val = val_batch\n"
    "    for epoch in range(max_epochs):\n"
    "        model.train()\n"
    "        for X, y in train_batches:\n"
    "            optimizer.zero_grad()\n"
    "            loss = loss_fn(model(X), y)\n"
    "            loss.backward()\n"
    "CLIP"
    "            optimizer.step()\n"
    "        model.eval()\n"
    "        with torch.no_grad():\n"
    "            val = float(loss_fn(model(X_val), y_val))\n"
    "        history.append(val)\n"
    "        if val < best:\n"
    "            best, best_state = val, SAVE\n"
    "        if should_stop(history, patience):\n"
    "            break\n"
    "    model.load_state_dict(best_state)\n"
    "    return history\n")

_CLIP = "            clip_grad_norm(model.parameters(), max_norm)\n"

# The experiment runs the student's own clip_grad_norm.
_EXPERIMENT = {"test_clipping_experiment_visible", "test_clipping_experiment_hidden"}

CASES = [
    dict(
        name="clips_each_tensor_separately",
        answers={"clip_grad_norm": (
            "def clip_grad_norm(parameters, max_norm):\n"
            "    total = 0.0\n"
            "    for p in parameters:\n"
            "        if p.grad is None:\n"
            "            continue\n"
            "        n = float(p.grad.norm())\n"
            "        total += n ** 2\n"
            "        if n > max_norm:\n"
            "            p.grad.mul_(max_norm / (n + 1e-6))\n"
            "    return total ** 0.5\n")},
        failing={"test_clip_grad_norm_visible": "clipped on its own", "test_clip_grad_norm_hidden": "clipped on its own"},
        composed={"test_train_hidden"} | _EXPERIMENT,   # the training loop runs the student's own clip_grad_norm
    ),
    dict(
        name="always_rescales",
        answers={"clip_grad_norm": (
            "def clip_grad_norm(parameters, max_norm):\n"
            "    grads = [p.grad for p in parameters if p.grad is not None]\n"
            "    norm = float(torch.sqrt(sum((g ** 2).sum() for g in grads)))\n"
            "    for g in grads:\n"
            "        g.mul_(max_norm / (norm + 1e-6))\n"
            "    return norm\n")},
        failing={"test_clip_grad_norm_visible": "already below max_norm",
                 "test_clip_grad_norm_hidden": "already below max_norm"},
        composed={"test_train_hidden"} | _EXPERIMENT,   # the training loop runs the student's own clip_grad_norm
    ),
    dict(
        name="clamps_entries",
        answers={"clip_grad_norm": (
            "def clip_grad_norm(parameters, max_norm):\n"
            "    grads = [p.grad for p in parameters if p.grad is not None]\n"
            "    norm = float(torch.sqrt(sum((g ** 2).sum() for g in grads)))\n"
            "    for g in grads:\n"
            "        g.clamp_(-max_norm, max_norm)\n"
            "    return norm\n")},
        failing={"test_clip_grad_norm_visible": "changes the direction",
                 "test_clip_grad_norm_hidden": "changes the direction"},
        composed={"test_train_hidden"} | _EXPERIMENT,
    ),
    dict(
        name="compares_with_previous_epoch",
        answers={"should_stop": (
            "def should_stop(val_losses, patience):\n"
            "    if len(val_losses) <= patience:\n"
            "        return False\n"
            "    recent = val_losses[-patience - 1:]\n"
            "    return all(b >= a for a, b in zip(recent[:-1], recent[1:]))\n")},
        # the loop's visible test and its hidden one run the student's own stopping rule: they stop at the wrong
        # epoch too (the hidden one on most of the grader's problems)
        failing={"test_should_stop_visible": "compare with the best", "test_should_stop_hidden": "should_stop(",
                 "test_train_visible": "stop exactly 5 epochs after the best one"},
        composed={"test_train_hidden"},
    ),
    dict(
        name="loop_without_clipping",
        answers={"train_with_early_stopping": _LOOP.replace("CLIP", "").replace("SAVE", "copy.deepcopy(model.state_dict())")},
        failing={"test_train_visible": "clip the gradients after backward()",
                 "test_train_hidden": "without clipping"},
    ),
    dict(
        name="state_dict_not_copied",
        answers={"train_with_early_stopping": _LOOP.replace("CLIP", _CLIP).replace("SAVE", "model.state_dict()")},
        failing={"test_train_visible": "copy.deepcopy", "test_train_hidden": "parameters of the last epoch"},
    ),
    dict(
        name="gradient_counts_only_the_last_step",
        answers={"linear_rnn_weight_gradient": (
            "def linear_rnn_weight_gradient(w, x):\n"
            "    h = [0.0]\n"
            "    for x_t in x:\n"
            "        h.append(w * h[-1] + x_t)\n"
            "    return float(h[-1] * h[-2])\n")},
        failing={"test_linear_rnn_weight_gradient_visible": "Only the last step's use of w",
                 "test_linear_rnn_weight_gradient_hidden": "Only the last step's use of w"},
    ),
    dict(
        name="clipped_step_branches_on_the_norm",
        answers={"clipped_sgd_step": (
            "def clipped_sgd_step(theta, grad, lr, max_norm):\n"
            "    norm = torch.linalg.vector_norm(grad)\n"
            "    if norm > max_norm:\n"
            "        grad = grad * max_norm / (norm + 1e-6)\n"
            "    return theta - lr * grad\n")},
        failing={"test_clipped_sgd_step_visible": "without a Python if",
                 "test_clipped_sgd_step_hidden": "Python if on a tensor"},
    ),
    dict(
        name="experiment_clips_both_runs",
        answers={"clipping_experiment": (
            "def clipping_experiment(series, lr, max_norm, steps, seed):\n"
            "    window = 24\n"
            "    N = len(series) - window\n"
            "    X = torch.tensor(np.stack([series[n:n + window] for n in range(N)], axis=1)[:, :, None], dtype=torch.float32)\n"
            "    y = torch.tensor(np.asarray(series[window:]), dtype=torch.float32)\n"
            "    result = {}\n"
            "    for name in ('unclipped', 'clipped'):\n"
            "        torch.manual_seed(seed)\n"
            "        rnn, readout = torch.nn.RNN(1, 16), torch.nn.Linear(16, 1)\n"
            "        parameters = [*rnn.parameters(), *readout.parameters()]\n"
            "        optimizer = torch.optim.SGD(parameters, lr=lr)\n"
            "        losses, norms = [], []\n"
            "        for _ in range(steps):\n"
            "            optimizer.zero_grad()\n"
            "            loss = ((readout(rnn(X)[0][-1]).squeeze(-1) - y) ** 2).mean()\n"
            "            loss.backward()\n"
            "            norms.append(clip_grad_norm(parameters, max_norm))\n"
            "            optimizer.step()\n"
            "            losses.append(loss.item())\n"
            "        result[name], result[name + '_norms'] = np.array(losses), np.array(norms)\n"
            "    return result\n")},
        failing={"test_clipping_experiment_visible": "really unclipped",
                 "test_clipping_experiment_hidden": "really unclipped"},
    ),
]
