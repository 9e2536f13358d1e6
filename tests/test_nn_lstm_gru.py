"""The scratch LSTM and GRU (rnncourse.nn) against torch.nn.LSTM / nn.GRU with copied weights, float64."""
from __future__ import annotations

import itertools

import pytest
import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from rnncourse.device import available_devices
from rnncourse.nn import GRU, LSTM, GRUCell, LSTMCell

TOL = dict(rtol=1e-10, atol=1e-12)
DEVICES = available_devices()
DEVICE_IDS = [str(d) for d in DEVICES]
KINDS = {"lstm": (nn.LSTM, LSTM), "gru": (nn.GRU, GRU)}


def make_pair(kind, D, H, num_layers, bias, bidirectional, device, seed=0, classes=KINDS):
    """A torch.nn module and a scratch one (``classes[kind]``) with the same weights, float64."""
    torch.manual_seed(seed)
    torch_cls, scratch_cls = classes[kind]
    reference = torch_cls(D, H, num_layers=num_layers, bias=bias, bidirectional=bidirectional).double().to(device)
    scratch = scratch_cls(D, H, num_layers=num_layers, bias=bias, bidirectional=bidirectional).double().to(device)
    scratch.load_state_dict(reference.state_dict())  # strict: names and shapes must match
    return reference, scratch


def random_state(kind, shape, generator, device):
    if kind == "lstm":
        return tuple(torch.randn(*shape, dtype=torch.float64, generator=generator).to(device) for _ in range(2))
    return torch.randn(*shape, dtype=torch.float64, generator=generator).to(device)


def as_tuple(state):
    return state if isinstance(state, tuple) else (state,)


def run(module, X, state, weights_out, lengths=None, packed=False):
    """Forward and backward with a loss that reads outputs and every final state."""
    X = X.clone().requires_grad_()
    state = tuple(s.clone().requires_grad_() for s in as_tuple(state))
    module.zero_grad()
    initial = state if len(state) == 2 else state[0]
    if packed:
        out, final = module(pack_padded_sequence(X, lengths, enforce_sorted=False), initial)
        out, _ = pad_packed_sequence(out, total_length=X.shape[0])
    elif lengths is not None:
        out, final = module(X, initial, lengths=lengths)
    else:
        out, final = module(X, initial)
    loss = (out * weights_out).sum() + sum((s ** 2).sum() * (k + 1) for k, s in enumerate(as_tuple(final)))
    loss.backward()
    return out, as_tuple(final), X.grad, [s.grad for s in state], {n: p.grad.clone() for n, p in module.named_parameters()}


def assert_same(result_s, result_r):
    out_s, fin_s, dX_s, dst_s, g_s = result_s
    out_r, fin_r, dX_r, dst_r, g_r = result_r
    torch.testing.assert_close(out_s, out_r, **TOL)
    for a, b in zip(fin_s, fin_r, strict=True):
        torch.testing.assert_close(a, b, **TOL)
    torch.testing.assert_close(dX_s, dX_r, **TOL)
    for a, b in zip(dst_s, dst_r, strict=True):
        torch.testing.assert_close(a, b, **TOL)
    assert g_s.keys() == g_r.keys()
    for name in g_r:
        torch.testing.assert_close(g_s[name], g_r[name], **TOL, msg=name)


CONFIGS = list(itertools.product(["lstm", "gru"], [True, False], [1, 2], [False, True]))


@pytest.mark.parametrize("device", DEVICES, ids=DEVICE_IDS)
@pytest.mark.parametrize("kind,bias,num_layers,bidirectional", CONFIGS)
def test_equal_to_torch(device, kind, bias, num_layers, bidirectional):
    """Outputs, final states and every gradient equal nn.LSTM's / nn.GRU's."""
    T, B, D, H = 6, 3, 4, 5
    reference, scratch = make_pair(kind, D, H, num_layers, bias, bidirectional, device)
    dirs = 2 if bidirectional else 1
    generator = torch.Generator().manual_seed(1)
    X = torch.randn(T, B, D, dtype=torch.float64, generator=generator).to(device)
    state = random_state(kind, (num_layers * dirs, B, H), generator, device)
    weights_out = torch.randn(T, B, dirs * H, dtype=torch.float64, generator=generator).to(device)
    result_s = run(scratch, X, state, weights_out)
    result_r = run(reference, X, state, weights_out)
    assert result_s[0].shape == (T, B, dirs * H) and result_s[0].device == X.device
    assert all(s.shape == (num_layers * dirs, B, H) for s in result_s[1])
    assert len(result_s[1]) == (2 if kind == "lstm" else 1)
    assert_same(result_s, result_r)


@pytest.mark.parametrize("device", DEVICES, ids=DEVICE_IDS)
@pytest.mark.parametrize("kind", ["lstm", "gru"])
@pytest.mark.parametrize("num_layers,bidirectional", [(1, False), (2, True)])
def test_ragged_lengths_match_packed_sequence(device, kind, num_layers, bidirectional):
    """lengths= equals nn.LSTM / nn.GRU on pack_padded_sequence, gradients included."""
    T, B, D, H = 6, 4, 3, 4
    reference, scratch = make_pair(kind, D, H, num_layers, True, bidirectional, device, seed=2)
    dirs = 2 if bidirectional else 1
    lengths = torch.tensor([3, 6, 1, 4])
    generator = torch.Generator().manual_seed(3)
    X = torch.randn(T, B, D, dtype=torch.float64, generator=generator).to(device)
    state = random_state(kind, (num_layers * dirs, B, H), generator, device)
    weights_out = torch.randn(T, B, dirs * H, dtype=torch.float64, generator=generator).to(device)
    assert_same(run(scratch, X, state, weights_out, lengths=lengths),
                run(reference, X, state, weights_out, lengths=lengths, packed=True))


@pytest.mark.parametrize("device", DEVICES, ids=DEVICE_IDS)
def test_cells_equal_torch_cells(device):
    """LSTMCell and GRUCell equal nn.LSTMCell and nn.GRUCell with the same state_dict."""
    torch.manual_seed(4)
    x = torch.randn(3, 4, dtype=torch.float64, device=device)
    h = torch.randn(3, 5, dtype=torch.float64, device=device)
    c = torch.randn(3, 5, dtype=torch.float64, device=device)
    ref_lstm, lstm = nn.LSTMCell(4, 5).double().to(device), LSTMCell(4, 5).double().to(device)
    lstm.load_state_dict(ref_lstm.state_dict())
    for a, b in zip(lstm(x, (h, c)), ref_lstm(x, (h, c))):
        torch.testing.assert_close(a, b, **TOL)
    for a, b in zip(lstm(x), ref_lstm(x)):
        torch.testing.assert_close(a, b, **TOL)
    ref_gru, gru = nn.GRUCell(4, 5).double().to(device), GRUCell(4, 5).double().to(device)
    gru.load_state_dict(ref_gru.state_dict())
    torch.testing.assert_close(gru(x, h), ref_gru(x, h), **TOL)
    torch.testing.assert_close(gru(x), ref_gru(x), **TOL)


def test_nn_gru_computes_the_pytorch_convention_not_reset_before():
    """The proof the book cites: with the same weights, nn.GRU equals the reset-after-product form
    and differs from the reset-before-product form; both agree when r has no effect."""
    torch.manual_seed(5)
    reference = nn.GRU(3, 4).double()
    ours = GRU(3, 4).double()
    reset_before = GRU(3, 4, convention="reset_before").double()
    ours.load_state_dict(reference.state_dict())
    reset_before.load_state_dict(reference.state_dict())
    X = torch.randn(8, 2, 3, dtype=torch.float64)
    out_ref, _ = reference(X)
    torch.testing.assert_close(ours(X)[0], out_ref, **TOL)
    assert (reset_before(X)[0] - out_ref).abs().max() > 1e-2
    # In the reset-before form z weights the candidate: flip the sign of the z pre-activation (rows H:2H) and drop
    # the reset gate's effect (r = 1 when its pre-activation is huge, and no b_hn), then they agree.
    with torch.no_grad():
        for module in (reference, reset_before):
            H = 4
            module.weight_ih_l0[:H].zero_()
            module.weight_hh_l0[:H].zero_()
            module.bias_ih_l0[:H].fill_(50.0)
            module.bias_hh_l0[:H].zero_()
            module.bias_hh_l0[2 * H:].zero_()
        for name in ("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"):
            getattr(reset_before, name)[4:8].neg_()
    torch.testing.assert_close(reset_before(X)[0], reference(X)[0], rtol=1e-9, atol=1e-12)


def test_scratch_matches_numpy_references():
    """The torch modules and the NumPy references compute the same numbers (both GRU conventions)."""
    from rnncourse.numpy_ref.gru import gru_forward
    from rnncourse.numpy_ref.lstm import lstm_forward

    torch.manual_seed(6)
    X = torch.randn(5, 2, 3, dtype=torch.float64)
    lstm = LSTM(3, 4).double()
    p = {k[:-3].replace("weight_", "W_").replace("bias_", "b_"): v.detach().numpy() for k, v in lstm.state_dict().items()}
    Hs, Cs, _ = lstm_forward(X.numpy(), None, None, **p)
    out, (h_n, c_n) = lstm(X)
    torch.testing.assert_close(out, torch.from_numpy(Hs), **TOL)
    torch.testing.assert_close(c_n[0], torch.from_numpy(Cs[-1]), **TOL)
    for convention in ("pytorch", "reset_before"):
        gru = GRU(3, 4, convention=convention).double()
        p = {k[:-3].replace("weight_", "W_").replace("bias_", "b_"): v.detach().numpy() for k, v in gru.state_dict().items()}
        Hs, _ = gru_forward(X.numpy(), None, **p, convention=convention)
        torch.testing.assert_close(gru(X)[0], torch.from_numpy(Hs), **TOL)


def test_parameter_names_and_shapes_match_torch():
    for kind, bias, num_layers, bidirectional in itertools.product(["lstm", "gru"], [True, False], [1, 3], [False, True]):
        torch_cls, scratch_cls = KINDS[kind]
        reference = torch_cls(3, 5, num_layers=num_layers, bias=bias, bidirectional=bidirectional)
        scratch = scratch_cls(3, 5, num_layers=num_layers, bias=bias, bidirectional=bidirectional)
        assert [(n, p.shape) for n, p in scratch.named_parameters()] == \
               [(n, p.shape) for n, p in reference.named_parameters()]


def test_parameter_counts_are_four_and_three_times_an_rnn():
    def count(module):
        return sum(p.numel() for p in module.parameters())
    rnn = nn.RNN(10, 20)
    assert count(LSTM(10, 20)) == 4 * count(rnn)
    assert count(GRU(10, 20)) == 3 * count(rnn)


def test_unknown_gru_convention_is_refused():
    with pytest.raises(ValueError, match="convention"):
        GRUCell(2, 3, convention="keras")


@pytest.mark.parametrize("kind", ["lstm", "gru"])
@pytest.mark.parametrize("bidirectional", [False, True])
def test_meta_device(kind, bidirectional):
    """On the meta device every tensor stays on meta with the right shape (no fixed device)."""
    scratch = KINDS[kind][1](3, 4, num_layers=2, bidirectional=bidirectional).to("meta")
    dirs = 2 if bidirectional else 1
    X = torch.empty(6, 2, 3, device="meta")
    outputs, final = scratch(X, lengths=torch.tensor([6, 2]))
    assert outputs.device.type == "meta" and outputs.shape == (6, 2, dirs * 4)
    for s in as_tuple(final):
        assert s.device.type == "meta" and s.shape == (2 * dirs, 2, 4)
    state = torch.empty(2 * dirs, 2, 4, device="meta")
    outputs, final = scratch(X, (state, state) if kind == "lstm" else state)
    assert outputs.device.type == "meta"


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
@pytest.mark.parametrize("kind", ["lstm", "gru"])
def test_cuda_parity(kind):
    """On CUDA: the scratch module equals nn.LSTM / nn.GRU (float64), ragged lengths included."""
    reference, scratch = make_pair(kind, 3, 5, 2, True, True, "cuda")
    generator = torch.Generator().manual_seed(7)
    X = torch.randn(7, 4, 3, dtype=torch.float64, generator=generator).cuda()
    state = random_state(kind, (4, 4, 5), generator, "cuda")
    weights_out = torch.randn(7, 4, 10, dtype=torch.float64, generator=generator).cuda()
    result = run(scratch, X, state, weights_out)
    assert result[0].is_cuda
    assert_same(result, run(reference, X, state, weights_out))
    lengths = torch.tensor([7, 5, 2, 1])
    assert_same(run(scratch, X, state, weights_out, lengths=lengths.cuda()),
                run(reference, X, state, weights_out, lengths=lengths, packed=True))
