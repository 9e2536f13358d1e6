"""One gradient-descent step of a logistic read-out, and its classic mistakes.

The read-out scores features ``F`` (N, M) with ``z = F w + b`` and predicts ``p = sigmoid(z)``;
its loss is the mean binary cross-entropy, written stably as
``L = mean(log(1 + exp(z)) - y z)``, and its gradients are ``dz = (p - y) / N``,
``dw = F^T dz``, ``db = sum(dz)``. One step returns ``(L, w - lr dw, b - lr db)``, the loss
being that of the weights *before* the step.

Each generator returns ``{result name: {message: wrong value}}`` for ``loss``, ``w`` and ``b``,
keeping only the mistakes that the inputs tell apart (:mod:`.separate`).
"""
from __future__ import annotations

import numpy as np

from .separate import separating

NAMES = ("loss", "w", "b")


def readout_step(w, b, F, y, lr, *, mean=True, sign=1.0, loss_after=False, update_bias=True, linear=False):
    """The right step, or the step with one mistake (see :func:`readout_step_mistakes`)."""
    N = len(y)
    z = F @ w + b                                       # (N,)
    p = z if linear else 1.0 / (1.0 + np.exp(-z))
    dz = (p - y) / (N if mean else 1)
    w_new, b_new = w - sign * lr * (F.T @ dz), (b - sign * lr * dz.sum()) if update_bias else b
    z_loss = F @ w_new + b_new if loss_after else z
    losses = np.logaddexp(0.0, z_loss) - y * z_loss
    return float(losses.mean() if mean else losses.sum()), w_new, float(b_new)


def readout_step_mistakes(w, b, F, y, lr) -> dict[str, dict]:
    """The classic slips of the step, by result."""
    right = readout_step(w, b, F, y, lr)
    variants = {
        "sums over the examples instead of averaging: the loss is a mean over N, and so is its gradient "
        "(dz = (p - y) / N).": readout_step(w, b, F, y, lr, mean=False),
        "climbs the loss: the step goes against the gradient, w - lr * dw (with dz = p - y).":
            readout_step(w, b, F, y, lr, sign=-1.0),
        "returns the loss of the UPDATED weights: report the loss of the weights the step started from.":
            readout_step(w, b, F, y, lr, loss_after=True),
        "leaves the bias b where it was: it has a gradient too, db = sum(dz).":
            readout_step(w, b, F, y, lr, update_bias=False),
        "uses z - y as the error: the prediction is sigmoid(z), so dz = (sigmoid(z) - y) / N.":
            readout_step(w, b, F, y, lr, linear=True),
    }
    return {name: separating(right[i], {message: wrong[i] for message, wrong in variants.items()})
            for i, name in enumerate(NAMES)}
