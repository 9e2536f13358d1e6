"""Probes of assignment 09_language_model: each test's functions, called on the grader's own inputs.

Logits, temperatures, distributions, generators' seeds and language models come from the grader's
seed; they cover what the hidden tests check (one row, batches with more than two axes, large
scores, temperatures from 0.01 to 2, a symbol of probability zero, greedy decoding at temperature
0, a state that must be carried). As in the hidden tests, the scores divided by the temperature
stay below exp's overflow: only the visible tests check that the maximum is subtracted.
generate is graded with the student's own temperature_softmax and sample_index.
"""
import numpy as np

from autograder.probes import Call
from autograder.probes.judge import Feedback, array_check, same_array
from autograder.probes.wire import Rng, Step
from rnncourse.grading.sampling import reference_generate

HIDDEN = {
    "test_temperature_softmax_hidden": "temperature_softmax on batches of rows (normalised over the last axis) and extreme temperatures.",
    "test_sample_index_hidden": "sample_index on random distributions, by the cumulative rule; a zero-probability symbol is never drawn.",
    "test_generate_hidden": "generate on random recurrent models and temperatures (0 included); the state must be carried.",
}


def _wrong_axis(z, tau):
    c = z / tau - (z / tau).max(axis=0, keepdims=True)
    return {"Each row (last axis) must sum to 1: you normalised over the first axis.":
            np.exp(c) / np.exp(c).sum(axis=0, keepdims=True)}


SOFTMAX = array_check("the probabilities", _wrong_axis)


def _sampled(got, want, args):
    probs, _ = args
    same_array("the sampled indices", got, want, mistakes={"You returned the argmax of each row: sample instead.":
                                                           probs.argmax(axis=1)},
               hint="draw u = rng.random(B) once, then take the first k whose cumulative sum exceeds u[b].")
    if probs.shape[1] > 1 and np.any(np.asarray(got) == 0):
        raise Feedback("A symbol with probability 0 was drawn.")


def _step_function(model: Step):
    """The grader's copy of the model the kernel builds from the same weights."""
    def step(symbol_id, state):
        h = np.tanh(model.W_xh[:, symbol_id] + model.W_hh @ (np.zeros(model.W_hh.shape[0]) if state is None else state))
        return model.W_hy @ h, h
    return step


def _generated(got, want, args):
    model, start, stop, tau, rng = args[:5]
    max_len = args[5] if len(args) > 5 else 20              # the default of generate's max_len
    if not isinstance(got, list) or not all(type(i) is int or isinstance(i, np.integer) for i in got):
        raise Feedback("generate should return a list of ints.")
    got, want = [int(i) for i in got], [int(i) for i in want]
    stateless = reference_generate(_step_function(model), start, stop, tau, np.random.default_rng(rng.seed), max_len,
                                   carry_state=False)
    # Only greedy decoding runs none of the student's other functions: there, and only there, matching the
    # stateless run is sure to mean the state was dropped (with sampling, a wrong component can match it too).
    if tau == 0 and got != want and got == stateless:
        raise Feedback("generate does not carry the state: pass the state returned by step() into the next call.")
    if got != want:
        first = next((i for i, (g, w) in enumerate(zip(got, want)) if g != w), min(len(got), len(want)))
        raise Feedback(f"generate on a random model (temperature {tau:.3g}) differs from step {first} on (got "
                       f"{len(got)} ids, expected {len(want)}); it runs your temperature_softmax and sample_index. "
                       "Hint: at temperature 0 take the argmax; else sample_index(temperature_softmax(logits, "
                       "temperature)[None, :], rng)[0]; stop before appending stop_id.")


def probes(rng):
    def size(low=1, high=6):
        return int(rng.integers(low, high + 1))

    def softmax(shape, temperature, scale=3.0, shift=0.0, bound=None, check=None, label=""):
        logits = rng.normal(scale=scale, size=shape)
        if bound is not None:
            logits = logits.clip(-bound, bound)
        return Call("temperature_softmax", (shift + logits, float(temperature)), check, label)

    def distribution(B, V):
        probs = rng.random((B, V)) ** 3
        if V > 1:
            probs[:, 0] = 0.0
        return Call("sample_index", (probs / probs.sum(axis=1, keepdims=True), Rng(size(0, 2**31))), _sampled,
                    f"B={B}, V={V}")

    def generation(tau, max_len=15, stop=None):
        V, H = size(4, 8), size(3, 6)
        model = Step(rng.normal(size=(H, V)), rng.normal(scale=1.2 / np.sqrt(H), size=(H, H)),
                     rng.normal(scale=2.0, size=(V, H)))
        args = (model, 0, V - 1 if stop is None else stop, float(tau), Rng(size(0, 2**31))) + (() if max_len is None else (max_len,))
        return Call("generate", args, _generated, f"temperature {tau:.3g}" + (", default max_len" if max_len is None else ""))

    return {
        "test_temperature_softmax_visible": [softmax((size(2, 6),), rng.uniform(0.5, 2.0)),
                                             softmax((size(2, 4),), 1.0, scale=1.0, shift=1000.0)],
        "test_temperature_softmax_hidden": [softmax((size(2, 6), size(2, 9)), rng.uniform(0.2, 0.5), check=SOFTMAX),
                                            softmax((size(), size(), size(2, 6)), rng.uniform(1.0, 2.0), check=SOFTMAX,
                                                    label="three axes"),
                                            softmax((1, 2), 1.0, check=SOFTMAX, label="one row"),
                                            softmax((size(2, 8), size(10, 30)), 0.01, bound=6.5, check=SOFTMAX,
                                                    label="temperature 0.01")],
        "test_sample_index_hidden": [distribution(1, 1), distribution(size(5, 12), size(3, 6)),
                                     distribution(size(20, 40), size(20, 30))],
        "test_generate_hidden": [generation(rng.uniform(0.3, 0.7)), generation(1.0), generation(rng.uniform(1.5, 2.0)),
                                 generation(0), generation(0, max_len=None, stop=-1)],     # no stop id: max_len ids
    }
