r"""The LSTM in PyTorch, from scratch, equal to ``torch.nn.LSTM``.

.. math::

    \begin{aligned}
    i_t &= \sigma(W_{ii} x_t + b_{ii} + W_{hi} h_{t-1} + b_{hi}) \\
    f_t &= \sigma(W_{if} x_t + b_{if} + W_{hf} h_{t-1} + b_{hf}) \\
    g_t &= \tanh(W_{ig} x_t + b_{ig} + W_{hg} h_{t-1} + b_{hg}) \\
    o_t &= \sigma(W_{io} x_t + b_{io} + W_{ho} h_{t-1} + b_{ho}) \\
    c_t &= f_t \odot c_{t-1} + i_t \odot g_t \\
    h_t &= o_t \odot \tanh(c_t)
    \end{aligned}

The gate weights are stacked in PyTorch's order (i, f, g, o): ``weight_ih`` is (4H, D) and one
matrix product gives all four pre-activations, which ``chunk(4, dim=1)`` splits.
The state is the pair ``(h, c)``; the layer's output at every step is ``h``.

Shapes
------
T  sequence length, B  batch size, D  input size, H  hidden size, L  ``num_layers``,
dirs  1, or 2 when ``bidirectional``.

===================  ===============  ===========================================
``X``                (T, B, D)        inputs, time-major
``state``            (h0, c0)         each (L*dirs, B, H), zeros when ``None``
``lengths``          (B,)             real steps per sequence, for padded batches
``outputs``          (T, B, dirs*H)   top layer's h at every step
``(h_n, c_n)``       (L*dirs, B, H)   final h and c of every layer and direction
``weight_ih_l0``     (4H, D)          input weights of the gates i, f, g, o
``weight_hh_l0``     (4H, H)          recurrent weights, same stacking
``bias_ih_l0``       (4H,)            input bias (absent when ``bias=False``)
``bias_hh_l0``       (4H,)            recurrent bias
===================  ===============  ===========================================

Usage::

    lstm = LSTM(input_size=3, hidden_size=8, num_layers=2, bidirectional=True)
    lstm.load_state_dict(torch.nn.LSTM(3, 8, num_layers=2, bidirectional=True).state_dict())
    outputs, (h_n, c_n) = lstm(X)               # (T, B, 16), (4, B, 8) each

Reference: Hochreiter & Schmidhuber (1997); Gers, Schmidhuber & Cummins (2000) for the forget gate.
"""
from __future__ import annotations

import torch
from torch import Tensor, nn

from .layers import CellBase, StackedRecurrent


class LSTMCell(CellBase):
    """One LSTM step, like ``nn.LSTMCell``: ``forward(x_t, (h_prev, c_prev)) -> (h_t, c_t)``."""

    num_gates = 4

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True):
        super().__init__()
        self._create_parameters(input_size, hidden_size, bias)  # weight_ih (4H, D), weight_hh (4H, H)

    def hidden(self, state):
        """The output at this step is h (the first element of the state)."""
        return state[0]

    def init_state(self, batch: int, like: Tensor):
        """``(h, c)`` zeros (batch, H) with ``like``'s device and dtype."""
        return like.new_zeros(batch, self.hidden_size), like.new_zeros(batch, self.hidden_size)

    def forward(self, x_t: Tensor, state=None):
        h_prev, c_prev = self.init_state(x_t.shape[0], x_t) if state is None else state
        A = x_t @ self.weight_ih.T + h_prev @ self.weight_hh.T  # (B, 4H) every gate at once
        if self.bias_ih is not None:
            A = A + self.bias_ih + self.bias_hh
        a_i, a_f, a_g, a_o = A.chunk(4, dim=1)  # (B, H) each, PyTorch's order
        i, f, g, o = torch.sigmoid(a_i), torch.sigmoid(a_f), torch.tanh(a_g), torch.sigmoid(a_o)
        c_t = f * c_prev + i * g  # forget the old cell state, write the candidate
        h_t = o * torch.tanh(c_t)
        return h_t, c_t

    def extra_repr(self) -> str:
        return f"{self.input_size}, {self.hidden_size}, bias={self.bias_ih is not None}"


class LSTM(StackedRecurrent):
    """Multi-layer (bidirectional) LSTM with the interface and parameters of ``nn.LSTM``.

    ``forward(X, state=None, lengths=None) -> (outputs, (h_n, c_n))``; time-major only.
    """

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, bias: bool = True,
                 bidirectional: bool = False, dropout: float = 0.0):
        super().__init__(lambda d, h: LSTMCell(d, h, bias=bias), input_size, hidden_size,
                         num_layers, bidirectional, dropout)
        self.bias = bias
