"""Classic mistakes in deriving the break-even length of a window network against an RNN.

A feedforward network on a window of T steps of D features (hidden layer of H units, read-out to
K outputs) has ``T D H + H + (H K + K)`` parameters; an Elman RNN with the same read-out has
``H D + H^2 + H + (H K + K)``. The window network has more once ``T D H > H D + H^2``, that is
``T > 1 + H / D``: the smallest such T is ``H // D + 2``, whatever K.
"""
from __future__ import annotations

from .separate import separating


def break_even_length(D: int, H: int, K: int) -> int:
    """The smallest T at which the window network has strictly more parameters than the RNN."""
    return H // D + 2


def break_even_mistakes(D: int, H: int, K: int) -> dict[str, int]:
    """{message: the wrong T} for the slips of the derivation that these sizes tell apart."""
    ceil_ratio = -(-H // D)
    if H % D == 0:              # the two slips give the same T: both are named, as either may be the cause
        return separating(break_even_length(D, H, K), {
            "That T gives the two networks the SAME number of parameters (it solves T D H >= H D + H^2), or it "
            "forgets that the RNN also has W_xh (H x D, compared with H^2 alone); the question asks for strictly "
            "more, T D H > H D + H^2.": H // D + 1})
    return separating(break_even_length(D, H, K), {
        "That T gives the two networks the SAME number of parameters (it solves T D H >= H D + H^2); the "
        "question asks for strictly more (T D H > H D + H^2).": 1 + ceil_ratio,
        "That T forgets that the RNN also has W_xh (H x D): compare T D H with H D + H^2, not with H^2 alone.":
            H // D + 1,
    })


def parameter_counts(T: int, D: int, H: int, K: int) -> tuple[int, int]:
    """(window network, RNN) parameter counts, each with the read-out's H K + K."""
    readout = H * K + K
    return T * D * H + H + readout, H * D + H * H + H + readout


def count_mistakes(T: int, D: int, H: int, K: int) -> dict[str, tuple[int, int]]:
    """{message: the wrong (feedforward, recurrent) pair} for the counting slips these sizes tell apart."""
    feedforward, recurrent = parameter_counts(T, D, H, K)
    return separating((feedforward, recurrent), {
        "The two counts are swapped: return (feedforward, recurrent).": (recurrent, feedforward),
        "The read-out's K biases are missing from both counts: the read-out has H K weights and K biases.":
            (feedforward - K, recurrent - K),
        "The recurrent count leaves out W_hh, the H x H weights from h_{t-1} to h_t.": (feedforward, recurrent - H * H),
        "The recurrent count grows with T; it must not depend on T: the RNN shares one W_xh, W_hh and b_h "
        "across all steps.":
            (feedforward, T * (H * D + H * H + H) + H * K + K),
    })
