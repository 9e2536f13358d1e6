"""Scratch attention modules against NumPy and against torch.nn with copied weights (float64)."""
import numpy as np
import pytest
import torch
from torch import nn

from rnncourse.device import available_devices
from rnncourse.nn import attention as att
from rnncourse.numpy_ref import attention as ref

DEVICES = available_devices()
TOL = dict(rtol=1e-10, atol=1e-12)


def _mha_pair(E=8, h=2, seed=0, device="cpu"):
    torch.manual_seed(seed)
    theirs = nn.MultiheadAttention(E, h, dtype=torch.float64).to(device)
    with torch.no_grad():                                   # nonzero biases so that they matter
        theirs.in_proj_bias.normal_()
        theirs.out_proj.bias.normal_()
    mine = att.MultiHeadAttention(E, h).to(device=device, dtype=torch.float64)
    mine.load_state_dict(theirs.state_dict())
    return mine, theirs


@pytest.mark.parametrize("device", DEVICES, ids=str)
def test_sdpa_matches_numpy_and_torch(device):
    g = torch.Generator().manual_seed(0)
    Q, K, V = (torch.randn(3, 2, 5, 4, generator=g, dtype=torch.float64).to(device) for _ in range(3))
    out, w = att.scaled_dot_product_attention(Q, K, V, causal=True)
    want = nn.functional.scaled_dot_product_attention(Q, K, V, is_causal=True)
    torch.testing.assert_close(out, want, **TOL)
    O_np, A_np = ref.scaled_dot_product_attention(*(x.cpu().numpy() for x in (Q, K, V)), ref.causal_mask(5))
    np.testing.assert_allclose(out.cpu().numpy(), O_np, **TOL)
    np.testing.assert_allclose(w.cpu().numpy(), A_np, **TOL)


@pytest.mark.parametrize("device", DEVICES, ids=str)
@pytest.mark.parametrize("masks", ["none", "causal", "padding", "both"])
def test_multihead_attention_equals_nn_multiheadattention(device, masks):
    L, B, E = 6, 3, 8
    mine, theirs = _mha_pair(E, 2, device=device)
    g = torch.Generator().manual_seed(1)
    q, k, v = (torch.randn(L, B, E, generator=g, dtype=torch.float64).to(device) for _ in range(3))
    kw = {}
    if masks in ("causal", "both"):
        kw["attn_mask"] = att.causal_mask(L, device=device)
    if masks in ("padding", "both"):
        kw["key_padding_mask"] = ~att.length_mask([6, 4, 2], L, device=device).T   # (B, S) True at padding
    for avg in (True, False):
        out, w = mine(q, k, v, average_attn_weights=avg, **kw)
        want, want_w = theirs(q, k, v, average_attn_weights=avg, **kw)
        torch.testing.assert_close(out, want, **TOL)
        torch.testing.assert_close(w, want_w, **TOL)
    # gradients flow the same way to every parameter
    (mine(q, k, v, **kw)[0] ** 2).sum().backward()
    (theirs(q, k, v, **kw)[0] ** 2).sum().backward()
    for (name, p), (_, p2) in zip(mine.named_parameters(), theirs.named_parameters()):
        torch.testing.assert_close(p.grad, p2.grad, **TOL, msg=name)


@pytest.mark.parametrize("device", DEVICES, ids=str)
@pytest.mark.parametrize("norm_first", [False, True])
def test_transformer_encoder_layer_equals_nn(device, norm_first):
    T, B, E = 7, 2, 8
    torch.manual_seed(2)
    theirs = nn.TransformerEncoderLayer(E, 2, 16, dropout=0.0, norm_first=norm_first, dtype=torch.float64).to(device)
    mine = att.TransformerEncoderLayer(E, 2, 16, dropout=0.0, norm_first=norm_first).to(device=device, dtype=torch.float64)
    mine.load_state_dict(theirs.state_dict())
    X = torch.randn(T, B, E, dtype=torch.float64, device=device)
    pad = ~att.length_mask([7, 5], T, device=device).T
    for kw in ({}, {"src_mask": att.causal_mask(T, device=device)}, {"src_key_padding_mask": pad}):
        torch.testing.assert_close(mine(X, **kw), theirs(X, **kw), **TOL)


@pytest.mark.parametrize("device", DEVICES, ids=str)
def test_rnn_attention_modules_match_numpy(device):
    S, B, H, A = 5, 3, 4, 6
    g = torch.Generator().manual_seed(3)
    keys = torch.randn(S, B, H, generator=g, dtype=torch.float64).to(device)
    query = torch.randn(B, H, generator=g, dtype=torch.float64).to(device)
    mask = att.length_mask([5, 3, 1], S, device=device)
    c, w = att.DotProductAttention()(query, keys, mask)
    alpha_np, c_np = ref.dot_attention(query.cpu().numpy(), keys.cpu().numpy(), mask.cpu().numpy())
    np.testing.assert_allclose(w.cpu().numpy(), alpha_np, **TOL)
    np.testing.assert_allclose(c.cpu().numpy(), c_np, **TOL)
    assert torch.all(w[1, 3:] == 0) and w[2, 0] == 1

    add = att.AdditiveAttention(H, H, A).to(device=device, dtype=torch.float64)
    c, w = add(query, keys, mask)
    alpha_np, c_np = ref.additive_attention(
        query.cpu().numpy(), keys.cpu().numpy(), add.W_q.weight.detach().cpu().numpy(),
        add.W_k.weight.detach().cpu().numpy(), add.W_k.bias.detach().cpu().numpy(),
        add.v.weight.detach().cpu().numpy()[0], mask.cpu().numpy())
    np.testing.assert_allclose(w.detach().cpu().numpy(), alpha_np, **TOL)
    np.testing.assert_allclose(c.detach().cpu().numpy(), c_np, **TOL)


def test_everything_runs_on_meta_device():
    """Shape and device propagation: a tensor created on a fixed device would fail here."""
    meta = torch.device("meta")
    L, B, E = 5, 2, 8
    X = torch.empty(L, B, E, device=meta)
    pad = torch.zeros(B, L, dtype=torch.bool, device=meta)
    mha = att.MultiHeadAttention(E, 2).to(meta)
    out, w = mha(X, X, X, key_padding_mask=pad, is_causal=True)
    assert out.device == meta and out.shape == (L, B, E) and w.shape == (B, L, L)
    layer = att.TransformerEncoderLayer(E, 2, 16).to(meta)
    Y = layer(X, src_key_padding_mask=pad, is_causal=True)
    assert Y.device == meta and Y.shape == (L, B, E)
    add = att.AdditiveAttention(E, E, 4).to(meta)
    mask = att.length_mask(torch.empty(B, dtype=torch.long, device=meta), L)
    assert mask.device == meta and mask.shape == (L, B)
    c, w = add(X[0], X, mask)
    assert c.device == meta and c.shape == (B, E) and w.shape == (B, L)
    c, w = att.DotProductAttention(scaled=True)(X[0], X, None)
    assert c.device == meta and w.shape == (B, L)


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA device")
def test_multihead_attention_parity_on_gpu():
    mine, theirs = _mha_pair(device="cuda")
    X = torch.randn(6, 3, 8, dtype=torch.float64, device="cuda")
    mask = att.causal_mask(6, device="cuda")
    out, w = mine(X, X, X, attn_mask=mask)
    want, want_w = theirs(X, X, X, attn_mask=mask)
    assert out.device.type == "cuda"
    torch.testing.assert_close(out, want, **TOL)
    torch.testing.assert_close(w, want_w, **TOL)


def test_masked_positions_get_exactly_zero_weight_and_no_influence():
    T, B, E = 6, 2, 8
    mha, _ = _mha_pair(E, 2)
    X = torch.randn(T, B, E, dtype=torch.float64)
    pad = ~att.length_mask([6, 3], T).T
    out, w = mha(X, X, X, key_padding_mask=pad)
    assert torch.all(w[1, :, 3:] == 0)
    X2 = X.clone()
    X2[3:, 1] = 1e3                                          # garbage in the padding ...
    out2, _ = mha(X2, X2, X2, key_padding_mask=pad)
    torch.testing.assert_close(out2[:3, 1], out[:3, 1], **TOL)  # ... changes no real output
