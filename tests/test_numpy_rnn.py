"""NumPy Elman RNN: forward vs nn.RNN, backward vs finite differences and torch autograd, truncated BPTT."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from rnncourse.gradcheck import gradient_check, numerical_gradient, relative_error
from rnncourse.numpy_ref.rnn import (
    activation_derivative,
    rnn_backward,
    rnn_forward,
    rnn_step_backward,
    rnn_step_forward,
    rnn_truncated_bptt,
    truncated_windows,
)

NONLINEARITIES = ["tanh", "relu"]


def make(T=5, B=3, D=4, H=6, seed=0):
    rng = np.random.default_rng(seed)
    p = dict(X=rng.normal(size=(T, B, D)), h0=rng.normal(scale=0.5, size=(B, H)),
             W_xh=rng.normal(scale=0.5, size=(H, D)), W_hh=rng.normal(scale=0.5, size=(H, H)),
             b_h=rng.normal(scale=0.5, size=H))
    G = rng.normal(size=(T, B, H))  # L = sum(G * Hs) + sum(G_T * h_T): every h_t reaches the loss
    G_T = rng.normal(size=(B, H))
    return p, G, G_T


@pytest.mark.parametrize("nonlinearity", NONLINEARITIES)
def test_step_backward_matches_finite_differences(nonlinearity):
    """Every gradient of one step agrees with central differences to a relative error < 1e-7."""
    p, G, _ = make(seed=1)
    x, h_prev = p["X"][0], p["h0"]

    def loss():
        return np.sum(G[0] * rnn_step_forward(x, h_prev, p["W_xh"], p["W_hh"], p["b_h"], nonlinearity))

    h_t = rnn_step_forward(x, h_prev, p["W_xh"], p["W_hh"], p["b_h"], nonlinearity)
    g = rnn_step_backward(G[0], x, h_prev, h_t, p["W_xh"], p["W_hh"], nonlinearity)
    errors = gradient_check(loss, {"dx_t": x, "dh_prev": h_prev, "dW_xh": p["W_xh"], "dW_hh": p["W_hh"],
                                   "db_h": p["b_h"]}, g)
    assert set(errors) == {"dx_t", "dh_prev", "dW_xh", "dW_hh", "db_h"}
    for name, error in errors.items():
        assert error < 1e-7, (name, error)


@pytest.mark.parametrize("nonlinearity", NONLINEARITIES)
def test_sequence_backward_matches_finite_differences(nonlinearity):
    """Full BPTT: dX, dh0, dW_xh, dW_hh, db_h agree with central differences (< 1e-7)."""
    p, G, G_T = make(seed=2)

    def loss():
        Hs = rnn_forward(p["X"], p["h0"], p["W_xh"], p["W_hh"], p["b_h"], nonlinearity)
        return np.sum(G * Hs) + np.sum(G_T * Hs[-1])

    Hs = rnn_forward(p["X"], p["h0"], p["W_xh"], p["W_hh"], p["b_h"], nonlinearity)
    g = rnn_backward(G, p["X"], Hs, p["h0"], p["W_xh"], p["W_hh"], nonlinearity, dh_T=G_T)
    arrays = {"dX": p["X"], "dh0": p["h0"], "dW_xh": p["W_xh"], "dW_hh": p["W_hh"], "db_h": p["b_h"]}
    errors = gradient_check(loss, arrays, g)
    assert set(errors) == set(arrays)
    for name, error in errors.items():
        assert error < 1e-7, (name, error)


def torch_reference(p, G, G_T, nonlinearity, detach_every=None):
    """Forward and autograd gradients of the same loss with torch.nn.RNN (float64)."""
    T, B, D = p["X"].shape
    H = p["W_hh"].shape[0]
    rnn = torch.nn.RNN(D, H, nonlinearity=nonlinearity).double()
    with torch.no_grad():
        rnn.weight_ih_l0.copy_(torch.from_numpy(p["W_xh"]))
        rnn.weight_hh_l0.copy_(torch.from_numpy(p["W_hh"]))
        rnn.bias_ih_l0.copy_(torch.from_numpy(p["b_h"]))
        rnn.bias_hh_l0.zero_()
    X = torch.tensor(p["X"], requires_grad=True)
    h0 = torch.tensor(p["h0"], requires_grad=True)
    if detach_every is None:
        Hs, _ = rnn(X, h0[None])
    else:
        h, chunks = h0[None], []
        for start in range(0, T, detach_every):
            if start > 0:
                h = h.detach()  # truncated BPTT: no gradient into the carried state
            out, h = rnn(X[start:start + detach_every], h)
            chunks.append(out)
        Hs = torch.cat(chunks)
    loss = (torch.from_numpy(G) * Hs).sum() + (torch.from_numpy(G_T) * Hs[-1]).sum()
    loss.backward()
    return Hs.detach().numpy(), {"dX": X.grad.numpy(), "dh0": h0.grad.numpy(),
                                 "dW_xh": rnn.weight_ih_l0.grad.numpy(), "dW_hh": rnn.weight_hh_l0.grad.numpy(),
                                 "db_h": rnn.bias_ih_l0.grad.numpy()}


@pytest.mark.parametrize("nonlinearity", NONLINEARITIES)
def test_forward_and_backward_match_torch_autograd(nonlinearity):
    """Hidden states equal nn.RNN's; every gradient equals torch autograd's (float64)."""
    p, G, G_T = make(T=7, B=2, D=3, H=5, seed=3)
    Hs = rnn_forward(p["X"], p["h0"], p["W_xh"], p["W_hh"], p["b_h"], nonlinearity)
    g = rnn_backward(G, p["X"], Hs, p["h0"], p["W_xh"], p["W_hh"], nonlinearity, dh_T=G_T)
    Hs_torch, g_torch = torch_reference(p, G, G_T, nonlinearity)
    np.testing.assert_allclose(Hs, Hs_torch, rtol=1e-12, atol=1e-13)
    assert set(g) == set(g_torch)
    for name in g_torch:
        np.testing.assert_allclose(g[name], g_torch[name], rtol=1e-10, atol=1e-12, err_msg=name)


@pytest.mark.parametrize("k", [1, 2, 3, 7, 10])
def test_truncated_backward_matches_torch_with_detach(k):
    """rnn_backward(truncate=k) equals torch autograd with h.detach() every k steps."""
    p, G, G_T = make(T=7, B=2, D=3, H=4, seed=4)
    Hs = rnn_forward(p["X"], p["h0"], p["W_xh"], p["W_hh"], p["b_h"])
    g = rnn_backward(G, p["X"], Hs, p["h0"], p["W_xh"], p["W_hh"], dh_T=G_T, truncate=k)
    _, g_torch = torch_reference(p, G, G_T, "tanh", detach_every=k)
    for name in g_torch:
        np.testing.assert_allclose(g[name], g_torch[name], rtol=1e-10, atol=1e-12, err_msg=name)
    full = rnn_backward(G, p["X"], Hs, p["h0"], p["W_xh"], p["W_hh"], dh_T=G_T)
    if k < 7:  # truncation really changes the recurrent gradient ...
        assert relative_error(g["dW_hh"], full["dW_hh"]) > 1e-3
    else:  # ... and a window as long as the sequence is full BPTT
        np.testing.assert_allclose(g["dW_hh"], full["dW_hh"], rtol=1e-12)


@pytest.mark.parametrize("k", [1, 3, 4, 7])
def test_window_by_window_truncated_bptt_sums_to_truncated_backward(k):
    """Running window by window with a carried state gives the same states and summed gradients."""
    p, G, _ = make(T=7, B=2, D=3, H=4, seed=5)
    Hs_full = rnn_forward(p["X"], p["h0"], p["W_xh"], p["W_hh"], p["b_h"])
    seen = []

    def loss_grad(start, H_window):
        seen.append((start, H_window.shape[0]))
        return G[start:start + H_window.shape[0]]

    Hs, windows = rnn_truncated_bptt(p["X"], p["h0"], p["W_xh"], p["W_hh"], p["b_h"], loss_grad, k)
    np.testing.assert_allclose(Hs, Hs_full, rtol=1e-13)
    assert [s for s, _ in seen] == [s for s, _ in truncated_windows(7, k)]
    expected = rnn_backward(G, p["X"], Hs_full, p["h0"], p["W_xh"], p["W_hh"], truncate=k)
    for name in ("dW_xh", "dW_hh", "db_h"):
        np.testing.assert_allclose(sum(w[name] for w in windows), expected[name], rtol=1e-11, atol=1e-13)
    np.testing.assert_allclose(np.concatenate([w["dX"] for w in windows]), expected["dX"], rtol=1e-11, atol=1e-13)
    np.testing.assert_allclose(windows[0]["dh0"], expected["dh0"], rtol=1e-11, atol=1e-13)


def test_truncated_windows():
    """Windows cover every step once, in order, the last one possibly shorter."""
    assert truncated_windows(7, 3) == [(0, 3), (3, 6), (6, 7)]
    assert truncated_windows(4, 4) == [(0, 4)]
    assert truncated_windows(2, 5) == [(0, 2)]
    with pytest.raises(ValueError):
        truncated_windows(3, 0)


def test_activation_derivative_uses_the_output():
    """tanh' is 1 - h^2 at the output h = tanh(a) (not 1 - a^2); ReLU' is the step at h > 0."""
    a = np.linspace(-3, 3, 13)
    slope = (np.tanh(a + 1e-6) - np.tanh(a - 1e-6)) / 2e-6
    np.testing.assert_allclose(activation_derivative(np.tanh(a), "tanh"), slope, rtol=1e-8)
    assert not np.allclose(1 - a ** 2, slope)
    np.testing.assert_array_equal(activation_derivative(np.maximum(a, 0), "relu"), (a > 0).astype(float))


def test_gradcheck_detects_a_wrong_gradient():
    """The relative error is tiny for the right gradient and large for a wrong one."""
    rng = np.random.default_rng(6)
    A = rng.normal(size=(3, 4))
    f = lambda: float(np.sum(np.sin(A)))  # noqa: E731
    right = np.cos(A)
    assert relative_error(right, numerical_gradient(f, A)) < 1e-9
    assert relative_error(2 * right, numerical_gradient(f, A)) > 0.3
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0
    before = A.copy()
    numerical_gradient(f, A)
    np.testing.assert_array_equal(A, before)  # the array is restored exactly
    with pytest.raises(ValueError):
        relative_error(np.zeros(3), np.zeros(4))
