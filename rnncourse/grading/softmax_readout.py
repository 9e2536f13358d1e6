"""A softmax read-out at every step, forward and backward, and its classic mistakes.

Scores ``Y_t = h_t W_hy^T + b_y`` (T, B, K), probabilities ``P = softmax(Y)`` over the K classes,
loss ``L = -(1 / (T B)) sum_{t,b} log P[t, b, target[t, b]]``. Backward: ``dY = (P - onehot) / (T B)``,
``dHs = dY W_hy`` (T, B, H), ``dW_hy = sum_{t,b} dY^T h`` (K, H), ``db_y = sum_{t,b} dY`` (K,).

The generator returns ``{result: {message: wrong value}}`` for ``loss, dHs, dW_hy, db_y``,
keeping only the mistakes that the inputs tell apart (:mod:`.separate`).
"""
from __future__ import annotations

import numpy as np

from .separate import separating

RESULTS = ("loss", "dHs", "dW_hy", "db_y")


def softmax_readout(Hs, targets, W_hy, b_y, *, divide="all", axis=-1, subtract=True) -> dict:
    """The right forward and backward, or one slip: ``divide`` "all" (right), "batch" or "none";
    ``axis`` of the softmax; ``subtract=False`` forgets the one-hot in dY."""
    T, B, _ = Hs.shape
    Y = Hs @ W_hy.T + b_y                                             # (T, B, K)
    Y = Y - Y.max(axis=axis, keepdims=True)
    P = np.exp(Y) / np.exp(Y).sum(axis=axis, keepdims=True)
    onehot = np.eye(W_hy.shape[0])[targets]                           # (T, B, K)
    n = {"all": T * B, "batch": B, "none": 1}[divide]
    loss = -np.sum(np.log(np.sum(P * onehot, axis=-1))) / n
    dY = (P - onehot if subtract else P) / n
    return {"loss": float(loss), "dHs": dY @ W_hy, "dW_hy": np.einsum("tbk,tbh->kh", dY, Hs),
            "db_y": dY.sum(axis=(0, 1))}


def softmax_readout_mistakes(Hs, targets, W_hy, b_y) -> dict[str, dict[str, np.ndarray]]:
    args = (Hs, targets, W_hy, b_y)
    right = softmax_readout(*args)
    variants = {
        "sums over the T * B predictions instead of averaging: the loss is their mean, so every gradient "
        "carries the factor 1 / (T B).": softmax_readout(*args, divide="none"),
        "averages over the batch only: the mean runs over every step AND every sequence, 1 / (T B).":
            softmax_readout(*args, divide="batch"),
        "normalises the softmax over the TIME axis: the probabilities of one prediction run over the K classes, "
        "the last axis.": softmax_readout(*args, axis=0),
        "normalises the softmax over the BATCH axis: the probabilities of one prediction run over the K classes, "
        "the last axis.": softmax_readout(*args, axis=1),
        "leaves out the one-hot of the targets: dL/dY = (P - onehot(target)) / (T B).":
            softmax_readout(*args, subtract=False),
    }
    return {name: separating(right[name], {m: v[name] for m, v in variants.items()}) for name in RESULTS}
