"""Classic mistakes in the gradient-flow tasks of assignments 04 and 05, computed so that
feedback can name them.

- one term of the BPTT double sum, ``delta_k^T h_{k-1}`` with
  ``delta_k = (dL_t/dh_t . dh_t/dh_k) * (1 - h_k**2)``: the state after the step, the transposed
  term or Jacobian, the slope left out;
- the data-dependent bound ``prod_{i=k+1}^{T} max_j(1 - h_{i,j}**2) * sigma_max(W_hh)`` of
  ``||dh_T/dh_k||_2``: the spectral radius or the Frobenius norm for sigma_max, the slopes
  left out, the slopes of the step before, the mean slope;
- the many-to-one tanh RNN with a logistic read-out on its last state (forward, loss and
  backward): the loss summed over the batch, and the classic BPTT slips of
  :mod:`rnncourse.grading.rnn`;
- the gradient norms by distance from the end: indexed by step instead of distance.

Each function takes the inputs of the function the student writes and returns ``{message:
wrong value}`` (or ``{result name: {message: wrong value}}``); messages name a cause only where
the wrong value is that cause's alone.
"""
from __future__ import annotations

import numpy as np

from ..numpy_ref.rnn import rnn_forward
from .rnn import SLOPE_MISSING, sequence_backward, sequence_backward_mistakes


# ---------------------------------------------------------------- one term of the double sum

def _product(Hs, W_hh, t, k, *, order="left", transpose=False):
    """dh_t/dh_k = diag(1 - h_t^2) W_hh ... diag(1 - h_{k+1}^2) W_hh, optionally with a slip."""
    J = np.eye(W_hh.shape[0])
    for i in range(k + 1, t + 1):
        factor = (1.0 - Hs[i] ** 2)[:, None] * W_hh
        factor = factor.T if transpose else factor
        J = factor @ J if order == "left" else J @ factor
    return J


def jacobian_product_mistakes(Hs, W_hh, t, k) -> dict[str, np.ndarray]:
    """dh_t/dh_k = prod_{i=k+1}^{t} diag(1 - h_i**2) W_hh with one classic slip in the factors."""
    H = W_hh.shape[0]
    slope = lambda i: np.diag(1 - Hs[i] ** 2)           # noqa: E731
    wrong = {name: np.eye(H) for name in ("prev", "T", "order", "pre", "none", "columns")}
    for i in range(k + 1, t + 1):
        wrong["prev"] = slope(i - 1) @ W_hh @ wrong["prev"]
        wrong["T"] = W_hh.T @ slope(i) @ wrong["T"]
        wrong["order"] = wrong["order"] @ slope(i) @ W_hh
        wrong["pre"] = np.diag(1 - np.arctanh(np.clip(Hs[i], -1 + 1e-15, 1 - 1e-15)) ** 2) @ W_hh @ wrong["pre"]
        wrong["none"] = W_hh @ wrong["none"]
        wrong["columns"] = W_hh @ slope(i) @ wrong["columns"]
    return {
        "uses the slope of step i-1 in factor i: the derivative of h_i = tanh(a_i) is 1 - h_i**2 of the SAME step.": wrong["prev"],
        "uses W_hh^T diag(1 - h_i^2): that is the transposed Jacobian (the form in which gradients flow back).": wrong["T"],
        "multiplies the factors in the wrong order: later steps go on the LEFT (J = factor_i @ J).": wrong["order"],
        "uses 1 - a_i**2 as the slope: it is 1 - h_i**2.": wrong["pre"],
        "leaves out the slopes: each factor is diag(1 - h_i**2) @ W_hh, not W_hh alone.": wrong["none"],
        "scales the COLUMNS of W_hh by the slope (W_hh diag(1 - h_i**2)): dh_i/dh_{i-1} scales its rows, "
        "(1 - h_i**2)[:, None] * W_hh.": wrong["columns"],
    }


def bptt_term(G, Hs, W_hh, t, k, *, order="left", transpose_J=False, slope=True, state_after=False,
              transpose_term=False) -> np.ndarray:
    """The (t, k) term dL_t/dh_t . dh_t/dh_k . d+h_k/dW_hh, an (H, H) matrix, optionally with a slip."""
    delta = G[t - 1] @ _product(Hs, W_hh, t, k, order=order, transpose=transpose_J)
    if slope:
        delta = delta * (1.0 - Hs[k] ** 2)
    term = np.outer(delta, Hs[k] if state_after else Hs[k - 1])
    return term.T if transpose_term else term


def bptt_term_mistakes(G, Hs, W_hh, t, k) -> dict[str, np.ndarray]:
    args = (G, Hs, W_hh, t, k)
    return {
        "uses h_k, the state that step k produced, where h_{k-1}, the state that ENTERED step k, belongs: "
        "a_k = W_hh h_{k-1} + ..., so the term is outer(delta_k, h_{k-1}).": bptt_term(*args, state_after=True),
        "is the transpose of the term: d a_k / d W_hh pairs row a of W_hh with delta_k[a] and column b with "
        "h_{k-1}[b], so the term is outer(delta_k, h_{k-1}).": bptt_term(*args, transpose_term=True),
        "leaves out the slope of step k: the immediate derivative of h_k = tanh(a_k) with respect to W_hh "
        "carries 1 - h_k**2.": bptt_term(*args, slope=False),
        "multiplies dL_t/dh_t by the transposed Jacobian: a row-vector gradient is multiplied from the right by "
        "dh_t/dh_k as it stands (G[t-1] @ J).": bptt_term(*args, transpose_J=True),
        "multiplies the Jacobian factors in the wrong order: dh_t/dh_k = J_t J_{t-1} ... J_{k+1}, the latest "
        "step on the left.": bptt_term(*args, order="right"),
    }


# ---------------------------------------------------------------- the bound of the Jacobian product

def jacobian_bounds(W_hh, Hs, *, sigma="spectral", slopes="max", shift=0) -> np.ndarray:
    """Bounds b[k] of ||dh_T/dh_k||_2, k = 0..T, for states Hs (T, H) with Hs[t-1] = h_t."""
    T = Hs.shape[0]
    scale = {"spectral": np.linalg.norm(W_hh, 2), "frobenius": np.linalg.norm(W_hh),
             "radius": np.max(np.abs(np.linalg.eigvals(W_hh)))}[sigma]
    states = np.concatenate([np.zeros((1, Hs.shape[1])), Hs])          # rows h_0 .. h_T
    bounds = np.ones(T + 1)
    for k in range(T - 1, -1, -1):
        h = states[k + 1 - shift]
        slope = {"max": np.max(1.0 - h ** 2), "mean": np.mean(1.0 - h ** 2), "none": 1.0}[slopes]
        bounds[k] = bounds[k + 1] * slope * scale
    return bounds


def jacobian_bound_mistakes(W_hh, Hs) -> dict[str, np.ndarray]:
    args = (W_hh, Hs)
    return {
        "uses the spectral radius of W_hh: it bounds no norm of a non-normal matrix (a non-normal W_hh can "
        "stretch a vector by more than its largest |eigenvalue|); a norm bound needs a NORM of W_hh.":
            jacobian_bounds(*args, sigma="radius"),
        "uses the Frobenius norm of W_hh: it is a valid but looser bound; the tight factor is the largest "
        "singular value sigma_max(W_hh) (the spectral norm, np.linalg.norm(W_hh, 2)).":
            jacobian_bounds(*args, sigma="frobenius"),
        "leaves out the slopes: sigma_max(W_hh)**(T - k) is the chapter's bound for any states; this task "
        "asks for the sharper one that multiplies in max_j(1 - h_{t,j}**2) of every step t = k+1 .. T.":
            jacobian_bounds(*args, slopes="none"),
        "uses the mean slope of a step: the spectral norm of diag(s) is its LARGEST entry, max_j s_j.":
            jacobian_bounds(*args, slopes="mean"),
        "uses the slopes of the step before (h_{t-1} in factor t): the slope of factor t is 1 - h_t**2 of the "
        "same step.": jacobian_bounds(*args, shift=1),
    }


# ---------------------------------------------------------------- the many-to-one model of the order task

def order_forward_backward(X, y, h0, W_xh, W_hh, b_h, w_y, b_y, *, reduce="mean", **slip):
    """Loss, parameter gradients and state gradients dH (T+1, B, H) of the many-to-one tanh RNN
    with logit z = h_T . w_y + b_y and the mean binary cross-entropy, optionally with a slip
    (``reduce="sum"``, or a keyword of :func:`rnncourse.grading.rnn.sequence_backward`)."""
    T, B, _ = X.shape
    Hs = rnn_forward(X, h0, W_xh, W_hh, b_h)                           # (T, B, H)
    z = Hs[-1] @ w_y + b_y                                             # (B,)
    count = B if reduce == "mean" else 1
    loss = float(np.sum(np.logaddexp(0.0, z) - y * z) / count)
    dz = (0.5 * (1.0 + np.tanh(0.5 * z)) - y) / count                 # (B,)
    dHs = np.zeros_like(Hs)
    dHs[-1] = np.outer(dz, w_y)
    grads = sequence_backward(dHs, X, Hs, h0, W_xh, W_hh, **slip)
    dH = _state_gradients(dHs, Hs, h0, W_hh, **slip)
    return loss, {"W_xh": grads["dW_xh"], "W_hh": grads["dW_hh"], "b_h": grads["db_h"], "w_y": Hs[-1].T @ dz,
                  "b_y": float(dz.sum())}, dH


def _state_gradients(dHs, Hs, h0, W_hh, *, slope="output", transpose_W_hh=False, **_):
    """dL/dh_k for k = 0..T, shape (T+1, B, H), from the per-step gradients dHs (T, B, H);
    Hs[t-1] = h_t. dL/dh_{t-1} = dHs[t-2] + (dL/dh_t * slope of step t) @ W_hh."""
    T = Hs.shape[0]
    W = W_hh.T if transpose_W_hh else W_hh
    dH = np.zeros((T + 1,) + Hs.shape[1:])
    dH[T] = dHs[T - 1]
    for t in range(T, 0, -1):
        s = 1.0 - Hs[t - 1] ** 2 if slope == "output" else 1.0
        dH[t - 1] = (dH[t] * s) @ W + (dHs[t - 2] if t >= 2 else 0.0)
    return dH


SUMMED_LOSS = ("The loss was SUMMED over the batch: the task's loss is the MEAN binary cross-entropy over the B "
               "sequences, so the loss and every gradient carry a factor 1/B.")


def distinct(right, mistakes: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The mistakes whose values differ from the right value and from every other mistake's: two
    causes that give the same numbers on these inputs are not named (nor is one that gives the
    right numbers)."""
    def same(a, b):
        a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
        return a.shape == b.shape and np.allclose(a, b, rtol=1e-6, atol=1e-8)
    return {message: value for message, value in mistakes.items()
            if not same(value, right) and not any(same(value, other) for m, other in mistakes.items() if m != message)}


def order_model_mistakes(X, y, h0, W_xh, W_hh, b_h, w_y, b_y) -> dict[str, dict]:
    """``{result name: {message: wrong value}}``; result names ``loss``, the parameter names and ``dH``."""
    args = (X, y, h0, W_xh, W_hh, b_h, w_y, b_y)
    loss, grads, dH = order_forward_backward(*args)
    summed = order_forward_backward(*args, reduce="sum")
    out = {"loss": {SUMMED_LOSS: summed[0]}, "w_y": {SUMMED_LOSS: summed[1]["w_y"]},
           "b_y": {SUMMED_LOSS: summed[1]["b_y"]}}
    # The BPTT slips, on the model's own per-step gradients (only the last step's is non-zero).
    Hs = rnn_forward(X, h0, W_xh, W_hh, b_h)                           # (T, B, H)
    dHs = np.zeros_like(Hs)
    dHs[-1] = dH[-1]
    slips = sequence_backward_mistakes(dHs, X, Hs, h0, W_xh, W_hh)
    for name in ("W_xh", "W_hh", "b_h"):
        out[name] = distinct(grads[name], {SUMMED_LOSS: summed[1][name], **slips["d" + name]})
    out["dH"] = distinct(dH, {
        SUMMED_LOSS: summed[2],
        SLOPE_MISSING: _state_gradients(dHs, Hs, h0, W_hh, slope="none"),
        "uses W_hh transposed: the gradient flows back as dL/dh_{t-1} = (dL/dh_t * (1 - h_t**2)) @ W_hh.":
            _state_gradients(dHs, Hs, h0, W_hh, transpose_W_hh=True),
    })
    return out


def distance_mistakes(X, y, h0, W_xh, W_hh, b_h, w_y, b_y) -> dict[str, np.ndarray]:
    dH = order_forward_backward(X, y, h0, W_xh, W_hh, b_h, w_y, b_y)[2]
    by_step = np.linalg.norm(dH.reshape(len(dH), -1), axis=1)
    return {
        "The norms are indexed by the step k, not by the distance T - k from the end: entry d is ||dL/dh_{T-d}||, "
        "so entry 0 is the last state's gradient.": by_step,
        "The squared entries were averaged: take the Frobenius norm of the (B, H) gradient.":
            np.mean(dH.reshape(len(dH), -1) ** 2, axis=1)[::-1],
        SUMMED_LOSS:
            np.linalg.norm(order_forward_backward(X, y, h0, W_xh, W_hh, b_h, w_y, b_y, reduce="sum")[2]
                           .reshape(len(dH), -1), axis=1)[::-1],
    }


# ---------------------------------------------------------------- truncated against full BPTT

def truncation_gaps(X, h0, W_xh, W_hh, b_h, w, windows, *, every_step=False, key="dW_hh") -> np.ndarray:
    """Relative error of truncated dW_hh (window k) against full BPTT's, for L = sum_b w . h_T,
    one entry per window; optionally with a slip (w on every step, another gradient)."""
    Hs = rnn_forward(X, h0, W_xh, W_hh, b_h)                           # (T, B, H)
    dHs = np.zeros_like(Hs)
    dHs[:] = w if every_step else 0.0
    dHs[-1] = w
    full = sequence_backward(dHs, X, Hs, h0, W_xh, W_hh)[key]
    gaps = []
    for k in windows:
        cut = sequence_backward(dHs, X, Hs, h0, W_xh, W_hh, truncate=k)[key]
        gaps.append(np.linalg.norm(cut - full) / max(np.linalg.norm(cut) + np.linalg.norm(full), 1e-300))
    return np.array(gaps)


def truncation_gap_mistakes(X, h0, W_xh, W_hh, b_h, w, windows) -> dict[str, np.ndarray]:
    args = (X, h0, W_xh, W_hh, b_h, w, windows)
    return distinct(truncation_gaps(*args), {
        "puts w on every step's gradient: the loss reads only the last state, so dHs is zero except dHs[T-1] = w "
        "(in every row of the batch).": truncation_gaps(*args, every_step=True),
        "compares dW_xh: the task compares the recurrent weights' gradient dW_hh.": truncation_gaps(*args, key="dW_xh"),
    })
