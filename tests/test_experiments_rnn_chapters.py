"""Experiments of the chapters on the RNN equations, unrolling and BPTT (fast checks of their claims)."""
from __future__ import annotations

import numpy as np
import torch
from torch import nn

from rnncourse.experiments import bptt, rnn_equations, unrolling
from rnncourse.numpy_ref.rnn import rnn_backward, rnn_forward


def test_parameter_count_matches_torch():
    for D, H, K in [(1, 1, 0), (8, 32, 5), (3, 7, 2)]:
        counted = sum(p.numel() for p in nn.RNN(D, H).parameters())
        if K:
            counted += sum(p.numel() for p in nn.Linear(H, K).parameters())
        assert rnn_equations.parameter_count(D, H, K, pytorch_biases=True) == counted
        assert rnn_equations.parameter_count(D, H, K) == counted - H


def test_parity_table_is_at_rounding_level():
    rows = rnn_equations.parity_table(T=5, B=2, D=3, H=4)
    assert len(rows) == 8
    assert max(max(r["numpy"], r["scratch_torch"]) for r in rows) < 1e-12


def test_state_norms_bounded_for_tanh_and_growing_for_relu():
    assert rnn_equations.state_norms("tanh", 1.5, T=40).max() <= np.sqrt(32)
    relu = rnn_equations.state_norms("relu", 1.2, T=40)
    assert relu[-1] > 10 * relu[0]


def test_one_step_cell_bug_and_fix():
    torch.manual_seed(0)
    cell = nn.RNNCell(3, 4).double()
    X = torch.randn(6, 2, 3, dtype=torch.float64)
    reference = nn.RNN(3, 4).double()
    reference.load_state_dict({f"{k}_l0": v for k, v in cell.state_dict().items()})
    expected, h_n = reference(X)
    fixed, h_T = rnn_equations.carry_the_state(cell, X)
    torch.testing.assert_close(fixed, expected)
    torch.testing.assert_close(h_T, h_n[0])
    wrong = rnn_equations.one_step_cell_on_sequence(cell, X)
    assert not torch.allclose(wrong, expected)
    torch.testing.assert_close(wrong[0], expected[0])  # only step 1 is right: it really starts from h0


def test_batch_first_indexing_reads_only_the_last_sequence():
    torch.manual_seed(0)
    model = rnn_equations.LastStepClassifier(3, 5, 2, read="out[:, -1, :]")
    X = torch.randn(4, 4, 3, requires_grad=True)
    model(X)[0].sum().backward()
    influence = X.grad.abs().sum(dim=(0, 2))
    assert torch.all(influence[:-1] == 0) and influence[-1] > 0


def test_unrolled_untied_network_and_step_terms():
    torch.manual_seed(1)
    T, B, D, H = 5, 2, 3, 4
    rnn = nn.RNN(D, H).double()
    X = torch.randn(T, B, D, dtype=torch.float64)
    h0 = torch.zeros(B, H, dtype=torch.float64)
    out, _ = rnn(X, h0[None])
    W_xh, W_hh = rnn.weight_ih_l0.detach(), rnn.weight_hh_l0.detach()
    b_h = (rnn.bias_ih_l0 + rnn.bias_hh_l0).detach()
    torch.testing.assert_close(unrolling.unroll_by_hand(X, h0, W_xh, W_hh, b_h), out.detach())
    untied = unrolling.UntiedUnrolled(rnn, T)
    G = torch.randn(T, B, H, dtype=torch.float64)
    (untied(X, h0) * G).sum().backward()
    per_copy = torch.stack([w.grad for w in untied.W_hh]).numpy()
    terms = unrolling.per_step_contributions(G.numpy(), X.numpy(), out.detach().numpy(), h0.numpy(),
                                             W_xh.numpy(), W_hh.numpy())
    np.testing.assert_allclose(terms["dW_hh"], per_copy, atol=1e-12)
    tied = rnn_backward(G.numpy(), X.numpy(), out.detach().numpy(), h0.numpy(), W_xh.numpy(), W_hh.numpy())
    np.testing.assert_allclose(per_copy.sum(0), tied["dW_hh"], atol=1e-12)


def test_jacobian_product_and_double_sum():
    rng = np.random.default_rng(0)
    T, D, H = 6, 2, 3
    x, h0 = rng.normal(size=(T, D)), 0.5 * rng.normal(size=H)
    W_xh, W_hh, b_h = rng.normal(size=(H, D)), 0.7 * rng.normal(size=(H, H)), rng.normal(size=H)
    G = rng.normal(size=(T, H))
    terms, Hs = bptt.double_sum_terms(x, h0, W_xh, W_hh, b_h, G)
    for t, k in [(6, 0), (4, 2), (3, 3)]:
        np.testing.assert_allclose(bptt.jacobian_product(Hs, W_hh, t, k),
                                   bptt.autograd_jacobian(x, h0, W_xh, W_hh, b_h, t, k), atol=1e-13)
    assert np.all(terms[np.triu_indices(T, 1)] == 0)  # k > t: no term
    Hs_b = rnn_forward(x[:, None], h0[None], W_xh, W_hh, b_h)
    expected = rnn_backward(G[:, None], x[:, None], Hs_b, h0[None], W_xh, W_hh)["dW_hh"]
    np.testing.assert_allclose(bptt.double_sum_gradient(x, h0, W_xh, W_hh, b_h, G), expected, atol=1e-12)


def test_echo_task_targets():
    X, y = bptt.echo_task(5, 10, 3, np.random.default_rng(0))
    assert X.shape == (10, 5, 1) and y.shape == (10, 5)
    assert np.all(y[:3] == -1)
    np.testing.assert_array_equal(y[3:], (X[:-3, :, 0] > 0).astype(int))


def test_activation_memory_is_linear_in_T_and_constant_per_window():
    sizes = [bptt.activation_bytes(T, B=4, D=3, H=8) for T in (10, 20, 30)]
    assert sizes[1] - sizes[0] == sizes[2] - sizes[1] > 0  # exactly linear: same bytes per step
    assert sizes[1] - sizes[0] >= 10 * 4 * 8 * 4  # at least one hidden state per step (float32)
    assert bptt.activation_bytes(40, B=4, D=3, H=8, window=5) == bptt.activation_bytes(80, B=4, D=3, H=8, window=5)
