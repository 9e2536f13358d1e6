"""Experiments of the chapter "Attention, and RNNs against the Transformer".

1. An encoder-decoder GRU on the *reverse* task (output the input sequence backwards), with and
   without attention over the encoder states: accuracy against sequence length.
2. Costs of an LSTM layer against a self-attention layer as T grows: sequential steps, path
   length, FLOPs, memory saved for the backward pass, and measured wall time.
3. A linear recurrence by a sequential loop against the Hillis-Steele scan and the chunked scan.

Every function takes ``device`` and a seed; nothing is created on a fixed device.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from ..nn.attention import AdditiveAttention, DotProductAttention
from ..scan import linear_recurrence_chunked, linear_recurrence_loop, linear_recurrence_scan

BOS = 0                       # start-of-output token; symbols are 1..n_symbols


# --------------------------------------------------------------------------------------------
# 1. Encoder-decoder on the reverse task
# --------------------------------------------------------------------------------------------
def reverse_task(n: int, T: int, n_symbols: int, rng: np.random.Generator):
    """``src`` (T, n) random symbols in 1..n_symbols and ``tgt`` (T, n) = ``src`` reversed in time."""
    src = rng.integers(1, n_symbols + 1, size=(T, n))
    return src, src[::-1].copy()


class Seq2Seq(nn.Module):
    """GRU encoder, GRU decoder; the decoder reads the encoder only through its final state
    (``attention=None``) or also through an attention context at every step.

    Decoder step t (Luong et al., 2015):  s_t = GRUCell([emb(y_{t-1}); c_{t-1}], s_{t-1}),
    c_t = attention(s_t, encoder states), logits_t = W_out [s_t; c_t].
    Without attention c_t is absent and the final encoder state is the only bridge.
    """

    def __init__(self, n_symbols: int, embed_size: int = 16, hidden_size: int = 64,
                 attention: str | None = "dot"):
        super().__init__()
        self.embed = nn.Embedding(n_symbols + 1, embed_size)
        self.encoder = nn.GRU(embed_size, hidden_size)
        self.attention_kind = attention
        if attention == "dot":
            self.attention = DotProductAttention(scaled=True)
        elif attention == "additive":
            self.attention = AdditiveAttention(hidden_size, hidden_size, hidden_size)
        elif attention is None:
            self.attention = None
        else:
            raise ValueError(f"attention must be 'dot', 'additive' or None, got {attention!r}")
        context_size = hidden_size if attention else 0
        self.decoder = nn.GRUCell(embed_size + context_size, hidden_size)
        self.out = nn.Linear(hidden_size + context_size, n_symbols + 1)

    def forward(self, src, tgt=None, T_out=None):
        """Logits (T_out, B, V) and attention weights (T_out, B, S) or None.

        With ``tgt`` the decoder is fed the true previous symbol (teacher forcing); without it,
        its own greedy prediction.
        """
        enc, h_T = self.encoder(self.embed(src))                 # (S, B, H), (1, B, H)
        s = h_T[0]                                                # (B, H)
        B = src.shape[1]
        T_out = src.shape[0] if T_out is None else T_out
        y_prev = src.new_full((B,), BOS)
        c = enc.new_zeros(B, enc.shape[-1]) if self.attention else None
        extra = {"projected_keys": self.attention.W_k(enc)} if self.attention_kind == "additive" else {}
        logits, weights = [], []
        for t in range(T_out):
            inp = self.embed(y_prev)
            if self.attention:
                inp = torch.cat([inp, c], dim=-1)
            s = self.decoder(inp, s)                              # (B, H)
            if self.attention:
                c, alpha = self.attention(s, enc, None, **extra)  # (B, H), (B, S)
                weights.append(alpha)
                logit = self.out(torch.cat([s, c], dim=-1))
            else:
                logit = self.out(s)
            logits.append(logit)
            y_prev = tgt[t] if tgt is not None else logit.argmax(-1)
        return torch.stack(logits), (torch.stack(weights) if weights else None)


@dataclass
class Seq2SeqResult:
    lengths: list[int]
    accuracy: dict[str, list[float]] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)


def train_seq2seq(model, n_symbols=8, lengths=(4, 16), steps=300, batch=64, lr=5e-3, seed=0,
                  device="cpu"):
    """Teacher-forced cross-entropy on fresh batches, each of a random length in ``lengths``."""
    rng = np.random.default_rng(seed)
    torch.manual_seed(seed)
    model.to(device)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    for _ in range(steps):
        T = int(rng.integers(lengths[0], lengths[1] + 1))
        src, tgt = (torch.as_tensor(a, device=device) for a in reverse_task(batch, T, n_symbols, rng))
        logits, _ = model(src, tgt)
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), tgt.reshape(-1))
        opt.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
    return model


@torch.no_grad()
def seq2seq_accuracy(model, T, n_symbols=8, n=500, seed=1234, device="cpu"):
    """Per-symbol accuracy of greedy decoding (the model reads its own predictions)."""
    src, tgt = reverse_task(n, T, n_symbols, np.random.default_rng(seed + T))
    src, tgt = torch.as_tensor(src, device=device), torch.as_tensor(tgt, device=device)
    logits, _ = model.eval()(src)
    model.train()
    return float((logits.argmax(-1) == tgt).float().mean())


def compare_attention(kinds=(None, "dot"), lengths=(4, 8, 12, 16, 20, 24), train_lengths=(4, 16),
                      steps=300, hidden_size=64, n_symbols=8, seed=0, device="cpu"):
    """Train one model per attention kind and measure greedy accuracy at each test length."""
    result = Seq2SeqResult(lengths=list(lengths))
    models = {}
    for kind in kinds:
        torch.manual_seed(seed)
        model = Seq2Seq(n_symbols, hidden_size=hidden_size, attention=kind)
        start = time.perf_counter()
        train_seq2seq(model, n_symbols, train_lengths, steps, seed=seed, device=device)
        name = kind or "none"
        result.seconds[name] = time.perf_counter() - start
        result.accuracy[name] = [seq2seq_accuracy(model, T, n_symbols, device=device) for T in lengths]
        models[name] = model
    return result, models


@torch.no_grad()
def attention_map(model, T, n_symbols=8, seed=7, device="cpu"):
    """Source symbols, greedy output and attention weights (T_out, S) for one random sequence."""
    src, _ = reverse_task(1, T, n_symbols, np.random.default_rng(seed))
    src = torch.as_tensor(src, device=device)
    logits, weights = model.eval()(src)
    model.train()
    return {"source": src[:, 0].tolist(), "output": logits.argmax(-1)[:, 0].tolist(),
            "weights": None if weights is None else weights[:, 0].tolist()}


def seq2seq_record(kinds=(None, "dot", "additive"), test_lengths=(4, 8, 12, 16, 20, 24, 28, 32),
                   train_lengths=(4, 24), steps=1500, hidden_size=64, n_symbols=8, seed=0,
                   map_length=12, device="cpu"):
    """Everything the chapter plots, as plain JSON-ready Python values."""
    result, models = compare_attention(kinds, test_lengths, train_lengths, steps, hidden_size,
                                       n_symbols, seed, device)
    return {
        "config": {"kinds": [k or "none" for k in kinds], "test_lengths": list(test_lengths),
                   "train_lengths": list(train_lengths), "steps": steps, "hidden_size": hidden_size,
                   "n_symbols": n_symbols, "seed": seed, "batch": 64, "lr": 5e-3},
        "accuracy": result.accuracy,
        "train_seconds": {k: round(v, 1) for k, v in result.seconds.items()},
        "attention_maps": {name: attention_map(m, map_length, n_symbols, device=device)
                           for name, m in models.items() if name != "none"},
    }


# --------------------------------------------------------------------------------------------
# 2. LSTM layer against self-attention layer: what grows with T
# --------------------------------------------------------------------------------------------
def lstm_flops(T, B, D, H):
    """Multiply-adds x 2 of one LSTM layer's forward pass: 4 gates, each W_ih x_t + W_hh h_{t-1}."""
    return 2 * T * B * 4 * H * (D + H)


def self_attention_flops(T, B, E):
    """Forward FLOPs of one self-attention layer: Q, K, V and output projections, Q K^T and A V."""
    return 2 * T * B * 4 * E * E + 2 * 2 * T * T * B * E


def saved_for_backward_bytes(fn, *inputs) -> int:
    """Bytes of the tensors autograd keeps for the backward pass while ``fn(*inputs)`` runs.

    Counted with ``torch.autograd.graph.saved_tensors_hooks``; a tensor saved twice (same storage)
    counts once. Parameters are excluded: they exist whatever the sequence length.
    """
    seen: dict[tuple[int, int], int] = {}
    param_ptrs = set()

    def pack(tensor):
        if tensor.device.type != "meta":
            key = (tensor.untyped_storage().data_ptr(), tensor.untyped_storage().nbytes())
            if key[0] not in param_ptrs:
                seen[key] = key[1]
        return tensor

    for x in inputs:
        if isinstance(x, nn.Module):
            param_ptrs.update(p.untyped_storage().data_ptr() for p in x.parameters())
    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        fn()
    return sum(seen.values())


def _best_time(fn, repeats=3) -> float:
    fn()                                                  # warm-up (allocator, kernels)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def lstm_vs_attention(Ts=(32, 64, 128, 256, 512, 1024), B=4, E=128, num_heads=4, repeats=3,
                      seed=0, device="cpu"):
    """One ``nn.LSTM`` layer (input and hidden size E) against one ``nn.MultiheadAttention``
    self-attention layer (E, ``num_heads``) on the same (T, B, E) input, for each T.

    Returns a list of dicts with the counted and the measured costs.
    """
    torch.manual_seed(seed)
    lstm = nn.LSTM(E, E).to(device)
    attn = nn.MultiheadAttention(E, num_heads).to(device)
    rows = []
    for T in Ts:
        X = torch.randn(T, B, E, device=device, requires_grad=True)

        def run_lstm():
            return lstm(X)[0]

        def run_attn():
            return attn(X, X, X, need_weights=False)[0]

        row = {"T": T,
               "lstm_sequential_steps": T, "attention_sequential_steps": 1,
               "lstm_path_length": T - 1, "attention_path_length": 1,
               "lstm_gflop": lstm_flops(T, B, E, E) / 1e9,
               "attention_gflop": self_attention_flops(T, B, E) / 1e9,
               "lstm_saved_mb": saved_for_backward_bytes(run_lstm, lstm) / 2**20,
               "attention_saved_mb": saved_for_backward_bytes(
                   lambda: attn(X, X, X, need_weights=True, average_attn_weights=False)[0], attn) / 2**20,
               # streaming inference: what must be kept to produce step T+1
               "lstm_state_kb": 2 * B * E * 4 / 2**10,            # (h, c), float32
               "attention_kv_cache_kb": 2 * T * B * E * 4 / 2**10}  # every past key and value
        with torch.no_grad():
            row["lstm_ms"] = 1e3 * _best_time(run_lstm, repeats)
            row["attention_ms"] = 1e3 * _best_time(run_attn, repeats)
        rows.append(row)
    return rows


# --------------------------------------------------------------------------------------------
# 3. Linear recurrence: loop against the two scans
# --------------------------------------------------------------------------------------------
def scan_timing(Ts=(16, 64, 256, 1024, 4096), width=256, repeats=3, seed=0, device="cpu"):
    """Wall time of the sequential loop, the Hillis-Steele scan and the chunked scan for
    h_t = a_t h_{t-1} + b_t, with each scan's largest difference from the loop."""
    g = torch.Generator().manual_seed(seed)
    methods = {"loop": linear_recurrence_loop, "scan": linear_recurrence_scan, "chunked": linear_recurrence_chunked}
    rows = []
    for T in Ts:
        a = torch.rand(T, width, generator=g).to(device)  # (T, width)
        b = torch.randn(T, width, generator=g).to(device)
        with torch.no_grad():
            h = {name: run(a, b) for name, run in methods.items()}
            row = {"T": T}
            for name, run in methods.items():
                row[f"{name}_ms"] = 1e3 * _best_time(lambda: run(a, b), repeats)
            row["max_abs_difference"] = float((h["scan"] - h["loop"]).abs().max())
            row["chunked_max_abs_difference"] = float((h["chunked"] - h["loop"]).abs().max())
            rows.append(row)
    return rows
