"""Experiments of the chapter "Deep and bidirectional RNNs, and ragged batches".

Looking ahead: at every step t the model must name the symbol at step t + d, for several offsets
d at once (negative d: the past, d = 0: the present, positive d: the future). A unidirectional
RNN has read only x_1..x_t at step t, so for d > 0 it can do no better than chance; a
bidirectional one has read the whole sequence. One model per direction is trained for all
offsets jointly (one read-out per offset); steps where t + d falls outside the sequence are left
out of the loss and of the accuracy.
"""
from __future__ import annotations

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

IGNORE = -100                  # cross_entropy's ignore_index: no target at this (t, d)


def offset_task(n: int, T: int, offsets, n_symbols: int, rng: np.random.Generator):
    """One-hot ``X`` (T, n, V) of random symbols and targets (len(offsets), T, n): symbol at t + d."""
    tokens = rng.integers(0, n_symbols, size=(T, n))
    targets = np.full((len(offsets), T, n), IGNORE)
    for k, d in enumerate(offsets):
        lo, hi = max(0, -d), min(T, T - d)                  # t with 0 <= t + d < T
        targets[k, lo:hi] = tokens[lo + d:hi + d]
    return np.eye(n_symbols)[tokens], targets


class OffsetTagger(nn.Module):
    """``nn.LSTM`` (uni- or bidirectional) and one linear read-out per offset at every step."""

    def __init__(self, n_symbols: int, n_offsets: int, hidden_size: int = 32, num_layers: int = 1,
                 bidirectional: bool = False):
        super().__init__()
        self.n_symbols, self.n_offsets = n_symbols, n_offsets
        self.rnn = nn.LSTM(n_symbols, hidden_size, num_layers=num_layers, bidirectional=bidirectional)
        self.readout = nn.Linear(hidden_size * (2 if bidirectional else 1), n_offsets * n_symbols)

    def forward(self, X):                                   # X: (T, B, V)
        outputs, _ = self.rnn(X)                            # (T, B, dirs*H)
        T, B, _ = outputs.shape
        return self.readout(outputs).view(T, B, self.n_offsets, self.n_symbols)  # (T, B, K, V)


def _loss(logits, targets):
    # logits (T, B, K, V), targets (K, T, B) -> mean over every (t, b, k) with a target
    return F.cross_entropy(logits.permute(2, 0, 1, 3).reshape(-1, logits.shape[-1]),
                           targets.reshape(-1), ignore_index=IGNORE)


def train_tagger(model, offsets, n_symbols=4, T=16, steps=300, batch=64, lr=1e-2, seed=0, device="cpu"):
    rng = np.random.default_rng(seed)
    torch.manual_seed(seed)
    model.to(device)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    for _ in range(steps):
        X, y = offset_task(batch, T, offsets, n_symbols, rng)
        X = torch.as_tensor(X, dtype=torch.float32, device=device)
        loss = _loss(model(X), torch.as_tensor(y, device=device))
        opt.zero_grad()
        loss.backward()
        opt.step()
    return model


@torch.no_grad()
def accuracy_by_offset(model, offsets, n_symbols=4, T=16, n=1000, seed=99, device="cpu"):
    """Held-out accuracy for each offset, over the steps that have a target."""
    X, y = offset_task(n, T, offsets, n_symbols, np.random.default_rng(seed))
    logits = model(torch.as_tensor(X, dtype=torch.float32, device=device))   # (T, B, K, V)
    predicted = logits.argmax(-1).permute(2, 0, 1).cpu().numpy()             # (K, T, B)
    return [float((predicted[k] == y[k])[y[k] != IGNORE].mean()) for k in range(len(offsets))]


def compare_directions(offsets=(-3, -2, -1, 0, 1, 2, 3), n_symbols=4, T=16, hidden_size=32,
                       steps=300, seed=0, device="cpu"):
    """Train a uni- and a bidirectional tagger with the same budget; accuracy for each offset."""
    result = {}
    for name, bidirectional in (("unidirectional", False), ("bidirectional", True)):
        torch.manual_seed(seed)
        model = OffsetTagger(n_symbols, len(offsets), hidden_size, bidirectional=bidirectional)
        train_tagger(model, offsets, n_symbols, T, steps, seed=seed, device=device)
        result[name] = accuracy_by_offset(model, offsets, n_symbols, T, device=device)
    return result
