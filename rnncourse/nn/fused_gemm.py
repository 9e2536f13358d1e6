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
"""
from __future__ import annotations

import torch
from torch import Tensor


def _onednn_ops() -> bool:
    return torch.backends.mkldnn.is_available() and all(
        hasattr(namespace, name) for namespace, name in ((torch.ops.mkldnn, "_linear_pointwise"),
                                                         (torch.ops.mkldnn, "_reorder_linear_weight"),
                                                         (torch.ops.aten, "mkldnn_linear_backward_weights")))


ONEDNN = _onednn_ops()
MIN_WORK = 1 << 22  # multiply-adds of one product, about 50 microseconds of one core


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


def weight_gradients(dY: Tensor, Zs: list[Tensor | None], bias: bool) -> tuple[list[Tensor | None], Tensor | None]:
    """The gradients of the weights W_k (out, in_k) and of b (out,) in ``Y = sum_k Z_k W_k^T + b``
    from dY (N, out): ``dY^T Z_k`` for every Z_k (N, in_k) as one GEMM over the columns of
    ``[Z_1 | Z_2 | ...]``, and ``dY`` summed over rows if ``bias``. None in Zs gives None."""
    given = [Z for Z in Zs if Z is not None]
    if not given:
        return [None] * len(Zs), dY.sum(0) if bias else None
    Z = given[0] if len(given) == 1 else torch.cat(given, dim=1)  # (N, sum in_k)
    if onednn_serves(dY, dY.numel() * Z.shape[1]):
        dW, db = torch.ops.aten.mkldnn_linear_backward_weights(dY.to_mkldnn(), Z.contiguous().to_mkldnn(), dY, bias)
    else:
        dW, db = dY.T @ Z, dY.sum(0) if bias else None
    parts = iter(dW.split([Z.shape[1] for Z in given], dim=1))  # (out, in_k) each
    return [None if Z is None else next(parts) for Z in Zs], db if bias else None
