r"""The adding problem: can a recurrent network carry two numbers across T steps?

Each input step is a pair (value, marker): values are uniform on [0, 1]; exactly two markers
are 1, one in the first half of the sequence and one in the second half. The target, read
after the last step, is the sum of the two marked values. Always answering 1 (the mean of the
target) gives a mean squared error of Var(u_1 + u_2) = 2/12 = 1/6 ~ 0.167: a model that does
not beat that has learned nothing about the markers. Following Le, Jaitly & Hinton (2015),
a test MSE below 0.01 counts as solving the task.

The four contenders are trained with PyTorch's own ``nn.RNN``/``nn.LSTM``/``nn.GRU`` (fast
kernels; the course's scratch modules compute the same functions, see the LSTM/GRU chapter):

* ``rnn``  tanh RNN, PyTorch's default initialisation;
* ``irnn`` ReLU RNN with ``W_hh = I`` and zero bias (Le et al., 2015);
* ``lstm`` LSTM with forget-gate bias 1 (Gers et al., 2000; Jozefowicz et al., 2015);
* ``gru``  GRU, PyTorch's default initialisation.

References: Hochreiter & Schmidhuber (1997), experiment 4; Le, Jaitly & Hinton (2015).
"""
from __future__ import annotations

import math
import time
from dataclasses import asdict, dataclass

import torch
from torch import nn

MODELS = ("rnn", "irnn", "lstm", "gru")
BASELINE_MSE = 1.0 / 6.0  # predicting the mean (1.0) of u_1 + u_2
SOLVED_MSE = 0.01


def adding_batch(n: int, T: int, generator: torch.Generator, dtype=torch.float32, device="cpu"):
    """Return ``X`` (T, n, 2) and ``y`` (n,): channel 0 holds the values, channel 1 the markers."""
    if T < 2:
        raise ValueError(f"the adding problem needs T >= 2, got T={T}")
    values = torch.rand(T, n, generator=generator, dtype=dtype)
    half = T // 2
    first = torch.randint(0, half, (n,), generator=generator)  # a marker in each half
    second = torch.randint(half, T, (n,), generator=generator)
    markers = torch.zeros(T, n, dtype=dtype)
    cols = torch.arange(n)
    markers[first, cols] = 1.0
    markers[second, cols] = 1.0
    X = torch.stack([values, markers], dim=-1)  # (T, n, 2)
    y = values[first, cols] + values[second, cols]  # (n,)
    return X.to(device), y.to(device)


class AddingModel(nn.Module):
    """A one-layer recurrent network read at the last step, then a linear read-out."""

    def __init__(self, kind: str, hidden_size: int):
        super().__init__()
        if kind not in MODELS:
            raise ValueError(f"kind must be one of {MODELS}, got {kind!r}")
        self.kind = kind
        if kind in ("rnn", "irnn"):
            self.rnn = nn.RNN(2, hidden_size, nonlinearity="tanh" if kind == "rnn" else "relu")
        else:
            self.rnn = (nn.LSTM if kind == "lstm" else nn.GRU)(2, hidden_size)
        self.readout = nn.Linear(hidden_size, 1)
        with torch.no_grad():
            if kind == "irnn":  # Le et al. (2015): identity recurrence, zero biases, small input weights
                self.rnn.weight_hh_l0.copy_(torch.eye(hidden_size))
                self.rnn.bias_hh_l0.zero_()
                self.rnn.bias_ih_l0.zero_()
                self.rnn.weight_ih_l0.normal_(0.0, 0.001)
            if kind == "lstm":  # forget gate open at the start: rows H:2H of the biases
                self.rnn.bias_ih_l0[hidden_size:2 * hidden_size].fill_(1.0)
                self.rnn.bias_hh_l0[hidden_size:2 * hidden_size].zero_()

    def forward(self, X):  # X: (T, B, 2)
        outputs, _ = self.rnn(X)  # (T, B, H)
        return self.readout(outputs[-1]).squeeze(-1)  # (B,)


@dataclass
class RunConfig:
    model: str
    T: int
    steps: int = 2000
    hidden_size: int = 64
    batch_size: int = 50
    lr: float = 1e-3
    clip: float = 1.0
    seed: int = 0
    test_size: int = 1000
    eval_every: int = 100


# Every network is trained at each of these Adam learning rates; per (network, T) the table keeps
# the run with the lower validation MSE (a held-out set separate from the test set), so no
# network is judged at a learning rate that happens to suit another one.
LEARNING_RATES = (1e-3, 1e-2)
VALIDATION_SEED, TEST_SEED = 555_555, 999_999  # one validation and one test set per T, shared by all runs


def evaluate(model: nn.Module, X: torch.Tensor, y: torch.Tensor) -> float:
    with torch.no_grad():
        mse = float(((model(X) - y) ** 2).mean())
    return mse if math.isfinite(mse) else float("inf")


def train_one(config: RunConfig, device: str | torch.device = "cpu") -> dict:
    """Train one model on one length; return the config, the curve and the final test MSE."""
    torch.manual_seed(config.seed)
    data_gen = torch.Generator().manual_seed(1000 + config.seed)
    X_val, y_val = adding_batch(config.test_size, config.T, torch.Generator().manual_seed(VALIDATION_SEED),
                                device=device)
    X_test, y_test = adding_batch(config.test_size, config.T, torch.Generator().manual_seed(TEST_SEED),
                                  device=device)
    model = AddingModel(config.model, config.hidden_size).to(device)
    optimiser = torch.optim.Adam(model.parameters(), lr=config.lr)
    curve_step, curve_mse = [], []
    start = time.perf_counter()
    for step in range(1, config.steps + 1):
        X, y = adding_batch(config.batch_size, config.T, data_gen, device=device)  # fresh data
        loss = ((model(X) - y) ** 2).mean()
        optimiser.zero_grad()
        loss.backward()
        if config.clip:
            torch.nn.utils.clip_grad_norm_(model.parameters(), config.clip)
        optimiser.step()
        if step % config.eval_every == 0 or step == config.steps:
            curve_step.append(step)
            curve_mse.append(evaluate(model, X_test, y_test))
    seconds = time.perf_counter() - start
    test_mse = curve_mse[-1]
    return {
        **asdict(config),
        "validation_mse": evaluate(model, X_val, y_val),
        "test_mse": test_mse,
        "best_test_mse": min(curve_mse),
        "solved": bool(test_mse < SOLVED_MSE),
        "curve_step": curve_step,
        "curve_mse": curve_mse,
        "seconds": round(seconds, 2),
    }


def baseline_mse(T: int, n: int = 100_000) -> float:
    """The MSE of always predicting 1, measured on fresh data (close to 1/6 for every T)."""
    _, y = adding_batch(n, T, torch.Generator().manual_seed(7), dtype=torch.float64)
    return float(((y - 1.0) ** 2).mean())


def select_runs(results: list[dict]) -> list[dict]:
    """One run per (model, T): of the runs at different learning rates, the one with the lowest
    validation MSE (non-finite counts as worst; rows without a validation MSE compete on equal
    terms, so a single run per cell is kept as it is)."""
    def key(row):
        v = row.get("validation_mse", 0.0)
        return v if v is not None and math.isfinite(v) else math.inf

    best: dict[tuple[str, int], dict] = {}
    for row in results:
        cell = (row["model"], row["T"])
        if cell not in best or key(row) < key(best[cell]):
            best[cell] = row
    return sorted(best.values(), key=lambda r: (r["T"], MODELS.index(r["model"])))


def results_table(results: list[dict]) -> str:
    """A plain-text table: one row per model, one column per T, 'MSE (solved?) lr' of the run
    chosen by :func:`select_runs`."""
    results = select_runs(results)
    lengths = sorted({r["T"] for r in results})
    models = [m for m in MODELS if any(r["model"] == m for r in results)]
    lines = ["model  " + "  ".join(f"T={T:<17d}" for T in lengths)]
    for m in models:
        cells = []
        for T in lengths:
            row = next((r for r in results if r["model"] == m and r["T"] == T), None)
            cells.append("-".ljust(19) if row is None else
                         f"{row['test_mse']:.4f} {'yes' if row['solved'] else 'no ':<3} {row['lr']:.0e}".ljust(19))
        lines.append(f"{m:<6} " + "  ".join(cells))
    return "\n".join(lines)
