"""Clipping helpers against torch.nn.utils, and the gradient-flow tool against explicit Jacobians."""
import numpy as np
import pytest
import torch

from rnncourse.clipping import (clip_by_global_norm, clip_by_value, clip_grad_norm_, clip_grad_value_,
                                global_norm)
from rnncourse.device import available_devices
from rnncourse.gradient_flow import recurrent_weight, spectral_radius, state_jacobian_norms
from rnncourse.nn import GRUCell, LSTMCell, RNNCell

DEVICES = available_devices()


def model_with_grads(seed, scale, device="cpu"):
    torch.manual_seed(seed)
    model = torch.nn.Sequential(torch.nn.Linear(4, 6), torch.nn.Tanh(), torch.nn.Linear(6, 2)).double().to(device)
    (model(torch.randn(5, 4, dtype=torch.float64, device=device)).sum() * scale).backward()
    return model


@pytest.mark.parametrize("device", DEVICES, ids=[str(d) for d in DEVICES])
@pytest.mark.parametrize("scale,max_norm", [(100.0, 1.0), (1e-3, 1.0), (5.0, 0.1)])
def test_clip_grad_norm_equals_torch(device, scale, max_norm):
    ours, theirs = model_with_grads(0, scale, device), model_with_grads(0, scale, device)
    norm_ours = clip_grad_norm_(ours.parameters(), max_norm)
    norm_theirs = torch.nn.utils.clip_grad_norm_(theirs.parameters(), max_norm)
    torch.testing.assert_close(norm_ours, norm_theirs, rtol=1e-12, atol=0)
    for p, q in zip(ours.parameters(), theirs.parameters()):
        torch.testing.assert_close(p.grad, q.grad, rtol=1e-12, atol=0)
    after = global_norm([p.grad.cpu().numpy() for p in ours.parameters()])
    assert after <= max_norm + 1e-9
    if float(norm_theirs) < max_norm:  # below the threshold nothing changes
        untouched = model_with_grads(0, scale, device)
        for p, q in zip(ours.parameters(), untouched.parameters()):
            torch.testing.assert_close(p.grad, q.grad, rtol=0, atol=0)


def test_clip_by_global_norm_numpy_equals_torch_and_keeps_direction():
    model = model_with_grads(1, 50.0)
    grads = [p.grad.numpy().copy() for p in model.parameters()]
    clipped, norm = clip_by_global_norm(grads, 0.5)
    reported = torch.nn.utils.clip_grad_norm_(model.parameters(), 0.5)
    assert norm == pytest.approx(float(reported), rel=1e-12)
    for c, p in zip(clipped, model.parameters()):
        np.testing.assert_allclose(c, p.grad.numpy(), rtol=1e-12)
    flat, flat_clipped = np.concatenate([g.ravel() for g in grads]), np.concatenate([c.ravel() for c in clipped])
    cosine = flat @ flat_clipped / (np.linalg.norm(flat) * np.linalg.norm(flat_clipped))
    assert cosine == pytest.approx(1.0, abs=1e-12)
    assert np.linalg.norm(flat_clipped) == pytest.approx(0.5, rel=1e-5)
    assert not np.allclose(clipped[0], grads[0])  # the inputs were not modified, and clipping acted


def test_clip_by_value_equals_torch_and_changes_direction():
    model = model_with_grads(2, 10.0)
    grads = [p.grad.numpy().copy() for p in model.parameters()]
    clipped = clip_by_value(grads, 0.05)
    ours = model_with_grads(2, 10.0)
    clip_grad_value_(ours.parameters(), 0.05)
    torch.nn.utils.clip_grad_value_(model.parameters(), 0.05)
    for c, p, q in zip(clipped, model.parameters(), ours.parameters()):
        np.testing.assert_array_equal(c, p.grad.numpy())
        np.testing.assert_array_equal(q.grad.numpy(), p.grad.numpy())
    flat, flat_clipped = np.concatenate([g.ravel() for g in grads]), np.concatenate([c.ravel() for c in clipped])
    assert flat @ flat_clipped / (np.linalg.norm(flat) * np.linalg.norm(flat_clipped)) < 0.999


def explicit_jacobian_norms(cell, X):
    """dh_T/ds_k by torch.autograd.functional.jacobian, one example: the slow, obvious way."""
    T = X.shape[0]
    norms = []
    for k in range(T + 1):
        def h_T_from(flat_state, k=k):
            H = cell.hidden_size
            state = flat_state[None] if flat_state.numel() == H else (flat_state[None, :H], flat_state[None, H:])
            for t in range(k, T):
                state = cell(X[t], state)
            return cell.hidden(state)[0]
        state = cell.init_state(1, X)
        for t in range(k):
            state = cell(X[t], state)
        flat = state[0] if isinstance(state, torch.Tensor) else torch.cat(state, dim=-1)[0]
        norms.append(torch.autograd.functional.jacobian(h_T_from, flat.detach()).norm())
    return torch.stack(norms)


@pytest.mark.parametrize("make_cell", [lambda: RNNCell(3, 4), lambda: LSTMCell(3, 4), lambda: GRUCell(3, 4)],
                         ids=["rnn", "lstm", "gru"])
def test_state_jacobian_norms_equal_explicit_jacobians(make_cell):
    torch.manual_seed(3)
    cell = make_cell().double()
    X = torch.randn(6, 2, 3, dtype=torch.float64)
    norms = state_jacobian_norms(cell, X)
    assert norms.shape == (2, 7)
    for b in range(2):
        torch.testing.assert_close(norms[b], explicit_jacobian_norms(cell, X[:, b:b + 1]), rtol=1e-10, atol=1e-14)
    torch.testing.assert_close(norms[:, -1], torch.full((2,), 2.0, dtype=torch.float64))  # ||I_H||_F = sqrt(4)


def test_linear_recurrence_norm_follows_spectral_radius():
    """With a tiny input and a near-linear tanh, ||dh_T/dh_k|| ~ rho^(T-k) for a normal W_hh."""
    H = 8
    cell = RNNCell(1, H, bias=False).double()
    Q, _ = torch.linalg.qr(torch.randn(H, H, dtype=torch.float64, generator=torch.Generator().manual_seed(0)))
    with torch.no_grad():
        cell.weight_hh.copy_(0.8 * Q)  # orthogonal times 0.8: every singular value is 0.8
        cell.weight_ih.zero_()
    norms = state_jacobian_norms(cell, torch.zeros(10, 1, 1, dtype=torch.float64))[0]
    expected = torch.tensor([0.8 ** (10 - k) * H ** 0.5 for k in range(11)], dtype=torch.float64)
    torch.testing.assert_close(norms, expected, rtol=1e-10, atol=0)


def test_recurrent_weight_has_the_requested_spectral_radius():
    W = recurrent_weight(16, 1.3, torch.Generator().manual_seed(0))
    assert spectral_radius(W) == pytest.approx(1.3, rel=1e-10)


def test_meta_device_gradient_flow():
    cell = LSTMCell(2, 3).to("meta")
    norms = state_jacobian_norms(cell, torch.empty(4, 2, 2, device="meta"))
    assert norms.device.type == "meta" and norms.shape == (2, 5)
