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

Autograd still records a handful of small operations per step; cuDNN (GPU) and oneDNN (CPU,
behind ``nn.LSTM``) go further, with the backward pass written by hand, the weight gradients
computed as a few large GEMMs after the time loop and the element-wise work of a step fused
into one kernel. ``benchmarks/model_speed.py`` measures how much each step buys. Three further
steps were measured on the course's 2-core CPU and left out because they were slower there, not
faster: a hand-written backward pass (an ``autograd.Function``: weight gradients as GEMMs after
the loop, activated gates saved in the forward pass), compiling this function with
``torch.jit.script``, and compiling the per-step cell with ``torch.compile`` (every one of the
T calls pays the compiled function's entry cost).

Shapes
------
T  sequence length, B  batch size, D  input size, H  hidden size, L  ``num_layers``,
dirs  1, or 2 when ``bidirectional``.

===================  ===============  ===========================================
``X``                (T, B, D)        inputs, time-major
``state``            (h0, c0)         each (L*dirs, B, H), zeros when ``None``
``outputs``          (T, B, dirs*H)   top layer's h at every step
``(h_n, c_n)``       (L*dirs, B, H)   final h and c of every layer and direction
``A_x``              (T, B, 4H)       hoisted input part of every gate
===================  ===============  ===========================================

Parameters have ``nn.LSTM``'s names and shapes, so ``load_state_dict`` copies them 1:1.
Padded batches (``lengths``) are left to the teaching LSTM.
"""
from __future__ import annotations

import math

import torch
from torch import Tensor, nn


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


class FastLSTM(nn.Module):
    """Multi-layer (bidirectional) LSTM with ``nn.LSTM``'s parameters, organised for speed
    (see the module docstring).

    ``forward(X, state=None) -> (outputs, (h_n, c_n))`` on time-major ``X`` (T, B, D).
    """

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, bias: bool = True,
                 bidirectional: bool = False, dropout: float = 0.0):
        super().__init__()
        if num_layers < 1:
            raise ValueError(f"num_layers must be at least 1, got {num_layers}")
        self.input_size, self.hidden_size, self.num_layers = input_size, hidden_size, num_layers
        self.bias, self.bidirectional, self.dropout = bias, bidirectional, dropout
        self.num_directions = 2 if bidirectional else 1
        self.inter_layer_dropout = nn.Dropout(dropout)
        G = 4 * hidden_size
        for layer in range(num_layers):
            layer_input = input_size if layer == 0 else hidden_size * self.num_directions
            for direction in range(self.num_directions):
                suffix = f"_l{layer}" + ("_reverse" if direction == 1 else "")
                self.register_parameter("weight_ih" + suffix, nn.Parameter(torch.empty(G, layer_input)))
                self.register_parameter("weight_hh" + suffix, nn.Parameter(torch.empty(G, hidden_size)))
                if bias:
                    self.register_parameter("bias_ih" + suffix, nn.Parameter(torch.empty(G)))
                    self.register_parameter("bias_hh" + suffix, nn.Parameter(torch.empty(G)))
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """PyTorch's initialisation: every parameter uniform in [-1/sqrt(H), 1/sqrt(H)]."""
        bound = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0.0
        for weight in self.parameters():
            nn.init.uniform_(weight, -bound, bound)

    def _run(self, X: Tensor, h0: Tensor, c0: Tensor, suffix: str, reverse: bool):
        params = [getattr(self, name + suffix) for name in ("weight_ih", "weight_hh")]
        params += [getattr(self, name + suffix) for name in ("bias_ih", "bias_hh")] if self.bias else [None, None]
        if reverse:  # the backward direction reads the sequence from its end
            X = X.flip(0)
        Hs, (h_n, c_n) = lstm_layer(X, h0, c0, *params)
        return (Hs.flip(0) if reverse else Hs), h_n, c_n

    def forward(self, X: Tensor, state=None):
        if X.dim() != 3:
            raise ValueError(f"X must be time-major (T, B, D), got shape {tuple(X.shape)}")
        _, B, _ = X.shape
        if state is None:
            zeros = X.new_zeros(self.num_layers * self.num_directions, B, self.hidden_size)
            state = (zeros, zeros)
        h0, c0 = state
        finals_h, finals_c = [], []
        layer_input = X
        for layer in range(self.num_layers):
            if layer > 0:
                layer_input = self.inter_layer_dropout(layer_input)  # between layers only
            outputs = []
            for direction in range(self.num_directions):
                index = layer * self.num_directions + direction
                suffix = f"_l{layer}" + ("_reverse" if direction == 1 else "")
                Hs, h_n, c_n = self._run(layer_input, h0[index], c0[index], suffix, reverse=direction == 1)
                outputs.append(Hs)
                finals_h.append(h_n)
                finals_c.append(c_n)
            layer_input = outputs[0] if len(outputs) == 1 else torch.cat(outputs, dim=-1)
        return layer_input, (torch.stack(finals_h), torch.stack(finals_c))  # (T, B, dirs*H), (L*dirs, B, H)

    def extra_repr(self) -> str:
        return (f"{self.input_size}, {self.hidden_size}, num_layers={self.num_layers}, bias={self.bias}, "
                f"bidirectional={self.bidirectional}, dropout={self.dropout}")
