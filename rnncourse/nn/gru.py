r"""The GRU in PyTorch, from scratch, equal to ``torch.nn.GRU`` (and the reset-before-product variant).

``nn.GRU``'s equations (``convention="pytorch"``, the default):

.. math::

    \begin{aligned}
    r_t &= \sigma(W_{ir} x_t + b_{ir} + W_{hr} h_{t-1} + b_{hr}) \\
    z_t &= \sigma(W_{iz} x_t + b_{iz} + W_{hz} h_{t-1} + b_{hz}) \\
    n_t &= \tanh\big(W_{in} x_t + b_{in} + r_t \odot (W_{hn} h_{t-1} + b_{hn})\big) \\
    h_t &= (1 - z_t) \odot n_t + z_t \odot h_{t-1}
    \end{aligned}

``convention="reset_before"``: the reset gate multiplies :math:`h_{t-1}` *before* the product
with :math:`W_{hn}`, as in Cho et al. (2014) and Chung et al. (2014), and
:math:`h_t = (1 - z_t) \odot h_{t-1} + z_t \odot \tilde h_t`, the roles of :math:`z` as
Chung et al. (2014) write them. (Cho et al. themselves write
:math:`h_t = z_t \odot h_{t-1} + (1 - z_t) \odot \tilde h_t`, the roles PyTorch keeps; swapping
:math:`z` and :math:`1 - z` is only a relabelling, the reset placement is what changes the
function.) Same parameters, different function; only ``"pytorch"`` equals ``nn.GRU`` (the tests
prove which).

Shapes
------
T  sequence length, B  batch size, D  input size, H  hidden size, L  ``num_layers``,
dirs  1, or 2 when ``bidirectional``.

===================  ===============  ===========================================
``X``                (T, B, D)        inputs, time-major
``state`` (h0)       (L*dirs, B, H)   zeros when ``None``
``lengths``          (B,)             real steps per sequence, for padded batches
``outputs``          (T, B, dirs*H)   top layer's h at every step
``h_n``              (L*dirs, B, H)   final state of every layer and direction
``weight_ih_l0``     (3H, D)          input weights of the gates r, z, n
``weight_hh_l0``     (3H, H)          recurrent weights, same stacking
``bias_ih_l0``       (3H,)            input bias (absent when ``bias=False``)
``bias_hh_l0``       (3H,)            recurrent bias
===================  ===============  ===========================================

References: Cho et al. (2014), *Learning phrase representations using RNN encoder-decoder for
statistical machine translation*; Chung et al. (2014), *Empirical evaluation of gated recurrent
neural networks on sequence modeling*.
"""
from __future__ import annotations

import torch
from torch import Tensor, nn

from .layers import CellBase, StackedRecurrent

CONVENTIONS = ("pytorch", "reset_before")


class GRUCell(CellBase):
    """One GRU step, like ``nn.GRUCell``: ``forward(x_t, h_prev) -> h_t``.

    ``convention="reset_before"`` applies the reset before the recurrent product instead (the placement
    of Cho et al. and Chung et al., Chung et al.'s roles of z; see the module docstring).
    """

    num_gates = 3

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, convention: str = "pytorch"):
        super().__init__()
        if convention not in CONVENTIONS:
            raise ValueError(f"convention must be one of {CONVENTIONS}, got {convention!r}")
        self.convention = convention
        self._create_parameters(input_size, hidden_size, bias)  # weight_ih (3H, D), weight_hh (3H, H)

    def forward(self, x_t: Tensor, h_prev: Tensor | None = None) -> Tensor:
        if h_prev is None:
            h_prev = self.init_state(x_t.shape[0], x_t)
        H = self.hidden_size
        Gx = x_t @ self.weight_ih.T  # (B, 3H) input parts of r, z, n
        if self.bias_ih is not None:
            Gx = Gx + self.bias_ih
        if self.convention == "pytorch":
            Gh = h_prev @ self.weight_hh.T  # (B, 3H)
            if self.bias_hh is not None:
                Gh = Gh + self.bias_hh
            x_r, x_z, x_n = Gx.chunk(3, dim=1)
            h_r, h_z, h_n = Gh.chunk(3, dim=1)
            r = torch.sigmoid(x_r + h_r)
            z = torch.sigmoid(x_z + h_z)
            n = torch.tanh(x_n + r * h_n)  # reset AFTER the product: r * (W_hn h + b_hn)
            return (1 - z) * n + z * h_prev
        # reset before the product: the rows of W_hh for r and z act on h_prev, those for n on r * h_prev
        Gh_rz = h_prev @ self.weight_hh[:2 * H].T  # (B, 2H)
        if self.bias_hh is not None:
            Gh_rz = Gh_rz + self.bias_hh[:2 * H]
        x_r, x_z, x_n = Gx.chunk(3, dim=1)
        r = torch.sigmoid(x_r + Gh_rz[:, :H])
        z = torch.sigmoid(x_z + Gh_rz[:, H:])
        a_n = x_n + (r * h_prev) @ self.weight_hh[2 * H:].T  # reset BEFORE the product
        if self.bias_hh is not None:
            a_n = a_n + self.bias_hh[2 * H:]
        return (1 - z) * h_prev + z * torch.tanh(a_n)

    def extra_repr(self) -> str:
        return (f"{self.input_size}, {self.hidden_size}, bias={self.bias_ih is not None}, "
                f"convention={self.convention!r}")


class GRU(StackedRecurrent):
    """Multi-layer (bidirectional) GRU with the interface and parameters of ``nn.GRU``.

    ``forward(X, state=None, lengths=None) -> (outputs, h_n)``; time-major only.
    ``convention="reset_before"`` builds the same network from reset-before-product cells.
    """

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, bias: bool = True,
                 bidirectional: bool = False, dropout: float = 0.0, convention: str = "pytorch"):
        super().__init__(lambda d, h: GRUCell(d, h, bias=bias, convention=convention), input_size,
                         hidden_size, num_layers, bidirectional, dropout)
        self.bias = bias
        self.convention = convention
