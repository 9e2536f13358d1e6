"""NumPy attention reference: gradients against finite differences and against torch autograd."""
import numpy as np
import pytest
import torch

from rnncourse.numpy_ref import attention as ref


def _qkv(rng, B=2, L=4, S=5, d=3, dv=2):
    return rng.normal(size=(B, L, d)), rng.normal(size=(B, S, d)), rng.normal(size=(B, S, dv))


def test_softmax_rows_sum_to_one_and_survive_large_scores():
    s = np.array([[1000.0, 1001.0, 999.0], [-5.0, 0.0, 5.0]])
    p = ref.softmax(s)
    assert np.all(np.isfinite(p))
    np.testing.assert_allclose(p.sum(-1), 1.0)
    np.testing.assert_allclose(p[0], ref.softmax(s[0] - 1000.0))


@pytest.mark.parametrize("masked", [False, True])
def test_sdpa_backward_matches_finite_differences(masked):
    rng = np.random.default_rng(0)
    Q, K, V = _qkv(rng, L=4, S=4)
    forbidden = ref.causal_mask(4) if masked else None
    G = rng.normal(size=(2, 4, 2))                       # loss = sum(G * O)
    O, cache = ref.sdpa_forward(Q, K, V, forbidden)
    grads = ref.sdpa_backward(G, cache)
    eps = 1e-6
    for X, dX in zip((Q, K, V), grads):
        num = np.zeros_like(X)
        for idx in np.ndindex(X.shape):
            old = X[idx]
            X[idx] = old + eps
            plus = np.sum(G * ref.sdpa_forward(Q, K, V, forbidden)[0])
            X[idx] = old - eps
            minus = np.sum(G * ref.sdpa_forward(Q, K, V, forbidden)[0])
            X[idx] = old
            num[idx] = (plus - minus) / (2 * eps)
        np.testing.assert_allclose(dX, num, rtol=1e-6, atol=1e-8)


def test_sdpa_forward_and_backward_match_torch_autograd():
    rng = np.random.default_rng(1)
    Q, K, V = _qkv(rng, B=3, L=5, S=6, d=4, dv=3)
    forbidden = np.zeros((5, 6), dtype=bool)
    forbidden[:, -2:] = True                              # two padded keys
    G = rng.normal(size=(3, 5, 3))
    O, cache = ref.sdpa_forward(Q, K, V, forbidden)
    dQ, dK, dV = ref.sdpa_backward(G, cache)

    tQ, tK, tV = (torch.tensor(x, requires_grad=True) for x in (Q, K, V))
    tO = torch.nn.functional.scaled_dot_product_attention(tQ, tK, tV, attn_mask=~torch.tensor(forbidden))
    (tO * torch.tensor(G)).sum().backward()
    np.testing.assert_allclose(O, tO.detach().numpy(), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(dQ, tQ.grad.numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(dK, tK.grad.numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(dV, tV.grad.numpy(), rtol=1e-10, atol=1e-12)
    # padded keys get neither weight nor gradient
    assert np.all(cache[3][..., -2:] == 0)
    assert np.all(dK[:, -2:] == 0) and np.all(dV[:, -2:] == 0)


def test_causal_mask_blocks_the_future():
    rng = np.random.default_rng(2)
    Q, K, V = _qkv(rng, B=1, L=5, S=5)
    O, A = ref.scaled_dot_product_attention(Q, K, V, ref.causal_mask(5))
    assert np.all(np.triu(A[0], k=1) == 0)
    np.testing.assert_allclose(O[0, 0], V[0, 0])          # the first query sees only key 0
    V2 = V.copy()
    V2[0, 3:] += 10.0                                     # changing the future ...
    O2, _ = ref.scaled_dot_product_attention(Q, K, V2, ref.causal_mask(5))
    np.testing.assert_allclose(O2[0, :3], O[0, :3])       # ... leaves the past unchanged


def test_dot_and_additive_attention_weights_and_context():
    rng = np.random.default_rng(3)
    S, B, H, Aa = 6, 3, 4, 5
    Hs, s = rng.normal(size=(S, B, H)), rng.normal(size=(B, H))
    mask = np.arange(S)[:, None] < np.array([6, 4, 1])[None, :]
    alpha, c = ref.dot_attention(s, Hs, mask)
    assert alpha.shape == (B, S) and c.shape == (B, H)
    np.testing.assert_allclose(alpha.sum(1), 1.0)
    assert np.all(alpha[1, 4:] == 0) and alpha[2, 0] == 1.0
    for b in range(B):                                    # explicit loop as the definition reads
        e = Hs[:, b] @ s[b]
        e[~mask[:, b]] = -np.inf
        w = np.exp(e - e.max()) / np.exp(e - e.max()).sum()
        np.testing.assert_allclose(alpha[b], w)
        np.testing.assert_allclose(c[b], w @ Hs[:, b])
    W_q, W_k, b_k, v = rng.normal(size=(Aa, H)), rng.normal(size=(Aa, H)), rng.normal(size=Aa), rng.normal(size=Aa)
    alpha, c = ref.additive_attention(s, Hs, W_q, W_k, b_k, v, mask)
    e = np.tanh(W_q @ s[0] + W_k @ Hs[2, 0] + b_k) @ v
    all_e = np.array([np.tanh(W_q @ s[0] + W_k @ Hs[j, 0] + b_k) @ v for j in range(S)])
    np.testing.assert_allclose(alpha[0, 2], np.exp(e) / np.exp(all_e).sum())
