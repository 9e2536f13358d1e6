"""A small regression problem for the training-loop exercise: data batches and a seeded model.

The target is a weighted sum of the T inputs plus noise, ``y = sum_t w_t x_t + 0.8 eps`` with
``w`` evenly spaced in [-1, 1]; the model is an Elman RNN whose last state a linear layer reads.
Shapes: inputs (T, B, 1), targets (B,). Nothing here is an exercise's answer, so graded
notebooks import it.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn


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
