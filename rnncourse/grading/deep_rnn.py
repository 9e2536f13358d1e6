"""Deep bidirectional RNNs over padded batches: the parameter count, the stacked layer, and a
linear read-out of their states, with the classic mistakes as the wrong values they produce.

Parameter count of ``torch.nn.RNN`` / ``GRU`` / ``LSTM`` (``gates`` = 1, 3, 4), which keeps two
bias vectors per gate block (b_ih and b_hh), ``dirs`` = 2 if bidirectional else 1:

    P = dirs * gates * H * [(D + H + 2) + (L - 1) * (dirs * H + H + 2)]

since layer 1 reads x_t (D numbers) and every layer above reads the previous layer's output
(dirs * H numbers). A stacked bidirectional layer ``l`` runs a masked RNN forward and one on the
input reversed within each length, concatenates [forward; backward] (T, B, 2H), zeros at padding,
and hands that to layer ``l + 1``.

The read-out: ridge regression of the targets on [features, 1] over the real steps of the first
``n_train`` sequences, ``w = (A^T A + ridge I)^{-1} A^T y``; accuracy of ``A w > 0.5`` over the
real steps of the remaining sequences.
"""
from __future__ import annotations

import numpy as np

from ..numpy_ref.rnn import rnn_forward
from .ragged import reverse_within_lengths


def parameter_count(D: int, H: int, num_layers: int, bidirectional: bool, gates: int) -> int:
    dirs = 2 if bidirectional else 1
    return dirs * gates * H * ((D + H + 2) + (num_layers - 1) * (dirs * H + H + 2))


def parameter_count_mistakes(D, H, num_layers, bidirectional, gates) -> dict[str, int]:
    """Wrong counts, only those that differ from the right one and from each other."""
    dirs = 2 if bidirectional else 1
    right = parameter_count(D, H, num_layers, bidirectional, gates)
    candidates = {
        "Every layer was counted with the input size D: the layers above the first read the previous "
        "layer's output, of size H per direction.": dirs * gates * H * num_layers * (D + H + 2),
        "PyTorch keeps two bias vectors per layer and direction (b_ih and b_hh); you counted one.":
            right - dirs * gates * H * num_layers,
        "The gate factor is missing: an LSTM has 4 blocks of weights (i, f, g, o) and a GRU 3 (r, z, n), "
        "each as large as a plain RNN's.": right // gates,
        "The second direction is missing: a bidirectional layer has a full set of weights per direction.":
            parameter_count(D, H, num_layers, False, gates),
    }
    if bidirectional:
        candidates["The second direction is missing: each direction has its own weights, so the count of one "
                   "direction is doubled."] = right // 2
        candidates["The layers above the first read both directions' outputs, 2H numbers, not H: their "
                   "input weights are (gates * H, 2H)."] = dirs * gates * H * ((D + H + 2) + (num_layers - 1) * (2 * H + 2))
    values = list(candidates.values())
    return {m: v for m, v in candidates.items() if v != right and values.count(v) == 1}


def masked_states(X, lengths, W_xh, W_hh, b_h):
    """(T, B, H) states of an Elman RNN from h_0 = 0 over each sequence's real steps, zeros at padding."""
    Hs = np.zeros(X.shape[:2] + (W_hh.shape[0],))
    for b, n in enumerate(lengths):
        Hs[:n, b] = rnn_forward(X[:n, b:b + 1], None, W_xh, W_hh, b_h)[:, 0]
    return Hs


def bidirectional_states(X, lengths, forward_params, backward_params):
    forward = masked_states(X, lengths, *forward_params)
    backward = reverse_within_lengths(masked_states(reverse_within_lengths(X, lengths), lengths, *backward_params),
                                      lengths)
    return np.concatenate([forward, backward], axis=-1)


def deep_bidirectional(X, lengths, layers):
    """The last layer's (T, B, 2H) outputs of stacked bidirectional layers [(forward, backward), ...]."""
    for forward_params, backward_params in layers:
        X = bidirectional_states(X, lengths, forward_params, backward_params)
    return X


def deep_bidirectional_mistakes(X, lengths, layers) -> dict[str, np.ndarray]:
    """Wrong (T, B, 2H) outputs of a stack of bidirectional layers over a padded batch."""
    mistakes = {}
    if len(layers) > 1:
        mistakes["This is the first layer's output: each layer must read the previous layer's outputs "
                 "(T, B, 2H), and the last layer's are returned."] = deep_bidirectional(X, lengths, layers[:1])
    flipped = X
    for forward_params, backward_params in layers:             # the backward direction run on X[::-1]
        forward = masked_states(flipped, lengths, *forward_params)
        backward = rnn_forward(flipped[::-1], None, *backward_params)[::-1]
        flipped = np.concatenate([forward, backward], axis=-1) * _real(flipped, lengths)
    mistakes["The backward direction read the padding first: reverse each sequence within its own length "
             "(your reverse_padded), run the masked RNN, and reverse its outputs back the same way."] = flipped
    whole = X
    for forward_params, backward_params in layers:             # the masked RNN run on outputs[::-1]
        backward = masked_states(whole[::-1], lengths, *backward_params)[::-1]
        whole = np.concatenate([masked_states(whole, lengths, *forward_params), backward], axis=-1)
    mistakes["The backward direction reversed the whole padded array (outputs[::-1]), so it read the padding first: "
             "reverse each sequence within its own length (your reverse_padded), and reverse its outputs back the "
             "same way."] = whole
    unflipped = X
    for forward_params, backward_params in layers:
        backward = masked_states(reverse_within_lengths(unflipped, lengths), lengths, *backward_params)
        unflipped = np.concatenate([masked_states(unflipped, lengths, *forward_params), backward], axis=-1)
    mistakes["The backward outputs were not reversed back: outputs[t] must belong to input step t in both "
             "halves."] = unflipped
    return mistakes


def _real(X, lengths):
    return (np.arange(X.shape[0])[:, None] < np.asarray(lengths)[None, :])[..., None]


def _rows(features, targets, lengths, sequences):
    real = np.arange(features.shape[0])[:, None] < np.asarray(lengths)[None, :]      # (T, B)
    real[:, [b for b in range(features.shape[1]) if b not in sequences]] = False
    A = np.concatenate([features[real], np.ones((real.sum(), 1))], axis=1)
    return A, targets[real]


def readout_accuracy(features, targets, lengths, n_train, ridge=1e-3) -> float:
    """The course's read-out (see the module docstring)."""
    B = features.shape[1]
    A, y = _rows(features, targets, lengths, set(range(n_train)))
    w = np.linalg.solve(A.T @ A + ridge * np.eye(A.shape[1]), A.T @ y)
    A_test, y_test = _rows(features, targets, lengths, set(range(n_train, B)))
    return float(np.mean((A_test @ w > 0.5) == y_test))


def readout_mistakes(features, targets, lengths, n_train, ridge=1e-3) -> dict[str, float]:
    """Wrong accuracies, only those that differ from the right one by more than 0.005."""
    T, B, F = features.shape
    everywhere = np.full(B, T)
    right = readout_accuracy(features, targets, lengths, n_train, ridge)
    candidates = {
        "The padded steps were part of the fit or of the score: use only the real steps (t < lengths[b]).":
            readout_accuracy(features, targets, everywhere, n_train, ridge),
        "The read-out has no bias: append a column of ones to the features.":
            _no_bias(features, targets, lengths, n_train, ridge),
        "The accuracy was measured on the training sequences: score the sequences n_train and after.":
            _on_train(features, targets, lengths, n_train, ridge),
    }
    return {m: v for m, v in candidates.items() if abs(v - right) > 0.005}


def _no_bias(features, targets, lengths, n_train, ridge):
    A, y = _rows(features, targets, lengths, set(range(n_train)))
    w = np.linalg.solve(A[:, :-1].T @ A[:, :-1] + ridge * np.eye(A.shape[1] - 1), A[:, :-1].T @ y)
    A_test, y_test = _rows(features, targets, lengths, set(range(n_train, features.shape[1])))
    return float(np.mean((A_test[:, :-1] @ w > 0.5) == y_test))


def _on_train(features, targets, lengths, n_train, ridge):
    A, y = _rows(features, targets, lengths, set(range(n_train)))
    w = np.linalg.solve(A.T @ A + ridge * np.eye(A.shape[1]), A.T @ y)
    return float(np.mean((A @ w > 0.5) == y))
