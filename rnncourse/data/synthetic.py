"""Synthetic sequence tasks whose answer is known exactly.

``order_task``: each sequence holds one ``A`` and one ``B`` among fillers; the label says whether
``A`` comes first. Every sequence of a pair (A-first, B-first) has the *same multiset* of inputs,
so a model that ignores order cannot beat 50 %.
"""
from __future__ import annotations

import numpy as np

FILLER, A, B = 0, 1, 2
ORDER_VOCAB = 3


def order_task(n: int, T: int, rng: np.random.Generator):
    """Return ``X`` (T, n, 3) one-hot inputs and ``y`` (n,) labels, 1 where A precedes B.

    Positions of A and B are drawn uniformly among the T steps (distinct); labels are balanced
    by construction: swapping A and B flips the label and leaves the multiset unchanged.
    """
    if T < 2:
        raise ValueError(f"order_task needs T >= 2 to place A and B, got T={T}")
    first, second = np.sort(np.stack([rng.choice(T, size=2, replace=False) for _ in range(n)]), axis=1).T
    y = rng.integers(0, 2, size=n)                 # 1: A first
    tokens = np.full((T, n), FILLER)
    cols = np.arange(n)
    tokens[first, cols] = np.where(y == 1, A, B)
    tokens[second, cols] = np.where(y == 1, B, A)
    X = np.eye(ORDER_VOCAB)[tokens]                # (T, n, 3)
    return X, y
