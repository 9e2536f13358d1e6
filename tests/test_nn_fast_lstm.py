"""The fast scratch LSTM (rnncourse.nn.fast_lstm) against torch.nn.LSTM and the teaching LSTM, float64."""
from __future__ import annotations

import itertools

import pytest
import torch
from torch import nn

from rnncourse.device import available_devices
from rnncourse.nn import LSTM
from rnncourse.nn.fast_lstm import FastLSTM, lstm_layer

TOL = dict(rtol=1e-10, atol=1e-12)
DEVICES = available_devices()
DEVICE_IDS = [str(d) for d in DEVICES]


def make_pair(D, H, num_layers, bias, bidirectional, device, seed=0):
    torch.manual_seed(seed)
    reference = nn.LSTM(D, H, num_layers=num_layers, bias=bias, bidirectional=bidirectional).double().to(device)
    fast = FastLSTM(D, H, num_layers=num_layers, bias=bias, bidirectional=bidirectional).double().to(device)
    fast.load_state_dict(reference.state_dict())  # strict: names and shapes must match
    return reference, fast


def run(module, X, state, weights_out, pass_state=True):
    """Forward and backward with a loss that reads the outputs and both final states."""
    X = X.clone().requires_grad_()
    state = tuple(s.clone().requires_grad_() for s in state)
    module.zero_grad()
    out, (h_n, c_n) = module(X, state) if pass_state else module(X)
    loss = (out * weights_out).sum() + (h_n ** 2).sum() + 2 * (c_n ** 3).sum()
    loss.backward()
    grads = {name: p.grad.clone() for name, p in module.named_parameters()}
    state_grads = [s.grad for s in state] if pass_state else []
    return [out, h_n, c_n, X.grad, *state_grads], grads


def assert_same(result_a, result_b):
    tensors_a, grads_a = result_a
    tensors_b, grads_b = result_b
    assert len(tensors_a) == len(tensors_b)
    for a, b in zip(tensors_a, tensors_b):
        torch.testing.assert_close(a, b, **TOL)
    assert grads_a.keys() == grads_b.keys()
    for name in grads_b:
        torch.testing.assert_close(grads_a[name], grads_b[name], **TOL, msg=name)


def random_inputs(T, B, D, H, layers_dirs, out_width, device, seed=1):
    generator = torch.Generator().manual_seed(seed)
    X = torch.randn(T, B, D, dtype=torch.float64, generator=generator).to(device)
    state = tuple(torch.randn(layers_dirs, B, H, dtype=torch.float64, generator=generator).to(device)
                  for _ in range(2))
    weights_out = torch.randn(T, B, out_width, dtype=torch.float64, generator=generator).to(device)
    return X, state, weights_out


@pytest.mark.parametrize("device", DEVICES, ids=DEVICE_IDS)
@pytest.mark.parametrize("bias,num_layers,bidirectional", list(itertools.product([True, False], [1, 2], [False, True])))
def test_equal_to_nn_lstm(device, bias, num_layers, bidirectional):
    """Outputs, final (h, c) and the gradients of inputs, initial state and every weight equal nn.LSTM's."""
    T, B, D, H = 7, 3, 4, 5
    dirs = 2 if bidirectional else 1
    reference, fast = make_pair(D, H, num_layers, bias, bidirectional, device)
    X, state, weights_out = random_inputs(T, B, D, H, num_layers * dirs, dirs * H, device)
    assert_same(run(fast, X, state, weights_out), run(reference, X, state, weights_out))


@pytest.mark.parametrize("device", DEVICES, ids=DEVICE_IDS)
def test_zero_initial_state_by_default(device):
    """Without a state both start from zeros, and still agree (outputs and gradients)."""
    reference, fast = make_pair(3, 6, 1, True, False, device)
    X, state, weights_out = random_inputs(5, 2, 3, 6, 1, 6, device)
    assert_same(run(fast, X, state, weights_out, pass_state=False),
                run(reference, X, state, weights_out, pass_state=False))


def test_equal_to_teaching_lstm():
    """The fast and the teaching scratch LSTM compute the same thing from the same weights."""
    torch.manual_seed(3)
    teaching = LSTM(4, 6, num_layers=2, bidirectional=True).double()
    fast = FastLSTM(4, 6, num_layers=2, bidirectional=True).double()
    fast.load_state_dict(teaching.state_dict())
    X, state, weights_out = random_inputs(9, 2, 4, 6, 4, 12, "cpu", seed=5)
    assert_same(run(fast, X, state, weights_out), run(teaching, X, state, weights_out))


def test_layer_function_single_step_is_one_cell():
    """With T = 1, lstm_layer is exactly one nn.LSTMCell step."""
    torch.manual_seed(0)
    cell = nn.LSTMCell(3, 4).double()
    x = torch.randn(1, 2, 3, dtype=torch.float64)
    h0, c0 = torch.randn(2, 4, dtype=torch.float64), torch.randn(2, 4, dtype=torch.float64)
    Hs, (h, c) = lstm_layer(x, h0, c0, cell.weight_ih, cell.weight_hh, cell.bias_ih, cell.bias_hh)
    h_ref, c_ref = cell(x[0], (h0, c0))
    torch.testing.assert_close(Hs[0], h_ref, **TOL)
    torch.testing.assert_close(h, h_ref, **TOL)
    torch.testing.assert_close(c, c_ref, **TOL)


def test_parameter_names_and_shapes_match_nn_lstm():
    """Every parameter has nn.LSTM's name and shape."""
    reference = nn.LSTM(3, 5, num_layers=2, bidirectional=True, bias=True)
    fast = FastLSTM(3, 5, num_layers=2, bidirectional=True, bias=True)
    assert {n: p.shape for n, p in fast.named_parameters()} == {n: p.shape for n, p in reference.named_parameters()}


def test_bad_input_is_refused():
    """A batch-major 2-D input and zero layers are refused with a clear error."""
    with pytest.raises(ValueError, match="time-major"):
        FastLSTM(3, 4)(torch.zeros(5, 3))
    with pytest.raises(ValueError, match="num_layers"):
        FastLSTM(3, 4, num_layers=0)


@pytest.mark.parametrize("bidirectional", [False, True])
def test_meta_device(bidirectional):
    """On the meta device every tensor stays on meta with the right shape (no fixed device)."""
    fast = FastLSTM(3, 4, num_layers=2, bidirectional=bidirectional).to("meta")
    dirs = 2 if bidirectional else 1
    X = torch.empty(6, 2, 3, device="meta")
    outputs, (h_n, c_n) = fast(X)
    assert outputs.device.type == "meta" and outputs.shape == (6, 2, dirs * 4)
    for s in (h_n, c_n):
        assert s.device.type == "meta" and s.shape == (2 * dirs, 2, 4)
    state = torch.empty(2 * dirs, 2, 4, device="meta")
    outputs, _ = fast(X, (state, state))
    assert outputs.device.type == "meta"


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_cuda_parity():
    """On CUDA: the fast LSTM equals nn.LSTM (float64), outputs and every gradient."""
    reference, fast = make_pair(3, 5, 2, True, True, "cuda")
    X, state, weights_out = random_inputs(7, 4, 3, 5, 4, 10, "cuda")
    result = run(fast, X, state, weights_out)
    assert result[0][0].is_cuda
    assert_same(result, run(reference, X, state, weights_out))
