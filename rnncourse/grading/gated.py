"""Classic mistakes in the gated-cell tasks of assignment 06, computed so that feedback can name them.

- the parameter count of PyTorch's recurrent layers, ``gates * H * (input + H + 2)`` per layer
  and direction, where a layer's input is D for the first layer and ``directions * H`` above it:
  one bias instead of two, D as every layer's input, H as the input above a bidirectional layer,
  the directions forgotten;
- the LSTM's gradient by distance from the end, run with the cell's own forward and backward: the
  cell-state gradient not carried from step to step, the norms indexed by step, the cell state's
  gradient reported instead of the hidden state's;
- a GRU layer as ``nn.GRU`` computes it: the reset gate before the product, z and 1 - z
  swapped, every step started from h0, a given h0 ignored.

Each function takes the inputs of the function the student writes and returns ``{message:
wrong value}``; a message whose value equals the right one or another message's is dropped
(:func:`rnncourse.grading.gradient_flow.distinct`).
"""
from __future__ import annotations

import numpy as np

from ..numpy_ref.gru import gru_reset_before_step_forward, gru_step_forward
from ..numpy_ref.lstm import lstm_step_backward, lstm_step_forward
from .gradient_flow import distinct


# ---------------------------------------------------------------- parameter count

def parameter_count(D, H, layers, gates, bidirectional=False, *, biases=2, input_above="directions",
                    directions_counted=True) -> int:
    """Parameters of nn.RNN (gates = 1), nn.GRU (3) or nn.LSTM (4), optionally with a slip."""
    directions = 2 if bidirectional else 1
    total = 0
    for layer in range(layers):
        if layer == 0 or input_above == "D":
            inputs = D
        else:
            inputs = directions * H if input_above == "directions" else H
        total += (directions if directions_counted else 1) * gates * H * (inputs + H + biases)
    return total


def parameter_count_mistakes(D, H, layers, gates, bidirectional=False) -> dict[str, int]:
    args = (D, H, layers, gates, bidirectional)
    return distinct(parameter_count(*args), {
        "The count has one bias vector per gate block: PyTorch's layers hold TWO, b_ih and b_hh (they are added, but "
        "both are parameters).": parameter_count(*args, biases=1),
        "Every layer got the input size D: the layers above the first read the states of the layer below, so "
        "their input size is H (2H when the layer below is bidirectional).": parameter_count(*args, input_above="D"),
        "The layers above a bidirectional layer got the input size H: they read both directions' states, "
        "concatenated, so their input size is 2H.": parameter_count(*args, input_above="H"),
        "Only one direction is counted: a bidirectional layer has a second, independent set of weights for the "
        "backward direction.": parameter_count(*args, directions_counted=False),
    })


# ---------------------------------------------------------------- the LSTM's gradient by distance

def lstm_state_gradients(X, h0, c0, W_ih, W_hh, b_ih, b_hh, w, *, carry_dc=True):
    """dL/dh_k and dL/dc_k (the part that comes through c_{k+1}), k = T..0, for L = sum_b w . h_T."""
    caches, h, c = [], h0, c0
    for x_t in X:
        h, c, cache = lstm_step_forward(x_t, h, c, W_ih, W_hh, b_ih, b_hh)
        caches.append(cache)
    dh, dc = np.tile(w, (X.shape[1], 1)), np.zeros_like(c0)
    dhs, dcs = [dh], [dc]
    for cache in reversed(caches):
        step = lstm_step_backward(dh, dc if carry_dc else np.zeros_like(dc), cache)
        dh, dc = step["h_prev"], step["c_prev"]
        dhs.append(dh)
        dcs.append(dc)
    return np.stack(dhs), np.stack(dcs)                 # (T + 1, B, H), entry d is distance d


def _norms(G):
    return np.linalg.norm(G.reshape(len(G), -1), axis=1)


def lstm_distance_mistakes(X, h0, c0, W_ih, W_hh, b_ih, b_hh, w) -> dict[str, np.ndarray]:
    args = (X, h0, c0, W_ih, W_hh, b_ih, b_hh, w)
    dhs, dcs = lstm_state_gradients(*args)
    return distinct(_norms(dhs), {
        "The cell-state gradient is dropped between steps (dc_t = 0 at every step): pass the dc_prev of step t as the "
        "dc_t of step t - 1; the cell state is the path that carries the gradient far.":
            _norms(lstm_state_gradients(*args, carry_dc=False)[0]),
        "The norms are indexed by the step k, not by the distance T - k from the end: entry d is ||dL/dh_{T-d}||, so "
        "entry 0 is the last state's gradient.": _norms(dhs)[::-1],
        "These are the norms of the cell-state gradients dc: the task asks for the hidden states' dL/dh_{T-d}.":
            _norms(dcs),
    })


# ---------------------------------------------------------------- a GRU layer

def gru_layer(X, h0, W_ih, W_hh, b_ih, b_hh, *, step=gru_step_forward, carry=True, swap_z=False):
    """States (T, B, H) of nn.GRU's recurrence from h0 (zeros when None), optionally with a slip."""
    H = W_hh.shape[1]
    start = np.zeros((X.shape[1], H)) if h0 is None else h0
    h, out = start, []
    for x_t in X:
        prev = h if carry else start
        new = step(x_t, prev, W_ih, W_hh, b_ih, b_hh)[0]
        if swap_z:                                       # h = z * n + (1 - z) * h_prev instead
            z = _gate(x_t, prev, W_ih, W_hh, b_ih, b_hh, 1)
            n = (new - z * prev) / (1.0 - z)
            new = z * n + (1.0 - z) * prev
        h = new
        out.append(h)
    return np.stack(out)


def _gate(x_t, h_prev, W_ih, W_hh, b_ih, b_hh, index):
    H = h_prev.shape[1]
    block = slice(index * H, (index + 1) * H)
    a = x_t @ W_ih[block].T + b_ih[block] + h_prev @ W_hh[block].T + b_hh[block]
    return 0.5 * (1.0 + np.tanh(0.5 * a))


def gru_layer_mistakes(X, h0, W_ih, W_hh, b_ih, b_hh) -> dict[str, np.ndarray]:
    args = (X, h0, W_ih, W_hh, b_ih, b_hh)
    mistakes = {
        "The reset gate is applied before the product, (r * h_prev) @ W_hn.T, and lets z take the candidate: that is "
        "the GRU of Chung et al.; nn.GRU computes n = tanh(W_in x + b_in + r * (W_hn h_prev + b_hn)) and "
        "h_t = (1 - z) * n + z * h_prev.": gru_layer(*args, step=gru_reset_before_step_forward),
        "z and 1 - z are swapped: in nn.GRU, h_t = (1 - z) * n + z * h_prev (z close to 1 keeps the old state).":
            gru_layer(*args, swap_z=True),
        "Every step starts from h0: the state must be carried, each step's h_prev is the previous step's output.":
            gru_layer(*args, carry=False),
    }
    order = np.r_[np.arange(H, 2 * H), np.arange(H), np.arange(2 * H, 3 * H)] if (H := W_hh.shape[1]) else None
    mistakes["The reset and update gates are exchanged: nn.GRU stacks its blocks in the order r, z, n (rows [:H] "
             "of W_ih and W_hh are the reset gate)."] = gru_layer(X, h0, W_ih[order], W_hh[order], b_ih[order], b_hh[order])
    if h0 is not None:
        mistakes["The given h0 is ignored (the state starts from zeros): use h0 when it is given, zeros only when it is None."] = \
            gru_layer(X, None, W_ih, W_hh, b_ih, b_hh)
    return distinct(gru_layer(*args), mistakes)
