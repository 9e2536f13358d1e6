"""Bad input to the course's modules fails as it does in torch.nn: loudly, naming the argument."""
from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from torch import nn
from torch.nn import functional as F
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from rnncourse.nn import GRU, LSTM, RNN, attention as att
from rnncourse.nn.fused import FusedGRU, FusedLSTM
from rnncourse.numpy_ref import gru as np_gru, lstm as np_lstm
from rnncourse.scan import linear_recurrence_chunked, linear_recurrence_loop, linear_recurrence_scan

MODULES = {"rnn": RNN, "lstm": LSTM, "gru": GRU, "fused lstm": FusedLSTM, "fused gru": FusedGRU}
ALL = list(MODULES)


def module(kind, **kwargs):
    torch.manual_seed(0)
    return MODULES[kind](3, 4, **kwargs)


def state_for(kind, shape, **kwargs):
    h = torch.zeros(*shape, **kwargs)
    return (h, h.clone()) if kind.endswith("lstm") else h


@pytest.mark.parametrize("kind", ["lstm", "fused lstm"])
def test_lstm_refuses_one_tensor_as_state(kind):
    """With B = 2 a (2, B, H) tensor used to unpack silently into h0 and c0."""
    X = torch.randn(5, 2, 3)
    with pytest.raises(RuntimeError, match=r"\(h0, c0\)"):
        module(kind)(X, torch.zeros(2, 2, 4))
    with pytest.raises(ValueError, match=r"\(h0, c0\)"):
        module(kind)(X, (torch.zeros(1, 2, 4),) * 3)


@pytest.mark.parametrize("kind", ["rnn", "gru", "fused gru"])
def test_one_layer_refuses_a_state_for_two_layers(kind):
    """A 1-layer GRU given h0 (2, B, H) used to run on h0[0] silently; a tuple is refused too."""
    X = torch.randn(5, 2, 3)
    with pytest.raises(RuntimeError, match=r"h0.*\(1, 2, 4\).*\(2, 2, 4\)"):
        module(kind)(X, torch.zeros(2, 2, 4))
    with pytest.raises(RuntimeError, match="h0"):
        module(kind)(X, (torch.zeros(1, 2, 4), torch.zeros(1, 2, 4)))


@pytest.mark.parametrize("kind", ALL)
def test_wrong_shapes_name_the_argument_expected_and_given(kind):
    X = torch.randn(5, 2, 3)
    with pytest.raises(RuntimeError, match=r"X.*input size.*3.*got 4"):
        module(kind)(torch.randn(5, 2, 4))
    with pytest.raises(RuntimeError, match=r"h0.*\(1, 2, 4\).*\(1, 3, 4\)"):
        module(kind)(X, state_for(kind, (1, 3, 4)))
    with pytest.raises(RuntimeError, match=r"h0.*\(2, 2, 4\).*\(1, 2, 4\)"):
        module(kind, num_layers=2)(X, state_for(kind, (1, 2, 4)))
    if kind.endswith("lstm"):
        with pytest.raises(RuntimeError, match=r"c0.*\(1, 2, 4\).*\(1, 2, 5\)"):
            module(kind)(X, (torch.zeros(1, 2, 4), torch.zeros(1, 2, 5)))


@pytest.mark.parametrize("kind", ALL)
def test_mixed_dtypes_name_the_argument(kind):
    X = torch.randn(5, 2, 3)
    with pytest.raises(RuntimeError, match=r"X.*float64.*float32"):
        module(kind)(X.double())
    with pytest.raises(RuntimeError, match=r"h0.*float64.*float32"):
        module(kind)(X, state_for(kind, (1, 2, 4), dtype=torch.float64))


@pytest.mark.parametrize("kind", ALL)
def test_no_time_steps_is_refused(kind):
    """T = 0 used to fail inside torch.stack; torch.nn says the length must be positive."""
    with pytest.raises(RuntimeError, match="T = 0"):
        module(kind)(torch.randn(0, 2, 3))


@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("lengths,message", [
    ([5, -1], "between 1 and T = 5"), ([5, 0], "between 1 and T = 5"), ([6, 2], "between 1 and T = 5"),
    ([5.0, 1.5], "integers"), (torch.tensor([5.0, 2.0]), "integers"), ([5, 2, 3], "one per sequence"),
    ([[5, 2]], "one per sequence")])
def test_bad_lengths_are_refused(kind, lengths, message):
    with pytest.raises(RuntimeError, match=r"lengths.*" + message):
        module(kind)(torch.randn(5, 2, 3), lengths=lengths)


@pytest.mark.parametrize("kind", ["lstm", "gru"])
def test_nan_in_the_padding_reaches_no_gradient(kind):
    """The cell used to run on padding and torch.where only zeroed the gradient: 0 * NaN = NaN in
    every weight. Now padding cannot reach anything, as with packing, and the numbers equal torch's."""
    T, B, D, H = 6, 3, 3, 4
    torch.manual_seed(1)
    reference = (nn.LSTM if kind == "lstm" else nn.GRU)(D, H, bidirectional=True).double()
    scratch = MODULES[kind](D, H, bidirectional=True).double()
    scratch.load_state_dict(reference.state_dict())
    lengths = torch.tensor([6, 2, 4])
    X = torch.randn(T, B, D, dtype=torch.float64)
    X_nan = X.clone()
    X_nan[2:, 1] = math.nan
    X_nan[4:, 2] = math.inf
    out, _ = scratch(X_nan, lengths=lengths)
    out.pow(2).sum().backward()
    packed, _ = reference(pack_padded_sequence(X, lengths, enforce_sorted=False))
    pad_packed_sequence(packed, total_length=T)[0].pow(2).sum().backward()
    for (name, p), q in zip(scratch.named_parameters(), reference.parameters()):
        assert torch.isfinite(p.grad).all(), name
        torch.testing.assert_close(p.grad, q.grad, rtol=1e-10, atol=1e-12, msg=name)


def test_numpy_backward_refuses_no_time_steps():
    """lstm_backward and gru_backward used to raise IndexError on T = 0."""
    rng = np.random.default_rng(0)
    W_ih, W_hh = rng.standard_normal((8, 3)), rng.standard_normal((8, 2))
    with pytest.raises(ValueError, match="T = 0"):
        np_lstm.lstm_forward(np.zeros((0, 2, 3)), None, None, W_ih, W_hh)
    with pytest.raises(ValueError, match="T = 0"):
        np_lstm.lstm_backward(np.zeros((0, 2, 2)), [])
    with pytest.raises(ValueError, match="T = 0"):
        np_gru.gru_forward(np.zeros((0, 2, 3)), None, W_ih[:6], W_hh[:6])
    with pytest.raises(ValueError, match="T = 0"):
        np_gru.gru_backward(np.zeros((0, 2, 2)), ("pytorch", []))


@pytest.mark.parametrize("scan", [linear_recurrence_loop, linear_recurrence_scan, linear_recurrence_chunked])
def test_scans_of_an_empty_sequence_are_empty(scan):
    """No steps, no states: (0, ...) in, (0, ...) out, with or without h0 (an IndexError before)."""
    a = torch.rand(0, 3)
    for h0 in (None, torch.ones(3)):
        out = scan(a, a, h0)
        assert out.shape == (0, 3)


def test_causal_attention_with_more_keys_than_queries():
    """An (L, L) mask was sliced to (L, S) and failed for S > L; the causal rule is torch's
    (query i sees keys 0..i)."""
    g = torch.Generator().manual_seed(0)
    Q = torch.randn(2, 3, 4, dtype=torch.float64, generator=g)
    K = torch.randn(2, 5, 4, dtype=torch.float64, generator=g)
    V = torch.randn(2, 5, 6, dtype=torch.float64, generator=g)
    for L in (3, 5):
        out, _ = att.scaled_dot_product_attention(Q[:, :L] if L == 3 else K, K, V, causal=True)
        want = F.scaled_dot_product_attention(Q[:, :L] if L == 3 else K, K, V, is_causal=True)
        torch.testing.assert_close(out, want, rtol=1e-10, atol=1e-12)


def test_fully_masked_query_row_matches_torch():
    """A query that may look at no key gets output 0 and weights 0, as in F.scaled_dot_product_attention
    (not NaN), and no NaN reaches a gradient."""
    g = torch.Generator().manual_seed(1)
    Q, K, V = (torch.randn(1, 3, 4, dtype=torch.float64, generator=g).requires_grad_() for _ in range(3))
    forbidden = torch.zeros(3, 3, dtype=torch.bool)
    forbidden[1] = True
    out, weights = att.scaled_dot_product_attention(Q, K, V, attn_mask=forbidden)
    torch.testing.assert_close(out, F.scaled_dot_product_attention(Q, K, V, attn_mask=~forbidden),
                               rtol=1e-10, atol=1e-12)
    assert torch.all(weights[0, 1] == 0) and torch.all(out[0, 1] == 0)
    out.sum().backward()
    assert all(torch.isfinite(t.grad).all() for t in (Q, K, V))


def test_length_mask_on_meta_device():
    """length_mask used to call .item() on a meta tensor: now it works when T is given and says
    why T is needed otherwise."""
    lengths = torch.empty(3, dtype=torch.long, device="meta")
    mask = att.length_mask(lengths, 5)
    assert mask.device.type == "meta" and mask.shape == (5, 3)
    with pytest.raises(ValueError, match="T"):
        att.length_mask(lengths)
