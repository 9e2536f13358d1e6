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
                    clip: bool = True, restore_best: bool = True) -> list[float]:
    """The exercise's loop, by the course's ``fit``; returns the validation losses."""
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
