"""Ragged-batch helpers against packed nn.LSTM / nn.GRU and against plain loops."""
import pytest
import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from rnncourse.device import available_devices
from rnncourse.ragged import bidirectional_summary, last_real_step, length_mask, reverse_padded


@pytest.mark.parametrize("device", available_devices(), ids=str)
def test_last_real_step_and_summary_equal_packed_final_states(device):
    T, B, D, H = 8, 5, 3, 4
    lengths = torch.tensor([8, 3, 1, 5, 2])
    X = torch.randn(T, B, D, dtype=torch.float64, device=device)
    for cls in (nn.LSTM, nn.GRU):
        rnn = cls(D, H, bidirectional=True).double().to(device)
        out, h_n = rnn(pack_padded_sequence(X, lengths, enforce_sorted=False))
        out, _ = pad_packed_sequence(out, total_length=T)
        h_n = h_n[0] if isinstance(h_n, tuple) else h_n
        torch.testing.assert_close(last_real_step(out[..., :H], lengths), h_n[0], rtol=0, atol=1e-12)
        torch.testing.assert_close(bidirectional_summary(out, lengths), torch.cat([h_n[0], h_n[1]], -1),
                                   rtol=0, atol=1e-12)
        # the classic bug: outputs[-1] is a zero row (packed) for every sequence shorter than T
        assert torch.all(out[-1, 1:] == 0) and not torch.all(h_n[0, 1:] == 0)


def test_last_real_step_picks_by_loop_and_refuses_empty_sequences():
    out = torch.randn(6, 3, 2)
    got = last_real_step(out, [6, 1, 4])
    for b, n in enumerate([6, 1, 4]):
        assert torch.equal(got[b], out[n - 1, b])
    with pytest.raises(ValueError):
        last_real_step(out, [6, 0, 4])


def test_reverse_padded_reverses_within_each_length():
    X = torch.arange(5 * 3, dtype=torch.float64).view(5, 3, 1)
    lengths = [5, 2, 3]
    R = reverse_padded(X, lengths)
    for b, n in enumerate(lengths):
        assert torch.equal(R[:n, b], X[:n, b].flip(0))      # real steps reversed
        assert torch.equal(R[n:, b], X[n:, b])              # padding left at the end
    assert torch.equal(reverse_padded(R, lengths), X)       # an involution


def test_backward_layer_from_forward_layer_on_a_ragged_batch():
    """A forward nn.LSTM on reverse_padded inputs, reversed back, is the packed backward direction."""
    T, B, D, H = 7, 4, 3, 5
    lengths = torch.tensor([7, 2, 5, 4])
    X = torch.randn(T, B, D, dtype=torch.float64) * length_mask(lengths, T)[..., None]
    bi = nn.LSTM(D, H, bidirectional=True).double()
    backward = nn.LSTM(D, H).double()
    with torch.no_grad():
        for name, p in backward.named_parameters():
            p.copy_(getattr(bi, name + "_reverse"))
        out, _ = pad_packed_sequence(bi(pack_padded_sequence(X, lengths, enforce_sorted=False))[0], total_length=T)
        mine = reverse_padded(backward(reverse_padded(X, lengths))[0], lengths)
    real = length_mask(lengths, T)
    torch.testing.assert_close(mine[real], out[..., H:][real], rtol=0, atol=1e-12)


def test_helpers_run_on_meta_device():
    out = torch.empty(6, 3, 8, device="meta")
    lengths = torch.tensor([6, 2, 4], device="meta")
    assert last_real_step(out, lengths).shape == (3, 8)
    assert bidirectional_summary(out, lengths).device.type == "meta"
    assert reverse_padded(out, lengths).shape == out.shape
    assert length_mask(lengths, 6).shape == (6, 3)


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA device")
def test_last_real_step_on_gpu():
    out = torch.randn(5, 2, 3, device="cuda")
    assert torch.equal(last_real_step(out, torch.tensor([5, 2], device="cuda"))[1], out[1, 1])
