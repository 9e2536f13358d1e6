"""Probes of assignment 14_capstone_char_lm: each test's functions, called on the grader's own inputs.

Sizes, models and seeds come from the grader's seed. The model's probes include T = 1 and B = 1,
T != B, a non-zero h0 and ids where a character repeats (so an embedding gradient that is assigned
instead of accumulated shows). The gradients are compared with the instructor's, which the course's
tests hold equal to central differences of the loss: a gradient check of the student's backward.
Sampling is compared draw for draw with the course's rule, and at temperature 0 every chosen id must
have the largest score given the ids before it.

The experiment trains the student's ``train_char_lm`` in the kernel on the grader's own split of
the census names (300 steps, the grader's seed), then samples from the trained parameters with the
student's ``sample`` (the ``then`` driver). The grader measures the held-out loss of those
parameters with the course's model (:mod:`rnncourse.grading.char_lm`) in its own process: the
number the student reports is never trusted. The torch function also runs on the ``meta`` device.
"""
import numpy as np

from autograder.probes import Call
from autograder.probes.judge import Feedback, component_check, fields, keys, meta_check, same_array, tuple_check
from autograder.probes.wire import Rng, Tensor
from rnncourse.grading import char_lm as lm

HIDDEN = {
    "test_softmax_cross_entropy_hidden": "softmax_cross_entropy on random scores and targets (N = 1 and V = 2 "
                                         "included, scores up to 1000).",
    "test_rnn_lm_forward_hidden": "rnn_lm_forward on random models and shapes (T = 1 and B = 1 included, h0 not zero).",
    "test_rnn_lm_loss_hidden": "rnn_lm_loss on random models and shapes (T = 1 and B = 1 included): the loss, a "
                               "gradient check of every gradient, and h_last.",
    "test_clip_gradients_hidden": "clip_gradients on random gradients above and below max_norm, some arrays far "
                                  "larger than others.",
    "test_sample_hidden": "sample on random models: greedy at temperature 0, the course's draws at temperatures from "
                          "1e-3 to 2, only ids of the vocabulary.",
    "test_train_char_lm_hidden": "train_char_lm on the grader's split for 300 steps with its seed: the held-out loss "
                                 "below TARGET_LOSS; samples of your model in the vocabulary, greedy at temperature 0 "
                                 "and close to the text's characters at 1.",
    "test_rnn_lm_torch_hidden": "rnn_lm_torch on random models on CPU in float64, and on the meta device in float32 "
                                "(h0 given and None).",
}
STEPS = 300                    # the fixed training budget
WARM, GREEDY = 3000, 60        # lengths of the samples drawn from the trained model at temperatures 1 and 0
MAX_VARIATION = 0.15           # total variation allowed between a sample's characters and the text's (a trained
                               # model gives about 0.06 to 0.09: its own error and the sampling noise)
FIXED = ("Make every new tensor from the inputs (X.new_zeros, device=X.device, dtype=X.dtype), never on a fixed "
         "device or with a fixed dtype.")
RECIPE = ("Follow the recipe (init_params, stream_chunks, the state carried between chunks, clip_gradients, a plain "
          "step with lr = 3) and check that the training loss in history falls.")

CROSS_ENTROPY = tuple_check(("the loss", "dlogits"), mistakes=lambda z, y: dict(
    zip(("the loss", "dlogits"), lm.cross_entropy_mistakes(z, y).values())))
FORWARD = tuple_check(("logits", "Hs"), mistakes=lm.forward_mistakes)


def _loss(got, want, args):
    loss, grads, h_last = fields("rnn_lm_loss", got, 3)
    wrong = lm.loss_mistakes(*args)
    same_array("the loss", loss, want[0], mistakes=wrong["loss"])
    grads = keys("grads (the second result)", grads, lm.KEYS)
    for key in lm.KEYS:
        same_array(f"Gradient check: grads[{key!r}]", grads[key], want[1][key], mistakes=wrong[key],
                   hint="the loss is right; the gradient is not: go back through time step by step (see the text).")
    same_array("h_last", h_last, want[2], hint="return the last state h_T, (B, H).")


def _clipped(got, want, args):
    clipped, norm = fields("clip_gradients", got, 2)
    same_array("the norm", norm, want[1], hint="the norm of all gradients together, before clipping.", mistakes={
        "The norm returned is the one after clipping: return the global norm before clipping.": min(want[1], args[1])}
        if want[1] > args[1] else None)
    clipped = keys("the clipped gradients", clipped, list(want[0]))
    wrong = lm.clip_mistakes(*args)
    # the largest gradient first: there the classic mistakes differ most (a small array that no
    # clipping touches has the same value under several of them)
    for key in sorted(want[0], key=lambda k: -float(np.linalg.norm(args[0][k]))):
        same_array(f"clipped[{key!r}]", clipped[key], want[0][key], mistakes=wrong[key])


def _ids(name: str, got, n: int, V: int) -> list[int]:
    if not isinstance(got, list) or not all(type(i) is int or isinstance(i, np.integer) for i in got):
        raise Feedback(f"{name} should be a list of ints.")
    if len(got) != n:
        raise Feedback(f"{name} has {len(got)} ids, expected n = {n}.")
    if any(not 0 <= int(i) < V for i in got):
        raise Feedback(f"{name} holds ids outside the vocabulary 0 .. {V - 1}.")
    return [int(i) for i in got]


def _greedy(where: str, params, start: int, got: list[int]) -> None:
    """Every id of a temperature-0 sample has the largest score given the ids before it."""
    position = lm.first_non_greedy(params, start, got)
    if position is None:
        return
    if got == lm.sample(params, start, len(got), 0, None, slip="no_carry"):
        raise Feedback(f"{where}: {lm.NOT_CARRIED_STATE}")
    raise Feedback(f"{where} the id at position {position} is not the one with the largest score: take argmax(z) at "
                   "every step, feeding each chosen id back in.")


def _sampled(got, want, args):
    params, start, n, tau, rng = args
    got = _ids("The sample", got, n, len(params["b_y"]))
    if tau == 0:
        _greedy("At temperature 0", params, start, got)
        return
    if got == [int(i) for i in want]:
        return
    slips = {lm.NOT_CARRIED_STATE: lm.sample(params, start, n, tau, np.random.default_rng(rng.seed), slip="no_carry"),
             lm.MULTIPLIED: lm.sample(params, start, n, tau, np.random.default_rng(rng.seed), slip="multiplied"),
             lm.AFTER_SOFTMAX: lm.sample(params, start, n, tau, np.random.default_rng(rng.seed), slip="after_softmax"),
             "You returned the argmax at every step: sample instead.": lm.sample(params, start, n, 0, None)}
    named = [message for message, wrong in slips.items() if got == wrong]
    if len(named) == 1:          # two slips that give the same draws here name neither
        failure = Feedback(named[0])
        failure.names_cause = True
        raise failure
    first = next(i for i, (g, w) in enumerate(zip(got, want)) if g != int(w))
    raise Feedback(f"At temperature {tau:.3g} the sample differs from the course's from position {first} on. Hint: "
                   "softmax(z / temperature) with the maximum subtracted, one u = rng.random() per step, the first k "
                   "with cumsum(p)[k] > u; feed k back in and carry h.")


_on_meta = meta_check("(T, B, V)", FIXED)


def _torch_scores(got, want, args):
    X, h0, *weights = (None if a is None else a.value for a in args)
    params = dict(zip(lm.KEYS, weights))
    x = X.argmax(axis=-1)
    h0 = np.zeros((X.shape[1], len(params["b_h"]))) if h0 is None else h0
    same_array("the scores", got, want, mistakes=lm.forward_mistakes(params, x, h0)["logits"],
               float64_reason="the inputs are float64 tensors and the result keeps their dtype")


def _uphill(losses) -> str:
    """A sentence when the recorded training loss rose over the run (a step taken uphill), else ''."""
    try:
        first, last = float(np.mean(losses[:10])), float(np.mean(losses[-10:]))
    except (TypeError, ValueError):
        return ""
    if not last > first:
        return ""
    return (f"Your training loss rose from {first:.3g} to {last:.3g}: a gradient step goes downhill, "
            "params[key] -= lr * clipped[key]. ")


def trained_check(held_ids: np.ndarray, text_ids: np.ndarray, V: int):
    """The check of the experiment: the parameters' held-out loss, then the samples' properties."""
    def check(got, want, args):
        result, (warm, greedy) = fields("the training and the samples", got, 2)
        params, history = fields("train_char_lm", result, 2)
        params = keys("params", params, lm.KEYS)
        D, H = np.shape(params["embed"])[-1], np.shape(params["b_h"])[0]
        shapes = {"embed": (V, D), "W_xh": (H, D), "W_hh": (H, H), "b_h": (H,), "W_hy": (V, H), "b_y": (V,)}
        for key, shape in shapes.items():
            if not isinstance(params[key], np.ndarray) or params[key].shape != shape:
                raise Feedback(f"params[{key!r}] should be an array of shape {shape}.")
        history = keys("history", history, ("loss", "grad_norm"))
        if any(len(history[k]) != STEPS for k in ("loss", "grad_norm")):
            raise Feedback(f'history should hold {STEPS} values under "loss" and under "grad_norm" (one per step).')
        loss = lm.held_out_loss({k: np.asarray(v, dtype=np.float64) for k, v in params.items()}, held_ids)
        if not np.isfinite(loss) or loss >= lm.TARGET_LOSS:
            raise Feedback(f"After {STEPS} steps on the grader's names the held-out loss of your model is {loss:.3f} "
                           f"nats per character, not below {lm.TARGET_LOSS} (the unigram baseline is "
                           f"{lm.unigram_loss(text_ids, held_ids, V):.3f}). {_uphill(history['loss'])}{RECIPE}")
        warm = _ids("The sample of your trained model at temperature 1", warm, WARM, V)
        variation = lm.total_variation(np.asarray(warm), text_ids, V)
        if variation > MAX_VARIATION:
            raise Feedback(f"At temperature 1 the characters of your model's sample are far from the text's (total "
                           f"variation {variation:.2f}, more than {MAX_VARIATION}): sample from softmax(z / 1) with "
                           "the cumulative rule, feeding each id back in.")
        greedy = _ids("The sample of your trained model at temperature 0", greedy, GREEDY, V)
        _greedy("At temperature 0 with your trained model", params, 0, greedy)
    return check


def probes(rng):
    def size(low=2, high=6):
        return int(rng.integers(low, high + 1))

    def model(V, D, H):
        return {"embed": rng.normal(size=(V, D)), "W_xh": rng.normal(size=(H, D)) / np.sqrt(D),
                "W_hh": rng.normal(size=(H, H)) / np.sqrt(H), "b_h": 0.1 * rng.normal(size=H),
                "W_hy": rng.normal(size=(V, H)), "b_y": 0.1 * rng.normal(size=V)}

    def inputs(T, B, V=None, D=None, H=None):
        """(params, x, y, h0) with a repeated character in x where T * B > 1."""
        V, D, H = V or size(3, 7), D or size(2, 5), H or size(2, 6)
        x, y = rng.integers(0, V, size=(T, B)), rng.integers(0, V, size=(T, B))
        if T * B > 1:
            x.flat[-1] = x.flat[0]
        if B > 1:                                  # and one within a step, where dE[x[t]] += de loses a row
            x[0, 1] = x[0, 0]
        return model(V, D, H), x, y, rng.normal(size=(B, H))

    def forward_args(T, B):
        params, x, _, h0 = inputs(T, B)
        return params, x, h0

    def sizes():                                   # (T, B): one of each, T != B
        T = size(3, 7)
        return [(1, 1), (T, T + size(1, 3)), (size(2, 4), 1)]

    def scores(N, V, scale):
        return rng.normal(scale=scale, size=(N, V)), rng.integers(0, V, size=N)

    def clipping(scale):
        grads = {k: rng.normal(size=v.shape) for k, v in model(size(3, 6), size(2, 4), size(2, 5)).items()}
        grads["W_hy"] *= 20.0                      # per-array and global clipping differ
        return {k: scale * g for k, g in grads.items()}, float(rng.uniform(0.5, 2.0))

    def clipping_below_one():
        """A global norm between 0.3 and 0.9 and max_norm below it: a norm under 1 must be clipped too."""
        grads, _ = clipping(1.0)
        total = float(np.sqrt(sum(np.sum(g ** 2) for g in grads.values())))
        norm = float(rng.uniform(0.3, 0.9))
        return {k: g * (norm / total) for k, g in grads.items()}, norm * float(rng.uniform(0.2, 0.6))

    def sampling(tau, n=25):
        sampler = model(size(4, 8), size(2, 5), size(3, 6))
        return Call("sample", (sampler, 0, n, tau, Rng(size(0, 2**31))), _sampled, f"temperature {tau:.3g}")

    def torch_calls(T, B, h0_given):
        params, x, _, h0 = inputs(T, B)
        X = np.eye(len(params["b_y"]))[x]
        args = (Tensor(X), Tensor(h0) if h0_given else None, *(Tensor(params[k]) for k in lm.KEYS))
        label = f"T={T}, B={B}, h0 {'given' if h0_given else 'None'}"
        return [Call("rnn_lm_torch", args, _torch_scores, f"{label}, CPU float64"),
                Call("rnn_lm_torch", args, _on_meta, f"{label}, meta device float32", driver="meta",
                     on_error="Meta tensors have no values: a tensor on a fixed device, NumPy, .numpy() and .item() "
                              "fail there. " + FIXED)]

    def components():
        """The student's rnn_lm_loss, clip_gradients and sample, which train_char_lm and its samples run."""
        as_called = "as train_char_lm calls it"
        return [Call("rnn_lm_loss", inputs(size(3, 5), size(4, 6)), component_check("train_char_lm", "rnn_lm_loss", _loss),
                     as_called),
                Call("clip_gradients", clipping(1.0), component_check("train_char_lm", "clip_gradients", _clipped),
                     f"above max_norm, {as_called}"),
                Call("sample", (model(size(4, 8), size(2, 5), size(3, 6)), 0, 25, 1.0, Rng(size(0, 2**31))),
                     component_check("train_char_lm", "sample", _sampled), "temperature 1, as the experiment calls it"),
                Call("sample", (model(size(4, 8), size(2, 5), size(3, 6)), 0, 25, 0, Rng(0)),
                     component_check("train_char_lm", "sample", _sampled), "temperature 0, as the experiment calls it")]

    split_seed, train_seed = size(1, 2**31), size(0, 2**31)
    text_ids, held_ids = lm.name_streams(split_seed)
    V = len(lm.CHARS)
    follow = [("sample", (0, WARM, 1.0, Rng(size(0, 2**31)))), ("sample", (0, GREEDY, 0, Rng(0)))]
    label = lambda T, B: f"T={T}, B={B}"          # noqa: E731
    return {
        "test_softmax_cross_entropy_visible": [("softmax_cross_entropy", scores(size(3, 6), size(3, 6), 2.0))],
        "test_softmax_cross_entropy_hidden": [Call("softmax_cross_entropy", scores(1, 2, 1.0), CROSS_ENTROPY, "N=1, V=2"),
                                              Call("softmax_cross_entropy", scores(size(5, 12), size(3, 9), 3.0),
                                                   CROSS_ENTROPY),
                                              Call("softmax_cross_entropy", scores(size(2, 5), size(3, 6), 1000.0),
                                                   CROSS_ENTROPY, "scores up to 1000")],
        "test_rnn_lm_forward_visible": [("rnn_lm_forward", forward_args(size(2, 5), size(1, 3)))],
        "test_rnn_lm_forward_hidden": [Call("rnn_lm_forward", forward_args(T, B), FORWARD, label(T, B))
                                       for T, B in sizes()],
        "test_rnn_lm_loss_visible": [("rnn_lm_loss", inputs(size(2, 5), size(1, 3)))],
        "test_rnn_lm_loss_hidden": [Call("rnn_lm_loss", inputs(T, B), _loss, label(T, B)) for T, B in sizes()],
        "test_clip_gradients_visible": [("clip_gradients", clipping(1.0))],
        "test_clip_gradients_hidden": [Call("clip_gradients", clipping(1.0), _clipped, "above max_norm"),
                                       Call("clip_gradients", clipping(0.001), _clipped, "below max_norm"),
                                       Call("clip_gradients", clipping_below_one(), _clipped,
                                            "a norm below 1 and above max_norm")],
        "test_sample_visible": [sampling(1.0)],
        "test_sample_hidden": [sampling(0), sampling(1e-3), sampling(float(rng.uniform(0.4, 0.8))), sampling(1.0),
                               sampling(float(rng.uniform(1.5, 2.0)))],
        "test_train_char_lm_hidden": components() + [Call("train_char_lm", (text_ids, V, STEPS, train_seed, follow),
                                           trained_check(held_ids, text_ids, V), f"{STEPS} steps, seed {train_seed}",
                                           driver="then")],
        "test_rnn_lm_torch_visible": torch_calls(size(2, 5), size(1, 3), True)[:1],
        "test_rnn_lm_torch_hidden": torch_calls(1, 1, True) + torch_calls(size(3, 6), size(1, 3), True)
                                    + torch_calls(size(2, 5), size(2, 3), False),
    }
