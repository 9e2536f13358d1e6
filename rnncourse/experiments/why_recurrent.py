"""Order-blind model against a tiny RNN on the order task (chapter "Why recurrent networks?").

Both models see the same one-hot sequences. The bag-of-inputs model averages them over time
before anything else, so it cannot tell "A then B" from "B then A"; the RNN reads them in order
and carries a hidden state.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn

from ..data.synthetic import ORDER_VOCAB, order_task


class BagOfInputs(nn.Module):
    """Mean over time, then a two-layer perceptron: invariant to any reordering of the steps."""

    def __init__(self, input_size: int, hidden_size: int):
        super().__init__()
        self.mlp = nn.Sequential(nn.Linear(input_size, hidden_size), nn.Tanh(), nn.Linear(hidden_size, 1))

    def forward(self, X):                      # X: (T, B, D)
        return self.mlp(X.mean(dim=0)).squeeze(-1)   # (B,) logits


class TinyRNN(nn.Module):
    """An Elman RNN read to the end; its final hidden state feeds a linear read-out."""

    def __init__(self, input_size: int, hidden_size: int):
        super().__init__()
        self.rnn = nn.RNN(input_size, hidden_size)   # time-major, as everywhere in the course
        self.readout = nn.Linear(hidden_size, 1)

    def forward(self, X):                      # X: (T, B, D)
        _, h_T = self.rnn(X)                   # h_T: (1, B, H)
        return self.readout(h_T[-1]).squeeze(-1)     # (B,) logits


@dataclass
class History:
    step: list[int] = field(default_factory=list)
    accuracy: list[float] = field(default_factory=list)


def accuracy(model: nn.Module, X: torch.Tensor, y: torch.Tensor) -> float:
    with torch.no_grad():
        return float(((model(X) > 0).long() == y).float().mean())


def train(model, lengths=(5, 20), steps=400, batch=64, lr=1e-2, seed=0, device="cpu", eval_every=20):
    """Train ``model`` on fresh batches of the order task; return its held-out accuracy history.

    Each batch has its own length, drawn uniformly from ``lengths`` (inclusive): the same weights
    must serve every length. Held-out accuracy is measured at the middle length.
    """
    rng = np.random.default_rng(seed)
    torch.manual_seed(seed)
    model = model.to(device)
    X_val, y_val = order_task(1000, (lengths[0] + lengths[1]) // 2, np.random.default_rng(seed + 1))
    X_val = torch.as_tensor(X_val, dtype=torch.float32, device=device)
    y_val = torch.as_tensor(y_val, device=device)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    loss_fn = nn.BCEWithLogitsLoss()
    history = History()
    for step in range(steps + 1):
        if step % eval_every == 0:
            history.step.append(step)
            history.accuracy.append(accuracy(model, X_val, y_val))
        if step == steps:
            break
        X, y = order_task(batch, int(rng.integers(lengths[0], lengths[1] + 1)), rng)
        X = torch.as_tensor(X, dtype=torch.float32, device=device)
        y = torch.as_tensor(y, dtype=torch.float32, device=device)
        opt.zero_grad()
        loss_fn(model(X), y).backward()
        opt.step()
    return history


def accuracy_by_length(model, lengths, n=1000, seed=123, device="cpu") -> list[float]:
    """Accuracy of a trained model on sequences of each length in ``lengths`` (same weights)."""
    out = []
    for T in lengths:
        X, y = order_task(n, T, np.random.default_rng(seed + T))
        out.append(accuracy(model, torch.as_tensor(X, dtype=torch.float32, device=device),
                            torch.as_tensor(y, device=device)))
    return out


def make_models(hidden_size=16, seed=0):
    torch.manual_seed(seed)
    return BagOfInputs(ORDER_VOCAB, hidden_size), TinyRNN(ORDER_VOCAB, hidden_size)
