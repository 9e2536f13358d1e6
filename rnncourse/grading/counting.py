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
    return separating(break_even_length(D, H, K), {
        "That T gives the two networks the SAME number of parameters (it solves T D H >= H D + H^2); the "
        "question asks for strictly more (T D H > H D + H^2).": 1 + ceil_ratio,
        "That T forgets that the RNN also has W_xh (H x D): compare T D H with H D + H^2, not with H^2 alone.":
            H // D + 1,
    })
