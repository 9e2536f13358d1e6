r"""The capstone's character language model on the grader's side: the reference, and the classic
slips computed so that feedback can name them.

The model reads character ids ``x`` (T, B), looks each one up in an embedding, runs a tanh RNN
and scores the next character:

.. math::

    e_t = E[x_t], \qquad h_t = \tanh(W_{xh} e_t + W_{hh} h_{t-1} + b_h), \qquad
    z_t = W_{hy} h_t + b_y, \qquad
    \mathcal{L} = -\frac{1}{TB} \sum_{t, b} \ln \operatorname{softmax}(z_{t,b})_{y_{t,b}} .

Parameters are a dict ``{"embed": (V, D), "W_xh": (H, D), "W_hh": (H, H), "b_h": (H,),
"W_hy": (V, H), "b_y": (V,)}``. With :math:`p = \operatorname{softmax}(z)` and one-hot targets
:math:`Y`, :math:`\partial \mathcal{L} / \partial z = (p - Y) / (TB)`; the rest is BPTT
(:mod:`rnncourse.numpy_ref.rnn`) with the embedding's gradient summed over every place a
character occurs.

The slips: the loss summed instead of averaged, ``softmax`` returned as the gradient (the one-hot
left out), the gradient of ``h_t`` not carried back to step ``t - 1``, the ``tanh`` derivative
left out, the embedding's gradient assigned instead of accumulated (``dE[x] = ...`` keeps one
occurrence of a repeated character), ``h0`` ignored; for clipping, each array clipped on its own
and every gradient rescaled to ``max_norm``. This module is instructor-side: a student's kernel
cannot import it.
"""
from __future__ import annotations

import numpy as np

KEYS = ("embed", "W_xh", "W_hh", "b_h", "W_hy", "b_y")
TARGET_LOSS = 2.25          # nats per held-out character that 300 steps of the recipe must beat

SUMMED = ("The loss and its gradient are summed over the positions: average them (divide by the number of rows N, "
          "which is T * B in the model).")
NO_ONE_HOT = "The gradient of the loss with respect to the scores is softmax(z) - one_hot(y): subtract 1 at the target."
WRONG_SIGN = "The gradient has the wrong sign: it is softmax(z) - one_hot(y), not one_hot(y) - softmax(z)."
NOT_CARRIED = ("The gradient flows through one step only: add dh_next = W_hh.T @ delta_{t+1} (the gradient arriving "
               "from step t+1) to dL/dh_t before going back a step.")
NO_TANH = "The tanh derivative is missing: delta_t = dL/dh_t * (1 - h_t ** 2)."
ASSIGNED = ("dembed keeps one occurrence of a repeated character: dE[x] = ... overwrites; accumulate with "
            "np.add.at(dE, x, de) (or a loop with +=).")
ASSIGNED_STEP = ("dembed keeps one occurrence of a repeated character: dE[x[t]] = ... at each step overwrites what "
                 "the later steps added; accumulate with np.add.at(dE, x[t], de) (or a loop with +=).")
BUFFERED = ("dembed misses repeated characters within a step: dE[x[t]] += de adds only one row per repeated id "
            "(NumPy's fancy-index += is buffered); use np.add.at(dE, x[t], de).")
TRANSPOSED_BACK = ("W_hh is used transposed in the backward pass: the gradient reaching h_{t-1} is delta_t @ W_hh "
                   "(rows are examples).")
STATE_AFTER = ("dW_hh uses h_t where the state that entered the step belongs: dW_hh gets delta_t^T h_{t-1} "
               "(h0 at the first step).")
AFTER_SOFTMAX = ("The temperature was applied after the softmax: divide the scores z by the temperature, then take "
                 "the softmax.")
NO_H0 = "The first step ignores h0: h_1 = tanh(W_xh e_1 + W_hh h0 + b_h), and dW_hh gets delta_1 h0^T."
NOT_CARRIED_STATE = "The state is not carried: each step must start from the h the previous step produced."
MULTIPLIED = "The scores were multiplied by the temperature; divide them: a small temperature must sharpen the distribution."
TRANSPOSED = "W_hh is used transposed: the recurrent term of a batch of rows is h_prev @ W_hh.T."
PER_ARRAY = ("Each array was clipped on its own: clip by the GLOBAL norm, sqrt(sum of the squares of every "
             "gradient), and scale all of them by the same factor.")
ALWAYS = "Every gradient was rescaled to max_norm: scale only when the global norm exceeds max_norm."
UNSCALED = ("The gradients came back unscaled although their global norm exceeds max_norm: scale every one of them "
            "by max_norm / norm (the factor min(1, max_norm / norm)).")


def softmax(z: np.ndarray) -> np.ndarray:
    """Softmax over the last axis, computed with the maximum subtracted."""
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def log_softmax(z: np.ndarray) -> np.ndarray:
    """log(softmax(z)) over the last axis, finite for any finite scores."""
    shifted = z - z.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def softmax_cross_entropy(logits, targets, *, slip: str = "") -> tuple[float, np.ndarray]:
    """(mean loss, dlogits) of logits (N, V) and integer targets (N,)."""
    N = len(targets)
    log_p = log_softmax(logits)                                 # (N, V)
    loss = -log_p[np.arange(N), targets].mean()
    d = np.exp(log_p)
    if slip != "no_one_hot":
        d[np.arange(N), targets] -= 1.0
    if slip == "sign":
        d = -d
    scale = 1.0 if slip == "summed" else 1.0 / N
    return float(loss * N * scale), d * scale


def cross_entropy_mistakes(logits, targets) -> dict:
    """{"loss": {...}, "dlogits": {...}} for ``softmax_cross_entropy``."""
    summed = softmax_cross_entropy(logits, targets, slip="summed")
    return {"loss": {SUMMED: np.asarray(summed[0])},
            "dlogits": {SUMMED: summed[1], NO_ONE_HOT: softmax_cross_entropy(logits, targets, slip="no_one_hot")[1],
                        WRONG_SIGN: softmax_cross_entropy(logits, targets, slip="sign")[1]}}


def forward(params, x, h0, *, slip: str = "") -> tuple[np.ndarray, np.ndarray]:
    """(logits (T, B, V), Hs (T, B, H)) of ids x (T, B) from h0 (B, H)."""
    E, W_xh, W_hh, b_h, W_hy, b_y = (params[k] for k in KEYS)
    W_rec = W_hh if slip == "transposed" else W_hh.T
    h = np.zeros_like(h0) if slip == "no_h0" else h0
    Hs = np.empty(x.shape + (len(b_h),))
    for t in range(len(x)):
        h = np.tanh(E[x[t]] @ W_xh.T + h @ W_rec + b_h)          # (B, H)
        Hs[t] = h
    return Hs @ W_hy.T + b_y, Hs


def forward_mistakes(params, x, h0) -> dict:
    """{"logits": {...}, "Hs": {...}} for ``rnn_lm_forward``."""
    wrong = {NO_H0: forward(params, x, h0, slip="no_h0"), TRANSPOSED: forward(params, x, h0, slip="transposed")}
    return {name: {message: value[i] for message, value in wrong.items()} for i, name in enumerate(("logits", "Hs"))}


def loss_and_grads(params, x, y, h0, *, slip: str = "") -> tuple[float, dict, np.ndarray]:
    """(mean loss, {key: gradient}, h_T) of the model on ids x and targets y, both (T, B)."""
    E, W_xh, W_hh = params["embed"], params["W_xh"], params["W_hh"]
    logits, Hs = forward(params, x, h0)
    T, B = x.shape
    loss, dz = softmax_cross_entropy(logits.reshape(T * B, -1), y.reshape(-1), slip=slip if slip == "summed" else "")
    dz = dz.reshape(logits.shape)                                    # (T, B, V)
    grads = {k: np.zeros_like(v, dtype=float) for k, v in params.items()}
    grads["W_hy"] = np.einsum("tbv,tbh->vh", dz, Hs)
    grads["b_y"] = dz.sum(axis=(0, 1))
    dHs = dz @ params["W_hy"]                                        # (T, B, H)
    dh_next = np.zeros_like(h0)
    de = np.empty(x.shape + (E.shape[1],))                           # (T, B, D)
    for t in reversed(range(T)):
        h_prev = Hs[t - 1] if t > 0 else (np.zeros_like(h0) if slip == "no_h0" else h0)
        dh = dHs[t] + (0.0 if slip == "not_carried" else dh_next)
        delta = dh if slip == "no_tanh" else dh * (1.0 - Hs[t] ** 2)  # (B, H)
        grads["W_xh"] += delta.T @ E[x[t]]
        grads["W_hh"] += delta.T @ (Hs[t] if slip == "state_after" else h_prev)
        grads["b_h"] += delta.sum(axis=0)
        de[t] = delta @ W_xh
        dh_next = delta @ (W_hh.T if slip == "transposed_back" else W_hh)
    if slip == "assigned":
        grads["embed"][x.reshape(-1)] = de.reshape(T * B, -1)
    elif slip in ("assigned_step", "buffered"):
        for t in reversed(range(T)):
            if slip == "buffered":
                grads["embed"][x[t]] += de[t]
            else:
                grads["embed"][x[t]] = de[t]
    else:
        np.add.at(grads["embed"], x.reshape(-1), de.reshape(T * B, -1))
    return loss, grads, Hs[-1]


def loss_mistakes(params, x, y, h0) -> dict:
    """{"loss": {...}, key: {message: wrong gradient}} for ``rnn_lm_loss``: each slip, named where
    its values differ from the right ones on these inputs."""
    loss, grads, _ = loss_and_grads(params, x, y, h0)
    named = {"loss": {SUMMED: np.asarray(loss_and_grads(params, x, y, h0, slip="summed")[0])}}
    for key in KEYS:
        named[key] = {}
    for slip, message in (("summed", SUMMED), ("not_carried", NOT_CARRIED), ("no_tanh", NO_TANH),
                          ("assigned", ASSIGNED), ("assigned_step", ASSIGNED_STEP), ("buffered", BUFFERED),
                          ("no_h0", NO_H0), ("transposed_back", TRANSPOSED_BACK), ("state_after", STATE_AFTER)):
        wrong = loss_and_grads(params, x, y, h0, slip=slip)[1]
        for key in KEYS:
            if not np.allclose(wrong[key], grads[key], rtol=1e-6, atol=1e-10):
                named[key][message] = wrong[key]
    return named


def global_norm(grads: dict) -> float:
    return float(np.sqrt(sum(float(np.sum(np.square(g))) for g in grads.values())))


def clip(grads: dict, max_norm: float, *, slip: str = "") -> tuple[dict, float]:
    """(gradients scaled by min(1, max_norm / norm), the global norm before clipping). Slips: ``"per_array"``
    clips each array by its own norm, ``"always"`` rescales to max_norm even below it, ``"unscaled"`` never scales."""
    norm = global_norm(grads)
    if slip == "per_array":
        return {k: g * min(1.0, max_norm / max(np.linalg.norm(g), 1e-12)) for k, g in grads.items()}, norm
    scale = max_norm / norm if slip == "always" else 1.0 if slip == "unscaled" else min(1.0, max_norm / norm)
    return {k: g * scale for k, g in grads.items()}, norm


def clip_mistakes(grads: dict, max_norm: float) -> dict:
    """{key: {message: wrong clipped gradient}} for ``clip_gradients``, where a slip changes it."""
    right = clip(grads, max_norm)[0]
    named = {key: {} for key in grads}
    for slip, message in (("per_array", PER_ARRAY), ("always", ALWAYS), ("unscaled", UNSCALED)):
        wrong = clip(grads, max_norm, slip=slip)[0]
        for key in grads:
            if not np.allclose(wrong[key], right[key]):
                named[key][message] = wrong[key]
    return named


def step_logits(params, current: int, h: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One step of one sequence: (logits (V,), h (H,)) after reading character ``current``."""
    h = np.tanh(params["W_xh"] @ params["embed"][current] + params["W_hh"] @ h + params["b_h"])
    return params["W_hy"] @ h + params["b_y"], h


def sample(params, start_id: int, n: int, temperature: float, rng, h=None, *, slip: str = "") -> list[int]:
    """n ids: at each step the argmax (temperature 0) or the first k with cumsum(p)_k > u, u = rng.random().

    Slips: ``"no_carry"`` starts every step from the state zero, ``"multiplied"`` multiplies the
    scores by the temperature."""
    start = np.zeros(len(params["b_h"])) if h is None else h
    h, current, out = start, start_id, []
    for _ in range(n):
        z, h = step_logits(params, current, start if slip == "no_carry" else h)
        if temperature == 0:
            current = int(np.argmax(z))
        else:
            p = softmax(z * temperature if slip == "multiplied" else z / temperature)
            p = softmax(z) / temperature if slip == "after_softmax" else p
            current = min(int((np.cumsum(p) <= rng.random()).sum()), len(p) - 1)
        out.append(current)
    return out


def first_non_greedy(params, start_id: int, ids, h=None, slack: float = 1e-9) -> int | None:
    """The first position of ``ids`` whose score is not the largest given the ids before it (ties
    within ``slack`` allowed, so another order of the same sums passes), or None."""
    h = np.zeros(len(params["b_h"])) if h is None else h
    current = start_id
    for position, chosen in enumerate(ids):
        z, h = step_logits(params, current, h)
        if z[chosen] < z.max() - slack * max(1.0, abs(z.max())):
            return position
        current = chosen
    return None


def held_out_loss(params, ids: np.ndarray) -> float:
    """Mean cross-entropy (nats) of the next character along one stream, read as one column from h = 0."""
    x, y = ids[:-1, None], ids[1:, None]                             # (N, 1)
    logits, _ = forward(params, x, np.zeros((1, len(params["b_h"]))))
    return float(-log_softmax(logits[:, 0])[np.arange(len(y)), y[:, 0]].mean())


def unigram_loss(train: np.ndarray, test: np.ndarray, V: int) -> float:
    """Mean cross-entropy (nats) on ``test`` of the add-one-smoothed character frequencies of ``train``."""
    counts = np.bincount(train, minlength=V) + 1.0
    return float(-np.log(counts[test] / counts.sum()).mean())


def total_variation(a: np.ndarray, b: np.ndarray, V: int) -> float:
    """Half the L1 distance between the character frequencies of two id sequences."""
    fa = np.bincount(a, minlength=V) / len(a)
    fb = np.bincount(b, minlength=V) / len(b)
    return float(0.5 * np.abs(fa - fb).sum())


CHARS = "\n" + "abcdefghijklmnopqrstuvwxyz"        # the vocabulary: id 0 ends a name


def name_streams(seed: int, held_out: float = 0.1) -> tuple[np.ndarray, np.ndarray]:
    """(training ids, held-out ids): the census names split by name with ``seed``, each split one
    stream with a newline after every name, as the notebook builds its own split."""
    from ..data.corpora import load_names

    names = load_names()
    order = np.random.default_rng(seed).permutation(len(names))
    cut = int(round(len(names) * (1 - held_out)))
    index = {c: i for i, c in enumerate(CHARS)}
    encode = lambda picked: np.array([index[c] for c in "".join(names[i] + "\n" for i in picked)])  # noqa: E731
    return encode(order[:cut]), encode(order[cut:])
