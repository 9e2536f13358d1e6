"""Experiments of the chapter "Unrolling an RNN in time".

- :func:`draw_folded` and :func:`draw_unrolled`: the computational graph, drawn with matplotlib.
- :func:`unroll_by_hand`: the recurrence written as T explicit layers (a Python list of steps),
  in torch, to compare with ``nn.RNN``.
- :class:`UntiedUnrolled`: the same T-layer network with its OWN copy of the weights at every
  step; with all copies equal it computes the RNN, and the gradient of each copy is one
  step's contribution to the gradient of the shared weight.
- :func:`per_step_contributions`: those contributions from the NumPy backward pass.
"""
from __future__ import annotations

import numpy as np
import torch
from matplotlib.patches import Circle, FancyArrowPatch
from torch import nn

from ..numpy_ref.rnn import rnn_step_backward

ROW = {"x": 0.0, "h": 1.0, "y": 2.0, "L": 3.0}
COLOURS = {"W_xh": "tab:blue", "W_hh": "tab:red", "W_hy": "tab:green", "loss": "0.4"}


def _node(ax, x, y, text, colour="white"):
    ax.add_patch(Circle((x, y), 0.28, facecolor=colour, edgecolor="black", linewidth=1.2, zorder=3))
    ax.text(x, y, text, ha="center", va="center", fontsize=11, zorder=4)


def _arrow(ax, start, end, colour, label=None, rad=0.0, label_offset=(0.0, 0.0)):
    ax.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=14, color=colour,
                                 linewidth=1.6, shrinkA=15, shrinkB=15,
                                 connectionstyle=f"arc3,rad={rad}", zorder=2))
    if label:
        mx, my = (start[0] + end[0]) / 2 + label_offset[0], (start[1] + end[1]) / 2 + label_offset[1]
        ax.text(mx, my, label, color=colour, fontsize=9, ha="center", va="center",
                bbox=dict(facecolor="white", edgecolor="none", pad=0.5), zorder=5)


def draw_folded(ax) -> None:
    """The RNN as a loop: x_t -> h_t -> y_t, with h_t feeding itself through W_hh."""
    _node(ax, 0, ROW["x"], r"$x_t$", "#dbe9f6")
    _node(ax, 0, ROW["h"], r"$h_t$", "#fde0dd")
    _node(ax, 0, ROW["y"], r"$y_t$", "#e5f5e0")
    _arrow(ax, (0, ROW["x"]), (0, ROW["h"]), COLOURS["W_xh"], r"$W_{xh}$", label_offset=(-0.35, 0))
    _arrow(ax, (0, ROW["h"]), (0, ROW["y"]), COLOURS["W_hy"], r"$W_{hy}$", label_offset=(-0.35, 0))
    ax.add_patch(FancyArrowPatch((0.24, ROW["h"] + 0.15), (0.24, ROW["h"] - 0.15), arrowstyle="-|>",
                                 mutation_scale=14, color=COLOURS["W_hh"], linewidth=1.6, shrinkA=0, shrinkB=0,
                                 connectionstyle="arc3,rad=-2.6", zorder=2))  # the self-loop
    ax.text(0.85, ROW["h"], r"$W_{hh}$" "\n(delay of\none step)", color=COLOURS["W_hh"], fontsize=9, va="center")
    ax.set_xlim(-0.8, 1.6)
    ax.set_ylim(-0.5, 3.5)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title("folded")


def draw_unrolled(ax, T: int = 4, with_loss: bool = True) -> None:
    """The graph unrolled over T steps: one column per step, the same three weights in every column."""
    _node(ax, 0, ROW["h"], r"$h_0$", "#f0f0f0")
    for t in range(1, T + 1):
        _node(ax, t, ROW["x"], rf"$x_{t}$", "#dbe9f6")
        _node(ax, t, ROW["h"], rf"$h_{t}$", "#fde0dd")
        _node(ax, t, ROW["y"], rf"$y_{t}$", "#e5f5e0")
        _arrow(ax, (t, ROW["x"]), (t, ROW["h"]), COLOURS["W_xh"], r"$W_{xh}$", label_offset=(0.0, -0.05))
        _arrow(ax, (t - 1, ROW["h"]), (t, ROW["h"]), COLOURS["W_hh"], r"$W_{hh}$", label_offset=(0.0, 0.18))
        _arrow(ax, (t, ROW["h"]), (t, ROW["y"]), COLOURS["W_hy"], r"$W_{hy}$", label_offset=(0.0, -0.05))
        if with_loss:
            _node(ax, t, ROW["L"], rf"$L_{t}$", "#f7f7f7")
            _arrow(ax, (t, ROW["y"]), (t, ROW["L"]), COLOURS["loss"])
    if with_loss:
        ax.text(T + 0.55, ROW["L"], r"$L = \sum_t L_t$", fontsize=11, va="center")
    ax.set_xlim(-0.5, T + 1.4)
    ax.set_ylim(-0.5, 3.5 if with_loss else 2.5)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(f"unrolled over T = {T} steps (same weights in every column)")


def unroll_by_hand(X: torch.Tensor, h0: torch.Tensor, W_xh, W_hh, b_h) -> torch.Tensor:
    """``h_1 = tanh(W_xh x_1 + W_hh h_0 + b_h)``, ``h_2 = ...``: one line per layer of the unrolled net."""
    layers = [h0]  # (B, H)
    for x_t in X:  # the t-th layer of a T-layer network, with the same weights in every layer
        layers.append(torch.tanh(x_t @ W_xh.T + layers[-1] @ W_hh.T + b_h))
    return torch.stack(layers[1:])  # (T, B, H)


class UntiedUnrolled(nn.Module):
    """A T-layer feedforward network with one copy of ``(W_xh, W_hh, b_h)`` per layer.

    Built from a single-layer ``nn.RNN`` (tanh) with every copy equal to its weights, it
    computes exactly what the RNN computes; but each copy gets its own gradient. Tying the
    weights back together means adding those gradients.
    """

    def __init__(self, rnn: nn.RNN, T: int):
        super().__init__()
        W_xh, W_hh = rnn.weight_ih_l0.detach(), rnn.weight_hh_l0.detach()
        b_h = (rnn.bias_ih_l0 + rnn.bias_hh_l0).detach()
        self.W_xh = nn.ParameterList([nn.Parameter(W_xh.clone()) for _ in range(T)])
        self.W_hh = nn.ParameterList([nn.Parameter(W_hh.clone()) for _ in range(T)])
        self.b_h = nn.ParameterList([nn.Parameter(b_h.clone()) for _ in range(T)])

    def forward(self, X: torch.Tensor, h0: torch.Tensor) -> torch.Tensor:
        h, outputs = h0, []
        for t, x_t in enumerate(X):  # layer t uses its own copy
            h = torch.tanh(x_t @ self.W_xh[t].T + h @ self.W_hh[t].T + self.b_h[t])
            outputs.append(h)
        return torch.stack(outputs)  # (T, B, H)


def per_step_contributions(dHs, X, Hs, h0, W_xh, W_hh, nonlinearity="tanh") -> dict[str, np.ndarray]:
    """Each step's term of the shared weights' gradients, from the NumPy backward pass.

    Returns ``dW_xh`` (T, H, D), ``dW_hh`` (T, H, H), ``db_h`` (T, H): entry t is step t's
    contribution ``delta_t x_t^T``, ``delta_t h_{t-1}^T``, ``delta_t``; their sums over t are
    the gradients that :func:`rnncourse.numpy_ref.rnn.rnn_backward` returns.
    """
    T = X.shape[0]
    terms = {"dW_xh": np.empty((T,) + W_xh.shape), "dW_hh": np.empty((T,) + W_hh.shape),
             "db_h": np.empty((T, W_hh.shape[0]))}
    dh_next = np.zeros_like(h0)
    for t in reversed(range(T)):
        h_prev = Hs[t - 1] if t > 0 else h0
        step = rnn_step_backward(dHs[t] + dh_next, X[t], h_prev, Hs[t], W_xh, W_hh, nonlinearity)
        for name in terms:
            terms[name][t] = step[name]
        dh_next = step["dh_prev"]
    return terms
