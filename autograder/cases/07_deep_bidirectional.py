"""Stored cases of assignment 07_deep_bidirectional (see autograder/cases/__init__.py)."""
import numpy as np

from autograder.cases import case
from rnncourse.grading.ragged import (bidirectional_mistakes, final_state_mistakes, last_real_step_mistakes,
                                      masked_rnn_state_mistakes, reverse_padded_mistakes)


def cases(solution):
    rng = np.random.default_rng(7)
    T, B, D, H = 5, 2, 3, 4
    X = rng.normal(size=(T, B, D))
    fp = (rng.normal(size=(H, D)), 0.5 * rng.normal(size=(H, H)), rng.normal(size=H))
    bp = (rng.normal(size=(H, D)), 0.5 * rng.normal(size=(H, H)), rng.normal(size=H))

    padded, lengths = np.arange(12, dtype=float).reshape(4, 3, 1), [4, 2, 1]      # T=4, B=3, D=1

    T, B, D, H = 6, 3, 2, 4
    masked = (rng.normal(size=(T, B, D)), np.array([6, 3, 1]), rng.normal(size=(H, D)), 0.5 * rng.normal(size=(H, H)),
              rng.normal(size=H))
    X_m, lengths_m, W_xh, W_hh, b_h = masked

    outputs, last_lengths = rng.normal(size=(5, 3, 2)), [5, 2, 3]
    return {
        "bidirectional_layer": case(solution.bidirectional_layer, X, fp, bp, mistakes=bidirectional_mistakes(X, fp, bp)),
        "reverse_padded": case(solution.reverse_padded, padded, lengths,
                               mistakes=reverse_padded_mistakes(padded, lengths)),
        "masked_rnn": case(solution.masked_rnn, *masked, mistakes={
            "Hs": masked_rnn_state_mistakes(X_m, W_xh, W_hh, b_h, lengths_m),
            "h_last": final_state_mistakes(X_m, W_xh, W_hh, b_h, lengths_m)}),
        "last_real_step": case(solution.last_real_step, outputs, last_lengths,
                               mistakes=last_real_step_mistakes(outputs, last_lengths)),
    }
