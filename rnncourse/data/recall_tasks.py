"""Two synthetic tasks that separate recurrences by what they can *select*, generated offline.

``selective_copying`` (Gu and Dao, 2023): ``n_data`` symbols are scattered among blanks over
``T`` steps; then ``n_data`` "go" markers follow, and at the k-th marker the model must output the
k-th symbol. Where the symbols sit changes from sequence to sequence, so a fixed (time-invariant)
filter cannot find them: the model must decide, from the input, what to keep.

``associative_recall`` (multi-query associative recall, MQAR; Arora et al., 2024): ``n_pairs``
key-value pairs, then ``n_queries`` of the keys in a new order; at each query the model must
output that key's value. It must store every pair and look one up by content.

Both return time-major ``tokens`` (L, n) int64 and ``targets`` (L, n) int64 holding the class to
predict at the answer positions and ``IGNORE`` everywhere else (``cross_entropy``'s default
``ignore_index``).
"""
from __future__ import annotations

import numpy as np

IGNORE = -100


def selective_copying(n: int, T: int, n_data: int, n_symbols: int, rng: np.random.Generator):
    """Tokens: 0 blank, 1 go marker, 2 .. n_symbols+1 data; length T + n_data; classes 0 .. n_symbols-1."""
    if not 0 < n_data <= T:
        raise ValueError(f"selective_copying needs 0 < n_data <= T, got n_data={n_data}, T={T}")
    positions = np.sort(np.argsort(rng.random((n, T)), axis=1)[:, :n_data], axis=1)   # (n, n_data) distinct, in order
    symbols = rng.integers(0, n_symbols, size=(n, n_data))
    tokens = np.zeros((T + n_data, n), dtype=np.int64)
    np.put_along_axis(tokens[:T].T, positions, symbols + 2, axis=1)
    tokens[T:] = 1
    targets = np.full_like(tokens, IGNORE)
    targets[T:] = symbols.T
    return tokens, targets


def associative_recall(n: int, n_pairs: int, n_queries: int, n_keys: int, n_values: int,
                       rng: np.random.Generator):
    """Tokens: keys 0 .. n_keys-1, values n_keys .. n_keys+n_values-1; length 2 n_pairs + n_queries."""
    if not n_queries <= n_pairs <= n_keys:
        raise ValueError(f"associative_recall needs n_queries <= n_pairs <= n_keys, got {n_queries}, {n_pairs}, {n_keys}")
    keys = np.argsort(rng.random((n, n_keys)), axis=1)[:, :n_pairs]                    # distinct keys per sequence
    values = rng.integers(0, n_values, size=(n, n_pairs))
    asked = np.argsort(rng.random((n, n_pairs)), axis=1)[:, :n_queries]                 # which pairs are queried
    L = 2 * n_pairs + n_queries
    tokens = np.empty((L, n), dtype=np.int64)
    tokens[0:2 * n_pairs:2] = keys.T
    tokens[1:2 * n_pairs:2] = (values + n_keys).T
    tokens[2 * n_pairs:] = np.take_along_axis(keys, asked, axis=1).T
    targets = np.full_like(tokens, IGNORE)
    targets[2 * n_pairs:] = np.take_along_axis(values, asked, axis=1).T
    return tokens, targets
