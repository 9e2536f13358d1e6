r"""The text classifier's size and its pooling: reference values and classic mistakes (assignment 10).

``parameter_count`` and its mistakes: embedding :math:`V \times E`; a one-layer recurrent layer
with :math:`g` gate blocks (RNN 1, GRU 3, LSTM 4) and PyTorch's two bias vectors per block, per
direction :math:`g (H E + H H + 2 H)`; a dense layer from :math:`dH` to :math:`D` and an output
layer from :math:`D` to :math:`C`, both with biases (:math:`d = 2` when bidirectional).

``masked_mean_pool`` and its mistakes: the mean of each sequence's outputs over its own
:math:`L_b` real steps, :math:`m_b = \frac{1}{L_b} \sum_{t < L_b} o_{t,b}`.

Each ``*_mistakes`` function takes the inputs of the function the student writes and returns
``{message: wrong value}`` without the mistakes that give the right value on these inputs.
"""
from __future__ import annotations

import numpy as np

GATES = {"RNN": 1, "GRU": 3, "LSTM": 4}


def parameter_count(V: int, E: int, H: int, D: int, C: int, cell: str, bidirectional: bool, *,
                    biases_per_block: int = 2, gates: int | None = None, directions_in_rnn: bool = True,
                    directions_in_dense: bool = True, linear_biases: bool = True) -> int:
    """The number of parameters; the keyword arguments put in one classic mistake."""
    g = GATES[cell] if gates is None else gates
    d = 2 if bidirectional else 1
    recurrent = (d if directions_in_rnn else 1) * g * (H * E + H * H + biases_per_block * H)
    dense_in = (d if directions_in_dense else 1) * H
    return int(V * E + recurrent + dense_in * D + D * C + (D + C) * linear_biases)


def parameter_count_mistakes(V, E, H, D, C, cell, bidirectional) -> dict:
    right = parameter_count(V, E, H, D, C, cell, bidirectional)
    wrong_gates = {"RNN": 3, "GRU": 4, "LSTM": 3}[cell]
    mistakes = {
        "PyTorch's recurrent layers keep TWO bias vectors per gate block (bias_ih and bias_hh): count 2H biases "
        "per block, not H.": parameter_count(V, E, H, D, C, cell, bidirectional, biases_per_block=1),
        f"The number of gate blocks of the {cell} is off: an RNN has 1 (W x + U h + b), a GRU 3 (r, z, n), an LSTM 4 "
        "(i, f, g, o).": parameter_count(V, E, H, D, C, cell, bidirectional, gates=wrong_gates),
        "The biases of the dense and output layers are missing (D + C of them).":
            parameter_count(V, E, H, D, C, cell, bidirectional, linear_biases=False),
        "The recurrent layer's biases are missing: PyTorch keeps bias_ih and bias_hh, 2H numbers per gate block.":
            parameter_count(V, E, H, D, C, cell, bidirectional, biases_per_block=0),
    }
    if bidirectional:
        mistakes["A bidirectional layer has a second, separate set of recurrent weights for the backward direction: "
                 "count the recurrent layer twice."] = parameter_count(V, E, H, D, C, cell, True, directions_in_rnn=False)
        mistakes["The dense layer reads both directions' states side by side, 2H numbers: its weight is D x 2H."] = \
            parameter_count(V, E, H, D, C, cell, True, directions_in_dense=False)
    return {message: wrong for message, wrong in mistakes.items() if wrong != right}


def masked_mean_pool(outputs, lengths) -> np.ndarray:
    """(T, B, F) outputs and (B,) lengths -> (B, F) means over each sequence's real steps."""
    outputs = np.asarray(outputs, dtype=np.float64)
    lengths = np.asarray(lengths)
    mask = np.arange(outputs.shape[0])[:, None] < lengths[None, :]          # (T, B)
    return (outputs * mask[..., None]).sum(0) / lengths[:, None]


def masked_mean_pool_mistakes(outputs, lengths) -> dict:
    outputs = np.asarray(outputs, dtype=np.float64)
    lengths = np.asarray(lengths)
    T = outputs.shape[0]
    right = masked_mean_pool(outputs, lengths)
    mask = np.arange(T)[:, None] < lengths[None, :]
    one_more = np.arange(T)[:, None] <= lengths[None, :]
    mistakes = {
        "The padded steps are averaged in: take the mean over each sequence's own real steps only, t < length.":
            outputs.mean(0),
        "The padded steps are masked out but the sum is divided by T_max: divide by each sequence's own length.":
            (outputs * mask[..., None]).sum(0) / T,
        "This is the masked SUM: divide by each sequence's length for the mean.": (outputs * mask[..., None]).sum(0),
        "The mask keeps one step too many (t <= length): steps 0 .. length - 1 are the real ones.":
            (outputs * one_more[..., None]).sum(0) / lengths[:, None],
    }
    return {message: wrong for message, wrong in mistakes.items()
            if np.shape(wrong) != right.shape or not np.allclose(wrong, right, rtol=1e-6, atol=1e-9)}
