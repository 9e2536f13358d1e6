r"""A faster LSTM from scratch: the same maths as :mod:`rnncourse.nn.lstm`, organised for speed.

The teaching LSTM (:class:`rnncourse.nn.LSTM`) runs one cell per time step and does all the
work of a step inside that cell. Only :math:`h_{t-1} \to h_t` is sequential, though; the
input half of every gate does not depend on the recurrence and can be batched over time:

1. **Hoist the input projection** out of the time loop:
   :math:`A^x = X W_{ih}^\top + b_{ih} + b_{hh}` for all T steps at once, one
   (T*B, D) x (D, 4H) matrix product (GEMM) instead of T small ones.
2. **Fuse the gates**: per step one (B, H) x (H, 4H) product, written as
   ``addmm(A^x_t, h, W_hh^T)`` so that the addition of the input part is fused into it,
   gives the pre-activations of all four gates (i, f, g, o).
3. **Split the hoisted tensor once** with ``unbind(0)``: indexing ``A_x[t]`` inside the loop
   would make autograd build a full (T, B, 4H) zero gradient for every step in the
   backward pass (T times the memory traffic); ``unbind`` gathers the T step gradients once.

.. math::

    A^x = X W_{ih}^\top + b,\quad
    A_t = A^x_t + h_{t-1} W_{hh}^\top,\quad
    (i, f, g, o) = (\sigma, \sigma, \tanh, \sigma)(A_t),\quad
    c_t = f \odot c_{t-1} + i \odot g,\quad h_t = o \odot \tanh(c_t)

Autograd still records a handful of small operations per step and replays them in the
backward pass. :mod:`rnncourse.nn.fused` goes further, as cuDNN (GPU) and oneDNN (CPU, behind
``nn.LSTM``) do: the backward pass written by hand, the weight gradients computed as a few large
GEMMs after the time loop. ``benchmarks/model_speed.py`` measures how much each step buys.

Shapes and parameters are those of :class:`rnncourse.nn.LSTM` (``nn.LSTM``'s names, so
``load_state_dict`` copies them 1:1); the one tensor of its own is ``A_x`` (T, B, 4H), the hoisted
input part of every gate. Padded batches (``lengths``) are left to the teaching LSTM.
"""
from __future__ import annotations

import torch
from torch import Tensor

from .lstm import LSTM


def lstm_layer(X: Tensor, h0: Tensor, c0: Tensor, W_ih: Tensor, W_hh: Tensor,
               b_ih: Tensor | None, b_hh: Tensor | None):
    """One direction of one LSTM layer over a whole sequence.

    ``X`` (T, B, D), ``h0``, ``c0`` (B, H). Returns ``Hs`` (T, B, H) and the final ``(h, c)``.
    """
    T, B, D = X.shape
    H = W_hh.shape[1]
    if b_ih is None:
        A_x = X.reshape(T * B, D) @ W_ih.T  # (T*B, 4H) one GEMM for every step's input part
    else:
        A_x = torch.addmm(b_ih + b_hh, X.reshape(T * B, D), W_ih.T)  # (T*B, 4H)
    A_x = A_x.view(T, B, 4 * H).unbind(0)  # T tensors (B, 4H), split once
    W_hh_T = W_hh.T  # (H, 4H)
    h, c = h0, c0
    Hs = []
    for t in range(T):  # the sequential part: step t needs h_{t-1}
        A = torch.addmm(A_x[t], h, W_hh_T)  # (B, 4H) all four gates, input part added in
        a_i, a_f, a_g, a_o = A.chunk(4, dim=1)  # (B, H) each, PyTorch's order
        c = torch.sigmoid(a_f) * c + torch.sigmoid(a_i) * torch.tanh(a_g)
        h = torch.sigmoid(a_o) * torch.tanh(c)
        Hs.append(h)
    return torch.stack(Hs), (h, c)  # (T, B, H), final state


class FastLSTM(LSTM):
    """Multi-layer (bidirectional) LSTM with ``nn.LSTM``'s parameters, organised for speed
    (see the module docstring).

    The layers, directions, dropout and parameters are the teaching :class:`~rnncourse.nn.LSTM`'s;
    only the run of one layer in one direction is replaced by :func:`lstm_layer`.
    ``forward(X, state=None) -> (outputs, (h_n, c_n))`` on time-major ``X`` (T, B, D).
    """

    def _run_direction(self, index: int, X: Tensor, initial, lengths):
        if lengths is not None:
            raise ValueError("FastLSTM does not take lengths; use rnncourse.nn.LSTM for padded batches")
        layer = self._bound(index)  # this layer-direction's cell, holding its parameters
        cell = layer.cell
        h0, c0 = cell.init_state(X.shape[1], X) if initial is None else initial  # (B, H) each
        if layer.reverse:  # the backward direction reads the sequence from its end
            X = X.flip(0)
        Hs, (h_n, c_n) = lstm_layer(X, h0, c0, cell.weight_ih, cell.weight_hh, cell.bias_ih, cell.bias_hh)
        return (Hs.flip(0) if layer.reverse else Hs), (h_n, c_n)
