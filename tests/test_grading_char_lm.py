"""Assignment 14's grader-side model (rnncourse.grading.char_lm) against finite differences, the
instructor's solution against it, its mistake generators, and the training budget the grader sets."""
from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from autograder import paths
from autograder.cases import solution_namespace
from rnncourse.grading import Feedback, check_array
from rnncourse.grading import char_lm as lm

ASSIGNMENT = "14_capstone_char_lm"


def make(T=5, B=3, V=6, D=3, H=4, seed=0):
    rng = np.random.default_rng(seed)
    params = {"embed": rng.normal(size=(V, D)), "W_xh": rng.normal(size=(H, D)), "W_hh": rng.normal(size=(H, H)) / 2,
              "b_h": rng.normal(size=H), "W_hy": rng.normal(size=(V, H)), "b_y": rng.normal(size=V)}
    x = rng.integers(0, V, size=(T, B))
    x[-1, -1] = x[0, 0]                                   # a repeated character
    return params, x, rng.integers(0, V, size=(T, B)), rng.normal(size=(B, H))


@pytest.fixture(scope="module")
def solution():
    return solution_namespace(ASSIGNMENT)


def test_the_reference_gradients_are_central_differences():
    params, x, y, h0 = make()
    _, grads, _ = lm.loss_and_grads(params, x, y, h0)
    eps = 1e-6
    for key in lm.KEYS:
        numeric = np.zeros_like(params[key])
        for index in np.ndindex(params[key].shape):
            saved = params[key][index]
            params[key][index] = saved + eps
            up = lm.loss_and_grads(params, x, y, h0)[0]
            params[key][index] = saved - eps
            down = lm.loss_and_grads(params, x, y, h0)[0]
            params[key][index] = saved
            numeric[index] = (up - down) / (2 * eps)
        np.testing.assert_allclose(grads[key], numeric, rtol=1e-5, atol=1e-8, err_msg=key)


@pytest.mark.parametrize("T,B", [(1, 1), (4, 2), (3, 5)])
def test_the_solution_is_the_reference(solution, T, B):
    params, x, y, h0 = make(T, B, seed=T + B)
    logits, Hs = lm.forward(params, x, h0)
    got = solution.rnn_lm_forward(params, x, h0)
    np.testing.assert_allclose(got[0], logits, rtol=1e-12)
    np.testing.assert_allclose(got[1], Hs, rtol=1e-12)
    loss, grads, h_last = lm.loss_and_grads(params, x, y, h0)
    got = solution.rnn_lm_loss(params, x, y, h0)
    assert got[0] == pytest.approx(loss, rel=1e-12)
    for key in lm.KEYS:
        np.testing.assert_allclose(got[1][key], grads[key], rtol=1e-10, atol=1e-14, err_msg=key)
    np.testing.assert_allclose(got[2], h_last)
    X = torch.from_numpy(np.eye(len(params["b_y"]))[x])
    scores = solution.rnn_lm_torch(X, torch.from_numpy(h0), *(torch.from_numpy(params[k]) for k in lm.KEYS))
    np.testing.assert_allclose(scores.numpy(), logits, rtol=1e-12)
    on_meta = solution.rnn_lm_torch(X.to("meta", torch.float32), None,
                                     *(torch.from_numpy(params[k]).to("meta", torch.float32) for k in lm.KEYS))
    assert on_meta.device.type == "meta" and on_meta.dtype == torch.float32 and on_meta.shape == logits.shape
    for tau in (0, 1e-3, 0.7, 1.0, 2.0):
        assert solution.sample(params, 1, 30, tau, np.random.default_rng(5)) == \
            lm.sample(params, 1, 30, tau, np.random.default_rng(5))
    grads = {k: 10 * g for k, g in grads.items()}
    clipped, norm = solution.clip_gradients(grads, 1.0)
    want, want_norm = lm.clip(grads, 1.0)
    assert norm == pytest.approx(want_norm) and all(np.allclose(clipped[k], want[k]) for k in grads)


def test_every_mistake_differs_and_is_named():
    params, x, y, h0 = make()
    loss, grads, _ = lm.loss_and_grads(params, x, y, h0)
    wrong = lm.loss_mistakes(params, x, y, h0)
    named = {m for key in lm.KEYS for m in wrong[key]}
    assert named == {lm.SUMMED, lm.NOT_CARRIED, lm.NO_TANH, lm.ASSIGNED, lm.ASSIGNED_STEP, lm.BUFFERED, lm.NO_H0,
                     lm.TRANSPOSED_BACK, lm.STATE_AFTER}
    for key in lm.KEYS:
        for message, value in wrong[key].items():
            with pytest.raises(Feedback) as failure:
                check_array(key, value, grads[key], mistakes=wrong[key])
            assert message in str(failure.value)
    logits = np.random.default_rng(1).normal(size=(5, 4))
    targets = np.array([0, 3, 1, 1, 2])
    right = lm.softmax_cross_entropy(logits, targets)[1]
    for message, value in lm.cross_entropy_mistakes(logits, targets)["dlogits"].items():
        assert not np.allclose(value, right), message
    for name, value in lm.forward_mistakes(params, x, h0).items():
        for message, wrong_value in value.items():
            assert not np.allclose(wrong_value, lm.forward(params, x, h0)[name == "Hs"]), message
    big = {k: 10 * g for k, g in grads.items()}
    assert all(lm.PER_ARRAY in m for m in lm.clip_mistakes(big, 1.0).values())
    assert all(lm.ALWAYS in m for m in lm.clip_mistakes({k: g / 1e3 for k, g in grads.items()}, 1.0).values())
    unscaled = lm.clip_mistakes(big, 1.0)
    assert all(lm.UNSCALED in m for m in unscaled.values())
    for key, value in big.items():          # the unscaled slip is the gradient as it came, nothing else
        np.testing.assert_array_equal(unscaled[key][lm.UNSCALED], value)


def test_greedy_check_allows_ties_and_finds_the_first_wrong_step():
    params, *_ = make(seed=3)
    greedy = lm.sample(params, 0, 20, 0, None)
    assert lm.first_non_greedy(params, 0, greedy) is None
    wrong = list(greedy)
    wrong[7] = (wrong[7] + 1) % len(params["b_y"])
    assert lm.first_non_greedy(params, 0, wrong) == 7


def test_the_notebook_states_the_graders_target():
    source = json.loads(paths.source_notebook(ASSIGNMENT).read_text())
    given = next("".join(c["source"]) for c in source["cells"] if c["metadata"]["nbgrader"]["grade_id"] == "given")
    assert f"TARGET_LOSS = {lm.TARGET_LOSS}" in given


@pytest.mark.parametrize("split_seed", [11, 2026])
def test_the_recipe_beats_the_target_on_other_splits(solution, split_seed):
    """The budget the grader sets is reachable with margin on splits and seeds other than the notebook's,
    far below the unigram baseline, and the trained model's samples pass the grader's checks."""
    train, held = lm.name_streams(split_seed)
    V = len(lm.CHARS)
    params, history = solution.train_char_lm(train, V, 300, split_seed + 1)
    loss = lm.held_out_loss(params, held)
    assert loss < lm.TARGET_LOSS - 0.1 < lm.unigram_loss(train, held, V) - 0.5
    bigram = np.ones((V, V))                                  # add-one smoothed counts of character pairs
    np.add.at(bigram, (train[:-1], train[1:]), 1.0)
    bigram /= bigram.sum(axis=1, keepdims=True)
    assert -np.log(bigram[held[:-1], held[1:]]).mean() > lm.TARGET_LOSS, "the notebook says a bigram model misses it"
    warm = solution.sample(params, 0, 3000, 1.0, np.random.default_rng(split_seed))
    assert lm.total_variation(np.asarray(warm), train, V) < 0.1          # the grader allows 0.15
    assert lm.first_non_greedy(params, 0, solution.sample(params, 0, 60, 0, None)) is None
    assert len(history["loss"]) == len(history["grad_norm"]) == 300
