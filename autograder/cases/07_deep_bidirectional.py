"""Stored cases of assignment 07_deep_bidirectional (see autograder/cases/__init__.py)."""
import numpy as np

from autograder.cases import case
from rnncourse.grading.deep_rnn import deep_bidirectional_mistakes, parameter_count_mistakes, readout_mistakes
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

    sizes = [(10, 20, 1, False, 1), (10, 20, 2, False, 4), (10, 20, 2, True, 1), (8, 16, 3, True, 3)]
    T, B, D, H = 5, 3, 2, 3
    deep = (rng.normal(size=(T, B, D)), np.array([5, 2, 3]),
            [tuple(tuple(_params(rng, d, H)) for _ in range(2)) for d in (D, 2 * H)])
    features, targets = rng.normal(size=(4, 6, 2)), (rng.random((4, 6)) < 0.4).astype(float)
    features[..., 0] += 1.5 * targets                  # a feature that carries the target, so the fit matters
    readout = (features, targets, np.array([4, 2, 3, 1, 4, 3]), 4)
    return {
        "bidirectional_layer": case(solution.bidirectional_layer, X, fp, bp, mistakes=bidirectional_mistakes(X, fp, bp)),
        "reverse_padded": case(solution.reverse_padded, padded, lengths,
                               mistakes=reverse_padded_mistakes(padded, lengths)),
        "masked_rnn": case(solution.masked_rnn, *masked, mistakes={
            "Hs": masked_rnn_state_mistakes(X_m, W_xh, W_hh, b_h, lengths_m),
            "h_last": final_state_mistakes(X_m, W_xh, W_hh, b_h, lengths_m)}),
        "last_real_step": case(solution.last_real_step, outputs, last_lengths,
                               mistakes=last_real_step_mistakes(outputs, last_lengths)),
        "rnn_parameter_count": {"args": [], "mistakes": {},
                                "expected": [[list(s), solution.rnn_parameter_count(*s), parameter_count_mistakes(*s)]
                                             for s in sizes]},
        "deep_bidirectional_rnn": case(solution.deep_bidirectional_rnn, *deep, mistakes=deep_bidirectional_mistakes(*deep)),
        "readout_accuracy": case(solution.readout_accuracy, *readout, mistakes=readout_mistakes(*readout)),
        "bidirectional_rnn_torch": case(lambda X, *w: solution.bidirectional_layer(X, w[:3], w[3:]), X, *fp, *bp,
                                        mistakes=bidirectional_mistakes(X, fp, bp)),
    }


def _params(rng, D, H):
    return rng.normal(size=(H, D)), 0.5 * rng.normal(size=(H, H)), rng.normal(size=H)
