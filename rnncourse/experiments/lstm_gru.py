"""Experiments of the chapter "LSTM and GRU".

* :func:`forget_gate_jacobian`: the Jacobian dc_t/dc_{t-1} of one LSTM step (h_{t-1} held fixed),
  measured by autograd, next to the forget gate f_t computed from the same inputs;
* :func:`gradient_flow_by_cell`: ||dh_T/ds_k|| against T - k for an RNN, an LSTM and a GRU cell;
* :func:`gate_gradient_check`: the NumPy backward pass of the LSTM or the GRU
  (``rnncourse.numpy_ref``) against central finite differences, gate block by gate block;
* :func:`time_per_step`: forward + backward time per time step of a layer;
* :func:`autograd_nodes`: the kinds and number of nodes in a layer's backward graph (a layer
  computed by one fused kernel has one node, a layer computed step by step several per step).
"""
from __future__ import annotations

import collections
import time

import numpy as np
import torch
from torch import nn

from ..gradcheck import gradient_check
from ..gradient_flow import state_jacobian_norms
from ..numpy_ref import gru as gru_np
from ..numpy_ref import lstm as lstm_np
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


def gate_gradient_check(cell: str, T: int = 4, batch: int = 2, input_size: int = 3, hidden_size: int = 4,
                        seed: int = 0) -> dict[str, float]:
    """Relative error of the package's NumPy BPTT against finite differences, per gate block.

    ``cell`` is ``"lstm"`` (gates i, f, g, o) or ``"gru"`` (``nn.GRU``'s gates r, z, n). The loss is
    L = sum_t G_t . h_t with a fixed random G (float64). Returns ``{"W_ih[f]": error, ...}`` for the
    input weights, recurrent weights and biases of every gate, and for the inputs and initial
    state(s).
    """
    if cell not in ("lstm", "gru"):
        raise ValueError(f"cell must be 'lstm' or 'gru', got {cell!r}")
    rng = np.random.default_rng(seed)
    gates = lstm_np.GATES if cell == "lstm" else gru_np.GATES
    G_rows, H = len(gates) * hidden_size, hidden_size
    X = rng.normal(size=(T, batch, input_size))  # (T, B, D)
    h0, c0 = 0.5 * rng.normal(size=(batch, H)), 0.5 * rng.normal(size=(batch, H))
    W_ih, W_hh = 0.5 * rng.normal(size=(G_rows, input_size)), 0.5 * rng.normal(size=(G_rows, H))
    b_ih, b_hh = 0.5 * rng.normal(size=G_rows), 0.5 * rng.normal(size=G_rows)
    G = rng.normal(size=(T, batch, H))  # dL/dh_t from the outputs

    if cell == "lstm":
        def forward():
            return lstm_np.lstm_forward(X, h0, c0, W_ih, W_hh, b_ih, b_hh)

        Hs, _, caches = forward()
        grads = lstm_np.lstm_backward(G, caches)
        arrays = {"X": X, "h0": h0, "c0": c0}
    else:
        def forward():
            return gru_np.gru_forward(X, h0, W_ih, W_hh, b_ih, b_hh)

        Hs, cache = forward()
        grads = gru_np.gru_backward(G, cache)
        arrays = {"X": X, "h0": h0}

    def loss():
        return float(np.sum(G * forward()[0]))

    analytic = {name: grads[name] for name in arrays}
    for name, weight in (("W_ih", W_ih), ("W_hh", W_hh), ("b_ih", b_ih), ("b_hh", b_hh)):
        for k, gate in enumerate(gates):  # rows k*H:(k+1)*H belong to this gate (views, perturbed in place)
            key = f"{name}[{gate}]"
            arrays[key] = weight[k * H:(k + 1) * H]
            analytic[key] = grads[name][k * H:(k + 1) * H]
    return gradient_check(loss, arrays, analytic)



def autograd_nodes(module: nn.Module, T: int, batch: int, input_size: int) -> collections.Counter:
    """The backward graph of one forward pass of ``module`` on (T, batch, input_size) float32
    inputs: how many nodes of each kind (``MmBackward0``, ``SigmoidBackward0``, ...) it holds.

    Every node is one operation the backward pass runs separately: a layer computed by one fused
    kernel has a single node for all its steps, a layer computed step by step has several per step.
    """
    outputs, _ = module(torch.randn(T, batch, input_size))
    counts, seen, stack = collections.Counter(), set(), [outputs.grad_fn]
    while stack:
        node = stack.pop()
        if node is None or node in seen:
            continue
        seen.add(node)
        counts[type(node).__name__] += 1
        stack.extend(next_node for next_node, _ in node.next_functions)
    return counts
