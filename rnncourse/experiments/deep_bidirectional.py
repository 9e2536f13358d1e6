"""Experiments of the chapter "Deep and bidirectional RNNs, and ragged batches".

Looking ahead: at every step t the model must name the symbol at step t + d, for several offsets
d at once (negative d: the past, d = 0: the present, positive d: the future). A unidirectional
RNN has read only x_1..x_t at step t, so for d > 0 it can do no better than chance; a
bidirectional one has read the whole sequence. One model per direction is trained for all
offsets jointly (one read-out per offset); steps where t + d falls outside the sequence are left
out of the loss and of the accuracy.

Convolutions over time, the other way to read a sequence (:class:`CausalConvTagger`): a stack of
causal 1-D convolutions sees a fixed window of the past, its receptive field, and computes every
step at once; :func:`train_echo` and :func:`time_forward_backward` compare it with an RNN on the
echo task of the BPTT chapter (repeat the sign seen ``delay`` steps ago).
"""
from __future__ import annotations

import time

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


class CausalConvTagger(nn.Module):
    """Causal 1-D convolutions over time with a read-out at every step (two classes).

    Layer j has kernel size ``kernel`` and dilation ``dilations[j]``; each pads on the left only, so
    the output at step t depends on inputs t - r + 1 .. t, with receptive field
    r = 1 + (kernel - 1) * sum(dilations).
    """

    def __init__(self, channels: int = 24, kernel: int = 3, dilations=(1, 1)):
        super().__init__()
        self.kernel, self.dilations = kernel, tuple(dilations)
        sizes = [1] + [channels] * len(self.dilations)
        self.convs = nn.ModuleList(nn.Conv1d(a, b, kernel, dilation=d)
                                   for a, b, d in zip(sizes[:-1], sizes[1:], self.dilations))
        self.readout = nn.Linear(channels, 2)

    @property
    def receptive_field(self) -> int:
        return 1 + (self.kernel - 1) * sum(self.dilations)

    def forward(self, X, h=None):                      # X: (T, B, 1), time-major
        Z = X.permute(1, 2, 0)                         # (B, 1, T): Conv1d wants channels, then time
        for conv, d in zip(self.convs, self.dilations):
            Z = torch.relu(conv(F.pad(Z, ((self.kernel - 1) * d, 0))))   # left padding: causal
        return self.readout(Z.permute(2, 0, 1)), None  # (T, B, 2); no state


def train_echo(model: nn.Module, delay: int, T: int = 32, batch: int = 32, steps: int = 150,
               lr: float = 0.01, seed: int = 0) -> float:
    """Train ``model`` (``model(X) -> (logits (T, B, 2), state)``) on the echo task with full
    backpropagation; return its held-out accuracy on the steps that have a target (chance 0.5)."""
    from .bptt import echo_task

    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    optimiser = torch.optim.Adam(model.parameters(), lr=lr)
    for _ in range(steps):
        X, y = echo_task(batch, T, delay, rng)
        logits, _ = model(torch.tensor(X, dtype=torch.float32))
        loss = F.cross_entropy(logits.reshape(-1, 2), torch.tensor(y).reshape(-1), ignore_index=-1)
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
    X, y = echo_task(500, T, delay, rng)
    with torch.no_grad():
        prediction = model(torch.tensor(X, dtype=torch.float32))[0].argmax(-1).numpy()
    has_target = y >= 0
    return float((prediction[has_target] == y[has_target]).mean())


def time_forward_backward(model: nn.Module, T: int, batch: int = 8, repeats: int = 3) -> float:
    """Best-of-``repeats`` seconds of one forward and backward pass over a (T, batch, 1) input."""
    X = torch.randn(T, batch, 1)
    best = float("inf")
    for _ in range(repeats + 1):                       # the first pass warms up
        start = time.perf_counter()
        model(X)[0].sum().backward()
        best = min(best, time.perf_counter() - start)
    return best
