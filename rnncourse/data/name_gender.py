"""Census first names as feature vectors labelled female (0) or male (1), for attention as a
soft lookup table.

A name becomes 78 numbers: a one-hot code of its last letter (26), of its second-to-last letter
(26, zeros for a one-letter name) and its letter frequencies (26), the whole vector scaled to
unit length. Names on both census lists are left out, so every label is unambiguous. The lists
come from the ``names`` package (see :mod:`rnncourse.data.corpora`); nothing is downloaded.
"""
from __future__ import annotations

import numpy as np

from .corpora import load_names

LETTERS = "abcdefghijklmnopqrstuvwxyz"


def name_features(names: list[str]) -> np.ndarray:
    """(N, 78) unit-length features: last letter, second-to-last letter, letter frequencies."""
    X = np.zeros((len(names), 3 * 26))
    for i, name in enumerate(names):
        X[i, LETTERS.index(name[-1])] = 1.0
        if len(name) > 1:
            X[i, 26 + LETTERS.index(name[-2])] = 1.0
        for letter in name:
            X[i, 52 + LETTERS.index(letter)] += 1.0 / len(name)
    return X / np.linalg.norm(X, axis=1, keepdims=True)


def name_gender_split(seed: int = 0, n_keys: int = 2000, n_queries: int = 600):
    """Disjoint random sets of names: ``(keys, key_labels, queries, query_labels, query_names)``,
    features (N, 78) float64 and labels (N,) int64 (0 female, 1 male)."""
    female, male = load_names("female"), load_names("male")
    both = set(female) & set(male)
    names = [n for n in female if n not in both] + [n for n in male if n not in both]
    labels = np.array([0] * sum(n not in both for n in female) + [1] * sum(n not in both for n in male))
    order = np.random.default_rng(seed).permutation(len(names))
    keys, queries = order[:n_keys], order[n_keys:n_keys + n_queries]
    X = name_features(names)
    return X[keys], labels[keys], X[queries], labels[queries], [names[i] for i in queries]
