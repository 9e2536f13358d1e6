"""NumPy LSTM: gradients against finite differences and against torch autograd / nn.LSTM."""
import numpy as np
import pytest
import torch

from rnncourse.numpy_ref.lstm import lstm_backward, lstm_forward, lstm_step_backward, lstm_step_forward


def numerical_gradient(f, array, eps=1e-6):
    """Central differences of the scalar f() with respect to every entry of ``array`` (in place)."""
    grad = np.zeros_like(array)
    for index in np.ndindex(array.shape):
        old = array[index]
        array[index] = old + eps
        plus = f()
        array[index] = old - eps
        minus = f()
        array[index] = old
        grad[index] = (plus - minus) / (2 * eps)
    return grad


def rel_error(a, b):
    return np.max(np.abs(a - b)) / max(1e-12, np.max(np.abs(a) + np.abs(b)))


def make(T=4, B=3, D=5, H=4, seed=0):
    rng = np.random.default_rng(seed)
    p = dict(
        X=rng.normal(size=(T, B, D)), h0=rng.normal(size=(B, H)), c0=rng.normal(size=(B, H)),
        W_ih=rng.normal(scale=0.5, size=(4 * H, D)), W_hh=rng.normal(scale=0.5, size=(4 * H, H)),
        b_ih=rng.normal(size=4 * H), b_hh=rng.normal(size=4 * H),
    )
    G = rng.normal(size=(T, B, H))  # random upstream gradient: L = sum(G * Hs) + sum(Gc * c_T)
    Gc = rng.normal(size=(B, H))
    return p, G, Gc


def test_step_backward_matches_finite_differences():
    p, G, Gc = make()
    x, h, c = p["X"][0], p["h0"], p["c0"]
    args = dict(W_ih=p["W_ih"], W_hh=p["W_hh"], b_ih=p["b_ih"], b_hh=p["b_hh"])

    def loss():
        h_t, c_t, _ = lstm_step_forward(x, h, c, **args)
        return np.sum(G[0] * h_t) + np.sum(Gc * c_t)

    _, _, cache = lstm_step_forward(x, h, c, **args)
    grads = lstm_step_backward(G[0], Gc, cache)
    for name, array in [("x", x), ("h_prev", h), ("c_prev", c)] + list(args.items()):
        err = rel_error(grads[name], numerical_gradient(loss, array))
        assert err < 1e-7, (name, err)


def test_sequence_backward_matches_finite_differences():
    p, G, Gc = make()

    def loss():
        Hs, Cs, _ = lstm_forward(**p)
        return np.sum(G * Hs) + np.sum(Gc * Cs[-1])

    _, _, cache = lstm_forward(**p)
    grads = lstm_backward(G, cache, dc_T=Gc)
    names = {"X": "X", "h0": "h0", "c0": "c0", "W_ih": "W_ih", "W_hh": "W_hh", "b_ih": "b_ih", "b_hh": "b_hh"}
    for name, key in names.items():
        err = rel_error(grads[name], numerical_gradient(loss, p[key]))
        assert err < 1e-7, (name, err)


def test_forward_and_gradients_match_torch_lstm():
    T, B, D, H = 7, 3, 5, 6
    p, G, Gc = make(T, B, D, H, seed=1)
    Hs, Cs, cache = lstm_forward(**p)
    grads = lstm_backward(G, cache, dc_T=Gc)

    lstm = torch.nn.LSTM(D, H).double()
    with torch.no_grad():
        for name in ("W_ih", "W_hh", "b_ih", "b_hh"):
            torch_name = name.replace("W_", "weight_").replace("b_", "bias_") + "_l0"
            getattr(lstm, torch_name).copy_(torch.from_numpy(p[name]))
    X = torch.tensor(p["X"], requires_grad=True)
    h0 = torch.tensor(p["h0"][None], requires_grad=True)
    c0 = torch.tensor(p["c0"][None], requires_grad=True)
    out, (h_T, c_T) = lstm(X, (h0, c0))
    np.testing.assert_allclose(out.detach().numpy(), Hs, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(c_T[0].detach().numpy(), Cs[-1], rtol=1e-12, atol=1e-12)
    ((out * torch.from_numpy(G)).sum() + (c_T[0] * torch.from_numpy(Gc)).sum()).backward()
    np.testing.assert_allclose(X.grad.numpy(), grads["X"], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(h0.grad[0].numpy(), grads["h0"], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(c0.grad[0].numpy(), grads["c0"], rtol=1e-10, atol=1e-12)
    for name in ("W_ih", "W_hh", "b_ih", "b_hh"):
        torch_name = name.replace("W_", "weight_").replace("b_", "bias_") + "_l0"
        np.testing.assert_allclose(getattr(lstm, torch_name).grad.numpy(), grads[name], rtol=1e-10, atol=1e-12)


def test_cell_gradient_is_forget_gate():
    """dc_t/dc_{t-1} = f_t: with only dc_t upstream and dh_t = 0, dc_prev equals f_t * dc_t."""
    p, G, Gc = make(seed=2)
    _, _, cache = lstm_step_forward(p["X"][0], p["h0"], p["c0"], p["W_ih"], p["W_hh"], p["b_ih"], p["b_hh"])
    f = cache[4]
    grads = lstm_step_backward(np.zeros_like(Gc), Gc, cache)
    np.testing.assert_allclose(grads["c_prev"], f * Gc)
    assert not np.allclose(grads["c_prev"], Gc)  # the gate really scales it


def test_no_bias_and_zero_initial_state():
    p, G, _ = make(seed=3)
    Hs, Cs, _ = lstm_forward(p["X"], None, None, p["W_ih"], p["W_hh"])
    Hs0, _, _ = lstm_forward(p["X"], np.zeros_like(p["h0"]), np.zeros_like(p["c0"]), p["W_ih"], p["W_hh"],
                             np.zeros_like(p["b_ih"]), np.zeros_like(p["b_hh"]))
    np.testing.assert_array_equal(Hs, Hs0)
    assert Hs.shape == p["X"].shape[:2] + (p["h0"].shape[1],)
