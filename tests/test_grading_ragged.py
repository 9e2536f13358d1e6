"""The ragged-batch mistake generators: every classic mistake differs from the right answer."""
import numpy as np
from conftest import assert_mistakes_differ

from rnncourse.grading.ragged import (bidirectional_mistakes, final_state_mistakes, last_real_step_mistakes,
                                      masked_rnn_state_mistakes, reverse_padded_mistakes, reverse_within_lengths)
from rnncourse.numpy_ref.rnn import rnn_forward


def test_mistakes_differ_from_the_right_answers():
    rng = np.random.default_rng(0)
    T, B, D, H = 6, 3, 2, 4
    X = rng.normal(size=(T, B, D))
    lengths = np.array([6, 3, 2])
    fp = (rng.normal(size=(H, D)), 0.5 * rng.normal(size=(H, H)), rng.normal(size=H))
    bp = (rng.normal(size=(H, D)), 0.5 * rng.normal(size=(H, H)), rng.normal(size=H))
    right = np.concatenate([rnn_forward(X, None, *fp), rnn_forward(X[::-1], None, *bp)[::-1]], -1)
    assert_mistakes_differ(right, bidirectional_mistakes(X, fp, bp))
    assert_mistakes_differ(reverse_within_lengths(X, lengths), reverse_padded_mistakes(X, lengths))
    Hs = np.zeros((T, B, H))
    last = np.zeros((B, H))
    for b, n in enumerate(lengths):
        states = rnn_forward(X[:n, b:b + 1], None, *fp)[:, 0]
        Hs[:n, b], last[b] = states, states[-1]
    assert_mistakes_differ(Hs, masked_rnn_state_mistakes(X, *fp, lengths))
    assert_mistakes_differ(last, final_state_mistakes(X, *fp, lengths))
    assert_mistakes_differ(Hs[lengths - 1, np.arange(B)], last_real_step_mistakes(Hs, lengths))
