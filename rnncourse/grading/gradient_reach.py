"""How much gradient of a loss on the last state reaches each step, and the classic slips in measuring it.

After a forward pass from h0 = 0, with ``dHs`` zero except ``dHs[T-1] = 1`` (the loss ``L = sum h_T``): ``dX_norms[t]`` is the batch mean of
``||dL/dx_t||`` and ``dW_hh_norms[t]`` the Frobenius norm of step t's term of dL/dW_hh. Going back from
the last step, the gradient passes through the transposed Jacobians ``W_hh^T diag(1 - h^2)``, so
``dX_norms[t] <= ||W_hh||_2^(T-1-t) ||W_xh||_2 sqrt(H)``.
"""
from __future__ import annotations

import numpy as np

from ..numpy_ref.rnn import rnn_backward, rnn_forward
from .rnn import step_contributions
from .separate import separating

RESULTS = ("dX_norms", "dW_hh_norms")


def _states(X, W_xh, W_hh, b_h):
    """(Hs, h0): the forward pass from h0 = 0."""
    return rnn_forward(X, None, W_xh, W_hh, b_h), np.zeros((X.shape[1], W_hh.shape[0]))


def gradient_reach(X, W_xh, W_hh, b_h, *, every_step=False) -> dict:
    Hs, h0 = _states(X, W_xh, W_hh, b_h)
    dHs = np.ones_like(Hs) if every_step else np.zeros_like(Hs)
    dHs[-1] = 1.0
    dX = rnn_backward(dHs, X, Hs, h0, W_xh, W_hh)["dX"]
    terms = step_contributions(dHs, X, Hs, h0, W_xh, W_hh)
    return {"dX_norms": np.linalg.norm(dX, axis=-1).mean(axis=1),
            "dW_hh_norms": np.linalg.norm(terms.reshape(len(terms), -1), axis=1)}


def gradient_reach_mistakes(X, W_xh, W_hh, b_h) -> dict[str, dict]:
    right = gradient_reach(X, W_xh, W_hh, b_h)
    Hs, h0 = _states(X, W_xh, W_hh, b_h)
    dHs = np.zeros_like(Hs)
    dHs[-1] = 1.0
    dX = rnn_backward(dHs, X, Hs, h0, W_xh, W_hh)["dX"]
    every = gradient_reach(X, W_xh, W_hh, b_h, every_step=True)
    wrong = {
        "dX_norms": {
            "is the gradient of a loss on EVERY step: the loss reads only the last state, so dHs is zero except "
            "dHs[T-1].": every["dX_norms"],
            "holds squared norms: take the Euclidean norm over the D features.": (dX ** 2).sum(axis=-1).mean(axis=1),
            "sums the norms over the batch: average them over the B sequences.": np.linalg.norm(dX, axis=-1).sum(axis=1),
            "is in reverse order: entry t belongs to step t (the last step's gradient is the last entry).":
                right["dX_norms"][::-1],
        },
        "dW_hh_norms": {
            "is the gradient of a loss on EVERY step: the loss reads only the last state, so dHs is zero except "
            "dHs[T-1].": every["dW_hh_norms"],
            "is in reverse order: entry t belongs to step t (step 0's term is zero when h0 = 0).":
                right["dW_hh_norms"][::-1],
        },
    }
    return {name: separating(right[name], wrong[name]) for name in RESULTS}
