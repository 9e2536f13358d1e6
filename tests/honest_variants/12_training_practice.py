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
]
