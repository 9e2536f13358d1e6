"""Classic mistakes in the gated-cell tasks of assignment 06, computed so that feedback can name them.

- the parameter count of PyTorch's recurrent layers, ``gates * H * (input + H + 2)`` per layer
  and direction, where a layer's input is D for the first layer and ``directions * H`` above it:
  one bias instead of two, D as every layer's input, H as the input above a bidirectional layer,
  the directions forgotten;
- the LSTM's gradient by distance from the end, run with the cell's own forward and backward: the
  cell-state gradient not carried from step to step, the norms indexed by step, the cell state's
  gradient reported instead of the hidden state's;
- a GRU layer as ``nn.GRU`` computes it: the reset gate before the product (alone, or with z
  on the candidate as in Chung et al.'s GRU), z and 1 - z swapped, every step started from h0,
  a given h0 ignored;
- the notes' per-gate LSTM weights ``W[k] = [W_hk | W_xk]`` (H, H + D) loaded into ``nn.LSTM``: the
  gates stacked in the dicts' order f, i, C, o or with the candidate last, the columns split the
  wrong way round, b in both biases (which nn.LSTM adds). Such a mistake is seen in what ``nn.LSTM``
  computes with the arrays, the states (T, B, H) of a sequence from zero states.

Each function takes the inputs of the function the student writes and returns ``{message:
wrong value}``; a message whose value equals the right one or another message's is dropped
(:func:`rnncourse.grading.gradient_flow.distinct`).
"""
from __future__ import annotations

import numpy as np

from ..numpy_ref.gru import gru_reset_before_step_forward, gru_step_forward
from ..numpy_ref.lstm import lstm_forward, lstm_step_backward, lstm_step_forward
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


def _reset_first_step(x_t, h_prev, W_ih, W_hh, b_ih, b_hh):
    """nn.GRU's step with the reset gate before the product: n = tanh(W_in x + b_in + (r * h_prev) W_hn^T + b_hn)."""
    H = h_prev.shape[1]
    r, z = _gate(x_t, h_prev, W_ih, W_hh, b_ih, b_hh, 0), _gate(x_t, h_prev, W_ih, W_hh, b_ih, b_hh, 1)   # (B, H)
    n = np.tanh(x_t @ W_ih[2 * H:].T + b_ih[2 * H:] + (r * h_prev) @ W_hh[2 * H:].T + b_hh[2 * H:])
    return ((1.0 - z) * n + z * h_prev,)


def gru_layer_mistakes(X, h0, W_ih, W_hh, b_ih, b_hh) -> dict[str, np.ndarray]:
    args = (X, h0, W_ih, W_hh, b_ih, b_hh)
    mistakes = {
        "The reset gate is applied before the product, (r * h_prev) @ W_hn.T; nn.GRU applies it after: "
        "n = tanh(W_in x + b_in + r * (W_hn h_prev + b_hn)).": gru_layer(*args, step=_reset_first_step),
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


# ---------------------------------------------------------------- the notes' LSTM weights in nn.LSTM

NOTES_ORDER, TORCH_ORDER = ("f", "i", "C", "o"), ("i", "f", "C", "o")


def lstm_mapping_states(W, b, X, *, order=TORCH_ORDER, columns="h first", biases=1) -> np.ndarray:
    """States (T, B, H) that nn.LSTM computes from zero states when loaded from the notes' ``W``, ``b``
    with the gates stacked in ``order``; ``columns`` "x first" takes the first D columns as W_ih;
    ``biases`` 2 puts b in both bias vectors."""
    H = W["f"].shape[0]
    D = W["f"].shape[1] - H
    stacked = np.concatenate([W[k] for k in order])                           # (4H, H + D)
    W_hh, W_ih = (stacked[:, :H], stacked[:, H:]) if columns == "h first" else (stacked[:, D:], stacked[:, :D])
    bias = np.concatenate([b[k] for k in order])                              # (4H,)
    return lstm_forward(X, None, None, W_ih, W_hh, bias, (biases - 1) * bias)[0]


def lstm_mapping_mistakes(W, b, X) -> dict[str, np.ndarray]:
    """``{message: wrong states}`` of nn.LSTM loaded with a slip of the mapping."""
    return distinct(lstm_mapping_states(W, b, X), {
        "The gates are in the dicts' order f, i, C, o; nn.LSTM stacks them as i, f, g, o.":
            lstm_mapping_states(W, b, X, order=NOTES_ORDER),
        "The candidate C is stacked last; nn.LSTM stacks i, f, g, o: the candidate is the THIRD block, the output "
        "gate the last.": lstm_mapping_states(W, b, X, order=("i", "f", "o", "C")),
        "The columns are split the wrong way round: in the notes W[k] multiplies [h_{t-1}, x_t], so its first H "
        "columns are weight_hh_l0's and its last D columns weight_ih_l0's.": lstm_mapping_states(W, b, X, columns="x first"),
        "nn.LSTM ADDS its two biases: put b in one of them and zeros in the other, not b in both.":
            lstm_mapping_states(W, b, X, biases=2),
    })
