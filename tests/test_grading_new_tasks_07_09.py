"""The grader-side references and mistake generators of the derive, implement and experiment tasks of
assignments 07 to 09: each reference equals what torch computes, and every named mistake is wrong
and is named by check_array."""
import numpy as np
import pytest
import torch

from rnncourse.grading import Feedback, check_array
from rnncourse.grading.attention_backward import (attention_vote_mistakes, log_loss, sdpa_backward_mistakes,
                                                  softmax_jacobian_mistakes)
from rnncourse.grading.deep_rnn import (deep_bidirectional, deep_bidirectional_mistakes, parameter_count,
                                        parameter_count_mistakes, readout_accuracy, readout_mistakes)
from rnncourse.grading.lm_loss import cross_entropy_grad_mistakes, embedding_loss_mistakes, masked_nll_mistakes
from rnncourse.numpy_ref.attention import causal_mask, sdpa_backward, sdpa_forward, softmax


def named(right, mistakes):
    """Every mistake differs from ``right`` and check_array names it by its message."""
    for message, wrong in mistakes.items():
        assert np.shape(wrong) != np.shape(right) or not np.allclose(wrong, right), message
        with pytest.raises(Feedback, match=None) as caught:
            check_array("value", wrong, right, mistakes=mistakes)
        assert message in str(caught.value), (message, str(caught.value))


def test_softmax_jacobian_mistakes_against_autograd():
    z = np.random.default_rng(0).normal(size=(2, 5))
    right = np.stack([torch.autograd.functional.jacobian(lambda v: torch.softmax(v, -1), torch.from_numpy(row)).numpy()
                      for row in z])
    p = softmax(z)
    assert np.allclose(right, p[..., :, None] * np.eye(5) - p[..., :, None] * p[..., None, :])
    named(right, softmax_jacobian_mistakes(z))


@pytest.mark.parametrize("L,S,causal", [(3, 5, False), (4, 4, True)])
def test_attention_backward_mistakes_against_autograd(L, S, causal):
    rng = np.random.default_rng(1)
    Q, K, V, dO = (rng.normal(size=s) for s in ((2, L, 3), (2, S, 3), (2, S, 2), (2, L, 2)))
    forbidden = causal_mask(L, S) if causal else None
    _, cache = sdpa_forward(Q, K, V, forbidden)
    right = dict(zip(("dQ", "dK", "dV"), sdpa_backward(dO, cache)))
    tensors = [torch.from_numpy(a).requires_grad_() for a in (Q, K, V)]
    scores = tensors[0] @ tensors[1].transpose(-1, -2) / np.sqrt(3)
    if causal:
        scores = scores.masked_fill(torch.from_numpy(forbidden), float("-inf"))
    (torch.softmax(scores, -1) @ tensors[2]).backward(torch.from_numpy(dO))
    for name, tensor in zip(("dQ", "dK", "dV"), tensors):
        assert np.allclose(tensor.grad.numpy(), right[name])
    for name, mistakes in sdpa_backward_mistakes(Q, K, V, dO, causal).items():
        named(right[name], mistakes)


def test_attention_vote_mistakes_and_log_loss():
    rng = np.random.default_rng(2)
    queries, keys, labels = rng.normal(size=(4, 3)), rng.normal(size=(6, 3)), np.array([0, 1, 2, 1, 0, 2])
    right = softmax(5.0 * queries @ keys.T / np.sqrt(3)) @ np.eye(3)[labels]
    named(right, attention_vote_mistakes(queries, keys, labels, 3, 5.0))
    assert log_loss(np.full((2, 2), 0.5), np.array([0, 1])) == pytest.approx(np.log(2))
    assert log_loss(np.array([[1.0, 0.0]]), np.array([1])) == pytest.approx(-np.log(1e-6))


@pytest.mark.parametrize("tau", [1.0, 0.4])
def test_cross_entropy_gradient_mistakes_against_autograd(tau):
    rng = np.random.default_rng(3)
    z, y = rng.normal(size=(5, 4)), np.array([0, 3, 3, 1, 2])
    logits = torch.from_numpy(z).requires_grad_()
    torch.nn.functional.cross_entropy(logits / tau, torch.from_numpy(y)).backward()
    named(logits.grad.numpy(), cross_entropy_grad_mistakes(z, y, tau))


def test_embedding_loss_mistakes_against_autograd():
    rng = np.random.default_rng(4)
    ids, targets = np.array([1, 3, 1, 0]), np.array([2, 0, 2, 1])
    E, W, b = rng.normal(size=(4, 3)), rng.normal(size=(4, 3)), rng.normal(size=4)
    params = [torch.from_numpy(a).requires_grad_() for a in (E, W, b)]
    loss = torch.nn.functional.cross_entropy(params[0][torch.from_numpy(ids)] @ params[1].T + params[2],
                                             torch.from_numpy(targets))
    loss.backward()
    right = {"loss": loss.detach().numpy(), "dE": params[0].grad.numpy(), "dW_hy": params[1].grad.numpy(),
             "db_y": params[2].grad.numpy()}
    for name, mistakes in embedding_loss_mistakes(ids, targets, E, W, b).items():
        named(right[name], mistakes)
    assert any("overwrites" in m for m in embedding_loss_mistakes(ids, targets, E, W, b)["dE"])


def test_masked_nll_mistakes_against_cross_entropy():
    rng = np.random.default_rng(5)
    T, B, V = 4, 3, 5
    z, y = rng.normal(size=(T, B, V)), rng.integers(0, V, size=(T, B))
    mask = (np.arange(T)[:, None] < np.array([4, 2, 1])[None, :]).astype(float)
    per_step = torch.nn.functional.cross_entropy(torch.from_numpy(z).flatten(0, 1), torch.from_numpy(y).flatten(),
                                                 reduction="none").numpy()
    right = np.asarray((per_step * mask.flatten()).sum() / mask.sum())
    named(right, masked_nll_mistakes(z, np.eye(V)[y], mask))


@pytest.mark.parametrize("cls,gates", [(torch.nn.RNN, 1), (torch.nn.GRU, 3), (torch.nn.LSTM, 4)])
@pytest.mark.parametrize("layers,bidirectional", [(1, False), (3, False), (1, True), (3, True)])
def test_parameter_count_is_torchs(cls, gates, layers, bidirectional):
    model = cls(5, 7, num_layers=layers, bidirectional=bidirectional)
    right = parameter_count(5, 7, layers, bidirectional, gates)
    assert sum(p.numel() for p in model.parameters()) == right
    wrong = parameter_count_mistakes(5, 7, layers, bidirectional, gates)
    assert right not in wrong.values() and len(set(wrong.values())) == len(wrong)
    if layers > 1 and bidirectional:
        assert len(wrong) == (6 if gates > 1 else 5)   # every slip its own number (no gate factor for the RNN)


def test_deep_bidirectional_is_torchs_on_a_packed_sequence():
    rng = np.random.default_rng(6)
    T, B, D, H = 6, 4, 3, 5
    X, lengths = rng.normal(size=(T, B, D)), np.array([6, 2, 4, 1])
    model = torch.nn.RNN(D, H, num_layers=2, bidirectional=True).double()
    get = lambda name: getattr(model, name).detach().numpy()
    layers = [tuple((get(f"weight_ih_l{l}{s}"), get(f"weight_hh_l{l}{s}"), get(f"bias_ih_l{l}{s}") + get(f"bias_hh_l{l}{s}"))
                    for s in ("", "_reverse")) for l in range(2)]
    packed = torch.nn.utils.rnn.pack_padded_sequence(torch.from_numpy(X), torch.tensor(lengths), enforce_sorted=False)
    out, _ = torch.nn.utils.rnn.pad_packed_sequence(model(packed)[0], total_length=T)
    right = deep_bidirectional(X, lengths, layers)
    assert np.allclose(out.detach().numpy(), right)
    named(right, deep_bidirectional_mistakes(X, lengths, layers))


def test_readout_mistakes_differ_and_a_useful_feature_is_read():
    rng = np.random.default_rng(7)
    targets = (rng.random((5, 40)) < 0.4).astype(float)
    features = rng.normal(size=(5, 40, 2))
    features[..., 0] += 2.0 * targets
    lengths = rng.integers(1, 6, size=40)
    assert readout_accuracy(features, targets, lengths, 30) > 0.8
    noise = rng.normal(size=(5, 40, 2))
    assert readout_accuracy(noise, targets, lengths, 30) < 0.8
    right = readout_accuracy(features, targets, lengths, 30)
    for message, wrong in readout_mistakes(features, targets, lengths, 30).items():
        assert abs(wrong - right) > 0.005, message
