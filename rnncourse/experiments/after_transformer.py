"""Experiments of the chapter on recurrent networks after the Transformer.

1. ``linear_attention_memory``: bytes saved for the backward pass by the masked (T, T) form and
   by the recurrent form of causal linear attention, against T.
2. ``min_rnn_step_times``: one training step (forward + backward) of ``nn.GRU``, ``nn.LSTM``,
   minGRU and minLSTM (parallel scan) against T.
3. ``compare_on_task``: a tanh RNN, an LSTM, a minGRU stack, a Mamba-style selective SSM stack
   and a small Transformer trained with the same tiny budget on selective copying or on
   multi-query associative recall; accuracy at the answer positions and wall time.
"""
from __future__ import annotations

import time

import numpy as np
import torch
from torch import nn

from ..data.recall_tasks import IGNORE, associative_recall, selective_copying
from ..nn.linear_attention import causal_linear_attention
from ..nn.min_rnn import MinGRU, MinLSTM
from ..nn.selective_scan import MambaBlock
from .attention_transformer import _best_time, saved_for_backward_bytes


# --------------------------------------------------------------------------------------------
# 1. Linear attention: memory of the two forms
# --------------------------------------------------------------------------------------------
def linear_attention_memory(Ts=(64, 128, 256, 512, 1024), B=2, d=16, seed=0):
    """Saved-for-backward MiB of each form of causal linear attention, and its state at inference."""
    g = torch.Generator().manual_seed(seed)
    rows = []
    for T in Ts:
        Q, K, V = (torch.randn(T, B, d, generator=g, requires_grad=True) for _ in range(3))
        row = {"T": T}
        for mode in ("masked", "recurrent"):
            row[f"{mode}_saved_mib"] = saved_for_backward_bytes(
                lambda: causal_linear_attention(Q, K, V, mode)[0]) / 2**20
        row["recurrent_state_numbers"] = B * (d * d + d)           # (S, z) carried to the next step
        row["masked_weights_numbers"] = B * T * T                  # the (T, T) matrix of the masked form
        rows.append(row)
    return rows


# --------------------------------------------------------------------------------------------
# 2. minGRU / minLSTM against nn.GRU / nn.LSTM: time of one training step
# --------------------------------------------------------------------------------------------
def min_rnn_step_times(Ts=(64, 256, 1024), B=8, D=32, H=64, repeats=3, seed=0, device="cpu"):
    """Milliseconds of forward + backward (best of ``repeats``) for each model and T."""
    torch.manual_seed(seed)
    models = {"nn.GRU": nn.GRU(D, H), "nn.LSTM": nn.LSTM(D, H), "minGRU": MinGRU(D, H), "minLSTM": MinLSTM(D, H)}
    rows = []
    for T in Ts:
        X = torch.randn(T, B, D, device=device)
        row = {"T": T}
        for name, model in models.items():
            model.to(device)

            def step():
                model.zero_grad()
                model(X)[0].sum().backward()
            row[f"{name}_ms"] = 1e3 * _best_time(step, repeats)
        rows.append(row)
    return rows


# --------------------------------------------------------------------------------------------
# 3. Five models on two selection tasks
# --------------------------------------------------------------------------------------------
class _Residual(nn.Module):
    """x + layer(LayerNorm(x)) for a layer that maps (T, B, E) to (T, B, E) or to (that, state)."""

    def __init__(self, layer, E):
        super().__init__()
        self.norm, self.layer = nn.LayerNorm(E), layer

    def forward(self, X):
        out = self.layer(self.norm(X))
        return X + (out[0] if isinstance(out, tuple) else out)


class TokenModel(nn.Module):
    """Embedding -> a causal sequence body -> a linear read-out at every step; (L, B) -> (L, B, classes)."""

    def __init__(self, kind: str, vocab: int, n_classes: int, E: int = 32, layers: int = 2, max_len: int = 512):
        super().__init__()
        self.kind = kind
        self.embed = nn.Embedding(vocab, E)
        if kind == "tanh RNN":
            self.body = nn.RNN(E, E, num_layers=layers)
        elif kind == "LSTM":
            self.body = nn.LSTM(E, E, num_layers=layers)
        elif kind == "minGRU":
            self.body = nn.Sequential(*[_Residual(MinGRU(E, E), E) for _ in range(layers)])
        elif kind == "selective SSM":
            self.body = nn.Sequential(*[_Residual(MambaBlock(E, expand=1, state_size=8), E) for _ in range(layers)])
        elif kind == "Transformer":
            self.position = nn.Embedding(max_len, E)
            layer = nn.TransformerEncoderLayer(E, 4, 2 * E, dropout=0.0, norm_first=True)
            self.body = nn.TransformerEncoder(layer, layers, enable_nested_tensor=False)
        else:
            raise ValueError(f"unknown model kind {kind!r}")
        self.readout = nn.Linear(E, n_classes)

    def forward(self, tokens):
        X = self.embed(tokens)                                          # (L, B, E)
        L = tokens.shape[0]
        if self.kind == "Transformer":
            X = X + self.position(torch.arange(L, device=tokens.device))[:, None]
            mask = nn.Transformer.generate_square_subsequent_mask(L, device=tokens.device)
            Y = self.body(X, mask=mask, is_causal=True)
        elif self.kind in ("tanh RNN", "LSTM"):
            Y = self.body(X)[0]
        else:
            Y = self.body(X)
        return self.readout(Y)                                          # (L, B, classes)


MODEL_KINDS = ("tanh RNN", "LSTM", "minGRU", "selective SSM", "Transformer")

# Small enough that all five models train on both tasks, two seeds each, in well under a minute of
# one CPU thread, and still far apart: the settings are in ``settings`` for the text to quote.
TASKS = {
    "selective copying": dict(settings=dict(T=16, n_data=3, n_symbols=8), vocab=10, classes=8),
    "associative recall": dict(settings=dict(n_pairs=4, n_queries=2, n_keys=8, n_values=8), vocab=16, classes=8),
}
MAKERS = {"selective copying": selective_copying, "associative recall": associative_recall}


def make_batch(task: str, n: int, rng: np.random.Generator):
    """(tokens, targets) of ``n`` fresh sequences of ``task``, each (L, n)."""
    return MAKERS[task](n, **TASKS[task]["settings"], rng=rng)


def accuracy(model, tokens, targets) -> float:
    """Share of answer positions (targets != IGNORE) predicted exactly."""
    with torch.no_grad():
        predicted = model(tokens).argmax(-1)
    answer = targets != IGNORE
    return float((predicted[answer] == targets[answer]).float().mean())


def train_on_task(kind: str, task: str, steps: int = 250, batch: int = 32, lr: float = 5e-3, seed: int = 0,
                  n_test: int = 500, device="cpu"):
    """Train one model on fresh batches of the task; return test accuracy and training seconds."""
    spec = TASKS[task]
    rng = np.random.default_rng(seed)
    torch.manual_seed(seed)
    model = TokenModel(kind, spec["vocab"], spec["classes"]).to(device)
    optimiser = torch.optim.Adam(model.parameters(), lr=lr)
    start = time.perf_counter()
    for _ in range(steps):
        tokens, targets = (torch.as_tensor(a, device=device) for a in make_batch(task, batch, rng))
        loss = nn.functional.cross_entropy(model(tokens).flatten(0, 1), targets.flatten(), ignore_index=IGNORE)
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
    seconds = time.perf_counter() - start
    tokens, targets = (torch.as_tensor(a, device=device) for a in make_batch(task, n_test, np.random.default_rng(10_000 + seed)))
    return {"model": kind, "task": task, "seed": seed, "accuracy": accuracy(model, tokens, targets),
            "train_seconds": seconds, "parameters": sum(p.numel() for p in model.parameters())}


def compare_on_task(task: str, kinds=MODEL_KINDS, seeds=(0, 1), **kwargs):
    """Every model kind on one task, for each seed: a list of ``train_on_task`` records."""
    return [train_on_task(kind, task, seed=seed, **kwargs) for kind in kinds for seed in seeds]
