"""The gradient-flow and gated-cell tasks of assignments 04, 05 and 06: the instructor's answers
agree with independent references (autograd, torch's modules, the double sum's definition), and
every mistake generator names a slip only where its numbers are that slip's alone.
"""
from __future__ import annotations

import numpy as np
import pytest
import torch

from autograder.cases import solution_namespace
from rnncourse.data.synthetic import order_task
from rnncourse.grading import gated, gradient_flow
from rnncourse.numpy_ref.rnn import rnn_backward, rnn_forward


@pytest.fixture(scope="module")
def s04():
    return solution_namespace("04_bptt")


@pytest.fixture(scope="module")
def s05():
    return solution_namespace("05_gradient_problems")


@pytest.fixture(scope="module")
def s06():
    return solution_namespace("06_lstm_gru")


def sequence(rng, T=6, D=2, H=3):
    x, W_xh, W_hh, b_h = rng.normal(size=(T, 1, D)), rng.normal(size=(H, D)), 0.8 * rng.normal(size=(H, H)), rng.normal(size=H)
    h0 = 0.5 * rng.normal(size=(1, H))
    return x, h0, W_xh, W_hh, b_h


def test_the_terms_of_the_double_sum_add_up_to_full_bptt(s04):
    rng = np.random.default_rng(0)
    x, h0, W_xh, W_hh, b_h = sequence(rng)
    T = len(x)
    Hs = np.concatenate([h0, rnn_forward(x, h0, W_xh, W_hh, b_h)[:, 0]])
    G = rng.normal(size=(T, 3))
    total = sum(s04.bptt_term(G, Hs, W_hh, t, k) for t in range(1, T + 1) for k in range(1, t + 1))
    full = rnn_backward(G[:, None], x, rnn_forward(x, h0, W_xh, W_hh, b_h), h0, W_xh, W_hh)["dW_hh"]
    np.testing.assert_allclose(total, full, rtol=1e-10, atol=1e-12)
    wrong = gradient_flow.bptt_term_mistakes(G, Hs, W_hh, T, 2)
    right = s04.bptt_term(G, Hs, W_hh, T, 2)
    assert len(gradient_flow.distinct(right, wrong)) == len(wrong) == 5      # every slip separated on these inputs


def test_truncation_gaps_vanish_at_full_windows_and_name_the_slips(s04):
    rng = np.random.default_rng(1)
    X, _ = order_task(4, 8, rng)
    args = (X, 0.5 * rng.normal(size=(4, 3)), rng.normal(size=(3, 3)), 0.9 * rng.normal(size=(3, 3)),
            0.3 * rng.normal(size=3), rng.normal(size=3), [1, 3, 8, 20])
    gaps = s04.truncation_gaps(*args)
    np.testing.assert_allclose(gaps, gradient_flow.truncation_gaps(*args), rtol=1e-10)
    assert gaps[0] > 0 and gaps[2] == gaps[3] == 0.0
    assert len(gradient_flow.truncation_gap_mistakes(*args)) == 2


def test_the_bound_holds_and_the_radius_slip_breaks_it(s05):
    rng = np.random.default_rng(2)
    W_hh = np.array([[0.5, 2.0, 0.0], [0.0, -0.4, 1.5], [0.1, 0.0, 0.6]])    # non-normal
    h, Hs = np.zeros(3), []
    for x in rng.normal(size=(7, 3)):
        h = np.tanh(x + W_hh @ h)
        Hs.append(h)
    Hs = np.array(Hs)
    bounds = s05.jacobian_bounds(W_hh, Hs)
    np.testing.assert_allclose(bounds, gradient_flow.jacobian_bounds(W_hh, Hs), rtol=1e-12)
    for k in range(len(Hs) + 1):
        J = np.eye(3)
        for state in Hs[k:]:
            J = ((1 - state ** 2)[:, None] * W_hh) @ J
        assert np.linalg.norm(J, 2) <= bounds[k] * (1 + 1e-12)
    radius = gradient_flow.jacobian_bounds(W_hh, Hs, sigma="radius")
    assert radius[0] < bounds[0]
    assert len(gradient_flow.distinct(bounds, gradient_flow.jacobian_bound_mistakes(W_hh, Hs))) == 5


def test_the_order_model_matches_autograd(s05):
    rng = np.random.default_rng(3)
    T, B, H = 7, 5, 4
    X, y = order_task(B, T, rng)
    args = [X, y, 0.5 * rng.normal(size=(B, H)), rng.normal(size=(H, 3)), 0.9 * rng.normal(size=(H, H)),
            0.3 * rng.normal(size=H), rng.normal(size=H), 0.2]
    loss, grads, dH = s05.order_forward_backward(*args)
    tensors = [torch.tensor(a, dtype=torch.float64, requires_grad=i >= 2) for i, a in enumerate(args)]
    X_t, y_t, h0, W_xh, W_hh, b_h, w_y, b_y = tensors
    states = [h0]
    for x_t in X_t:
        states.append(torch.tanh(x_t @ W_xh.T + states[-1] @ W_hh.T + b_h))
        states[-1].retain_grad()
    torch_loss = torch.nn.functional.binary_cross_entropy_with_logits(states[-1] @ w_y + b_y, y_t.double())
    torch_loss.backward()
    assert loss == pytest.approx(torch_loss.item(), rel=1e-12)
    for name, tensor in zip(("W_xh", "W_hh", "b_h", "w_y", "b_y"), (W_xh, W_hh, b_h, w_y, b_y)):
        np.testing.assert_allclose(grads[name], tensor.grad.numpy(), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(dH, np.stack([h0.grad.numpy()] + [s.grad.numpy() for s in states[1:]]), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(s05.gradient_norms_by_distance(*args), np.linalg.norm(dH.reshape(T + 1, -1), axis=1)[::-1])
    mistakes = gradient_flow.order_model_mistakes(*args)
    assert gradient_flow.SUMMED_LOSS in mistakes["loss"] and len(mistakes["W_hh"]) >= 5 and len(mistakes["dH"]) == 3


def test_the_parameter_count_is_pytorchs(s06):
    for D, H, layers, gates, bidirectional in [(3, 5, 1, 4, False), (7, 4, 2, 3, False), (5, 3, 3, 4, True),
                                               (2, 6, 2, 1, True)]:
        module = {1: torch.nn.RNN, 3: torch.nn.GRU, 4: torch.nn.LSTM}[gates](D, H, num_layers=layers,
                                                                            bidirectional=bidirectional)
        count = sum(p.numel() for p in module.parameters())
        assert s06.recurrent_parameter_count(D, H, layers, gates, bidirectional) == count
        assert gated.parameter_count(D, H, layers, gates, bidirectional) == count
    assert len(gated.parameter_count_mistakes(5, 3, 3, 4, True)) == 4
    assert len(gated.parameter_count_mistakes(3, 3, 2, 4, True)) == 2   # D == H: two slips coincide, neither is named


def test_the_lstm_gradients_by_distance_match_autograd(s06):
    rng = np.random.default_rng(4)
    T, B, H = 5, 3, 4
    X, _ = order_task(B, T, rng)
    args = [X, 0.5 * rng.normal(size=(B, H)), 0.5 * rng.normal(size=(B, H)), rng.normal(size=(4 * H, 3)),
            0.7 * rng.normal(size=(4 * H, H)), rng.normal(size=4 * H), rng.normal(size=4 * H), rng.normal(size=H)]
    norms = s06.lstm_gradient_norms_by_distance(*args)
    cell = torch.nn.LSTMCell(3, H).double()
    cell.load_state_dict({"weight_ih": torch.from_numpy(args[3]), "weight_hh": torch.from_numpy(args[4]),
                          "bias_ih": torch.from_numpy(args[5]), "bias_hh": torch.from_numpy(args[6])})
    h, c = torch.tensor(args[1], requires_grad=True), torch.tensor(args[2])
    states = [h]
    for x_t in torch.from_numpy(X):
        h, c = cell(x_t, (h, c))
        h.retain_grad()
        states.append(h)
    (h @ torch.from_numpy(args[7])).sum().backward()
    np.testing.assert_allclose(norms, [float(s.grad.norm()) for s in states[::-1]], rtol=1e-9)
    assert len(gated.lstm_distance_mistakes(*args)) == 3


def test_the_gru_layer_is_nn_grus_on_cpu_and_keeps_meta(s06):
    rng = np.random.default_rng(5)
    T, B, D, H = 4, 3, 2, 5
    X, h0 = torch.from_numpy(rng.normal(size=(T, B, D))), torch.from_numpy(rng.normal(size=(B, H)))
    gru = torch.nn.GRU(D, H).double()
    weights = [p.detach() for p in (gru.weight_ih_l0, gru.weight_hh_l0, gru.bias_ih_l0, gru.bias_hh_l0)]
    with torch.no_grad():
        for start in (h0, None):
            want = gru(X, None if start is None else start[None])[0]
            got = s06.gru_layer_torch(X, start, *weights)
            torch.testing.assert_close(got, want, rtol=1e-12, atol=1e-12)
            numpy = [a.numpy() for a in weights]
            np.testing.assert_allclose(gated.gru_layer(X.numpy(), None if start is None else start.numpy(), *numpy),
                                       want.numpy(), rtol=1e-12, atol=1e-12)
    meta = s06.gru_layer_torch(X.to("meta", torch.float32), None, *(w.to("meta", torch.float32) for w in weights))
    assert meta.device.type == "meta" and meta.dtype == torch.float32 and tuple(meta.shape) == (T, B, H)
    assert len(gated.gru_layer_mistakes(X.numpy(), h0.numpy(), *(w.numpy() for w in weights))) == 6


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_the_gru_layer_runs_unchanged_on_cuda(s06):
    rng = np.random.default_rng(6)
    X = torch.from_numpy(rng.normal(size=(3, 2, 4)))
    weights = [torch.from_numpy(rng.normal(size=s)) for s in ((9, 4), (9, 3), (9,), (9,))]
    on_cpu = s06.gru_layer_torch(X, None, *weights)
    on_cuda = s06.gru_layer_torch(X.cuda(), None, *(w.cuda() for w in weights))
    assert on_cuda.device.type == "cuda" and on_cuda.dtype == torch.float64
    torch.testing.assert_close(on_cuda.cpu(), on_cpu, rtol=1e-10, atol=1e-12)
