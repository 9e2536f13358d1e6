"""Models and reference answers for the sampling exercise (assignment 9).

A language model is passed around as a *step function* ``step(symbol_id, state) -> (logits, state)``
with ``state = None`` at the start: the interface of a recurrent network run one step at a time.

``counting_step``        a toy model whose preference depends only on its state (how many steps it took),
                         so a generation loop that forgets to carry the state is caught at once;
``random_rnn_step``      an Elman RNN with random weights (NumPy);
``census_bigram_step``   letter-pair log-counts of the census first names (state unused);
``reference_generate``   the course's generation loop, to compute expected answers;
``softmax_mistakes``, ``sampling_mistakes``, ``generation_mistakes``
                         what the classic slips of each of the three produce, keyed by the feedback message
                         (only those the inputs tell apart: :func:`~.separate.separating`).
"""
from __future__ import annotations

import numpy as np

from .separate import separating
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
                       max_len: int = 20, carry_state: bool = True, *, keep_stop: bool = False,
                       feed_start: bool = False, greedy: bool = False) -> list[int]:
    """The generation loop of the exercise; ``carry_state=False``, ``keep_stop`` (the stop id appended before
    stopping), ``feed_start`` (start_id fed at every step) and ``greedy`` (the argmax at every temperature)
    reproduce classic mistakes."""
    state, current, out = None, start_id, []
    for _ in range(max_len):
        logits, new_state = step(current, state)
        state = new_state if carry_state else None
        if temperature == 0 or greedy:
            nxt = int(np.argmax(logits))
        else:
            nxt = int(inverse_cdf_sample(softmax_t(logits, temperature)[None, :], rng)[0])
        if nxt == stop_id:
            if keep_stop:
                out.append(nxt)
            break
        out.append(nxt)
        current = start_id if feed_start else nxt
    return out


def softmax_mistakes(logits, temperature) -> dict[str, np.ndarray]:
    """Wrong temperature softmaxes of ``logits`` (..., V)."""
    z = np.asarray(logits, dtype=float)
    shifted = np.exp(z / temperature - (z / temperature).max(axis=-1, keepdims=True))
    with np.errstate(over="ignore"):
        raw = np.exp(z / temperature)
    wrong = {
        "You multiplied the scores by the temperature; divide them: a small temperature must sharpen the "
        "distribution.": softmax_t(z * temperature, 1.0),
        "The values are not normalised: divide by the sum over the last axis so that they sum to 1.": shifted,
        "The values are not normalised (exp(z / tau) as it is): divide by the sum over the last axis so that they sum "
        "to 1.": raw,
        "The temperature divides the probabilities after the softmax: divide the SCORES by it, softmax(z / tau).":
            softmax_t(z, 1.0) / temperature,
    }
    if z.ndim > 1:
        first = np.exp(z / temperature - (z / temperature).max(axis=0, keepdims=True))
        wrong["Each row (last axis) must sum to 1: you normalised over the first axis."] = first / first.sum(axis=0,
                                                                                                            keepdims=True)
    finite = {m: v for m, v in wrong.items() if np.all(np.isfinite(v))}
    return separating(softmax_t(z, temperature), finite)


def sampling_mistakes(probs, seed: int) -> dict[str, np.ndarray]:
    """Wrong draws of the inverse-CDF sampler on ``probs`` (B, V) with ``np.random.default_rng(seed)``."""
    probs = np.asarray(probs, dtype=float)
    B, V = probs.shape
    u = np.random.default_rng(seed).random(B)
    index = (np.cumsum(probs, axis=1) <= u[:, None]).sum(axis=1)
    one_u = (np.cumsum(probs, axis=1) <= u[0]).sum(axis=1)
    return separating(np.minimum(index, V - 1), {
        "You returned the argmax of each row: sample instead.": probs.argmax(axis=1),
        "One random number serves every row: draw one per row, u = rng.random(B).": np.minimum(one_u, V - 1),
        "Off by one: the index is the number of cumulative sums <= u (the first k whose cumulative sum exceeds u), "
        "and yours is one more.": np.minimum(index + 1, V - 1),
        "u is compared with the probabilities, not with their cumulative sums (np.cumsum(probs, axis=1)).":
            np.minimum((probs <= u[:, None]).sum(axis=1), V - 1),
    })


def generation_mistakes(step, start_id: int, stop_id: int, temperature: float, seed: int,
                        max_len: int = 20) -> dict[str, list[int]]:
    """What the classic slips of the generation loop return (with the course's softmax and sampler)."""
    def run(**slip):
        return reference_generate(step, start_id, stop_id, temperature, np.random.default_rng(seed), **slip)

    wrong = {
        "generate does not carry the state: pass the state returned by step() into the next call.":
            run(max_len=max_len, carry_state=False),
        "The stop symbol was appended: stop before appending stop_id.": run(max_len=max_len, keep_stop=True),
        "Every step is fed start_id: feed the symbol just generated (current = nxt).": run(max_len=max_len, feed_start=True),
        (f"One symbol short: generate must allow max_len = {max_len} symbols here: check the loop "
         "(range(max_len)) and, where max_len is not given, its default."): run(max_len=max_len - 1),
    }
    if temperature > 0:
        wrong["The argmax is taken at every temperature: sample unless the temperature is 0."] = \
            run(max_len=max_len, greedy=True)
    right = run(max_len=max_len)
    if temperature > 0:     # other random draws in a right loop could give a slip's run: only unlikely runs tell
        wrong = {m: v for m, v in wrong.items()
                 if run_probability(step, start_id, stop_id, temperature, v, max_len) < UNLIKELY}
    return {m: v for m, v in wrong.items() if v != right and sum(v == w for w in wrong.values()) == 1}


UNLIKELY = 1e-3


def run_probability(step, start_id: int, stop_id: int, temperature: float, ids: list[int], max_len: int) -> float:
    """The probability that the right generation loop at ``temperature`` returns ``ids``."""
    state, current, p = None, start_id, 1.0
    for nxt in list(ids) + ([stop_id] if len(ids) < max_len else []):
        logits, state = step(current, state)
        if not 0 <= nxt < len(logits) and nxt != stop_id:
            return 0.0
        p *= float(softmax_t(logits, temperature)[nxt]) if 0 <= nxt < len(logits) else 0.0
        current = nxt
    return p


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
