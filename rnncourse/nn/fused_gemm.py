r"""The products over all time steps of the fused layers, through oneDNN where it serves float32.

:mod:`rnncourse.nn.fused` does the work of a layer that does not depend on the previous step
as a few large matrix products over all T*B rows at once:

.. math::

    A^x = X W_{ih}^\top, \qquad \delta X = \delta A\, W_{ih}, \qquad
    \frac{\partial L}{\partial W} = \delta A^\top Z, \quad \frac{\partial L}{\partial b} = \textstyle\sum_{\text{rows}} \delta A

(Z the layer input X for W_ih, the previous hidden states h_0 .. h_{T-1} for W_hh). On a CPU in
float32 these run on oneDNN, the library behind ``nn.LSTM``'s own CPU path: ``x W^T`` as its inner
product on a weight laid out for it (``mkldnn::_linear_pointwise``), and the weight gradient with
the bias gradient as its inner product's backward pass over the weights
(``aten::mkldnn_linear_backward_weights``). Measured on one core of an AMD EPYC (Zen 4) at
(T*B, D, H) = (3200, 128, 512) this is 15 to 20 % faster than ``torch.mm`` there (MKL). In
float64, on other devices, or with ``torch.backends.mkldnn`` switched off, ``torch.mm`` runs:
the same products, equal to rounding. So does a product too small to pay oneDNN's fixed cost
per call (fewer than ``MIN_WORK`` multiply-adds: at the benchmark's small size, (T, B, D, H) =
(20, 8, 16, 32), oneDNN made a training pass about three times slower).

The weight gradient reads its operands as oneDNN tensors. Rather than copy the gate gradients
(T*B, GH) and the inputs ``[X | h_{t-1}]`` (T*B, D+H) into such tensors after the loop (at the
large size two copies of 26 and 8 MB, each into freshly mapped memory), :func:`buffer` allocates
a oneDNN tensor in its plain row-major layout and hands out an ordinary tensor over the same
memory: the backward loop writes the gate gradients straight into it, and ``torch.cat`` writes
``[X | h_{t-1}]`` into another.
"""
from __future__ import annotations

import ctypes
from dataclasses import dataclass

import torch
from torch import Tensor


def _onednn_ops() -> bool:
    return torch.backends.mkldnn.is_available() and all(
        hasattr(namespace, name) for namespace, name in ((torch.ops.mkldnn, "_linear_pointwise"),
                                                         (torch.ops.mkldnn, "_reorder_linear_weight"),
                                                         (torch.ops.aten, "mkldnn_linear_backward_weights")))


ONEDNN = _onednn_ops()
MIN_WORK = 1 << 22  # multiply-adds of one product, about 50 microseconds of one core


@dataclass
class Buffer:
    """A float32 matrix seen two ways: ``dense`` (an ordinary tensor) and ``onednn`` (the same
    memory as a oneDNN tensor, or None where oneDNN does not serve). ``dense`` does not own the
    memory: keep the Buffer while it is in use."""
    dense: Tensor
    onednn: Tensor | None = None


def _dense_view(M: Tensor) -> Tensor:
    """An ordinary float32 tensor over the memory of the oneDNN tensor ``M`` (plain layout)."""
    memory = (ctypes.c_float * M.numel()).from_address(torch.ops.mkldnn.data_ptr(M))
    return torch.frombuffer(memory, dtype=torch.float32).view(M.shape)


def _plain_layout() -> bool:
    """Whether a new 2-D oneDNN tensor is row-major, so that :func:`_dense_view` reads it right."""
    try:
        M = torch.empty((3, 5), layout=torch._mkldnn)
        _dense_view(M).copy_(torch.arange(15.0).view(3, 5))
        return torch.equal(M.to_dense(), torch.arange(15.0).view(3, 5))
    except (RuntimeError, AttributeError, TypeError, ValueError):
        return False


SHARED = ONEDNN and _plain_layout()  # buffers that oneDNN reads without a copy


def onednn_serves(x: Tensor, work: int) -> bool:
    """Whether a product of ``work`` multiply-adds on ``x`` runs on oneDNN: a float32 CPU tensor,
    oneDNN present and enabled (``torch.backends.mkldnn.enabled``), and enough work."""
    return (ONEDNN and x.device.type == "cpu" and x.dtype == torch.float32 and torch.backends.mkldnn.enabled
            and work >= MIN_WORK)


def linear(x: Tensor, W: Tensor, b: Tensor | None = None) -> Tensor:
    """``x W^T + b``: (N, in) x (out, in) -> (N, out), contiguous; W may be a transposed view."""
    if onednn_serves(x, x.shape[0] * W.shape[0] * W.shape[1]):
        packed = torch.ops.mkldnn._reorder_linear_weight(W, x.shape[0])  # oneDNN's blocked layout, once
        return torch.ops.mkldnn._linear_pointwise(x.contiguous(), packed, b, "none", [], "")
    return x @ W.T if b is None else torch.addmm(b, x, W.T)


def buffer(rows: int, columns: int, like: Tensor, work: int) -> Buffer:
    """An uninitialised (rows, columns) matrix with ``like``'s dtype and device, which oneDNN reads
    without a copy where the product that reads it (``work`` multiply-adds) runs on oneDNN."""
    if SHARED and onednn_serves(like, work):
        M = torch.empty((rows, columns), layout=torch._mkldnn)
        return Buffer(_dense_view(M), M)
    return Buffer(like.new_empty(rows, columns))


def weight_gradients(dY: Tensor | Buffer, Zs: list[Tensor | None], bias: bool) -> tuple[list[Tensor | None], Tensor | None]:
    """The gradients of the weights W_k (out, in_k) and of b (out,) in ``Y = sum_k Z_k W_k^T + b``
    from dY (N, out): ``dY^T Z_k`` for every Z_k (N, in_k) as one GEMM over the columns of
    ``[Z_1 | Z_2 | ...]``, and ``dY`` summed over rows if ``bias``. None in Zs gives None.
    ``dY`` may be a :class:`Buffer`, which oneDNN reads without a copy."""
    dY_onednn = dY.onednn if isinstance(dY, Buffer) else None
    dY = dY.dense if isinstance(dY, Buffer) else dY
    given = [Z for Z in Zs if Z is not None]
    if not given:
        return [None] * len(Zs), dY.sum(0) if bias else None
    width = sum(Z.shape[1] for Z in given)
    if onednn_serves(dY, dY.numel() * width):
        Z = buffer(dY.shape[0], width, dY, dY.numel() * width)  # (N, sum in_k), written once, read by oneDNN as it is
        torch.cat(given, dim=1, out=Z.dense)
        dW, db = torch.ops.aten.mkldnn_linear_backward_weights(
            dY.to_mkldnn() if dY_onednn is None else dY_onednn,
            Z.dense.to_mkldnn() if Z.onednn is None else Z.onednn, dY, bias)
    else:
        Z = given[0] if len(given) == 1 else torch.cat(given, dim=1)  # (N, sum in_k)
        dW, db = dY.T @ Z, dY.sum(0) if bias else None
    parts = iter(dW.split([Zk.shape[1] for Zk in given], dim=1))  # (out, in_k) each
    return [None if Z is None else next(parts) for Z in Zs], db if bias else None
