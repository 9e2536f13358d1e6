"""Stored cases of assignment 13_recurrences_after_transformers (see autograder/cases/__init__.py)."""
import numpy as np

from autograder.cases import case
from rnncourse.grading.min_gru import coefficient_mistakes, state_mistakes


def cases(solution):
    rng = np.random.default_rng(13)
    B, D, H = 2, 3, 4
    weights = (rng.normal(size=(H, D)), rng.normal(size=H), rng.normal(size=(H, D)), rng.normal(size=H))
    X, h0 = rng.normal(size=(5, B, D)), rng.normal(size=(B, H))
    X_long = rng.normal(size=(9, B, D))                          # T = 9: not a power of 2
    return {
        "min_gru_coefficients": case(solution.min_gru_coefficients, X, *weights,
                                     mistakes=coefficient_mistakes(X, *weights)),
        "min_gru_sequential": case(solution.min_gru_sequential, X, h0, *weights,
                                   mistakes=state_mistakes(X, h0, *weights)),
        "min_gru_parallel": case(solution.min_gru_parallel, X_long, h0, *weights,
                                 mistakes=state_mistakes(X_long, h0, *weights)),
    }
