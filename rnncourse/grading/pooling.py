"""Classic mistakes in summarising a time-major batch (T, B, D) by its mean over time or by the last
state of an Elman RNN run over it, and in padding sequences of different lengths into one such batch
(assignment 01).

``mean_pool(X) = X.mean(axis=0)`` (B, D); ``recurrent_summary`` is h_T of
``h_t = tanh(W_xh x_t + W_hh h_{t-1} + b_h)`` from h_0 = 0 (B, H); ``pad_batch`` writes sequence b into ``X[:T_b, b]`` of a
zero (T_max, B, D) array. Each generator returns ``{feedback message: wrong value}`` for the slips
the inputs tell apart (:func:`~.separate.separating`).
"""
from __future__ import annotations

import numpy as np

from ..numpy_ref.rnn import rnn_forward
from .rnn import forward_mistakes
from .separate import separating


def mean_pool_mistakes(X) -> dict[str, np.ndarray]:
    X = np.asarray(X, dtype=float)
    return separating(X.mean(axis=0), {
        "You summed over time instead of averaging: divide by T.": X.sum(axis=0),
        "You averaged over the batch axis (axis=1): the mean runs over time, axis 0 of a time-major (T, B, D) batch.":
            X.mean(axis=1),
        "This is the last time step X[-1], not the mean over all T steps.": X[-1],
    })


def pad_batch_mistakes(sequences) -> dict[str, np.ndarray]:
    T, B, D = max(len(s) for s in sequences), len(sequences), np.shape(sequences[0])[1]
    right, in_front = np.zeros((T, B, D)), np.zeros((T, B, D))
    for b, s in enumerate(sequences):
        right[:len(s), b] = s
        in_front[T - len(s):, b] = s
    return separating(right, {
        "X is batch-first (B, T_max, D); the course's convention is time-major (T_max, B, D).": right.transpose(1, 0, 2),
        "The padding is in front: sequence b starts at step 0, X[:len(s), b] = s, and its zeros follow.": in_front,
    })


def summary_mistakes(X, W_xh, W_hh, b_h) -> dict[str, np.ndarray]:
    """The step's classic mistakes (as in a sequence's last state), and the loop run too few times."""
    states = rnn_forward(X, None, W_xh, W_hh, b_h)                      # (T, B, H)
    wrong = {message: Hs[-1] for message, Hs in forward_mistakes(X, None, W_xh, W_hh, b_h).items()
             if len(Hs) == len(X) and "Hs" not in message}            # (the ones about storing every state do not apply)
    wrong["You returned the state after the first step; return h_T."] = states[0]
    if len(X) > 1:
        wrong["The loop stops one step early: h_T is the state after all T steps."] = states[-2]
    return separating(states[-1], wrong)
