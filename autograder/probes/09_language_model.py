"""Probes of assignment 09_language_model: each test's functions, called on the grader's own inputs.

Logits, temperatures, distributions, generators' seeds and language models come from the grader's
seed; they cover what the hidden tests check (one row, batches with more than two axes, large
scores, temperatures from 0.01 to 2, a symbol of probability zero, greedy decoding at temperature
0, a state that must be carried). As in the hidden tests, the scores divided by the temperature
stay below exp's overflow: only the visible tests check that the maximum is subtracted.
generate is graded with the student's own temperature_softmax and sample_index, which run first on
the same model's scores: when they are wrong, the feedback says so; when they are right, the
loop's own slips are named. The loss
gradients come with repeated ids (an embedding row used twice), N = 1 and large scores; the torch
loss also runs on the ``meta`` device in float32, where a hard-coded device or dtype shows. The
experiment trains the notebook's small model with the student's training_step and loss on a split
and seed of the grader's, and is judged by the properties of what it reaches, after the components it runs
(sequence_nll_torch, generate, temperature_softmax, sample_index) on the grader's inputs.
"""
from dataclasses import replace

import numpy as np

from autograder.probes import Call
from autograder.probes.judge import META_ERROR, Feedback, array_check, keys, meta_check, same_array, tuple_check
from autograder.probes.wire import Rng, Step, Tensor
from rnncourse.grading.lm_loss import cross_entropy_grad_mistakes, embedding_loss_mistakes, masked_nll_mistakes
from rnncourse.grading.sampling import generation_mistakes, sampling_mistakes, softmax_mistakes, softmax_t

HIDDEN = {
    "test_temperature_softmax_hidden": "temperature_softmax on batches of rows (normalised over the last axis) and extreme temperatures.",
    "test_sample_index_hidden": "sample_index on random distributions, by the cumulative rule; a zero-probability symbol is never drawn.",
    "test_generate_hidden": "generate on random recurrent models and temperatures (0 included); the state must be carried.",
    "test_cross_entropy_grad_hidden": "cross_entropy_grad on random scores, targets and temperatures (N = 1 and V = 2 included).",
    "test_embedding_softmax_loss_hidden": "embedding_softmax_loss on random sizes (repeated ids, an id never used, N = 1) "
                                          "and large scores.",
    "test_sequence_nll_torch_hidden": "sequence_nll_torch on random shapes and masks (B = 1, large scores) on CPU in "
                                      "float64, and on the meta device in float32.",
    "test_training_step_hidden": "The experiment on another split and seed: first loss near ln 27, training loss falling, "
                                 "held-out perplexity below 0.75 of the unigram model's, greedy samples all alike and "
                                 "sampled ones varied.",
}
GRADIENT = array_check("cross_entropy_grad(logits, targets, temperature)", cross_entropy_grad_mistakes,
                       hint="dL/dz = (softmax(z / tau) - onehot(y)) / (N tau).")
EMBEDDING = tuple_check(("loss", "dE", "dW_hy", "db_y"), mistakes=embedding_loss_mistakes)
EXPERIMENT = ("imports", "names_experiment")    # the given harness: the grader's copy runs, with the student's functions
MASKED = "the mean over the real steps of -sum_v y_v log_softmax(z)_v: (nll * mask).sum() / mask.sum()."


def _nll_torch(got, want, args):
    same_array("the loss", got, want, mistakes=masked_nll_mistakes(*(a.value for a in args)), hint=MASKED,
               float64_reason="the inputs are float64 tensors and the result keeps their dtype")


def _experiment(got, want, args):
    """The properties a correct training step and loss give on any split and seed."""
    run = keys("names_experiment", got, ("first_loss", "gradient_ratio", "last_loss", "perplexity", "unigram_perplexity",
                                         "distinct_greedy", "distinct_sampled"))
    first, last, ppl, unigram = (float(run[k]) for k in ("first_loss", "last_loss", "perplexity", "unigram_perplexity"))
    if not abs(first - np.log(27)) < 0.2:
        raise Feedback(f"The first training loss is {first:.3f}, expected about ln 27 = {np.log(27):.3f} for an "
                       "untrained model, while your sequence_nll_torch is right on the grader's inputs: does "
                       "training_step return the loss sequence_nll_torch(model(X)[0], Y, M) gives?")
    if not abs(float(run["gradient_ratio"]) - 1.0) < 1e-3:
        raise Feedback(f"Two training steps on the same batch with a learning rate of 0 left gradients "
                       f"{float(run['gradient_ratio']):.3g} times as large the second time: the gradients accumulate. "
                       "Clear them (optimizer.zero_grad()) before backward.")
    if not last < first - 0.5:
        raise Feedback(f"The training loss fell only from {first:.3f} to {last:.3f} in {args[1]} steps: does "
                       "training_step clear the gradients (optimizer.zero_grad()), call backward, then optimizer.step()?")
    if not ppl < 0.75 * unigram:
        raise Feedback(f"The held-out perplexity is {ppl:.2f}, not clearly below the unigram model's {unigram:.2f} "
                       f"(the course's training step reaches {float(want['perplexity']):.2f} on this split).")
    if run["distinct_greedy"] != 1 or not run["distinct_sampled"] > 10:
        raise Feedback(f"The count of different names is {run['distinct_greedy']} of 20 greedy and "
                       f"{run['distinct_sampled']} of 20 sampled ones, expected 1 and more than 10 (they come from your "
                       "generate, sample_index and temperature_softmax).")



SOFTMAX = array_check("the probabilities", softmax_mistakes)


def _sampled(got, want, args):
    probs, rng = args
    same_array("the sampled indices", got, want, mistakes=sampling_mistakes(probs, rng.seed),
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
    # The student's temperature_softmax and sample_index ran first on this model's scores (components): when
    # they are wrong, that is the feedback, so here they are right and the loop's slips can be named.
    if got != want:
        named = [m for m, wrong in generation_mistakes(_step_function(model), start, stop, tau, rng.seed,
                                                        max_len).items() if got == wrong]
        if named:
            failure = Feedback(named[0])
            failure.names_cause = True
            raise failure
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
        """generate on a random model; at a temperature above 0 after the student's temperature_softmax and
        sample_index (components) on scores of that model at that temperature."""
        V, H = size(4, 8), size(3, 6)
        model = Step(rng.normal(size=(H, V)), rng.normal(scale=1.2 / np.sqrt(H), size=(H, H)),
                     rng.normal(scale=2.0, size=(V, H)))
        args = (model, 0, V - 1 if stop is None else stop, float(tau), Rng(size(0, 2**31))) + (() if max_len is None else (max_len,))
        label = f"temperature {tau:.3g}" + (", default max_len" if max_len is None else "")
        components = []
        if tau > 0:
            scores = np.tanh(rng.normal(size=(size(3, 6), H))) @ model.W_hy.T        # (B, V) scores of this model
            probs = softmax_t(scores, tau)
            probs[:, 0] = 0.0                                                         # a symbol never to be drawn
            probs /= probs.sum(axis=1, keepdims=True)
            components = [Call("temperature_softmax", (scores, float(tau)), SOFTMAX, label, component=True),
                          Call("sample_index", (probs, Rng(size(0, 2**31))), _sampled, label, component=True)]
        return components + [Call("generate", args, _generated, label)]

    def gradient(N, V, tau, scale=2.0, label=""):
        return Call("cross_entropy_grad", (rng.normal(scale=scale, size=(N, V)), rng.integers(0, V, size=N),
                                           float(tau)), GRADIENT, label or f"N={N}, V={V}, temperature {tau:.3g}")

    def embedding(N, V, D, scale=1.0, label=""):
        ids = rng.integers(0, V - 1, size=N)              # the last id is never used
        if N > 1:
            ids[1] = ids[0]                                # an id that occurs twice
        return Call("embedding_softmax_loss", (ids, rng.integers(0, V, size=N), rng.normal(size=(V, D)),
                                               scale * rng.normal(size=(V, D)), rng.normal(size=V)), EMBEDDING,
                    label or f"N={N}, V={V}, D={D}")

    def sequence(T, B, V, scale=2.0):
        lengths = rng.integers(1, T + 1, size=B)
        lengths[0] = T
        if B > 1:
            lengths[-1] = rng.integers(1, T)               # at least one padded name
        mask = (np.arange(T)[:, None] < lengths[None, :]).astype(float)
        args = (Tensor(rng.normal(scale=scale, size=(T, B, V))), Tensor(np.eye(V)[rng.integers(0, V, size=(T, B))]),
                Tensor(mask))
        label = f"T={T}, B={B}, V={V}"
        return [Call("sequence_nll_torch", args, _nll_torch, f"{label}, CPU float64"),
                Call("sequence_nll_torch", args, meta_check("(a 0-d tensor)"), f"{label}, meta device float32",
                     driver="meta", on_error=META_ERROR)]

    def experiment_components():
        """The functions the experiment runs, on the grader's inputs, as components."""
        return [replace(call, component=True) for call in
                sequence(size(3, 7), size(2, 5), size(3, 8))[:1] + generation(0) + generation(1.0)]

    return {
        "test_cross_entropy_grad_visible": [gradient(size(2, 6), size(2, 6), rng.uniform(0.5, 2.0))],
        "test_cross_entropy_grad_hidden": [gradient(1, 2, 1.0), gradient(size(3, 8), size(3, 9), rng.uniform(0.2, 0.6)),
                                           gradient(size(3, 8), size(3, 9), rng.uniform(1.5, 3.0))],
        "test_embedding_softmax_loss_visible": [embedding(size(4, 8), size(3, 6), size(2, 4))],
        "test_embedding_softmax_loss_hidden": [embedding(1, 3, 2, label="N=1"), embedding(size(8, 16), size(3, 6), size(2, 5)),
                                               embedding(size(5, 10), size(4, 7), size(2, 4), 40.0, "large scores")],
        "test_sequence_nll_torch_visible": sequence(size(2, 5), size(2, 4), size(3, 6))[:1],
        "test_sequence_nll_torch_hidden": sequence(size(3, 7), 1, size(3, 8)) + sequence(size(3, 7), size(2, 5),
                                                                                         size(3, 8), 30.0),
        "test_training_step_hidden": experiment_components() + [Call("names_experiment", (size(1, 2**20), 80),
                                                                      _experiment, "census names", given=EXPERIMENT)],
        "test_training_step_visible": experiment_components() + [Call("names_experiment", (0, 80), _experiment,
                                                                       "the notebook's own run", given=EXPERIMENT)],
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
        "test_generate_hidden": (generation(rng.uniform(0.3, 0.7)) + generation(1.0) + generation(rng.uniform(1.5, 2.0))
                                 + generation(0) + generation(0, max_len=None, stop=-1)),  # no stop id: max_len ids
    }
