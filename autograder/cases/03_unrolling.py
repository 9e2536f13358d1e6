"""Stored cases of assignment 03_unrolling (see autograder/cases/__init__.py)."""
import numpy as np

from autograder.cases import case
from rnncourse.grading.gradient_reach import gradient_reach_mistakes
from rnncourse.grading.linear_rnn import linear_rnn_mistakes
from rnncourse.grading.rnn import sequence_backward_mistakes, step_backward_mistakes, step_contributions_mistakes
from rnncourse.numpy_ref.rnn import rnn_forward


def cases(solution):
    rng = np.random.default_rng(3)

    def weights(D, H):
        return 0.5 * rng.normal(size=(H, D)), 0.5 * rng.normal(size=(H, H)), 0.5 * rng.normal(size=H)

    def unrolled(T, B, D, H):
        """(dHs, X, Hs, h0, W_xh, W_hh): a forward run and the gradient arriving at every state."""
        X, h0 = rng.normal(size=(T, B, D)), 0.5 * rng.normal(size=(B, H))
        W_xh, W_hh, b_h = weights(D, H)
        return rng.normal(size=(T, B, H)), X, rnn_forward(X, h0, W_xh, W_hh, b_h), h0, W_xh, W_hh

    B, D, H = 2, 3, 4
    x_t, h_prev = rng.normal(size=(B, D)), 0.5 * rng.normal(size=(B, H))
    W_xh, W_hh, b_h = weights(D, H)
    step = (rng.normal(size=(B, H)), x_t, h_prev, np.tanh(x_t @ W_xh.T + h_prev @ W_hh.T + b_h), W_xh, W_hh)
    terms = unrolled(4, 2, 3, 3)
    sequence = unrolled(5, 2, 3, 4)
    linear = (rng.normal(size=5), 0.8, 1.5)
    _, X, _, _, W_xh, W_hh = unrolled(5, 3, 2, 4)
    reach = (X, W_xh, W_hh, 0.5 * rng.normal(size=4))
    return {
        "rnn_step_backward": case(solution.rnn_step_backward, *step, mistakes=step_backward_mistakes(*step)),
        "step_contributions": case(solution.step_contributions, *terms, mistakes=step_contributions_mistakes(*terms),
                                   total=solution.rnn_backward(*terms)["dW_hh"]),
        "rnn_backward": case(solution.rnn_backward, *sequence, mistakes=sequence_backward_mistakes(*sequence)),
        "linear_rnn_gradients": case(solution.linear_rnn_gradients, *linear, mistakes=linear_rnn_mistakes(*linear)),
        "gradient_reach": case(solution.gradient_reach, *reach, mistakes=gradient_reach_mistakes(*reach)),
    }
