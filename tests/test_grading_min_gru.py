"""Assignment 13's instructor solution against the chapter's minGRU reference, and the mistake
generators of rnncourse.grading.min_gru: each differs from the right answer and check_array names it."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from autograder.cases import solution_namespace
from rnncourse.grading import Feedback, check_array
from rnncourse.grading import min_gru as m
from rnncourse.numpy_ref.min_rnn import mingru_coefficients, mingru_forward

ASSIGNMENT = "13_recurrences_after_transformers"


def make(T, B=2, D=3, H=4, seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(T, B, D)), rng.normal(size=(B, H)), (
        rng.normal(size=(H, D)), rng.normal(size=H), rng.normal(size=(H, D)), rng.normal(size=H))


@pytest.fixture(scope="module")
def solution():
    return solution_namespace(ASSIGNMENT)


@pytest.mark.parametrize("T", [1, 2, 7, 16])
def test_the_solution_is_the_chapters_mingru(solution, T):
    X, h0, weights = make(T, seed=T)
    want = mingru_forward(X, *weights, h0=h0)
    for got_a, want_a in zip(solution.min_gru_coefficients(X, *weights), mingru_coefficients(X, *weights)):
        np.testing.assert_allclose(got_a, want_a, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(solution.min_gru_sequential(X, h0, *weights), want, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(solution.min_gru_parallel(X, h0, *weights), want, rtol=1e-12, atol=1e-14)
    got = solution.min_gru_parallel_torch(torch.from_numpy(X), torch.from_numpy(h0), *map(torch.from_numpy, weights))
    assert got.dtype == torch.float64
    np.testing.assert_allclose(got.numpy(), want, rtol=1e-12, atol=1e-14)
    on_meta = solution.min_gru_parallel_torch(*(torch.from_numpy(a).to("meta", torch.float32) for a in (X, h0, *weights)))
    assert on_meta.device.type == "meta" and on_meta.dtype == torch.float32 and on_meta.shape == want.shape


def test_every_mistake_differs_and_is_named():
    X, h0, weights = make(6)
    right = mingru_coefficients(X, *weights)
    for index, name in enumerate(("a", "b")):
        for message, wrong in m.coefficient_mistakes(X, *weights)[name].items():
            assert not np.allclose(wrong, right[index]), message
            with pytest.raises(Feedback, match="wrong"):
                check_array(name, wrong, right[index], mistakes={message: wrong})
    states = mingru_forward(X, *weights, h0=h0)
    for message, wrong in m.state_mistakes(X, h0, *weights).items():
        assert not np.allclose(wrong, states), message
        with pytest.raises(Feedback) as failure:
            check_array("the states", wrong, states, mistakes=m.state_mistakes(X, h0, *weights))
        assert message in str(failure.value)
