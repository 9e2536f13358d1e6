"""Experiments of the chapter "The RNN equations".

- :func:`parameter_count`: the parameters of an Elman RNN with a read-out, as a formula.
- :func:`state_norms`: how the size of the hidden state evolves with tanh and with ReLU.
- :func:`parity_table`: NumPy and scratch-torch RNNs against ``nn.RNN`` with copied weights.
- :func:`one_step_cell_on_sequence` and :func:`carry_the_state`: a one-step cell fed a whole
  sequence (a mistake common in Keras tutorials), and the fix.
- :class:`LastStepClassifier`: a many-to-one model whose read-out takes ``out[:, -1, :]``
  (a mistake common in PyTorch tutorials) or ``out[-1]`` (the fix), and
  :func:`train_last_step` to train either on the order task.
"""
from __future__ import annotations

import itertools

import numpy as np
import torch
from torch import nn

from ..data.synthetic import ORDER_VOCAB, order_task
from ..nn import RNN
from ..numpy_ref.rnn import rnn_forward
from .threads import single_thread


def parameter_count(D: int, H: int, K: int = 0, pytorch_biases: bool = False) -> int:
    """Parameters of ``h_t = phi(W_xh x_t + W_hh h_{t-1} + b_h)``, ``y_t = W_hy h_t + b_y``.

    ``H*D + H*H + H`` for the recurrence (``+ H`` more with PyTorch's two bias vectors), plus
    ``K*H + K`` for a read-out to K outputs. None of it depends on the sequence length.
    """
    recurrence = H * D + H * H + (2 * H if pytorch_biases else H)
    return recurrence + K * H + K


def state_norms(nonlinearity: str, gain: float, T: int = 60, H: int = 32, B: int = 64, seed: int = 0) -> np.ndarray:
    """Mean Euclidean norm of h_t, t = 1..T, for a random RNN with ``W_hh = gain * Q`` (Q orthogonal).

    The inputs are standard normal with D = 4 and ``W_xh`` of scale 1/sqrt(D); with an
    orthogonal Q the recurrent matrix has every singular value equal to ``gain``.
    """
    rng = np.random.default_rng(seed)
    D = 4
    Q, _ = np.linalg.qr(rng.normal(size=(H, H)))
    W_hh = gain * Q
    W_xh = rng.normal(size=(H, D)) / np.sqrt(D)
    X = rng.normal(size=(T, B, D))
    with np.errstate(over="ignore", invalid="ignore"):
        Hs = rnn_forward(X, None, W_xh, W_hh, np.zeros(H), nonlinearity)  # (T, B, H)
    return np.linalg.norm(Hs, axis=2).mean(axis=1)  # (T,)


def _copy_to_numpy(module: nn.RNN, layer: int = 0) -> tuple[np.ndarray, ...]:
    W_xh = getattr(module, f"weight_ih_l{layer}").detach().cpu().numpy()
    W_hh = getattr(module, f"weight_hh_l{layer}").detach().cpu().numpy()
    b_h = None
    if module.bias:  # PyTorch's two bias vectors enter the sum together
        b_h = (getattr(module, f"bias_ih_l{layer}") + getattr(module, f"bias_hh_l{layer}")).detach().cpu().numpy()
    return W_xh, W_hh, b_h


def parity_table(T: int = 12, B: int = 3, D: int = 4, H: int = 6, device=None, seed: int = 0) -> list[dict]:
    """Largest absolute difference to ``nn.RNN`` (float64, copied weights) of the NumPy
    reference (stacked layer by layer) and of ``rnncourse.nn.RNN``, for tanh/ReLU, with and
    without bias, 1 and 3 layers. Each row: the configuration and the two differences.
    """
    device = torch.device("cpu") if device is None else device
    rows = []
    for nonlinearity, bias, num_layers in itertools.product(["tanh", "relu"], [True, False], [1, 3]):
        torch.manual_seed(seed)
        reference = nn.RNN(D, H, num_layers=num_layers, nonlinearity=nonlinearity, bias=bias).double().to(device)
        scratch = RNN(D, H, num_layers=num_layers, nonlinearity=nonlinearity, bias=bias).double().to(device)
        scratch.load_state_dict(reference.state_dict())
        X = torch.randn(T, B, D, dtype=torch.float64, generator=torch.Generator().manual_seed(seed)).to(device)
        with torch.no_grad():
            expected, _ = reference(X)
            got_torch, _ = scratch(X)
        layer_input = X.cpu().numpy()
        for layer in range(num_layers):  # the NumPy reference is one layer: stack it by hand
            layer_input = rnn_forward(layer_input, None, *_copy_to_numpy(reference, layer), nonlinearity)
        rows.append(dict(nonlinearity=nonlinearity, bias=bias, num_layers=num_layers,
                         numpy=float(np.abs(layer_input - expected.cpu().numpy()).max()),
                         scratch_torch=float((got_torch - expected).abs().max())))
    return rows


def one_step_cell_on_sequence(cell: nn.RNNCell, X: torch.Tensor) -> torch.Tensor:
    """The mistake: every step computed from the same initial state h0 = 0, none carried.

    ``X`` is (T, B, D). This is what a one-step cell computes when it is handed all the steps
    at once and its matmul is broadcast over time: T independent copies of step 1.
    """
    h0 = X.new_zeros(X.shape[1], cell.hidden_size)  # (B, H)
    return torch.stack([cell(X[t], h0) for t in range(X.shape[0])])  # (T, B, H)


def carry_the_state(cell: nn.RNNCell, X: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """The fix: loop over time and feed each step the state the previous one produced."""
    h = X.new_zeros(X.shape[1], cell.hidden_size)  # (B, H)
    outputs = []
    for t in range(X.shape[0]):
        h = cell(X[t], h)  # h_t depends on h_{t-1}
        outputs.append(h)
    return torch.stack(outputs), h  # (T, B, H), (B, H)


class LastStepClassifier(nn.Module):
    """Many-to-one: an RNN over time-major input, then a linear read-out of "the last step".

    ``read="out[:, -1, :]"`` is the seed's indexing, correct only for ``batch_first=True``;
    on time-major outputs it returns the hidden states of the LAST SEQUENCE at every step.
    ``read="out[-1]"`` is the fix.
    """

    def __init__(self, input_size: int, hidden_size: int, output_size: int, read: str = "out[-1]"):
        super().__init__()
        if read not in ("out[-1]", "out[:, -1, :]"):
            raise ValueError(f"unknown read-out {read!r}")
        self.read = read
        self.rnn = nn.RNN(input_size, hidden_size)  # batch_first=False: (T, B, D)
        self.fc = nn.Linear(hidden_size, output_size)

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        out, _ = self.rnn(X)  # (T, B, H)
        last = out[:, -1, :] if self.read == "out[:, -1, :]" else out[-1]  # (T, H) or (B, H)
        return self.fc(last)


def train_last_step(read: str, steps: int = 150, T: int = 12, B: int = 12, hidden_size: int = 16,
                    seed: int = 0, device=None) -> float:
    """Train :class:`LastStepClassifier` on the order task; return held-out accuracy.

    T equals B on purpose: then ``out[:, -1, :]`` has the shape (B, H) that the loss expects,
    and the bug runs without any error.
    """
    with single_thread():
        return _train_last_step(read, steps, T, B, hidden_size, seed, device)


def _train_last_step(read, steps, T, B, hidden_size, seed, device) -> float:
    device = torch.device("cpu") if device is None else device
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    model = LastStepClassifier(ORDER_VOCAB, hidden_size, 2, read).to(device)
    optimiser = torch.optim.Adam(model.parameters(), lr=0.02)
    for _ in range(steps):
        X, y = order_task(B, T, rng)
        X = torch.tensor(X, dtype=torch.float32, device=device)
        loss = nn.functional.cross_entropy(model(X), torch.tensor(y, device=device))
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
    correct = 0
    with torch.no_grad():
        for _ in range(50):  # 50 held-out batches of B sequences
            X, y = order_task(B, T, rng)
            prediction = model(torch.tensor(X, dtype=torch.float32, device=device)).argmax(-1).cpu().numpy()
            correct += int((prediction == y).sum())
    return correct / (50 * B)
