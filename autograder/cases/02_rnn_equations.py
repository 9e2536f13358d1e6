"""Stored cases of assignment 02_rnn_equations (see autograder/cases/__init__.py)."""
import numpy as np

from autograder.cases import case
from rnncourse.grading.rnn import forward_mistakes, many_to_one_mistakes, step_forward_mistakes


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
    return {
        "rnn_step_forward": case(solution.rnn_step_forward, *step, mistakes=step_forward_mistakes(*step)),
        "rnn_forward": case(solution.rnn_forward, *sequence, mistakes=forward_mistakes(*sequence)),
        "many_to_one": case(solution.many_to_one, *head, mistakes=many_to_one_mistakes(Hs, *head[5:])),
    }
