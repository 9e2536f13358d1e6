"""Problems and reference answers for the training-practice exercise (assignment 12).

``make_problem(seed)`` builds a small recurrent regression task that overfits quickly (few noisy
training sequences, a larger validation set), so that early stopping and clipping both act
within a few dozen epochs of a fraction of a second each.

``reference_train`` runs the course's loop (:func:`rnncourse.train.fit`) with the exercise's
interface; its variants reproduce the classic mistakes (no clipping, best parameters not restored).
"""
from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from ..train import fit


class SequenceRegressor(nn.Module):
    """Elman RNN over a (T, B, 1) sequence; a linear read-out of the last state gives one number."""

    def __init__(self, hidden_size: int = 16):
        super().__init__()
        self.rnn = nn.RNN(1, hidden_size)
        self.readout = nn.Linear(hidden_size, 1)

    def forward(self, X):                       # X: (T, B, 1)
        outputs, _ = self.rnn(X)                # (T, B, H)
        return self.readout(outputs[-1]).squeeze(-1)   # (B,)


@dataclass
class Problem:
    model: nn.Module
    train_batches: list
    val_batch: tuple
    loss_fn: nn.Module


def make_problem(seed: int, n_train: int = 24, n_val: int = 64, T: int = 12, hidden_size: int = 16,
                 batch_size: int = 8) -> Problem:
    """Targets: a weighted sum of the inputs plus noise; the model starts from a seeded initialisation."""
    g = torch.Generator().manual_seed(seed)
    weights = torch.linspace(-1.0, 1.0, T)

    def data(n):
        X = torch.randn(T, n, 1, generator=g)                        # (T, n, 1)
        y = torch.einsum("t,tn->n", weights, X[..., 0]) + 0.8 * torch.randn(n, generator=g)
        return X, y

    X, y = data(n_train)
    train_batches = [(X[:, i: i + batch_size], y[i: i + batch_size]) for i in range(0, n_train, batch_size)]
    val_batch = data(n_val)
    torch.manual_seed(seed)
    return Problem(SequenceRegressor(hidden_size), train_batches, val_batch, nn.MSELoss())


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
