"""The scratch Elman RNN (rnncourse.nn) against torch.nn.RNN with copied weights, float64."""
from __future__ import annotations

import itertools

import pytest
import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from rnncourse.device import available_devices
from rnncourse.nn import RNN, Recurrent, RNNCell, StackedRecurrent

TOL = dict(rtol=1e-10, atol=1e-12)
DEVICES = available_devices()
DEVICE_IDS = [str(d) for d in DEVICES]


def make_pair(D, H, num_layers, nonlinearity, bias, bidirectional, device, seed=0):
    """A torch.nn.RNN and a scratch RNN with identical float64 weights on ``device``."""
    torch.manual_seed(seed)
    reference = nn.RNN(D, H, num_layers=num_layers, nonlinearity=nonlinearity, bias=bias,
                       bidirectional=bidirectional).double().to(device)
    scratch = RNN(D, H, num_layers=num_layers, nonlinearity=nonlinearity, bias=bias,
                  bidirectional=bidirectional).double().to(device)
    scratch.load_state_dict(reference.state_dict())  # strict: every name and shape must match
    return reference, scratch


def grads(module):
    return {name: p.grad.clone() for name, p in module.named_parameters()}


CONFIGS = list(itertools.product(["tanh", "relu"], [True, False], [1, 2, 3], [False, True]))


@pytest.mark.parametrize("device", DEVICES, ids=DEVICE_IDS)
@pytest.mark.parametrize("nonlinearity,bias,num_layers,bidirectional", CONFIGS)
def test_equal_to_nn_rnn(device, nonlinearity, bias, num_layers, bidirectional):
    """Outputs, h_n and every gradient (parameters, X, h0) equal nn.RNN's."""
    T, B, D, H = 7, 4, 3, 5
    reference, scratch = make_pair(D, H, num_layers, nonlinearity, bias, bidirectional, device)
    dirs = 2 if bidirectional else 1
    generator = torch.Generator().manual_seed(1)
    X = torch.randn(T, B, D, dtype=torch.float64, generator=generator).to(device)
    h0 = torch.randn(num_layers * dirs, B, H, dtype=torch.float64, generator=generator).to(device)
    weights_out = torch.randn(T, B, dirs * H, dtype=torch.float64, generator=generator).to(device)
    weights_h = torch.randn(num_layers * dirs, B, H, dtype=torch.float64, generator=generator).to(device)

    results = []
    for module in (reference, scratch):
        Xg, h0g = X.clone().requires_grad_(), h0.clone().requires_grad_()
        outputs, h_n = module(Xg, h0g)
        loss = (outputs * weights_out).sum() + (h_n * weights_h).sum()  # a loss that reads everything
        loss.backward()
        results.append((outputs, h_n, Xg.grad, h0g.grad, grads(module)))

    (out_r, h_r, dX_r, dh0_r, g_r), (out_s, h_s, dX_s, dh0_s, g_s) = results
    assert out_s.shape == (T, B, dirs * H) and h_s.shape == (num_layers * dirs, B, H)
    assert out_s.device == X.device and out_s.dtype == torch.float64
    torch.testing.assert_close(out_s, out_r, **TOL)
    torch.testing.assert_close(h_s, h_r, **TOL)
    torch.testing.assert_close(dX_s, dX_r, **TOL)
    torch.testing.assert_close(dh0_s, dh0_r, **TOL)
    assert g_s.keys() == g_r.keys()
    for name in g_r:
        torch.testing.assert_close(g_s[name], g_r[name], **TOL, msg=name)


@pytest.mark.parametrize("device", DEVICES, ids=DEVICE_IDS)
def test_default_state_is_zeros(device):
    """state=None means a zero initial state, as in nn.RNN."""
    reference, scratch = make_pair(3, 4, 2, "tanh", True, True, device)
    X = torch.randn(5, 2, 3, dtype=torch.float64).to(device)
    out_r, h_r = reference(X)
    out_s, h_s = scratch(X)
    torch.testing.assert_close(out_s, out_r, **TOL)
    torch.testing.assert_close(h_s, h_r, **TOL)


@pytest.mark.parametrize("device", DEVICES, ids=DEVICE_IDS)
@pytest.mark.parametrize("num_layers,bidirectional", [(1, False), (1, True), (2, True), (3, False)])
@pytest.mark.parametrize("sorted_lengths", [True, False])
def test_ragged_lengths_match_packed_sequence(device, num_layers, bidirectional, sorted_lengths):
    """lengths= gives what nn.RNN gives on pack_padded_sequence: outputs, h_n and gradients."""
    T, B, D, H = 6, 5, 3, 4
    reference, scratch = make_pair(D, H, num_layers, "tanh", True, bidirectional, device, seed=3)
    dirs = 2 if bidirectional else 1
    lengths = torch.tensor([6, 4, 4, 2, 1] if sorted_lengths else [2, 6, 1, 4, 3])
    generator = torch.Generator().manual_seed(4)
    X = torch.randn(T, B, D, dtype=torch.float64, generator=generator).to(device)
    h0 = torch.randn(num_layers * dirs, B, H, dtype=torch.float64, generator=generator).to(device)
    weights_out = torch.randn(T, B, dirs * H, dtype=torch.float64, generator=generator).to(device)

    X_r, h0_r = X.clone().requires_grad_(), h0.clone().requires_grad_()
    packed = pack_padded_sequence(X_r, lengths, enforce_sorted=False)
    packed_out, h_r = reference(packed, h0_r)
    out_r, _ = pad_packed_sequence(packed_out, total_length=T)
    ((out_r * weights_out).sum() + h_r.pow(2).sum()).backward()

    X_s, h0_s = X.clone().requires_grad_(), h0.clone().requires_grad_()
    out_s, h_s = scratch(X_s, h0_s, lengths=lengths)
    ((out_s * weights_out).sum() + h_s.pow(2).sum()).backward()

    torch.testing.assert_close(out_s, out_r, **TOL)
    torch.testing.assert_close(h_s, h_r, **TOL)
    torch.testing.assert_close(X_s.grad, X_r.grad, **TOL)
    torch.testing.assert_close(h0_s.grad, h0_r.grad, **TOL)
    for name, param in reference.named_parameters():
        torch.testing.assert_close(getattr(scratch, name).grad, param.grad, **TOL, msg=name)
    # padding is ignored: changing it changes nothing
    mask = torch.arange(T)[:, None] >= lengths[None, :]  # (T, B) padded steps
    X_noise = X.clone()
    X_noise[mask.to(device)] = 1e3
    out_noise, h_noise = scratch(X_noise, h0, lengths=lengths)
    torch.testing.assert_close(out_noise, out_s.detach(), **TOL)
    torch.testing.assert_close(h_noise, h_s.detach(), **TOL)


def test_reverse_starts_at_each_sequences_last_real_step():
    """A reverse layer on a padded sequence equals the same layer on the unpadded sequence."""
    torch.manual_seed(5)
    cell = RNNCell(2, 3).double()
    layer = Recurrent(cell, reverse=True)
    X = torch.randn(5, 2, 2, dtype=torch.float64)
    lengths = torch.tensor([5, 3])
    out, h_n = layer(X, lengths=lengths)
    out_short, h_short = layer(X[:3, 1:2])  # the second sequence alone, without its padding
    torch.testing.assert_close(out[:3, 1:2], out_short, **TOL)
    torch.testing.assert_close(h_n[1:2], h_short, **TOL)
    assert torch.all(out[3:, 1] == 0)


@pytest.mark.parametrize("device", DEVICES, ids=DEVICE_IDS)
def test_cell_equals_nn_rnncell(device):
    """One step of RNNCell equals nn.RNNCell with the same parameters (same names)."""
    torch.manual_seed(6)
    reference = nn.RNNCell(3, 4, nonlinearity="relu").double().to(device)
    cell = RNNCell(3, 4, nonlinearity="relu").double().to(device)
    cell.load_state_dict(reference.state_dict())
    x, h = torch.randn(2, 3, dtype=torch.float64).to(device), torch.randn(2, 4, dtype=torch.float64).to(device)
    torch.testing.assert_close(cell(x, h), reference(x, h), **TOL)
    torch.testing.assert_close(cell(x), reference(x), **TOL)


def test_parameter_names_and_shapes_match_nn_rnn():
    """Same parameter names, order and shapes as nn.RNN, for every configuration."""
    for bias, num_layers, bidirectional in itertools.product([True, False], [1, 3], [False, True]):
        reference = nn.RNN(3, 5, num_layers=num_layers, bias=bias, bidirectional=bidirectional)
        scratch = RNN(3, 5, num_layers=num_layers, bias=bias, bidirectional=bidirectional)
        assert [(n, p.shape) for n, p in scratch.named_parameters()] == \
               [(n, p.shape) for n, p in reference.named_parameters()]


def test_dropout_between_layers_only():
    """Dropout acts between layers in training, never after the last layer, and not in eval."""
    reference, scratch = make_pair(3, 4, 1, "tanh", True, False, "cpu")
    scratch.dropout = 0.5
    scratch.inter_layer_dropout.p = 0.5
    scratch.train()
    X = torch.randn(6, 3, 3, dtype=torch.float64)
    torch.testing.assert_close(scratch(X)[0], reference(X)[0], **TOL)  # one layer: no dropout

    torch.manual_seed(7)
    two = RNN(3, 4, num_layers=2, dropout=0.5).double()
    two.train()
    out_a, _ = two(X)
    out_b, _ = two(X)
    assert not torch.allclose(out_a, out_b)  # random masks between the layers
    two.eval()
    reference_two = nn.RNN(3, 4, num_layers=2, dropout=0.5).double().eval()
    reference_two.load_state_dict(two.state_dict())
    torch.testing.assert_close(two(X)[0], reference_two(X)[0], **TOL)


def test_training_step_moves_every_parameter_like_nn_rnn():
    """An optimiser step on the scratch module updates it exactly as it updates nn.RNN."""
    reference, scratch = make_pair(3, 4, 2, "tanh", True, True, "cpu")
    X = torch.randn(5, 2, 3, dtype=torch.float64)
    for module in (reference, scratch):
        optimiser = torch.optim.SGD(module.parameters(), lr=0.1)
        module(X)[0].pow(2).sum().backward()
        optimiser.step()
    for name, param in reference.named_parameters():
        torch.testing.assert_close(getattr(scratch, name), param, **TOL, msg=name)
    # and the updated weights are the ones the next forward uses
    torch.testing.assert_close(scratch(X)[0], reference(X)[0], **TOL)


def test_stacked_recurrent_accepts_tuple_states():
    """A cell with a tuple state (as an LSTM's) goes through the stack with tuple states out."""

    class PairCell(RNNCell):
        def forward(self, x_t, state):
            h, c = state
            h_new = super().forward(x_t, h)
            return h_new, c + h_new

        def hidden(self, state):
            return state[0]

        def init_state(self, batch, like):
            return like.new_zeros(batch, self.hidden_size), like.new_zeros(batch, self.hidden_size)

    stack = StackedRecurrent(lambda d, h: PairCell(d, h), 3, 4, num_layers=2, bidirectional=True).double()
    X = torch.randn(5, 2, 3, dtype=torch.float64)
    outputs, (h_n, c_n) = stack(X, lengths=[5, 3])
    assert outputs.shape == (5, 2, 8) and h_n.shape == c_n.shape == (4, 2, 4)
    outputs2, (h_n2, c_n2) = stack(X, (h_n, c_n))
    assert outputs2.shape == (5, 2, 8) and c_n2.shape == (4, 2, 4)


@pytest.mark.parametrize("bidirectional", [False, True])
def test_meta_device(bidirectional):
    """On the meta device every tensor stays on meta with the right shape (no fixed device)."""
    scratch = RNN(3, 4, num_layers=2, bidirectional=bidirectional).to("meta")
    X = torch.empty(6, 2, 3, device="meta")
    dirs = 2 if bidirectional else 1
    outputs, h_n = scratch(X, lengths=torch.tensor([6, 2]))
    assert outputs.device.type == "meta" and h_n.device.type == "meta"
    assert outputs.shape == (6, 2, dirs * 4) and h_n.shape == (2 * dirs, 2, 4)
    outputs, h_n = scratch(X, torch.empty(2 * dirs, 2, 4, device="meta"))
    assert outputs.shape == (6, 2, dirs * 4) and h_n.device.type == "meta"


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_cuda_parity_with_nn_rnn():
    """On CUDA: the scratch RNN equals nn.RNN (float64), ragged lengths included."""
    reference, scratch = make_pair(3, 5, 2, "tanh", True, True, "cuda")
    X = torch.randn(7, 4, 3, dtype=torch.float64, device="cuda")
    out_s, h_s = scratch(X)
    assert out_s.is_cuda and h_s.is_cuda
    out_r, h_r = reference(X)
    torch.testing.assert_close(out_s, out_r, **TOL)
    torch.testing.assert_close(h_s, h_r, **TOL)
    lengths = torch.tensor([7, 5, 2, 1])
    packed_out, h_r = reference(pack_padded_sequence(X, lengths))
    out_r, _ = pad_packed_sequence(packed_out, total_length=7)
    out_s, h_s = scratch(X, lengths=lengths.cuda())
    torch.testing.assert_close(out_s, out_r, **TOL)
    torch.testing.assert_close(h_s, h_r, **TOL)


def test_copies_and_conversions_keep_the_cells_bound_to_the_modules_parameters():
    """deepcopy, .double() and in-place edits: the cells always compute with the module's own parameters."""
    import copy

    torch.manual_seed(8)
    original = RNN(3, 4, num_layers=2, bidirectional=True)
    clone = copy.deepcopy(original).double()
    X = torch.randn(5, 2, 3, dtype=torch.float64)
    torch.testing.assert_close(clone(X)[0], original.double()(X)[0], **TOL)
    with torch.no_grad():
        clone.weight_hh_l1_reverse.zero_()  # edit the copy only
    assert not torch.allclose(clone(X)[0], original(X)[0])
    reference = nn.RNN(3, 4, num_layers=2, bidirectional=True).double()
    reference.load_state_dict(clone.state_dict())
    torch.testing.assert_close(clone(X)[0], reference(X)[0], **TOL)
    assert len(list(original.parameters())) == len(list(reference.parameters())) == 16
