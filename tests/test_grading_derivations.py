"""The references behind the derive, rollout, pooling and clipped-step tasks of assignments 10-12
agree with independent computations (torch autograd, PyTorch's own layers, a simulation), and
every classic mistake they name differs from the right answer on the kind of inputs the probes draw."""
import numpy as np
import pytest
import torch
from torch import nn

from rnncourse.grading.exploding import clipped_step, clipped_step_mistakes, linear_rnn_gradient, linear_rnn_gradient_mistakes
from rnncourse.grading.rollout import (ar1_rmse, ar1_rmse_mistakes, rnn_forecast, rnn_forecast_mistakes, rollout,
                                       rollout_mistakes)
from rnncourse.grading.text_model import (masked_mean_pool, masked_mean_pool_mistakes, parameter_count,
                                          parameter_count_mistakes)


@pytest.mark.parametrize("w,T", [(1.3, 9), (0.6, 5), (-0.8, 6), (1.1, 1)])
def test_linear_rnn_gradient_is_autograds(w, T):
    x = np.random.default_rng(T).normal(size=T)
    weight = torch.tensor(w, dtype=torch.float64, requires_grad=True)
    h = torch.zeros((), dtype=torch.float64)
    for x_t in torch.from_numpy(x):
        h = weight * h + x_t
    (0.5 * h ** 2).backward()
    assert linear_rnn_gradient(w, x) == pytest.approx(float(weight.grad), rel=1e-12, abs=1e-12)
    if T > 2:   # every named mistake is a different number here
        assert len(linear_rnn_gradient_mistakes(w, x)) == 4


def test_clipped_step_keeps_the_direction_and_bounds_the_length():
    rng = np.random.default_rng(0)
    theta, grad = rng.normal(size=(4, 3)), 10 * rng.normal(size=(4, 3))
    step = theta - clipped_step(theta, grad, 0.1, 1.0)
    assert np.linalg.norm(step) == pytest.approx(0.1, rel=1e-5)
    assert np.allclose(step / np.linalg.norm(step), grad / np.linalg.norm(grad))
    assert len(clipped_step_mistakes(theta, grad, 0.1, 1.0)) == 3      # all but "rescaled although small"
    assert np.allclose(clipped_step(theta, grad / 1000, 0.1, 1.0), theta - 0.1 * grad / 1000)


@pytest.mark.parametrize("phi", [0.7, -0.5, 1.0, 1.2])
def test_ar1_rmse_matches_a_simulation(phi):
    rng = np.random.default_rng(1)
    sigma, horizon, n = 1.5, 6, 200_000
    shocks = sigma * rng.normal(size=(n, horizon))
    error = np.zeros(n)
    errors = []
    for k in range(horizon):            # e_{k+1} = phi e_k + eps_{t+k+1}: the error of phi^(k+1) x_t
        error = phi * error + shocks[:, k]
        errors.append(np.sqrt(np.mean(error ** 2)))
    assert np.allclose(ar1_rmse(phi, sigma, horizon), errors, rtol=0.02)
    assert len(ar1_rmse_mistakes(phi, sigma, horizon)) >= 4 - (phi == 1.0) * 2


def test_rollout_feeds_its_forecasts_back():
    w, history = np.array([0.5, -0.2, 0.9, 0.1]), np.array([1.0, 2.0, 3.0, 2.5, 2.0])
    out = rollout(w, history, 3)
    window = list(history[-3:])
    for value in out:
        assert value == pytest.approx(np.dot(window[-3:], w[:3]) + w[3])
        window.append(value)
    assert len(rollout_mistakes(w, history, 3)) == 3


def test_rnn_forecast_is_nn_rnn_and_a_readout():
    torch.manual_seed(0)
    rnn, readout = nn.RNN(2, 5).double(), nn.Linear(5, 3).double()
    X = torch.randn(7, 4, 2, dtype=torch.float64)
    with torch.no_grad():
        want = readout(rnn(X)[0][-1]).numpy()
    args = (X.numpy(), rnn.weight_ih_l0.detach().numpy(), rnn.weight_hh_l0.detach().numpy(),
            (rnn.bias_ih_l0 + rnn.bias_hh_l0).detach().numpy(), readout.weight.detach().numpy(), readout.bias.detach().numpy())
    assert np.allclose(rnn_forecast(*args), want, atol=1e-12)
    assert len(rnn_forecast_mistakes(*args)) == 5


@pytest.mark.parametrize("cell", ["RNN", "GRU", "LSTM"])
@pytest.mark.parametrize("bidirectional", [False, True])
def test_parameter_count_is_pytorchs(cell, bidirectional):
    V, E, H, D, C = 50, 7, 6, 5, 3
    layers = [nn.Embedding(V, E), getattr(nn, cell)(E, H, bidirectional=bidirectional),
              nn.Linear(H * (1 + bidirectional), D), nn.Linear(D, C)]
    assert parameter_count(V, E, H, D, C, cell, bidirectional) == sum(p.numel() for l in layers for p in l.parameters())
    assert len(parameter_count_mistakes(V, E, H, D, C, cell, bidirectional)) == 4 + 2 * bidirectional


def test_masked_mean_pool_reads_only_real_steps():
    rng = np.random.default_rng(2)
    lengths = np.array([3, 1, 4])
    outputs = rng.normal(size=(4, 3, 2))
    want = np.stack([outputs[:L, b].mean(0) for b, L in enumerate(lengths)])
    assert np.allclose(masked_mean_pool(outputs, lengths), want)
    assert len(masked_mean_pool_mistakes(outputs, lengths)) == 4
