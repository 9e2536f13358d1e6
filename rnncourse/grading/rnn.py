"""Classic mistakes in the Elman RNN exercises, computed so that feedback can name them.

Each function takes the same inputs as the function the student writes and returns
``{message: wrong value}`` (or, for functions with several results, ``{result name: {message:
wrong value}}``), ready for ``check_array(..., mistakes=...)``. The correct values come from
:mod:`rnncourse.numpy_ref.rnn`; the wrong ones are the same computation with one classic
mistake in it:

- the gradient of a shared weight not accumulated over the time steps;
- the slope of tanh taken of the wrong quantity (``1 - a_t**2``, or ``1 - tanh(h_t)**2``);
- the gradient from the next step (``dh_next``) forgotten;
- a weight matrix used transposed;
- dW_hh built from the new state h_t instead of the state h_{t-1} that entered the step;
- forward: the recurrent term, the tanh or the bias left out, the sigmoid where tanh belongs, the
  state not carried from one step to the next, the given h0 ignored, or the states stored one
  step late or with h0 in front.

Wrong shapes need no generator: ``check_array`` explains them itself.
"""
from __future__ import annotations

import numpy as np

from ..numpy_ref.rnn import rnn_backward, truncated_windows
from .calls import SHAPE_ERROR_WORDS, call_checked  # noqa: F401  (re-exported)

NOT_ACCUMULATED_LAST = ("holds only the LAST time step's contribution: the weights are shared by every "
                        "step, so their gradient is the sum over t (use += in the loop).")
NOT_ACCUMULATED_FIRST = ("holds only the contribution of step t = 0, the last one your backward loop "
                         "visits: it was overwritten at every step instead of accumulated (use +=).")
SLOPE_OF_PREACTIVATION = ("uses 1 - a_t**2 as the slope of tanh: the derivative must be evaluated AT the "
                          "pre-activation a_t, and tanh'(a_t) = 1 - tanh(a_t)**2 = 1 - h_t**2.")
SLOPE_OF_RECOMPUTED = ("uses 1 - a_t**2, with a_t recomputed from x_t and h_prev, as the slope of tanh: "
                       "tanh'(a_t) = 1 - tanh(a_t)**2 = 1 - h_t**2, read it from h_t.")
SLOPE_OF_OUTPUT_TANH = ("uses 1 - tanh(h_t)**2: that is tanh' evaluated at h_t. h_t is already tanh(a_t), "
                        "so the slope is 1 - h_t**2.")
SLOPE_MISSING = "ignores the slope of tanh: multiply the incoming gradient by 1 - h_t**2 first."
DH_NEXT_FORGOTTEN = ("ignores the gradient arriving from step t+1 (dh_next): the total gradient on h_t is "
                     "dHs[t] + dh_next.")
TRANSPOSED_W_HH = ("uses W_hh transposed: the gradient flows back as delta @ W_hh (rows are examples), "
                   "while the forward pass uses h_prev @ W_hh.T.")
TRANSPOSED_GRAD = "is the transpose of the right gradient: dW = delta.T @ input has the shape of W, (H, ...)."
SIGMOID_FOR_TANH = "uses the sigmoid where tanh belongs: the Elman state is h_t = tanh(a_t), in (-1, 1)."
STATE_AFTER_STEP = ("uses the new state h_t where the state that ENTERED the step belongs: the recurrent "
                    "term is W_hh h_{t-1}, so dW_hh = delta^T h_{t-1} (h0 at t = 0).")


def _slope(h, a, slope, recomputed=None):
    if slope == "output":
        return 1.0 - h ** 2
    if slope == "preactivation":
        return 1.0 - a ** 2
    if slope == "tanh_of_output":
        return 1.0 - np.tanh(h) ** 2
    if slope == "none":
        return np.ones_like(h)
    if slope == "recomputed":                    # x_t W_xh^T + h_prev W_hh^T, without the bias
        return 1.0 - recomputed ** 2
    raise ValueError(slope)


def _sigmoid(a):
    return 0.5 * (1.0 + np.tanh(0.5 * a))


def _preactivation(h):
    """The tanh pre-activation recovered from the output (the student's forward pass had it)."""
    return np.arctanh(np.clip(h, -1 + 1e-15, 1 - 1e-15))


# ---------------------------------------------------------------- forward

def step_forward_mistakes(x_t, h_prev, W_xh, W_hh, b_h) -> dict[str, np.ndarray]:
    """Wrong versions of one forward step ``tanh(x_t @ W_xh.T + h_prev @ W_hh.T + b_h)``."""
    return {
        "uses W_hh transposed: for a batch of rows the recurrent term is h_prev @ W_hh.T.":
            np.tanh(x_t @ W_xh.T + h_prev @ W_hh + b_h),
        "leaves out the recurrent term W_hh h_{t-1}: without it the network has no memory.":
            np.tanh(x_t @ W_xh.T + b_h),
        "is missing the tanh: apply the nonlinearity to the pre-activation.":
            x_t @ W_xh.T + h_prev @ W_hh.T + b_h,
        "is missing the bias b_h.": np.tanh(x_t @ W_xh.T + h_prev @ W_hh.T),
        SIGMOID_FOR_TANH: _sigmoid(x_t @ W_xh.T + h_prev @ W_hh.T + b_h),
    }


def forward_mistakes(X, h0, W_xh, W_hh, b_h) -> dict[str, np.ndarray]:
    """Wrong versions of the sequence forward pass ``Hs`` (T, B, H) (one has shape (T+1, B, H))."""
    T = X.shape[0]
    zeros = np.zeros((X.shape[1], W_hh.shape[0]))
    h0 = zeros if h0 is None else h0

    def run(start, *, recurrent="right", tanh=np.tanh, bias=True):
        states = [start]
        for t in range(T):
            h = start if recurrent == "from_start" else states[-1]
            W = W_hh if recurrent == "transposed" else W_hh.T
            states.append(tanh(X[t] @ W_xh.T + h @ W + (b_h if bias else 0.0)))
        return np.stack(states)  # (T+1, B, H), h0 first

    right = run(h0)
    no_memory = "leaves out the recurrent term W_hh h_{t-1}: without it the network has no memory."
    if not np.any(h0):  # from a zero h0, "every step from h0" gives the same numbers
        no_memory = ("leaves out the recurrent term W_hh h_{t-1}, or computes every step from h0: the state must "
                     "be carried from step to step, h_t = f(x_t, h_{t-1}).")
    wrong = {
        no_memory: np.tanh(X @ W_xh.T + b_h),
        "is missing the tanh: apply the nonlinearity to the pre-activation at every step.":
            run(h0, tanh=lambda a: a)[1:],
        "is missing the bias b_h.": run(h0, bias=False)[1:],
        SIGMOID_FOR_TANH: run(h0, tanh=_sigmoid)[1:],
        "uses W_hh transposed: for a batch of rows the recurrent term is h_prev @ W_hh.T.":
            run(h0, recurrent="transposed")[1:],
        "stores the state BEFORE each step (h_0 .. h_{T-1}); Hs[t] must be the state after step t.": right[:-1],
        "returns h0 as well: Hs holds the T states AFTER each step, not the initial state.": right,
    }
    if np.any(h0):  # with a zero h0 these two are the missing recurrent term again, or right
        wrong.update({
            "computes every step from h0: the state must be carried, h_t = f(x_t, h_{t-1}).":
                run(h0, recurrent="from_start")[1:],
            "ignores the given h0 and starts from zeros: h0 is the state before the first step.": run(zeros)[1:],
        })
    return wrong


def many_to_one_mistakes(Hs, W_hy, b_y) -> dict[str, np.ndarray]:
    """Wrong read-outs of a many-to-one head (T == B makes the first one run without an error)."""
    wrong = {"reads the first step Hs[0]; a many-to-one head reads the last state Hs[-1].": Hs[0] @ W_hy.T + b_y,
             "averages the states over time; the head reads the last state Hs[-1].": Hs.mean(axis=0) @ W_hy.T + b_y,
             "is missing the bias b_y.": Hs[-1] @ W_hy.T}
    if Hs.shape[0] == Hs.shape[1]:
        wrong["indexes Hs[:, -1]: that is every step of the LAST SEQUENCE (batch-first indexing on a time-major "
              "array). The last step of every sequence is Hs[-1]."] = Hs[:, -1] @ W_hy.T + b_y
    return wrong


# ---------------------------------------------------------------- backward

def step_backward(dh_t, x_t, h_prev, h_t, W_xh, W_hh, *, slope="output", transpose_W_hh=False,
                  transpose_grads=False, state_after=False) -> dict[str, np.ndarray]:
    """One step backward, with optional mistakes; keys ``dx_t, dh_prev, dW_xh, dW_hh, db_h``.

    ``state_after=True`` builds dW_hh from h_t instead of h_prev."""
    delta = dh_t * _slope(h_t, _preactivation(h_t), slope, x_t @ W_xh.T + h_prev @ W_hh.T)  # (B, H)
    out = {"dx_t": delta @ W_xh, "dh_prev": delta @ (W_hh.T if transpose_W_hh else W_hh),
           "dW_xh": delta.T @ x_t, "dW_hh": delta.T @ (h_t if state_after else h_prev), "db_h": delta.sum(axis=0)}
    if transpose_grads:
        out["dW_hh"] = out["dW_hh"].T
    return out


def step_backward_mistakes(dh_t, x_t, h_prev, h_t, W_xh, W_hh) -> dict[str, dict[str, np.ndarray]]:
    """``{result name: {message: wrong value}}`` for one step backward."""
    variants = {
        SLOPE_OF_PREACTIVATION: step_backward(dh_t, x_t, h_prev, h_t, W_xh, W_hh, slope="preactivation"),
        SLOPE_OF_RECOMPUTED: step_backward(dh_t, x_t, h_prev, h_t, W_xh, W_hh, slope="recomputed"),
        SLOPE_OF_OUTPUT_TANH: step_backward(dh_t, x_t, h_prev, h_t, W_xh, W_hh, slope="tanh_of_output"),
        SLOPE_MISSING: step_backward(dh_t, x_t, h_prev, h_t, W_xh, W_hh, slope="none"),
        TRANSPOSED_W_HH: step_backward(dh_t, x_t, h_prev, h_t, W_xh, W_hh, transpose_W_hh=True),
        TRANSPOSED_GRAD: step_backward(dh_t, x_t, h_prev, h_t, W_xh, W_hh, transpose_grads=True),
        STATE_AFTER_STEP: step_backward(dh_t, x_t, h_prev, h_t, W_xh, W_hh, state_after=True),
    }
    return _by_result(variants)


def sequence_backward(dHs, X, Hs, h0, W_xh, W_hh, *, accumulate="sum", slope="output", carry_dh=True,
                      transpose_W_hh=False, truncate=None, state_after=False) -> dict[str, np.ndarray]:
    """BPTT with optional mistakes; keys ``dX, dh0, dW_xh, dW_hh, db_h``.

    ``accumulate``: "sum" (right), "last" (only step T-1's term), "first" (overwritten in the
    loop, so step 0's term). ``slope``: "output" (right), "preactivation", "tanh_of_output",
    "none". ``carry_dh=False`` forgets dh_next. ``truncate=k`` drops dh_next at window starts.
    ``state_after=True`` builds dW_hh from h_t instead of h_{t-1}.
    """
    T = X.shape[0]
    h0 = np.zeros_like(Hs[0]) if h0 is None else h0
    grads = {"dX": np.zeros(X.shape), "dW_xh": np.zeros(W_xh.shape), "dW_hh": np.zeros(W_hh.shape),
             "db_h": np.zeros(W_hh.shape[0])}
    dh_next = np.zeros_like(Hs[0])
    for t in reversed(range(T)):
        h_prev = Hs[t - 1] if t > 0 else h0
        step = step_backward(dHs[t] + dh_next, X[t], h_prev, Hs[t], W_xh, W_hh, slope=slope,
                             transpose_W_hh=transpose_W_hh, state_after=state_after)
        grads["dX"][t] = step["dx_t"]
        for name, key in (("dW_xh", "dW_xh"), ("dW_hh", "dW_hh"), ("db_h", "db_h")):
            if accumulate == "sum":
                grads[name] = grads[name] + step[key]
            elif accumulate == "first" or (accumulate == "last" and t == T - 1):
                grads[name] = step[key]
        dh_next = step["dh_prev"] if carry_dh else np.zeros_like(dh_next)
        if truncate is not None and t > 0 and t % truncate == 0:
            dh_next = np.zeros_like(dh_next)
    grads["dh0"] = dh_next if carry_dh else step["dh_prev"]
    return grads


def sequence_backward_mistakes(dHs, X, Hs, h0, W_xh, W_hh) -> dict[str, dict[str, np.ndarray]]:
    """``{result name: {message: wrong value}}`` for full BPTT (keys ``dX, dh0, dW_xh, dW_hh, db_h``)."""
    args = (dHs, X, Hs, h0, W_xh, W_hh)
    variants = {
        NOT_ACCUMULATED_LAST: sequence_backward(*args, accumulate="last"),
        NOT_ACCUMULATED_FIRST: sequence_backward(*args, accumulate="first"),
        SLOPE_OF_PREACTIVATION: sequence_backward(*args, slope="preactivation"),
        SLOPE_OF_RECOMPUTED: sequence_backward(*args, slope="recomputed"),
        SLOPE_OF_OUTPUT_TANH: sequence_backward(*args, slope="tanh_of_output"),
        SLOPE_MISSING: sequence_backward(*args, slope="none"),
        DH_NEXT_FORGOTTEN: sequence_backward(*args, carry_dh=False),
        TRANSPOSED_W_HH: sequence_backward(*args, transpose_W_hh=True),
        STATE_AFTER_STEP: sequence_backward(*args, state_after=True),
    }
    return _by_result(variants)


def step_contributions(dHs, X, Hs, h0, W_xh, W_hh, *, carry_dh=True, slope="output", transpose_W_hh=False,
                       state_after=False) -> np.ndarray:
    """Per-step terms ``delta_t h_{t-1}^T`` of dL/dW_hh, shape (T, H, H), optionally with a mistake."""
    T = X.shape[0]
    h0 = np.zeros_like(Hs[0]) if h0 is None else h0
    terms = np.zeros((T,) + W_hh.shape)
    dh_next = np.zeros_like(Hs[0])
    for t in reversed(range(T)):
        h_prev = Hs[t - 1] if t > 0 else h0
        step = step_backward(dHs[t] + dh_next, X[t], h_prev, Hs[t], W_xh, W_hh, slope=slope,
                             transpose_W_hh=transpose_W_hh, state_after=state_after)
        terms[t] = step["dW_hh"]
        dh_next = step["dh_prev"] if carry_dh else np.zeros_like(dh_next)
    return terms


def step_contributions_mistakes(dHs, X, Hs, h0, W_xh, W_hh) -> dict[str, np.ndarray]:
    """Wrong per-step terms (T, H, H)."""
    args = (dHs, X, Hs, h0, W_xh, W_hh)
    right = step_contributions(*args)
    return {
        DH_NEXT_FORGOTTEN: step_contributions(*args, carry_dh=False),
        SLOPE_OF_PREACTIVATION: step_contributions(*args, slope="preactivation"),
        SLOPE_OF_OUTPUT_TANH: step_contributions(*args, slope="tanh_of_output"),
        SLOPE_OF_RECOMPUTED: step_contributions(*args, slope="recomputed"),
        TRANSPOSED_W_HH: step_contributions(*args, transpose_W_hh=True),
        STATE_AFTER_STEP: step_contributions(*args, state_after=True),
        "is the running sum of the terms (a cumulative gradient); each entry t should be step t's own term.":
            np.cumsum(right[::-1], axis=0)[::-1],
        TRANSPOSED_GRAD: np.swapaxes(right, 1, 2),
    }


def truncated_backward_mistakes(dHs, X, Hs, h0, W_xh, W_hh, k) -> dict[str, dict[str, np.ndarray]]:
    """Wrong truncated-BPTT gradients (window k)."""
    args = (dHs, X, Hs, h0, W_xh, W_hh)
    T = X.shape[0]
    full_bptt = ("is the FULL BPTT gradient: with truncation, dh_next must be reset to zero at the start of "
                 "every window (t = k, 2k, ...), where the carried state is detached.")
    variants = {
        full_bptt: sequence_backward(*args),
        "resets dh_next one step too late or too early: windows are [0, k), [k, 2k), ..., so the gradient "
        "stops at t = k, 2k, ... (when t % k == 0).": _shifted_truncation(*args, k, 1),
        "resets dh_next one step too early or too late: windows are [0, k), [k, 2k), ..., so the gradient "
        "stops at t = k, 2k, ... (when t % k == 0).": _shifted_truncation(*args, k, -1),
        NOT_ACCUMULATED_LAST: sequence_backward(*args, accumulate="last", truncate=k),
        NOT_ACCUMULATED_FIRST: sequence_backward(*args, accumulate="first", truncate=k),
        DH_NEXT_FORGOTTEN: sequence_backward(*args, carry_dh=False),
        STATE_AFTER_STEP: sequence_backward(*args, truncate=k, state_after=True),
    }
    if k > 1:    # with k = 1 a dh_next forgotten at every step gives these numbers too
        variants["resets dh_next at t = 0 as well (t % k == 0 holds there): the gradient that reaches h0 is dropped; "
                 "windows start at t = k, 2k, ..., so reset only for t > 0."] = {"dh0": np.zeros_like(Hs[0])}
    if k >= T:
        del variants[full_bptt]  # with one window, truncated and full BPTT agree
    return _by_result(variants)


def _shifted_truncation(dHs, X, Hs, h0, W_xh, W_hh, k, shift):
    """Windows whose boundaries moved by ``shift`` steps (at t % k == shift): an off-by-one."""
    grads = {"dX": np.zeros(X.shape), "dW_xh": np.zeros(W_xh.shape), "dW_hh": np.zeros(W_hh.shape),
             "db_h": np.zeros(W_hh.shape[0])}
    dh_next = np.zeros_like(Hs[0])
    h0 = np.zeros_like(Hs[0]) if h0 is None else h0
    for t in reversed(range(X.shape[0])):
        h_prev = Hs[t - 1] if t > 0 else h0
        step = step_backward(dHs[t] + dh_next, X[t], h_prev, Hs[t], W_xh, W_hh)
        grads["dX"][t] = step["dx_t"]
        for name in ("dW_xh", "dW_hh", "db_h"):
            grads[name] = grads[name] + step[name]
        dh_next = step["dh_prev"]
        if t > max(shift, 0) and (t - shift) % k == 0:
            dh_next = np.zeros_like(dh_next)
    grads["dh0"] = dh_next
    return grads


def _by_result(variants: dict[str, dict[str, np.ndarray]]) -> dict[str, dict[str, np.ndarray]]:
    """{message: {result: value}} -> {result: {message: value}}, dropping variants equal to the right value."""
    out: dict[str, dict[str, np.ndarray]] = {}
    for message, values in variants.items():
        for name, value in values.items():
            out.setdefault(name, {})[message] = value
    return out


def reference_backward(dHs, X, Hs, h0, W_xh, W_hh, truncate=None) -> dict[str, np.ndarray]:
    """The right gradients (the course's NumPy reference), for the test cells."""
    return rnn_backward(dHs, X, Hs, h0, W_xh, W_hh, truncate=truncate)


__all__ = [
    "call_checked", "forward_mistakes", "many_to_one_mistakes", "reference_backward", "sequence_backward",
    "sequence_backward_mistakes", "step_backward", "step_backward_mistakes", "step_contributions",
    "step_contributions_mistakes", "step_forward_mistakes", "truncated_backward_mistakes", "truncated_windows",
]
