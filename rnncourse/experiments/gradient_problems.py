"""Experiments of the chapter "Vanishing and exploding gradients".

* :func:`jacobian_norms_by_radius`: ||dh_T/dh_k|| against T - k for tanh and ReLU RNN cells whose
  W_hh has a chosen spectral radius (``rnncourse.gradient_flow``);
* :func:`one_step_jacobians`: the Jacobian dh_t/dh_{t-1} of one tanh step by autograd, by the
  right formula diag(1 - h_t^2) W_hh and by the common slip diag(tanh'(h_{t-1})) W_hh;
* :func:`train_with_remedy`: a short run of a recurrent network on the adding problem with a
  chosen initialisation, learning rate and clipping, recording the loss and the gradient norm of
  every step, so that explosions show up as spikes.
"""
from __future__ import annotations

import math

import torch
from torch import nn

from ..clipping import clip_grad_norm_, clip_grad_value_
from ..gradient_flow import recurrent_weight, state_jacobian_norms
from ..nn import RNNCell
from .adding_problem import adding_batch


def rnn_cell_with_radius(hidden_size: int, spectral_radius: float, nonlinearity: str, seed: int = 0,
                         input_size: int = 1, input_scale: float = 1.0) -> RNNCell:
    """An RNNCell (float64, no bias) with W_hh of the given spectral radius and W_ih ~ N(0, input_scale^2 / D)."""
    generator = torch.Generator().manual_seed(seed)
    cell = RNNCell(input_size, hidden_size, bias=False, nonlinearity=nonlinearity).double()
    with torch.no_grad():
        cell.weight_hh.copy_(recurrent_weight(hidden_size, spectral_radius, generator))
        cell.weight_ih.copy_(torch.randn(hidden_size, input_size, generator=generator, dtype=torch.float64)
                             * input_scale / math.sqrt(input_size))
    return cell


def jacobian_norms_by_radius(nonlinearity: str, radii, T: int = 60, hidden_size: int = 32, batch: int = 8,
                             seed: int = 0) -> dict[float, torch.Tensor]:
    """For each radius: the median over ``batch`` random input sequences of ||dh_T/dh_k||_F, indexed by T - k."""
    generator = torch.Generator().manual_seed(seed + 1)
    X = torch.randn(T, batch, 1, generator=generator, dtype=torch.float64)
    result = {}
    for rho in radii:
        cell = rnn_cell_with_radius(hidden_size, rho, nonlinearity, seed=seed)
        norms = state_jacobian_norms(cell, X)  # (batch, T + 1), column k
        result[rho] = norms.median(dim=0).values.flip(0)  # index T - k
    return result


def one_step_jacobians(W_hh: torch.Tensor, W_xh: torch.Tensor, h_prev: torch.Tensor,
                       x_t: torch.Tensor) -> dict[str, torch.Tensor]:
    r"""dh_t/dh_{t-1} of h_t = tanh(W_xh x_t + W_hh h_{t-1}) for one example (vectors, float64).

    Returns ``autograd`` (the truth), ``right`` = diag(tanh'(a_t)) W_hh = diag(1 - h_t^2) W_hh, and
    ``slope_at_previous`` = diag(tanh'(h_{t-1})) W_hh, the slope taken at the wrong argument.
    """
    def step(h):  # (H,) -> (H,)
        return torch.tanh(W_xh @ x_t + W_hh @ h)

    h_t = step(h_prev)
    return {"autograd": torch.autograd.functional.jacobian(step, h_prev),
            "right": torch.diag(1 - h_t ** 2) @ W_hh,
            "slope_at_previous": torch.diag(1 - torch.tanh(h_prev) ** 2) @ W_hh}


class AddingRNN(nn.Module):
    """``nn.RNN``/``nn.LSTM``/``nn.GRU`` read at the last step, then a linear read-out."""

    def __init__(self, kind: str = "tanh", hidden_size: int = 32, init: str = "default", seed: int = 0):
        super().__init__()
        torch.manual_seed(seed)
        if kind in ("tanh", "relu"):
            self.rnn = nn.RNN(2, hidden_size, nonlinearity=kind)
        else:
            self.rnn = {"lstm": nn.LSTM, "gru": nn.GRU}[kind](2, hidden_size)
        self.readout = nn.Linear(hidden_size, 1)
        W = self.rnn.weight_hh_l0
        with torch.no_grad():
            if init == "orthogonal":
                for k in range(W.shape[0] // hidden_size):  # each gate's block orthogonal
                    nn.init.orthogonal_(W[k * hidden_size:(k + 1) * hidden_size])
            elif init == "identity":
                W.copy_(torch.eye(hidden_size))
                self.rnn.bias_hh_l0.zero_()
                self.rnn.bias_ih_l0.zero_()
            elif init == "xavier":
                nn.init.xavier_uniform_(W)
                nn.init.xavier_uniform_(self.rnn.weight_ih_l0)
            elif init == "he":  # variance 2 / fan_in (He et al. 2015), derived for ReLU layers
                nn.init.kaiming_normal_(W, nonlinearity="relu")
                nn.init.kaiming_normal_(self.rnn.weight_ih_l0, nonlinearity="relu")
            elif init.startswith("radius="):
                rho = float(init.split("=")[1])
                W.copy_(recurrent_weight(hidden_size, rho, torch.Generator().manual_seed(seed), dtype=W.dtype))
            elif init != "default":
                raise ValueError(f"unknown init {init!r}")

    def forward(self, X):  # X: (T, B, 2)
        outputs, _ = self.rnn(X)  # (T, B, H)
        return self.readout(outputs[-1]).squeeze(-1)  # (B,)


def train_with_remedy(kind="tanh", init="default", T=50, steps=300, lr=1e-2, optimiser="sgd", clip_norm=None,
                      clip_value=None, hidden_size=32, batch_size=32, seed=0, device="cpu") -> dict:
    """Train on the adding problem; return per-step ``loss`` and pre-clipping ``grad_norm`` lists.

    A non-finite loss stops the run (the rest of the curve is missing, which the plots show).
    """
    model = AddingRNN(kind, hidden_size, init, seed).to(device)
    opt = (torch.optim.SGD(model.parameters(), lr=lr) if optimiser == "sgd"
           else torch.optim.Adam(model.parameters(), lr=lr))
    generator = torch.Generator().manual_seed(100 + seed)
    losses, norms = [], []
    for _ in range(steps):
        X, y = adding_batch(batch_size, T, generator, device=device)
        loss = ((model(X) - y) ** 2).mean()
        opt.zero_grad()
        loss.backward()
        if not math.isfinite(loss.item()):
            break
        grads = [p.grad for p in model.parameters()]
        norms.append(float(torch.sqrt(sum((g ** 2).sum() for g in grads))))
        losses.append(loss.item())
        if clip_norm is not None:
            clip_grad_norm_(model.parameters(), clip_norm)
        if clip_value is not None:
            clip_grad_value_(model.parameters(), clip_value)
        opt.step()
    return {"loss": losses, "grad_norm": norms, "steps": steps}
