r"""The Elman RNN in PyTorch, from scratch, equal to ``torch.nn.RNN``.

.. math::

    h_t = \phi(W_{ih} x_t + b_{ih} + W_{hh} h_{t-1} + b_{hh})

with :math:`\phi = \tanh` (default) or ReLU. In the book's notation :math:`W_{ih} = W_{xh}`
and :math:`b_h = b_{ih} + b_{hh}` (PyTorch keeps two bias vectors; only their sum matters).
For a batch of rows: ``h_t = phi(x_t @ W_ih.T + b_ih + h_prev @ W_hh.T + b_hh)``.
Layer l > 0 reads the outputs of layer l-1 (both directions concatenated when bidirectional).

Shapes
------
T  sequence length, B  batch size, D  input size, H  hidden size, L  ``num_layers``,
dirs  1, or 2 when ``bidirectional``.

=================  ===============  ===================================================
``X``              (T, B, D)        inputs, time-major
``state`` (h0)     (L*dirs, B, H)   initial hidden state, zeros when ``None``
``lengths``        (B,)             real steps per sequence, for padded batches
``outputs``        (T, B, dirs*H)   top layer's hidden state at every step
``h_n``            (L*dirs, B, H)   final hidden state of every layer and direction
``weight_ih_l0``   (H, D)           :math:`W_{xh}` of layer 0 (``(H, dirs*H)`` for l > 0)
``weight_hh_l0``   (H, H)           :math:`W_{hh}`, shared by every time step
``bias_ih_l0``     (H,)             input bias (absent when ``bias=False``)
``bias_hh_l0``     (H,)             recurrent bias (absent when ``bias=False``)
=================  ===============  ===================================================

Usage::

    rnn = RNN(input_size=3, hidden_size=8, num_layers=2, bidirectional=True)
    rnn.load_state_dict(torch.nn.RNN(3, 8, num_layers=2, bidirectional=True).state_dict())
    outputs, h_n = rnn(X)                        # (T, B, 16), (4, B, 8)
    outputs, h_n = rnn(X, lengths=lengths)       # padded batch, same as pack_padded_sequence

Reference: Elman (1990), *Finding structure in time*.
"""
from __future__ import annotations

import torch
from torch import Tensor, nn

from .layers import CellBase, StackedRecurrent

NONLINEARITIES = {"tanh": torch.tanh, "relu": torch.relu}


class RNNCell(CellBase):
    """One Elman step, ``h_t = phi(x_t @ W_ih.T + b_ih + h_prev @ W_hh.T + b_hh)``; like ``nn.RNNCell``.

    ``forward(x_t, h_prev)`` takes ``x_t`` (B, D) and ``h_prev`` (B, H) and returns ``h_t`` (B, H).
    """

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, nonlinearity: str = "tanh"):
        super().__init__()
        if nonlinearity not in NONLINEARITIES:
            raise ValueError(f"nonlinearity must be one of {sorted(NONLINEARITIES)}, got {nonlinearity!r}")
        self.nonlinearity = nonlinearity
        self._create_parameters(input_size, hidden_size, bias)  # weight_ih (H, D), weight_hh (H, H)

    def forward(self, x_t: Tensor, h_prev: Tensor | None = None) -> Tensor:
        if h_prev is None:
            h_prev = self.init_state(x_t.shape[0], x_t)
        a_t = x_t @ self.weight_ih.T + h_prev @ self.weight_hh.T  # (B, H) pre-activation
        if self.bias_ih is not None:
            a_t = a_t + self.bias_ih + self.bias_hh
        return NONLINEARITIES[self.nonlinearity](a_t)  # (B, H)

    def extra_repr(self) -> str:
        return f"{self.input_size}, {self.hidden_size}, bias={self.bias_ih is not None}, nonlinearity={self.nonlinearity!r}"


class RNN(StackedRecurrent):
    """Multi-layer (bidirectional) Elman RNN with the interface and parameters of ``nn.RNN``.

    ``forward(X, state=None, lengths=None) -> (outputs, h_n)``; time-major only (no
    ``batch_first``). See the module docstring for the shapes.
    """

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        nonlinearity: str = "tanh",
        bias: bool = True,
        bidirectional: bool = False,
        dropout: float = 0.0,
    ):
        def make_cell(cell_input: int, cell_hidden: int) -> RNNCell:
            return RNNCell(cell_input, cell_hidden, bias=bias, nonlinearity=nonlinearity)

        super().__init__(make_cell, input_size, hidden_size, num_layers, bidirectional, dropout)
        self.nonlinearity = nonlinearity
        self.bias = bias
