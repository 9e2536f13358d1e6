"""Stored cases of assignment 02_rnn_equations (see autograder/cases/__init__.py)."""
import numpy as np

from autograder.cases import case
from rnncourse.grading.jacobian import rnn_jacobian_mistakes
from rnncourse.grading.rnn import forward_mistakes, many_to_one_mistakes, step_forward_mistakes
from rnncourse.grading.softmax_readout import softmax_readout_mistakes
from rnncourse.grading.state_difference import state_difference_mistakes


def cases(solution):
    rng = np.random.default_rng(2)

    def weights(D, H):
        return rng.normal(size=(H, D)), 0.5 * rng.normal(size=(H, H)), rng.normal(size=H)

    B, D, H = 2, 3, 4
    step = (rng.normal(size=(B, D)), rng.normal(size=(B, H))) + weights(D, H)
    T = 5
    sequence = (rng.normal(size=(T, B, D)), rng.normal(size=(B, H))) + weights(D, H)
    T = B = 4
    D, H, K = 3, 5, 2
    head = (rng.normal(size=(T, B, D)), None) + weights(D, H) + (rng.normal(size=(K, H)), rng.normal(size=K))
    Hs = solution.rnn_forward(*head[:5])
    B, D, H = 2, 3, 4
    jacobian = (0.5 * rng.normal(size=(B, H)), rng.normal(size=(B, D))) + weights(D, H)
    T, B, H, K = 3, 2, 4, 5
    readout = (np.tanh(rng.normal(size=(T, B, H))), rng.integers(0, K, size=(T, B)), rng.normal(size=(K, H)),
               rng.normal(size=K))
    T, B, D, H = 4, 3, 2, 5
    X = rng.normal(size=(T, B, D))
    X_changed = X.copy()
    X_changed[0] = rng.normal(size=(B, D))                      # only the first step differs
    difference = (X, X_changed) + weights(D, H)
    return {
        "rnn_step_forward": case(solution.rnn_step_forward, *step, mistakes=step_forward_mistakes(*step)),
        "rnn_forward": case(solution.rnn_forward, *sequence, mistakes=forward_mistakes(*sequence)),
        "many_to_one": case(solution.many_to_one, *head, mistakes=many_to_one_mistakes(Hs, *head[5:])),
        "rnn_jacobian": case(solution.rnn_jacobian, *jacobian, mistakes=rnn_jacobian_mistakes(*jacobian)),
        "softmax_readout": case(solution.softmax_readout, *readout, mistakes=softmax_readout_mistakes(*readout)),
        "state_difference": case(solution.state_difference, *difference,
                                 mistakes=state_difference_mistakes(*difference)),
    }
