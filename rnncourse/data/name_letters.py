"""Census first names as a padded, time-major batch of one-hot letters, with a per-step target
that needs the future: is the *next* letter a vowel?

``X[t, b]`` is the one-hot code (26) of letter t of name b, zeros at padding; ``lengths[b]`` is the
length of name b; ``next_vowel[t, b]`` is 1.0 when letter t + 1 of name b is one of a, e, i, o, u, y
(0.0 at its last letter, which has no next one, and at padding). The names come from the ``names``
package (see :mod:`rnncourse.data.corpora`); nothing is downloaded.
"""
from __future__ import annotations

import numpy as np

from .corpora import load_names

LETTERS = "abcdefghijklmnopqrstuvwxyz"
VOWELS = "aeiouy"


def names_batch(n: int = 1000, seed: int = 0):
    """``(X (T, n, 26), lengths (n,), next_vowel (T, n))`` for n names drawn without replacement."""
    names = load_names("all")
    chosen = [names[i] for i in np.random.default_rng(seed).permutation(len(names))[:n]]
    lengths = np.array([len(name) for name in chosen])
    T = int(lengths.max())
    X, next_vowel = np.zeros((T, n, len(LETTERS))), np.zeros((T, n))
    for b, name in enumerate(chosen):
        X[np.arange(len(name)), b, [LETTERS.index(c) for c in name]] = 1.0
        next_vowel[:len(name) - 1, b] = [c in VOWELS for c in name[1:]]
    return X, lengths, next_vowel
