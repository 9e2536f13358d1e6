"""Classic mistakes with bidirectional layers and ragged (padded) batches, as the wrong values
they produce, for :func:`rnncourse.grading.check_array`'s ``mistakes=``.

Shapes follow the exercises: ``X`` (T, B, D) time-major, ``lengths`` (B,), states (T, B, H),
a parameter triple ``(W_xh, W_hh, b_h)`` per direction.
"""
from __future__ import annotations

import numpy as np

from ..numpy_ref.rnn import rnn_forward


def reverse_within_lengths(X, lengths):
    """The right answer: each sequence reversed within its length, padding left at the end."""
    out = np.array(X, copy=True)
    for b, n in enumerate(lengths):
        out[:n, b] = X[:n, b][::-1]
    return out


def padding_changed(got, X, lengths) -> bool:
    """Whether ``got`` (shaped like X) has the right real steps, each sequence reversed within its length, but
    other values at its padded steps, which must keep X's."""
    got, right = np.asarray(got, dtype=float), reverse_within_lengths(X, lengths)
    if got.shape != right.shape:
        return False
    real = (np.arange(X.shape[0])[:, None] < np.asarray(lengths)[None, :]).reshape(X.shape[:2] + (1,) * (X.ndim - 2))
    real = np.broadcast_to(real, X.shape)
    return bool(np.allclose(got[real], right[real]) and not np.allclose(got[~real], right[~real]))


PADDING_CHANGED = ("The real steps are reversed right, but the padded steps changed: they must keep X's values "
                   "(start from a copy of X and write only out[:lengths[b], b]).")


def reverse_padded_mistakes(X, lengths) -> dict[str, np.ndarray]:
    return {
        "You reversed the whole padded array (X[::-1]): the padding moved to the front, so a "
        "backward RNN would read it first. Reverse each sequence within its own length.": X[::-1],
    }


def bidirectional_mistakes(X, forward_params, backward_params) -> dict[str, np.ndarray]:
    """Wrong (T, B, 2H) outputs of a bidirectional layer built from ``rnn_forward``."""
    fwd = rnn_forward(X, None, *forward_params)
    bwd_reversed = rnn_forward(X[::-1], None, *backward_params)          # step 0 = last input
    return {
        "The backward outputs were not flipped back: after running on X[::-1], reverse the "
        "outputs again so that outputs[t] belongs to input step t.":
            np.concatenate([fwd, bwd_reversed], axis=-1),
        "The backward half was run on X in the forward direction: it must read the sequence "
        "from the end (run on X[::-1], then flip its outputs back).":
            np.concatenate([fwd, rnn_forward(X, None, *backward_params)], axis=-1),
        "The halves are in the wrong order: PyTorch's convention is [forward; backward].":
            np.concatenate([bwd_reversed[::-1], fwd], axis=-1),
        "Both directions used the forward parameters: the backward direction has its own weights.":
            np.concatenate([fwd, rnn_forward(X[::-1], None, *forward_params)[::-1]], axis=-1),
        "The two halves were joined along the time axis (axis=0): join them along the features, "
        "np.concatenate([forward, backward], axis=-1), giving (T, B, 2H).":
            np.concatenate([fwd, bwd_reversed[::-1]], axis=0),
    }


MASK_ONE_STEP_LONG = ("The mask lets one padded step through (t <= lengths[b]): the real steps of sequence b "
                      "are t < lengths[b].")
W_HH_TRANSPOSED = "uses W_hh transposed: the recurrent term is h @ W_hh.T (rows are examples)."


def masked_run(X, W_xh, W_hh, b_h, lengths, *, transpose_W_hh=False, reset=False):
    """(states (T, B, H) zero at padding, last states (B, H)) of the masked Elman RNN from h_0 = 0, optionally with
    W_hh transposed or the state reset to zero at padded steps."""
    T, B, _ = X.shape
    W = W_hh.T if transpose_W_hh else W_hh
    h, Hs = np.zeros((B, W_hh.shape[0])), np.zeros((T, B, W_hh.shape[0]))
    real = (np.arange(T)[:, None] < np.asarray(lengths)[None, :])[..., None]
    for t in range(T):
        h = np.where(real[t], np.tanh(X[t] @ W_xh.T + h @ W.T + b_h), 0.0 if reset else h)
        Hs[t] = np.where(real[t], h, 0.0)
    return Hs, h


def masked_rnn_state_mistakes(X, W_xh, W_hh, b_h, lengths) -> dict[str, np.ndarray]:
    """Wrong (T, B, H) state sequences of an Elman RNN over a padded batch."""
    unmasked = rnn_forward(X, None, W_xh, W_hh, b_h)
    frozen = np.array(unmasked, copy=True)
    for b, n in enumerate(lengths):
        frozen[n:, b] = unmasked[n - 1, b]
    return {
        "The states at padded steps are not zero: the RNN ran over the padding as if it were "
        "data. Keep the state unchanged at padded steps and output zeros there.": unmasked,
        "You kept the state through the padding (good) but the outputs at padded steps must be "
        "zeros, as pad_packed_sequence returns them.": frozen,
        MASK_ONE_STEP_LONG: masked_run(X, W_xh, W_hh, b_h, np.minimum(np.asarray(lengths) + 1, X.shape[0]))[0],
        W_HH_TRANSPOSED: masked_run(X, W_xh, W_hh, b_h, lengths, transpose_W_hh=True)[0],
    }


def final_state_mistakes(X, W_xh, W_hh, b_h, lengths) -> dict[str, np.ndarray]:
    """Wrong (B, H) final states of a padded batch."""
    return {
        "This is the state after the padding (the classic outputs[-1] bug): the final state of "
        "sequence b is its state at step lengths[b] - 1.": rnn_forward(X, None, W_xh, W_hh, b_h)[-1],
        "The state was reset to zero at padded steps (np.where(mask, h_new, 0)), so sequences shorter than T end "
        "with h = 0: at padded steps keep the state unchanged, np.where(mask, h_new, h).":
            masked_run(X, W_xh, W_hh, b_h, lengths, reset=True)[1],
        MASK_ONE_STEP_LONG: masked_run(X, W_xh, W_hh, b_h, np.minimum(np.asarray(lengths) + 1, X.shape[0]))[1],
        W_HH_TRANSPOSED: masked_run(X, W_xh, W_hh, b_h, lengths, transpose_W_hh=True)[1],
    }


def last_real_step_mistakes(outputs, lengths) -> dict[str, np.ndarray]:
    """Wrong (B, F) read-outs of a padded batch of outputs (T, B, F)."""
    mistakes = {
        "You read outputs[-1], the last *padded* step: for sequence b read "
        "outputs[lengths[b] - 1, b].": outputs[-1],
        "You read the first step, outputs[0]; the last real step of sequence b is at "
        "index lengths[b] - 1.": outputs[0],
        "You indexed outputs[:, -1], batch-first indexing on a time-major array: that is every step of the LAST "
        "sequence. The last real step of sequence b is outputs[lengths[b] - 1, b].": outputs[:, -1],
    }
    lengths = np.asarray(lengths)
    beyond = np.minimum(lengths, len(outputs) - 1)
    if np.any(beyond != lengths - 1):
        mistakes["You read outputs[lengths[b], b], one step past the last real step: indices start at 0, so the "
                 "last real step of sequence b is at lengths[b] - 1."] = outputs[beyond, np.arange(len(lengths))]
    if np.all(lengths >= 2):
        mistakes["Off by one: step t has index t - 1, so the last real step is lengths[b] - 1, and "
                 "you read one step earlier."] = outputs[lengths - 2, np.arange(len(lengths))]
    return mistakes
