"""Experiments of the chapter "LSTM and GRU".

* :func:`forget_gate_jacobian`: the Jacobian dc_t/dc_{t-1} of one LSTM step (h_{t-1} held fixed),
  measured by autograd, next to the forget gate f_t computed from the same inputs;
* :func:`gradient_flow_by_cell`: ||dh_T/ds_k|| against T - k for an RNN, an LSTM and a GRU cell;
* :func:`time_per_step`: forward + backward time per time step of a layer.
"""
from __future__ import annotations

import time

import torch
from torch import nn

from ..gradient_flow import state_jacobian_norms
from ..nn import GRUCell, LSTMCell, RNNCell


def forget_gate_jacobian(cell: LSTMCell, x_t, h_prev, c_prev):
    """Return ``(J, f)``: J (H, H) = dc_t/dc_{t-1} for one example, and f (H,) its forget gate."""
    def c_of(c):
        return cell(x_t, (h_prev, c[None]))[1][0]

    J = torch.autograd.functional.jacobian(c_of, c_prev[0].detach())
    H = cell.hidden_size
    with torch.no_grad():
        A = x_t @ cell.weight_ih.T + h_prev @ cell.weight_hh.T + cell.bias_ih + cell.bias_hh
        f = torch.sigmoid(A[0, H:2 * H])  # rows H:2H are the forget gate
    return J, f


def set_gate_bias(cell: nn.Module, gate: int, value: float) -> nn.Module:
    """Set the bias of gate block ``gate`` (LSTM: 1 = forget; GRU: 1 = update z) to ``value``:
    ``bias_ih`` rows filled, ``bias_hh`` rows zeroed. Returns the cell."""
    H = cell.hidden_size
    with torch.no_grad():
        cell.bias_ih[gate * H:(gate + 1) * H].fill_(value)
        cell.bias_hh[gate * H:(gate + 1) * H].zero_()
    return cell


def make_cells(input_size: int, hidden_size: int, seed: int = 0) -> dict[str, nn.Module]:
    """Cells of the gradient-flow comparison, float64, PyTorch's initialisation and the same seed:
    a tanh RNN; an LSTM with forget-gate bias 1 (common practice) and 3; a GRU with PyTorch's
    initialisation and with update-gate bias 3 (z close to 1 keeps the old state)."""
    def make(cls):
        torch.manual_seed(seed)
        return cls(input_size, hidden_size).double()

    return {
        "RNN (tanh)": make(RNNCell),
        "LSTM, forget bias 1": set_gate_bias(make(LSTMCell), 1, 1.0),
        "LSTM, forget bias 3": set_gate_bias(make(LSTMCell), 1, 3.0),
        "GRU": make(GRUCell),
        "GRU, update bias 3": set_gate_bias(make(GRUCell), 1, 3.0),
    }


def gradient_flow_by_cell(cells: dict[str, nn.Module], T: int = 100, batch: int = 8, seed: int = 0):
    """Median over ``batch`` Gaussian input sequences of ||dh_T/ds_k||_F, indexed by T - k."""
    input_size = next(iter(cells.values())).input_size
    X = torch.randn(T, batch, input_size, dtype=torch.float64, generator=torch.Generator().manual_seed(seed))
    return {name: state_jacobian_norms(cell, X).median(dim=0).values.flip(0) for name, cell in cells.items()}


def time_per_step(module: nn.Module, T: int, batch: int, input_size: int, repeats: int = 3,
                  device="cpu", dtype=torch.float32) -> float:
    """Best-of-``repeats`` seconds of forward + backward over T steps, divided by T."""
    module = module.to(device=device, dtype=dtype)
    X = torch.randn(T, batch, input_size, device=device, dtype=dtype)
    best = float("inf")
    for _ in range(repeats + 1):  # the first run warms up
        start = time.perf_counter()
        outputs, _ = module(X)
        outputs.sum().backward()
        if X.is_cuda:
            torch.cuda.synchronize()
        best = min(best, time.perf_counter() - start)
    return best / T
