"""Toy language models for the sampling exercise: step functions ``step(id, state) -> (logits (V,), state)``.

``counting_step`` is a model whose scores depend only on its state (how many steps it has
taken), so a generation loop that forgets to carry the state shows it at once;
``census_bigram_step`` is a letter-bigram model of the census first names for trying a sampler
at several temperatures. Neither is the answer to an exercise, so graded notebooks import them.
"""
from __future__ import annotations

import numpy as np

from ..data.corpora import load_names


def counting_step(symbol_id: int, state):
    """Vocabulary of 6; after n steps the model prefers symbol n + 1, and symbol 0 after four steps."""
    n = 0 if state is None else state
    logits = np.zeros(6)
    logits[n + 1 if n < 4 else 0] = 5.0
    return logits, n + 1


def census_bigram_step():
    """A letter-bigram model of the census first names; returns ``(step, vocab)``, id 0 is the newline."""
    names = load_names()
    vocab = ["\n"] + sorted(set("".join(names)))
    index = {ch: i for i, ch in enumerate(vocab)}
    counts = np.ones((len(vocab), len(vocab)))                # add-one smoothing
    for name in names:
        ids = [0] + [index[ch] for ch in name] + [0]
        np.add.at(counts, (ids[:-1], ids[1:]), 1.0)
    log_probs = np.log(counts / counts.sum(axis=1, keepdims=True))

    def step(symbol_id, state):
        return log_probs[symbol_id], state

    return step, vocab
