"""Classic mistakes in the loss of a language model, as the wrong values they produce.

The mean cross-entropy of N predictions with scores ``z_n`` (N, V), targets ``y_n`` and a
temperature tau, and its gradient:

    L = -(1/N) sum_n ln p_tau(y_n | z_n),   p_tau = softmax(z / tau),
    dL/dz_n = (p_tau(z_n) - onehot(y_n)) / (N tau).

An embedding and a linear read-out (a bigram neural language model), ids ``x_n``:

    e_n = E[x_n] (N, D),   z_n = W_hy e_n + b_y (N, V),
    dW_hy = G^T e,   db_y = sum_n G_n,   dE[k] = sum_{n: x_n = k} (G W_hy)_n,   G = dL/dz.

Masked sequence loss in torch: logits (T, B, V), one-hot targets (T, B, V), mask (T, B):
``-sum(mask * sum_v(Y * log_softmax(logits))) / sum(mask)``.

Each generator returns ``{feedback message: wrong value}`` (or one such dict per result).
"""
from __future__ import annotations

import numpy as np

from .sampling import softmax_t


def _one_hot(targets, V):
    return np.eye(V)[np.asarray(targets)]


def cross_entropy_grad_mistakes(logits, targets, temperature) -> dict[str, np.ndarray]:
    """Wrong gradients (N, V) of the mean cross-entropy at a temperature."""
    N, V = np.shape(logits)
    Y = _one_hot(targets, V)
    p, p1 = softmax_t(logits, temperature), softmax_t(logits, 1.0)
    mistakes = {
        "The gradient is that of the sum, not of the mean: the loss averages over the N rows, so divide by N.":
            (p - Y) / temperature,
        "The factor 1/tau of the chain rule is missing: the softmax sees z / tau, so d(z / tau)/dz = 1/tau.":
            (p - Y) / N,
        "The sign is flipped: the loss falls when the target's score rises, so the gradient there is p - 1 < 0.":
            (Y - p) / (N * temperature),
        "The one-hot target is not subtracted: dL/dz = (p_tau - onehot(y)) / (N tau).": p / (N * temperature),
    }
    mistakes["The probabilities are taken at temperature 1: use p_tau = softmax(z / tau) in the gradient."] = \
        (p1 - Y) / (N * temperature)
    right = (p - Y) / (N * temperature)
    return {m: v for m, v in mistakes.items() if not np.allclose(v, right)}   # N = 1 or tau = 1 hide some


# A cross_entropy_grad that returns the gradient of the sum gives the same numbers to a caller.
SUM_GRADIENT = " (if you call cross_entropy_grad: its gradient is that of the sum)"


def embedding_loss_mistakes(ids, targets, E, W_hy, b_y) -> dict[str, dict[str, np.ndarray]]:
    """{"loss" | "dE" | "dW_hy" | "db_y": {message: wrong value}} for the embedding + softmax loss."""
    ids = np.asarray(ids)
    N, V = len(ids), W_hy.shape[0]
    X = E[ids]                                                   # (N, D)
    Z = X @ W_hy.T + b_y                                         # (N, V)
    Y = _one_hot(targets, V)
    p = softmax_t(Z, 1.0)
    G = (p - Y) / N                                              # (N, V)
    log_p = np.log(p[np.arange(N), targets])
    overwritten = np.zeros_like(E)
    overwritten[ids] = G @ W_hy                                  # repeated ids keep only their last row

    def scatter(rows):                                           # (N, D) rows added into (V, D) by id
        dE = np.zeros_like(E)
        np.add.at(dE, ids, rows)
        return dE

    found = {"loss": {"The loss is the sum over the N predictions; the mean divides by N.": -log_p.sum()},
             "dE": {}, "dW_hy": {}, "db_y": {}}
    if len(np.unique(ids)) < N:
        found["dE"]["dE[ids] = ... overwrites: an id that occurs several times must collect every row's "
                    "gradient (np.add.at(dE, ids, G @ W_hy), or a loop with +=)."] = overwritten
    found["dE"][f"dE is not divided by N: the gradient of the mean loss is (p - onehot(y)) / N{SUM_GRADIENT}."] = \
        scatter((p - Y) @ W_hy)
    found["dW_hy"][f"dW_hy is not divided by N: the gradient of the mean loss is (p - onehot(y)) / N{SUM_GRADIENT}."] = (p - Y).T @ X
    found["db_y"][f"db_y is not divided by N: the gradient of the mean loss is (p - onehot(y)) / N{SUM_GRADIENT}."] = (p - Y).sum(0)
    found["db_y"]["db_y is the mean of the rows of dL/dz; the bias adds to every row, so its gradient is their sum."] = \
        G.mean(0)
    return found


def masked_nll_mistakes(logits, targets, mask) -> dict[str, np.ndarray]:
    """Wrong masked mean negative log-likelihoods (a number) of a torch sequence loss."""
    z = np.asarray(logits, dtype=float)
    log_p = z - z.max(-1, keepdims=True)
    log_p = log_p - np.log(np.exp(log_p).sum(-1, keepdims=True))
    nll = -(np.asarray(targets) * log_p).sum(-1)                 # (T, B)
    m = np.asarray(mask, dtype=float)
    return {
        "The padding is counted: divide the masked sum by the number of real steps (mask.sum()), not by T * B.":
            np.asarray((nll * m).sum() / m.size),
        "The padding is not masked: multiply each step's loss by the mask before summing.":
            np.asarray(nll.mean()),
        "The loss is the masked sum, not its mean over the real steps: divide by mask.sum().":
            np.asarray((nll * m).sum()),
    }
