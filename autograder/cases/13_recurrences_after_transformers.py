"""Stored cases of assignment 13_recurrences_after_transformers (see autograder/cases/__init__.py)."""
import numpy as np

from autograder.cases import case
from rnncourse.data.timeseries import load_co2_monthly
from rnncourse.grading.min_gru import coefficient_mistakes, scan_mistakes, state_mistakes


def standardised_co2() -> np.ndarray:
    """The monthly Mauna Loa CO2 series, standardised: (526,)."""
    _, co2 = load_co2_monthly()
    return (co2 - co2.mean()) / co2.std()


def cases(solution):
    rng = np.random.default_rng(13)
    B, D, H = 2, 3, 4
    weights = (rng.normal(size=(H, D)), rng.normal(size=H), rng.normal(size=(H, D)), rng.normal(size=H))
    X, h0 = rng.normal(size=(5, B, D)), rng.normal(size=(B, H))
    X_long = rng.normal(size=(9, B, D))                          # T = 9: not a power of 2
    # The experiment: the CO2 series as a batch of one, D = 1, update gates biased open (z_t near 1, a_t small).
    H_co2 = 4
    co2_weights = (rng.uniform(-0.5, 0.5, size=(H_co2, 1)), np.array([1.0, 1.5, 2.0, 2.5]),
                   rng.uniform(-1.0, 1.0, size=(H_co2, 1)), rng.uniform(-0.5, 0.5, size=H_co2))
    co2 = standardised_co2()[:, None, None]                      # (526, 1, 1)
    return {
        "min_gru_coefficients": case(solution.min_gru_coefficients, X, *weights,
                                     mistakes=coefficient_mistakes(X, *weights)),
        "min_gru_sequential": case(solution.min_gru_sequential, X, h0, *weights,
                                   mistakes=state_mistakes(X, h0, *weights)),
        "min_gru_parallel": case(solution.min_gru_parallel, X_long, h0, *weights,
                                 mistakes=scan_mistakes(X_long, h0, *weights)),
        "long_sequence_errors": {"args": [co2, rng.normal(size=(1, H_co2)), *co2_weights, [25, 100, 200, 400, len(co2)]]},
    }
