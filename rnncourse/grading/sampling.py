"""Models and reference answers for the sampling exercise (assignment 9).

A language model is passed around as a *step function* ``step(symbol_id, state) -> (logits, state)``
with ``state = None`` at the start: the interface of a recurrent network run one step at a time.

``counting_step``        a toy model whose preference depends only on its state (how many steps it took),
                         so a generation loop that forgets to carry the state is caught at once;
``random_rnn_step``      an Elman RNN with random weights (NumPy);
``census_bigram_step``   letter-pair log-counts of the census first names (state unused);
``reference_generate``   the course's generation loop, to compute expected answers.
"""
from __future__ import annotations

import numpy as np

from .toy_models import census_bigram_step, counting_step  # noqa: F401  (re-exported)


def softmax_t(logits: np.ndarray, temperature: float) -> np.ndarray:
    """Reference temperature softmax over the last axis (stable)."""
    scaled = np.asarray(logits, dtype=float) / temperature
    e = np.exp(scaled - scaled.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def inverse_cdf_sample(probs: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Reference sampler: ``u = rng.random(B)``; the first k with cumulative probability > u."""
    probs = np.asarray(probs, dtype=float)
    u = rng.random(probs.shape[0])
    return np.minimum((np.cumsum(probs, axis=1) <= u[:, None]).sum(axis=1), probs.shape[1] - 1)


def reference_generate(step, start_id: int, stop_id: int, temperature: float, rng: np.random.Generator,
                       max_len: int = 20, carry_state: bool = True) -> list[int]:
    """The generation loop of the exercise; ``carry_state=False`` reproduces the classic mistake."""
    state, current, out = None, start_id, []
    for _ in range(max_len):
        logits, new_state = step(current, state)
        state = new_state if carry_state else None
        if temperature == 0:
            nxt = int(np.argmax(logits))
        else:
            nxt = int(inverse_cdf_sample(softmax_t(logits, temperature)[None, :], rng)[0])
        if nxt == stop_id:
            break
        out.append(nxt)
        current = nxt
    return out


def random_rnn_step(vocab_size: int, hidden_size: int, seed: int):
    """An Elman RNN language model with random weights: h = tanh(W_xh e_x + W_hh h), logits = W_hy h."""
    rng = np.random.default_rng(seed)
    W_xh = rng.normal(size=(hidden_size, vocab_size))
    W_hh = rng.normal(scale=1.2 / np.sqrt(hidden_size), size=(hidden_size, hidden_size))
    W_hy = rng.normal(scale=2.0, size=(vocab_size, hidden_size))

    def step(symbol_id, state):
        h_prev = np.zeros(hidden_size) if state is None else state
        h = np.tanh(W_xh[:, symbol_id] + W_hh @ h_prev)      # (H,)
        return W_hy @ h, h                                    # (V,), (H,)

    return step
