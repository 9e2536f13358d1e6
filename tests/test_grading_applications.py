"""References and classic-mistake generators used by assignments 9, 10 and 12."""
import numpy as np
import pytest
import torch
from torch import nn

from rnncourse.data.text import pad_sequences
from rnncourse.grading.clipping import clipping_cases
from rnncourse.grading.packing import final_state_mistakes, reference_final_states
from rnncourse.grading.sampling import (census_bigram_step, counting_step, inverse_cdf_sample, random_rnn_step,
                                        reference_generate, softmax_t)
from rnncourse.grading.training import make_problem, reference_should_stop, reference_train
from rnncourse.models import TextClassifier, sample_next
from rnncourse.train import EarlyStopping


def test_softmax_t_matches_torch_and_survives_large_scores():
    z = np.array([[1000.0, 999.0, 0.0], [0.1, 0.2, 0.3]])
    for tau in (0.5, 1.0, 3.0):
        np.testing.assert_allclose(softmax_t(z, tau), torch.softmax(torch.tensor(z) / tau, -1).numpy(), rtol=1e-12)


def test_inverse_cdf_sample_frequencies():
    probs = np.repeat([[0.2, 0.0, 0.5, 0.3]], 40000, axis=0)
    draws = inverse_cdf_sample(probs, np.random.default_rng(0))
    freq = np.bincount(draws, minlength=4) / len(draws)
    np.testing.assert_allclose(freq, probs[0], atol=0.01)
    assert freq[1] == 0


def test_reference_generate_counting_and_state():
    assert reference_generate(counting_step, 0, 0, 0, np.random.default_rng(0), 10) == [1, 2, 3, 4]
    assert reference_generate(counting_step, 0, 0, 0, np.random.default_rng(0), 10, carry_state=False) == [1] * 10
    step = random_rnn_step(6, 5, seed=1)
    a = reference_generate(step, 0, 5, 1.0, np.random.default_rng(2), 15)
    b = reference_generate(step, 0, 5, 1.0, np.random.default_rng(2), 15, carry_state=False)
    assert a != b                                             # the hidden test can tell them apart


def test_census_bigram_prefers_common_starts():
    step, vocab = census_bigram_step()
    logits, _ = step(0, None)
    first = vocab[int(np.argmax(logits))]
    assert vocab[0] == "\n" and first in "abcdefghijklmnopqrstuvwxyz"
    assert logits[vocab.index("q")] < logits[vocab.index("m")]   # fewer names start with q than with m


@pytest.mark.parametrize("cell, bidirectional", [("rnn", False), ("gru", False), ("lstm", True)])
def test_reference_final_states_equal_the_classifier_encoder(cell, bidirectional):
    torch.manual_seed(0)
    model = TextClassifier(12, embed_size=3, hidden_size=4, cell=cell, bidirectional=bidirectional).double()
    ids, lengths = pad_sequences([[1, 2, 3, 4], [5], [6, 7]])
    with torch.no_grad():
        embedded = model.embed(ids)
        want = model.encode(ids, lengths)
        torch.testing.assert_close(reference_final_states(model.rnn, embedded, lengths), want)
        for message, wrong in final_state_mistakes(model.rnn, embedded, lengths).items():
            # every named mistake differs from the answer: in its values, or in a shape of its own
            # (one direction of a bidirectional state is (B, H), not (B, 2H))
            assert wrong.shape != want.shape or not torch.allclose(wrong, want), message


def test_clipping_cases_expected_values():
    for case in clipping_cases(seed=0, max_norm=1.0):
        params = case["parameters"]()
        grads = torch.cat([p.grad.flatten() for p in params if p.grad is not None])
        assert case["norm"] == pytest.approx(float(grads.norm()), rel=1e-6)
        scale = min(1.0, 1.0 / (case["norm"] + 1e-6))
        torch.testing.assert_close(case["expected"], grads * scale)
    large, small = clipping_cases(seed=0, max_norm=1.0)
    assert large["norm"] > 1.0 > small["norm"]
    assert len(large["mistakes"]) == 2 and len(small["mistakes"]) == 1   # per-tensor/clamp vs always-rescale


def test_reference_should_stop_agrees_with_early_stopping():
    rng = np.random.default_rng(0)
    for _ in range(300):
        losses = [float(v) for v in rng.integers(0, 5, size=int(rng.integers(1, 10)))]
        patience = int(rng.integers(1, 4))
        stopper = EarlyStopping(patience)
        for e, v in enumerate(losses):
            stopper.step(v, e)
        assert reference_should_stop(losses, patience) == stopper.should_stop


def test_training_problem_overfits_and_clipping_changes_the_run(one_thread):
    runs = {}
    for clip in (True, False):
        problem = make_problem(2)
        opt = torch.optim.Adam(problem.model.parameters(), lr=0.005)
        runs[clip] = reference_train(problem.model, problem.train_batches, problem.val_batch, problem.loss_fn,
                                     opt, 60, 0.5, 5, clip=clip)
    best = int(np.argmin(runs[True]))
    assert len(runs[True]) == best + 1 + 5                    # stopped by patience, before max_epochs
    assert not np.allclose(runs[True][:3], runs[False][:3], rtol=1e-4)
