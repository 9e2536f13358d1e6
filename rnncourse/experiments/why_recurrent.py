"""Order-blind model against a tiny RNN on the order task (chapter "Why recurrent networks?").

Both models see the same one-hot sequences. The bag-of-inputs model averages them over time
before anything else, so it cannot tell "A then B" from "B then A"; the RNN reads them in order
and carries a hidden state.

The same two models also read audio as a sequence of frames (:func:`chirp_task`): a synthetic
signal is cut into overlapping frames, each frame becomes a short vector of log band energies,
and the label says whether the pitch rises or falls. A falling chirp is a rising one played
backwards, so both have the same frames in the opposite order.
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


def train(model, lengths=(5, 20), steps=400, batch=64, lr=1e-2, seed=0, device="cpu", eval_every=20,
          task=order_task):
    """Train ``model`` on fresh batches of ``task``; return its held-out accuracy history.

    ``task(n, T, rng)`` returns inputs (T, n, D) and 0/1 labels (n,) (the order task by default,
    :func:`chirp_task` for audio frames). Each batch has its own length, drawn uniformly from
    ``lengths`` (inclusive): the same weights must serve every length. Held-out accuracy is
    measured at the middle length.
    """
    rng = np.random.default_rng(seed)
    torch.manual_seed(seed)
    model = model.to(device)
    X_val, y_val = task(1000, (lengths[0] + lengths[1]) // 2, np.random.default_rng(seed + 1))
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
        X, y = task(batch, int(rng.integers(lengths[0], lengths[1] + 1)), rng)
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


# Audio as a sequence: a signal, its frames, one feature vector per frame.
SAMPLE_RATE = 2000     # Hz
FRAME_LENGTH = 64      # samples per frame (32 ms)
HOP = 32               # samples between frame starts (frames overlap by half)
BANDS = 8              # features per frame: log energy in 8 equal frequency bands


def chirp(n_samples: int, f_start, f_end, rng, noise: float = 0.3) -> np.ndarray:
    r"""Tones whose frequency moves linearly from ``f_start`` to ``f_end`` Hz, plus Gaussian noise.

    :math:`x(t) = \sin\big(2\pi (f_0 t + (f_1 - f_0) t^2 / (2 t_{end}))\big) + \text{noise}`,
    sampled at ``SAMPLE_RATE``. ``f_start``, ``f_end`` are numbers or arrays of shape (n,); the
    result is (n_samples,) or (n, n_samples).
    """
    t = np.arange(n_samples) / SAMPLE_RATE                              # (n_samples,)
    f_start, f_end = np.asarray(f_start)[..., None], np.asarray(f_end)[..., None]
    phase = 2 * np.pi * (f_start * t + (f_end - f_start) * t ** 2 / (2 * t[-1]))
    signal = np.sin(phase) + noise * rng.normal(size=phase.shape)
    return signal.reshape(np.broadcast_shapes(f_start.shape[:-1], f_end.shape[:-1]) + (n_samples,))


def frames(signal: np.ndarray, frame_length: int = FRAME_LENGTH, hop: int = HOP) -> np.ndarray:
    """Cut signals (..., n_samples) into overlapping frames (..., n_frames, frame_length); frame k
    starts at sample k * hop."""
    n_frames = 1 + (signal.shape[-1] - frame_length) // hop
    index = hop * np.arange(n_frames)[:, None] + np.arange(frame_length)   # (n_frames, frame_length)
    return signal[..., index]


def band_energies(framed: np.ndarray, bands: int = BANDS) -> np.ndarray:
    """Log energy of each frame in ``bands`` equal-width frequency bands: (..., n_frames, bands).

    A Hann window, the magnitude of the real FFT, its square summed per band, then the log.
    """
    spectrum = np.abs(np.fft.rfft(framed * np.hanning(framed.shape[-1]), axis=-1)) ** 2   # (..., F/2 + 1)
    edges = np.linspace(1, spectrum.shape[-1], bands + 1).astype(int)                      # skip DC
    energy = np.stack([spectrum[..., a:b].sum(axis=-1) for a, b in zip(edges[:-1], edges[1:])], axis=-1)
    return np.log(energy + 1e-3)


def chirp_task(n: int, T: int, rng) -> tuple[np.ndarray, np.ndarray]:
    """``n`` chirps of ``T`` frames each: features (T, n, BANDS) float32 and labels (n,), 1 = rising.

    Start and end frequencies are drawn at random (low between 100 and 300 Hz, high between 600
    and 900 Hz); a falling chirp runs from high to low.
    """
    n_samples = (T - 1) * HOP + FRAME_LENGTH
    y = (rng.random(n) < 0.5).astype(np.int64)
    low, high = rng.uniform(100, 300, size=n), rng.uniform(600, 900, size=n)
    f_start, f_end = np.where(y == 1, low, high), np.where(y == 1, high, low)
    features = band_energies(frames(chirp(n_samples, f_start, f_end, rng)))     # (n, T, BANDS)
    return features.transpose(1, 0, 2).astype(np.float32), y
