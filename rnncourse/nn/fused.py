r"""LSTM and GRU layers with the course's own backward pass, organised as cuDNN and oneDNN do.

:mod:`rnncourse.nn.fast_lstm` hoists the input projection out of the time loop but leaves the
backward pass to autograd, which records about a dozen small operations per step and replays
them one by one. Here each layer is a ``torch.autograd.Function`` whose ``backward`` is the
BPTT recursion derived in the LSTM/GRU chapter (the one :func:`rnncourse.numpy_ref.lstm.lstm_backward`
and :func:`rnncourse.numpy_ref.gru.gru_backward` spell out step by step), reorganised so that
the time loop holds only what truly depends on the previous step:

1. **Forward.** The input part of every gate for all T steps is one GEMM,
   (T*B, D) x (D, GH). Per step one (B, H) x (H, GH) product ``addmm_`` adds the recurrent part
   in place, and the activations overwrite the pre-activations in place: the buffer that held
   :math:`A^x` ends up holding the activated gates, which is exactly what the backward pass needs.
2. **Backward, per step.** Only the chain :math:`\delta h_{t-1} = \delta A_t W_{hh} + \dots`
   is sequential. The derivative factors of the activations (:math:`\sigma' = \sigma(1-\sigma)`,
   :math:`\tanh' = 1-\tanh^2`) do not depend on the incoming gradient, so they are computed
   for all steps at once before the loop; a step is then a handful of products with them and one
   (B, GH) x (GH, H) GEMM, with the addition of :math:`\partial L/\partial h_{t-1}` from the
   output fused into it.
3. **Backward, after the loop.** The weight gradients are sums over time,
   :math:`\partial L/\partial W_{hh} = \sum_t \delta A_t^\top h_{t-1}`, so they are one
   (GH, T*B) x (T*B, H) GEMM over the stacked :math:`\delta A`, instead of T products of shape
   (GH, B) x (B, H); likewise :math:`\partial L/\partial W_{ih}` (for the LSTM, whose two
   weights see the same :math:`\delta A`, both in one GEMM over the columns of
   :math:`[X \,|\, h_{t-1}]`), and the input gradient :math:`\delta X = \delta A\, W_{ih}` is one
   (T*B, GH) x (GH, D) GEMM.

LSTM, gates stacked (i, f, g, o) as in ``nn.LSTM``; per step, with :math:`\delta h_t` the total
gradient reaching :math:`h_t` (from the output and from step t+1):

.. math::

    \delta c_t = \delta c_{t+1} \odot f_{t+1} + \delta h_t \odot o_t (1 - \tanh^2 c_t), \qquad
    \delta A_t = [\delta c_t \odot g_t i_t(1-i_t),\; \delta c_t \odot c_{t-1} f_t(1-f_t),\;
                  \delta c_t \odot i_t (1-g_t^2),\; \delta h_t \odot \tanh c_t\, o_t(1-o_t)]

GRU (``nn.GRU``'s form, gates (r, z, n), :math:`\hat n_t = W_{hn} h_{t-1} + b_{hn}`):

.. math::

    \delta a^n_t = \delta h_t (1-z_t)(1-n_t^2), \quad
    \delta a^z_t = \delta h_t (h_{t-1} - n_t) z_t(1-z_t), \quad
    \delta a^r_t = \delta a^n_t \hat n_t r_t(1-r_t), \\
    \delta h_{t-1} = \delta h^{\text{out}}_{t-1} + \delta h_t \odot z_t
                     + [\delta a^r_t, \delta a^z_t, r_t \odot \delta a^n_t] W_{hh}

Every gate gradient of a GRU step is :math:`\delta h_t` times a factor known before the loop,
so a GRU step of the backward pass is three operations.

The time loops run in C++ where they can (:mod:`rnncourse.nn.native`: ``fused_native.cpp``,
compiled on first use; CPU, float32 and float64): there a step is one GEMM and one pass over
the (B, GH) block that does all the element-wise work of the step at once, instead of a dozen
PyTorch calls from Python. Elsewhere (CUDA, ``meta``, other dtypes, no compiler) the Python loops
below run: the same equations, the same buffers, the same results.
:func:`rnncourse.nn.native.native_status` says which runs. In float32 on the CPU the matrix
products, per step and over all steps, run on oneDNN's kernels where they are large enough to
pay for it (:mod:`rnncourse.nn.fused_gemm`); the hidden states h_0 .. h_T share one
(T+1, B, H) buffer, so that the W_hh gradient reads h_0 .. h_{T-1} without a copy.

Shapes
------
``X`` (T, B, D), ``h0``/``c0`` (B, H), ``W_ih`` (GH, D), ``W_hh`` (GH, H), biases (GH,) or
``None``; G = 4 (LSTM) or 3 (GRU). The modules :class:`FusedLSTM` and :class:`FusedGRU` have the
parameters and interface of :class:`rnncourse.nn.LSTM` and :class:`rnncourse.nn.GRU`
(``nn.LSTM``'s names); padded batches (``lengths``) are left to those teaching modules.
"""
from __future__ import annotations

import torch
from torch import Tensor
from torch.autograd.function import once_differentiable

from . import fused_gemm as gemm, native
from .gru import GRU
from .lstm import LSTM
from .native import native_available, native_status, use_native

__all__ = ["LSTMFunction", "GRUFunction", "FusedLSTM", "FusedGRU", "native_available", "native_status", "use_native"]


def _tanh(x: Tensor, out: Tensor) -> Tensor:
    """``tanh(x)`` written into ``out`` (which may be ``x``), as :math:`\\tanh x = 2\\sigma(2x) - 1`: on the CPU PyTorch's logistic
    function is about three times faster than its ``tanh`` (measured on (32, 256) and (64, 512)
    float32 and float64 tensors), fast enough to pay for the three extra scalings."""
    return torch.mul(x, 2, out=out).sigmoid_().mul_(2).sub_(1)


def _input_part(X: Tensor, W_ih: Tensor, b: Tensor | None) -> Tensor:
    """``X W_ih^T + b`` for every step at once: one (T*B, D) x (D, GH) GEMM -> (T, B, GH)."""
    T, B, D = X.shape
    return gemm.linear(X.reshape(T * B, D), W_ih, b).view(T, B, -1)


def _step_onednn(X: Tensor, W_hh: Tensor) -> bool:
    """Whether the native loop computes its per-step products (B, H) x (H, GH) on oneDNN."""
    return gemm.onednn_serves(X, X.shape[1] * W_hh.numel())


def _gate_gradients(gates: Tensor, reader_columns: int) -> gemm.Buffer:
    """A (T*B, GH) buffer for every step's gate gradient, written by the backward loop and read by
    the weight-gradient GEMM over ``reader_columns`` columns (oneDNN reads it without a copy)."""
    T, B, GH = gates.shape
    return gemm.buffer(T * B, GH, gates, T * B * GH * reader_columns)


def _batched_grads(need, dA: gemm.Buffer, X: Tensor, H_all: Tensor, W_ih: Tensor, dA_h: gemm.Buffer | None = None):
    """Gradients of the input and of the weights from the gate gradients of all steps: GEMMs over
    the T*B rows, after the time loop. ``dA`` (T*B, GH) reaches ``W_ih`` and ``X``; ``dA_h``
    (default ``dA``) reaches ``W_hh``, whose input at step t is h_{t-1}: ``H_all`` (T+1, B, H)
    holds h_0 .. h_T, so h_0 .. h_{T-1} is its first T rows. ``need`` flags (X, W_ih, W_hh, b_ih,
    b_hh). Returns ``dX, dW_ih, dW_hh, db_ih, db_hh``, None where not needed."""
    T, B, _ = X.shape
    same = dA_h is None
    dX = gemm.linear(dA.dense, W_ih.T).view(T, B, -1) if need[0] else None  # (T*B, GH) x (GH, D)
    X2 = X.reshape(T * B, -1) if need[1] else None
    H_prev = H_all[:-1].reshape(T * B, -1) if need[2] else None         # h_0 .. h_{T-1}
    if same:  # the LSTM: W_ih and W_hh in one GEMM, (GH, T*B) x (T*B, D+H); both biases get the same gradient
        (dW_ih, dW_hh), db = gemm.weight_gradients(dA, [X2, H_prev], need[3] or need[4])
        db_ih = db if need[3] else None
        db_hh = None if not need[4] else db.clone() if need[3] else db
    else:
        (dW_ih,), db_ih = gemm.weight_gradients(dA, [X2], need[3])      # (GH, T*B) x (T*B, D)
        (dW_hh,), db_hh = gemm.weight_gradients(dA_h, [H_prev], need[4])  # (GH, T*B) x (T*B, H)
    return dX, dW_ih, dW_hh, db_ih, db_hh


class LSTMFunction(torch.autograd.Function):
    """One direction of one LSTM layer: ``(X, h0, c0, W_ih, W_hh, b_ih, b_hh) -> (Hs, c_T)``."""

    @staticmethod
    def forward(ctx, X, h0, c0, W_ih, W_hh, b_ih, b_hh):
        bias = None if b_ih is None else b_ih + b_hh
        ops = native.ops_for(X)
        ctx.native = ops is not None
        if ops is None:
            gates = _input_part(X, W_ih, bias)  # (T, B, 4H): A^x, becomes the activated gates
            Cs, tanh_Cs, H_all = LSTMFunction.loop(gates, h0, c0, W_hh)
        else:  # the C++ loop adds the bias in its element-wise pass
            gates = _input_part(X, W_ih, None)
            Cs, tanh_Cs, H_all = ops.lstm_forward(gates, bias, h0, c0, W_hh, _step_onednn(X, W_hh))
        ctx.save_for_backward(X, c0, W_ih, W_hh, gates, Cs, tanh_Cs, H_all)
        return H_all[1:], Cs[-1].clone()

    @staticmethod
    @once_differentiable
    def backward(ctx, dHs, dc_T):
        X, c0, W_ih, W_hh, gates, Cs, tanh_Cs, H_all = ctx.saved_tensors
        ops = native.ops_for(X) if ctx.native else None
        dA = _gate_gradients(gates, X.shape[2] + W_hh.shape[1])  # (T*B, 4H), read by the GEMM over [X | h_{t-1}]
        dA_steps = dA.dense.view(gates.shape)
        dh0, dc0 = (ops.lstm_backward(gates, Cs, tanh_Cs, c0, W_hh, dHs, dc_T, dA_steps, _step_onednn(X, W_hh)) if ops
                    else LSTMFunction.recursion(gates, Cs, tanh_Cs, c0, W_hh, dHs, dc_T, dA_steps))
        need = ctx.needs_input_grad
        dX, dW_ih, dW_hh, db_ih, db_hh = _batched_grads(need[:1] + need[3:], dA, X, H_all, W_ih)
        return dX, dh0, dc0, dW_ih, dW_hh, db_ih, db_hh

    @staticmethod
    def loop(gates: Tensor, h0: Tensor, c0: Tensor, W_hh: Tensor):
        """The forward time loop in Python. ``gates`` (T, B, 4H) holds A^x and is overwritten with
        the activated gates; returns the cell states c_1 .. c_T and their tanh, (T, B, H) each, and
        the hidden states h_0 .. h_T, (T+1, B, H)."""
        T, B, _ = gates.shape
        H = W_hh.shape[1]
        Cs = gates.new_empty(T, B, H)       # cell states c_1 .. c_T
        tanh_Cs = gates.new_empty(T, B, H)
        H_all = gates.new_empty(T + 1, B, H)  # h_0 .. h_T
        H_all[0] = h0
        W_hh_T = W_hh.T
        h, c = h0, c0
        for t in range(T):  # the sequential part
            A = gates[t].addmm_(h, W_hh_T)  # (B, 4H) in place: A^x_t + h_{t-1} W_hh^T
            A[:, :2 * H].sigmoid_()          # i, f
            _tanh(A[:, 2 * H:3 * H], out=A[:, 2 * H:3 * H])  # g
            A[:, 3 * H:].sigmoid_()          # o
            i, f, g, o = A.chunk(4, dim=1)
            c = torch.mul(i, g, out=Cs[t]).addcmul_(f, c)  # c_t = f c_{t-1} + i g
            tanh_c = _tanh(c, out=tanh_Cs[t])
            h = torch.mul(o, tanh_c, out=H_all[t + 1])
        return Cs, tanh_Cs, H_all

    @staticmethod
    def recursion(gates, Cs, tanh_Cs, c0, W_hh, dHs, dc_T, dA):
        """The backward recursion over time in Python: writes every step's gate gradient into dA
        (T, B, 4H), for the GEMMs after the loop; returns dh_0 and dc_0."""
        T, B, _ = gates.shape
        H = W_hh.shape[1]
        dh, dc = dHs[T - 1], dc_T     # total gradients reaching h_t and c_t
        one = gates.new_ones(())      # for 1 - a^2 = addcmul(1, a, a, value=-1)
        for t in range(T - 1, -1, -1):
            G = gates[t]                                   # (B, 4H) i, f, g, o
            i, f, g, o = G.chunk(4, dim=1)
            tanh_c = tanh_Cs[t]
            c_prev = Cs[t - 1] if t > 0 else c0
            slope = torch.addcmul(G, G, G, value=-1)       # sigma' = s (1 - s) for i, f, o
            torch.addcmul(one, g, g, value=-1, out=slope[:, 2 * H:3 * H])  # tanh' = 1 - g^2
            dc = dc + dh * o * torch.addcmul(one, tanh_c, tanh_c, value=-1)  # through h_t = o tanh c_t
            da = torch.mul(slope[:, :3 * H].view(B, 3, H), dc.unsqueeze(1))  # (B, 3, H) dc * slope
            dA_t = dA[t]
            torch.mul(da[:, 0], g, out=dA_t[:, :H])                  # i: dc * g * i'
            torch.mul(da[:, 1], c_prev, out=dA_t[:, H:2 * H])        # f: dc * c_{t-1} * f'
            torch.mul(da[:, 2], i, out=dA_t[:, 2 * H:3 * H])         # g: dc * i * g'
            torch.mul(dh * tanh_c, slope[:, 3 * H:], out=dA_t[:, 3 * H:])  # o: dh * tanh c_t * o'
            dc = dc * f                                              # to c_{t-1}: the cell's linear path
            if t > 0:
                dh = torch.addmm(dHs[t - 1], dA_t, W_hh)             # dh_{t-1}: output part + recurrent part
        return dA[0] @ W_hh, dc


class GRUFunction(torch.autograd.Function):
    """One direction of one GRU layer (``nn.GRU``'s form): ``(X, h0, W_ih, W_hh, b_ih, b_hh) -> Hs``."""

    @staticmethod
    def forward(ctx, X, h0, W_ih, W_hh, b_ih, b_hh):
        ops = native.ops_for(X)
        ctx.native = ops is not None
        if ops is None:
            gates = _input_part(X, W_ih, b_ih)  # (T, B, 3H): input parts, become r, z, n
            HN, H_all = GRUFunction.loop(gates, h0, W_hh, b_hh)
        else:  # the C++ loop adds b_ih in its element-wise pass
            gates = _input_part(X, W_ih, None)
            HN, H_all = ops.gru_forward(gates, b_ih, h0, W_hh, b_hh, _step_onednn(X, W_hh))
        ctx.save_for_backward(X, W_ih, W_hh, gates, HN, H_all)
        return H_all[1:]

    @staticmethod
    @once_differentiable
    def backward(ctx, dHs):
        X, W_ih, W_hh, gates, HN, H_all = ctx.saved_tensors
        ops = native.ops_for(X) if ctx.native else None
        dA_x = _gate_gradients(gates, X.shape[2])       # (T*B, 3H), read by the GEMM over X
        dA_h = _gate_gradients(gates, W_hh.shape[1])    # (T*B, 3H), read by the GEMM over h_{t-1}
        steps = dA_x.dense.view(gates.shape), dA_h.dense.view(gates.shape)
        dh0 = (ops.gru_backward(gates, HN, H_all, W_hh, dHs, *steps, _step_onednn(X, W_hh)) if ops
               else GRUFunction.recursion(gates, HN, H_all, W_hh, dHs, *steps))
        need = ctx.needs_input_grad
        dX, dW_ih, dW_hh, db_ih, db_hh = _batched_grads(need[:1] + need[2:], dA_x, X, H_all, W_ih, dA_h)
        return dX, dh0, dW_ih, dW_hh, db_ih, db_hh

    @staticmethod
    def loop(gates: Tensor, h0: Tensor, W_hh: Tensor, b_hh: Tensor | None):
        """The forward time loop in Python. ``gates`` (T, B, 3H) holds A^x and is overwritten with
        r, z, n; returns HN (the recurrent part of n, W_hn h_{t-1} + b_hn, which the backward pass
        needs), (T, B, H), and the hidden states h_0 .. h_T, (T+1, B, H)."""
        T, B, _ = gates.shape
        H = W_hh.shape[1]
        recurrent = gates.new_empty(T, B, 3 * H)  # h_{t-1} W_hh^T + b_hh
        H_all = gates.new_empty(T + 1, B, H)  # h_0 .. h_T
        H_all[0] = h0
        W_hh_T = W_hh.T
        h = h0
        for t in range(T):
            if b_hh is None:
                Gh = torch.mm(h, W_hh_T, out=recurrent[t])
            else:
                Gh = torch.addmm(b_hh, h, W_hh_T, out=recurrent[t])  # (B, 3H)
            rz = gates[t, :, :2 * H].add_(Gh[:, :2 * H]).sigmoid_()  # r, z
            a_n = gates[t, :, 2 * H:].addcmul_(rz[:, :H], Gh[:, 2 * H:])  # reset after the product
            n = _tanh(a_n, out=a_n)
            h = torch.lerp(n, h, rz[:, H:], out=H_all[t + 1])  # (1 - z) n + z h_{t-1}
        return recurrent[:, :, 2 * H:], H_all

    @staticmethod
    def recursion(gates, HN, H_all, W_hh, dHs, dA_x, dA_h):
        """The backward recursion over time in Python: writes the gradients of the input parts of
        the gates (r, z, n) into dA_x and of the recurrent parts into dA_h, (T, B, 3H) each (their n
        blocks differ by the factor r); returns dh_0."""
        T, B, _ = gates.shape
        H = W_hh.shape[1]
        dh = dHs[T - 1]                 # total gradient reaching h_t
        one = gates.new_ones(())
        for t in range(T - 1, -1, -1):
            RZ = gates[t, :, :2 * H]
            r, z, n = gates[t].chunk(3, dim=1)
            h_prev = H_all[t]
            slope = torch.addcmul(RZ, RZ, RZ, value=-1)                 # sigma' for r and z
            da_n = torch.mul(dh - dh * z, torch.addcmul(one, n, n, value=-1), out=dA_x[t, :, 2 * H:])
            torch.mul(da_n * HN[t], slope[:, :H], out=dA_x[t, :, :H])                        # r
            torch.mul(dh * (h_prev - n), slope[:, H:], out=dA_x[t, :, H:2 * H])             # z
            dA_h[t, :, :2 * H] = dA_x[t, :, :2 * H]
            torch.mul(da_n, r, out=dA_h[t, :, 2 * H:])          # the reset gate scales W_hn h_{t-1} + b_hn
            dh_prev = torch.addcmul(dHs[t - 1], dh, z) if t > 0 else dh * z  # direct path z * h_{t-1}
            dh = dh_prev.addmm_(dA_h[t], W_hh)
        return dh


class FusedLSTM(LSTM):
    """Multi-layer (bidirectional) LSTM with ``nn.LSTM``'s parameters; every layer-direction runs
    as one :class:`LSTMFunction`. ``forward(X, state=None) -> (outputs, (h_n, c_n))``."""

    def _run_direction(self, index: int, X: Tensor, initial, lengths):
        if lengths is not None:
            raise ValueError("FusedLSTM does not take lengths; use rnncourse.nn.LSTM for padded batches")
        layer = self._bound(index)
        cell = layer.cell
        h0, c0 = cell.init_state(X.shape[1], X) if initial is None else initial  # (B, H) each
        if layer.reverse:  # the backward direction reads the sequence from its end
            X = X.flip(0)
        Hs, c_n = LSTMFunction.apply(X, h0, c0, cell.weight_ih, cell.weight_hh, cell.bias_ih, cell.bias_hh)
        return (Hs.flip(0) if layer.reverse else Hs), (Hs[-1], c_n)


class FusedGRU(GRU):
    """Multi-layer (bidirectional) GRU with ``nn.GRU``'s parameters; every layer-direction runs
    as one :class:`GRUFunction`. ``forward(X, state=None) -> (outputs, h_n)``."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.convention != "pytorch":
            raise ValueError("FusedGRU computes nn.GRU's form only (convention='pytorch')")

    def _run_direction(self, index: int, X: Tensor, initial, lengths):
        if lengths is not None:
            raise ValueError("FusedGRU does not take lengths; use rnncourse.nn.GRU for padded batches")
        layer = self._bound(index)
        cell = layer.cell
        h0 = cell.init_state(X.shape[1], X) if initial is None else initial  # (B, H)
        if layer.reverse:
            X = X.flip(0)
        Hs = GRUFunction.apply(X, h0, cell.weight_ih, cell.weight_hh, cell.bias_ih, cell.bias_hh)
        return (Hs.flip(0) if layer.reverse else Hs), Hs[-1]
