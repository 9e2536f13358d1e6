"""Honest variants of the training-practice assignment (format: see tests/honest_variants/__init__.py)."""

VARIANTS = [
    dict(name="norm_of_norms_and_parameter_copies", answers={
        "clip_grad_norm": '''
def clip_grad_norm(parameters, max_norm):
    grads = [p.grad for p in parameters if p.grad is not None]
    if len(grads) == 0:
        return 0.0
    total = float(torch.linalg.vector_norm(torch.stack([torch.linalg.vector_norm(g) for g in grads])))
    factor = max_norm / (total + 1e-6)
    if factor < 1.0:
        for g in grads:
            g *= factor
    return total
''',
        "should_stop": '''
def should_stop(val_losses, patience):
    best_before = float("inf")
    for loss in val_losses[:len(val_losses) - patience]:
        best_before = min(best_before, loss)
    if len(val_losses) <= patience:
        return False
    return all(loss >= best_before for loss in val_losses[-patience:])
''',
        "train_with_early_stopping": '''
def train_with_early_stopping(model, train_batches, val_batch, loss_fn, optimizer, max_epochs, max_norm, patience):
    losses, best_params = [], None
    for epoch in range(max_epochs):
        model.train()
        for X, y in train_batches:
            optimizer.zero_grad()
            loss_fn(model(X), y).backward()
            clip_grad_norm(list(model.parameters()), max_norm)
            optimizer.step()
        model.eval()
        with torch.no_grad():
            losses.append(loss_fn(model(val_batch[0]), val_batch[1]).item())
        if losses[-1] == min(losses):
            best_params = [p.detach().clone() for p in model.parameters()]
        if should_stop(losses, patience):
            break
    with torch.no_grad():
        for p, best in zip(model.parameters(), best_params):
            p.copy_(best)
    return losses
'''}),
    dict(name="closed_form_gradient_and_unfolded_windows", answers={
        "linear_rnn_weight_gradient": '''
def linear_rnn_weight_gradient(w, x):
    x = np.asarray(x, dtype=float)
    T = len(x)
    powers = np.arange(T - 1, -1, -1)                  # T - t for t = 1..T
    h_T = np.sum(w ** powers * x)                     # h_T = sum_t w^(T-t) x_t
    dh_T = sum(k * w ** (k - 1) * x_t for k, x_t in zip(powers, x) if k > 0)
    return float(h_T * dh_T)
''',
        "clipped_sgd_step": '''
def clipped_sgd_step(theta, grad, lr, max_norm):
    norm = grad.pow(2).sum().sqrt()
    factor = torch.minimum(torch.ones_like(norm), max_norm / (norm + 1e-6))
    return theta.sub(grad * factor, alpha=lr)
''',
        "clipping_experiment": '''
def clipping_experiment(series, lr, max_norm, steps, seed):
    values = torch.as_tensor(np.asarray(series, dtype=np.float32))
    windows = values.unfold(0, 25, 1)                  # (N, 25): 24 inputs and the value after them
    X, y = windows[:, :24].T.unsqueeze(-1), windows[:, 24]
    runs = {}
    for label, limit in (("clipped", max_norm), ("unclipped", float("inf"))):
        torch.manual_seed(seed)
        rnn = torch.nn.RNN(1, 16)
        readout = torch.nn.Linear(16, 1)
        params = list(rnn.parameters()) + list(readout.parameters())
        sgd = torch.optim.SGD(params, lr=lr)
        losses, norms = np.zeros(steps), np.zeros(steps)
        for step in range(steps):
            sgd.zero_grad()
            prediction = readout(rnn(X)[0][-1])[:, 0]
            loss = torch.nn.functional.mse_loss(prediction, y)
            loss.backward()
            norms[step] = clip_grad_norm(iter(params), limit)
            losses[step] = float(loss.detach())
            sgd.step()
        runs[label], runs[label + "_norms"] = losses, norms
    return runs
'''}),
]
