"""NumPy GRU (both conventions): finite differences, torch autograd, and nn.GRU."""
import numpy as np
import pytest
import torch

from rnncourse.numpy_ref.gru import (gru_backward, gru_reset_before_step_backward, gru_reset_before_step_forward, gru_forward,
                                     gru_step_backward, gru_step_forward)
from test_numpy_lstm import numerical_gradient, rel_error

STEPS = {"pytorch": (gru_step_forward, gru_step_backward), "reset_before": (gru_reset_before_step_forward, gru_reset_before_step_backward)}
PARAMS = ("W_ih", "W_hh", "b_ih", "b_hh")


def make(T=4, B=3, D=5, H=4, seed=0):
    rng = np.random.default_rng(seed)
    p = dict(
        X=rng.normal(size=(T, B, D)), h0=rng.normal(size=(B, H)),
        W_ih=rng.normal(scale=0.5, size=(3 * H, D)), W_hh=rng.normal(scale=0.5, size=(3 * H, H)),
        b_ih=rng.normal(size=3 * H), b_hh=rng.normal(size=3 * H),
    )
    return p, rng.normal(size=(T, B, H))


@pytest.mark.parametrize("convention", ["pytorch", "reset_before"])
def test_step_backward_matches_finite_differences(convention):
    forward, backward = STEPS[convention]
    p, G = make()
    x, h = p["X"][0], p["h0"]
    args = {name: p[name] for name in PARAMS}

    def loss():
        return np.sum(G[0] * forward(x, h, **args)[0])

    grads = backward(G[0], forward(x, h, **args)[1])
    for name, array in [("x", x), ("h_prev", h)] + list(args.items()):
        err = rel_error(grads[name], numerical_gradient(loss, array))
        assert err < 1e-7, (name, err)


@pytest.mark.parametrize("convention", ["pytorch", "reset_before"])
def test_sequence_backward_matches_finite_differences(convention):
    p, G = make(seed=1)
    dh_T = np.random.default_rng(5).normal(size=p["h0"].shape)

    def loss():
        Hs, _ = gru_forward(**p, convention=convention)
        return np.sum(G * Hs) + np.sum(dh_T * Hs[-1])

    grads = gru_backward(G, gru_forward(**p, convention=convention)[1], dh_T=dh_T)
    for name in ("X", "h0") + PARAMS:
        err = rel_error(grads[name], numerical_gradient(loss, p[name]))
        assert err < 1e-7, (convention, name, err)


def copy_into_gru(gru, p):
    with torch.no_grad():
        for name in PARAMS:
            torch_name = name.replace("W_", "weight_").replace("b_", "bias_") + "_l0"
            getattr(gru, torch_name).copy_(torch.from_numpy(p[name]))


def test_pytorch_convention_matches_nn_gru_forward_and_gradients():
    T, B, D, H = 6, 3, 5, 4
    p, G = make(T, B, D, H, seed=2)
    Hs, cache = gru_forward(**p)
    grads = gru_backward(G, cache)
    gru = torch.nn.GRU(D, H).double()
    copy_into_gru(gru, p)
    X = torch.tensor(p["X"], requires_grad=True)
    h0 = torch.tensor(p["h0"][None], requires_grad=True)
    out, _ = gru(X, h0)
    np.testing.assert_allclose(out.detach().numpy(), Hs, rtol=1e-12, atol=1e-12)
    (out * torch.from_numpy(G)).sum().backward()
    np.testing.assert_allclose(X.grad.numpy(), grads["X"], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(h0.grad[0].numpy(), grads["h0"], rtol=1e-10, atol=1e-12)
    for name in PARAMS:
        torch_name = name.replace("W_", "weight_").replace("b_", "bias_") + "_l0"
        np.testing.assert_allclose(getattr(gru, torch_name).grad.numpy(), grads[name], rtol=1e-10, atol=1e-12)


def test_reset_before_convention_is_not_what_nn_gru_computes():
    p, _ = make(seed=3)
    gru = torch.nn.GRU(p["X"].shape[2], p["h0"].shape[1]).double()
    copy_into_gru(gru, p)
    out, _ = gru(torch.from_numpy(p["X"]), torch.from_numpy(p["h0"][None]))
    Hs_reset_before, _ = gru_forward(**p, convention="reset_before")
    assert np.max(np.abs(out.detach().numpy() - Hs_reset_before)) > 1e-2


def test_reset_before_convention_matches_torch_autograd():
    """An independent torch transcription of the reset-before-product equations, differentiated by autograd."""
    p, G = make(seed=4)
    H = p["h0"].shape[1]
    t = {k: torch.tensor(v, requires_grad=True) for k, v in p.items()}
    h = t["h0"]
    outs = []
    for x in t["X"]:
        r = torch.sigmoid(x @ t["W_ih"][:H].T + t["b_ih"][:H] + h @ t["W_hh"][:H].T + t["b_hh"][:H])
        z = torch.sigmoid(x @ t["W_ih"][H:2 * H].T + t["b_ih"][H:2 * H] + h @ t["W_hh"][H:2 * H].T + t["b_hh"][H:2 * H])
        h_tilde = torch.tanh(x @ t["W_ih"][2 * H:].T + t["b_ih"][2 * H:] + (r * h) @ t["W_hh"][2 * H:].T + t["b_hh"][2 * H:])
        h = (1 - z) * h + z * h_tilde
        outs.append(h)
    out = torch.stack(outs)
    (out * torch.from_numpy(G)).sum().backward()
    Hs, cache = gru_forward(**p, convention="reset_before")
    grads = gru_backward(G, cache)
    np.testing.assert_allclose(Hs, out.detach().numpy(), rtol=1e-12, atol=1e-12)
    for name in ("X", "h0") + PARAMS:
        np.testing.assert_allclose(grads[name], t[name].grad.numpy(), rtol=1e-10, atol=1e-12)


def test_unknown_convention_is_refused():
    p, _ = make()
    with pytest.raises(ValueError, match="convention"):
        gru_forward(**p, convention="keras")
