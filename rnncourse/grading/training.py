"""Problems and reference answers for the training-practice exercise (assignment 12).

``make_problem(seed)`` builds a small recurrent regression task that overfits quickly (few noisy
training sequences, a larger validation set), so that early stopping and clipping both act
within a few dozen epochs of a fraction of a second each.

``reference_train`` runs the course's loop (:func:`rnncourse.train.fit`) with the exercise's
interface; its variants reproduce the classic mistakes (no clipping, best parameters not restored).
"""
from __future__ import annotations

import torch

from ..train import fit
from .problems import Problem, SequenceRegressor, make_problem  # noqa: F401  (re-exported)


def reference_train(model, train_batches, val_batch, loss_fn, optimizer, max_epochs, max_norm, patience,
                    clip: bool = True, restore_best: bool = True, zero_grad: bool = True,
                    first_batch_only: bool = False) -> list[float]:
    """The exercise's loop, by the course's ``fit``; returns the validation losses. ``zero_grad=False`` (gradients
    that pile up across batches) and ``first_batch_only`` (one update per epoch) run the loop written out."""
    if not zero_grad or first_batch_only:
        return _loop(model, train_batches[:1] if first_batch_only else train_batches, val_batch, loss_fn, optimizer,
                     max_epochs, max_norm, patience, zero_grad)
    history = fit(model, train_batches, [val_batch], lambda m, b: (loss_fn(m(b[0]), b[1]), 1),
                  optimizer=optimizer, epochs=max_epochs, max_grad_norm=max_norm if clip else None,
                  patience=patience, restore_best=restore_best, progress=False)
    return history.val_loss


def reference_clip(parameters, max_norm: float) -> float:
    """The course's clipping by the global norm (returns the norm before clipping)."""
    return float(torch.nn.utils.clip_grad_norm_(list(parameters), max_norm))


def reference_should_stop(val_losses, patience: int) -> bool:
    """True when none of the last ``patience`` losses is below the best loss before them."""
    if len(val_losses) <= patience:
        return False
    return min(val_losses[-patience:]) >= min(val_losses[:-patience])


def _loop(model, train_batches, val_batch, loss_fn, optimizer, max_epochs, max_norm, patience, zero_grad):
    """The exercise's loop written out: per batch (zero_grad,) loss, backward, clip, step; one validation loss per
    epoch; the best parameters restored."""
    import copy

    history, best, best_state = [], float("inf"), None
    for _ in range(max_epochs):
        model.train()
        for X, y in train_batches:
            if zero_grad:
                optimizer.zero_grad()
            loss_fn(model(X), y).backward()
            reference_clip(model.parameters(), max_norm)
            optimizer.step()
        model.eval()
        with torch.no_grad():
            history.append(float(loss_fn(model(val_batch[0]), val_batch[1])))
        if history[-1] < best:
            best, best_state = history[-1], copy.deepcopy(model.state_dict())
        if reference_should_stop(history, patience):
            break
    if best_state is not None:
        model.load_state_dict(best_state)
    return history
