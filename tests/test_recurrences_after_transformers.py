"""Linear attention, the LRU, minGRU/minLSTM and the selective scan: every parallel form equals
the step-by-step loop, and the torch modules equal the float64 NumPy references."""
import numpy as np
import pytest
import torch

from rnncourse.device import available_devices
from rnncourse.nn import linear_attention as la_t
from rnncourse.nn.linear_recurrence import linear_recurrence, log_space_recurrence
from rnncourse.nn.lru import LRU
from rnncourse.nn.min_rnn import MinGRU, MinLSTM
from rnncourse.nn.selective_scan import MambaBlock, SelectiveScan
from rnncourse.numpy_ref import linear_attention as la_np
from rnncourse.numpy_ref import lru as lru_np
from rnncourse.numpy_ref import min_rnn as min_np
from rnncourse.numpy_ref import selective_scan as ss_np

TIGHT = dict(rtol=1e-10, atol=1e-10)


def _np(module, name):
    return getattr(module, name).detach().cpu().numpy()


# ---- linear attention ----------------------------------------------------------------------------

def test_linear_attention_numpy_masked_equals_recurrent_and_a_softmax_free_brute_force():
    rng = np.random.default_rng(0)
    T, B, d_k, d_v = 9, 2, 4, 3
    Q, K, V = rng.normal(size=(T, B, d_k)), rng.normal(size=(T, B, d_k)), rng.normal(size=(T, B, d_v))
    masked = la_np.causal_linear_attention_masked(Q, K, V)
    np.testing.assert_allclose(masked, la_np.causal_linear_attention_recurrent(Q, K, V), rtol=1e-12)
    # the definition, one query at a time: weighted average of v_j over j <= t
    t, b = 5, 1
    w = la_np.elu_feature_map(K[:t + 1, b]) @ la_np.elu_feature_map(Q[t, b])
    np.testing.assert_allclose(masked[t, b], (w / w.sum()) @ V[:t + 1, b], rtol=1e-12)
    assert np.all(la_np.elu_feature_map(np.array([-30.0, 0.0, 2.0])) > 0)


@pytest.mark.parametrize("device", available_devices(), ids=str)
def test_linear_attention_torch_modes_equal_numpy_and_stream(device):
    g = torch.Generator().manual_seed(1)
    T, B, d_k, d_v = 11, 3, 5, 2
    Q, K, V = (torch.randn(T, B, d, generator=g, dtype=torch.float64) for d in (d_k, d_k, d_v))
    want = la_np.causal_linear_attention_masked(Q.numpy(), K.numpy(), V.numpy())
    Qd, Kd, Vd = Q.to(device), K.to(device), V.to(device)
    masked, (S_m, z_m) = la_t.causal_linear_attention(Qd, Kd, Vd, "masked")
    recurrent, (S_r, z_r) = la_t.causal_linear_attention(Qd, Kd, Vd, "recurrent")
    np.testing.assert_allclose(masked.cpu().numpy(), want, **TIGHT)
    np.testing.assert_allclose(recurrent.cpu().numpy(), want, **TIGHT)
    torch.testing.assert_close(S_m, S_r, **TIGHT)
    torch.testing.assert_close(z_m, z_r, **TIGHT)
    # streaming: the second half continued from the first half's state equals the whole sequence
    first, state = la_t.causal_linear_attention(Qd[:4], Kd[:4], Vd[:4], "recurrent")
    second, _ = la_t.causal_linear_attention(Qd[4:], Kd[4:], Vd[4:], "recurrent", state)
    torch.testing.assert_close(torch.cat([first, second]), recurrent, **TIGHT)
    with pytest.raises(ValueError, match="mode"):
        la_t.causal_linear_attention(Qd, Kd, Vd, "softmax")


def test_linear_attention_module_gradients_equal_between_modes():
    torch.manual_seed(2)
    layer = la_t.CausalLinearAttention(6).double()
    X = torch.randn(7, 2, 6, dtype=torch.float64)
    grads = []
    for mode in ("masked", "recurrent"):
        layer.zero_grad()
        out, _ = layer(X, mode=mode)
        out.pow(2).sum().backward()
        grads.append([p.grad.clone() for p in layer.parameters()])
    for a, b in zip(*grads):
        torch.testing.assert_close(a, b, **TIGHT)


# ---- the linear recurrence in every mode -----------------------------------------------------------

@pytest.mark.parametrize("T", [1, 5, 64])
def test_linear_recurrence_modes_and_log_space_agree(T):
    g = torch.Generator().manual_seed(T)
    a = torch.rand(T, 2, 3, generator=g, dtype=torch.float64) * 0.9 + 0.05
    b = torch.rand(T, 2, 3, generator=g, dtype=torch.float64) + 0.1
    h0 = torch.rand(2, 3, generator=g, dtype=torch.float64)
    for init in (None, h0):
        want = linear_recurrence(a, b, init, "loop")
        for mode in ("scan", "chunked"):
            torch.testing.assert_close(linear_recurrence(a, b, init, mode), want, **TIGHT)
        torch.testing.assert_close(log_space_recurrence(a.log(), b.log(), init), want, **TIGHT)
    with pytest.raises(ValueError, match="mode"):
        linear_recurrence(a, b, None, "parallel")
    with pytest.raises(ValueError, match="non-negative"):
        log_space_recurrence(a.log(), b.log(), -h0)


def test_log_space_recurrence_survives_where_products_underflow():
    # a product of 2000 factors of 0.5 underflows float64 to 0; log space still gives the states
    T = 2000
    a = torch.full((T, 1), 0.5, dtype=torch.float64)
    b = torch.full((T, 1), 1.0, dtype=torch.float64)
    h = log_space_recurrence(a.log(), b.log())
    torch.testing.assert_close(h[-1], torch.tensor([2.0], dtype=torch.float64), rtol=1e-12, atol=0)  # fixed point b / (1 - a)


# ---- LRU ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("device", available_devices(), ids=str)
def test_lru_equals_numpy_in_every_mode(device):
    torch.manual_seed(3)
    lru = LRU(4, 6, dtype=torch.float64).to(device)
    X = torch.randn(13, 2, 4, dtype=torch.float64, device=device)
    want_y, want_h = lru_np.lru_forward(
        X.cpu().numpy(), _np(lru, "nu_log"), _np(lru, "theta_log"), _np(lru, "gamma_log"),
        _np(lru, "B_re") + 1j * _np(lru, "B_im"), _np(lru, "C_re") + 1j * _np(lru, "C_im"), _np(lru, "D"))
    for mode in ("loop", "scan", "chunked"):
        y, h_T = lru(X, mode=mode)
        np.testing.assert_allclose(y.detach().cpu().numpy(), want_y, **TIGHT)
        np.testing.assert_allclose(h_T.detach().cpu().numpy(), want_h[-1], **TIGHT)


def test_lru_is_stable_for_any_parameters_and_normalised_at_init():
    lam = lru_np.lru_eigenvalues(np.array([-20.0, 0.0, 5.0]), np.array([-3.0, 1.0, 4.0]))
    assert np.all(np.abs(lam) < 1)
    params = lru_np.lru_init(64, 3, np.random.default_rng(0), r_min=0.9, r_max=0.999)
    r = np.abs(lru_np.lru_eigenvalues(params["nu_log"], params["theta_log"]))
    assert np.all((r >= 0.9 - 1e-12) & (r <= 0.999 + 1e-12))
    np.testing.assert_allclose(np.exp(params["gamma_log"]) ** 2 + r ** 2, 1.0, rtol=1e-12)
    lru = LRU(3, 16, r_min=0.9, r_max=0.999, dtype=torch.float64)
    r = lru.eigenvalues().abs().detach()
    torch.testing.assert_close(torch.exp(lru.gamma_log.detach()) ** 2 + r ** 2, torch.ones(16, dtype=torch.float64))


# ---- minGRU / minLSTM -----------------------------------------------------------------------------

@pytest.mark.parametrize("device", available_devices(), ids=str)
@pytest.mark.parametrize("cls", [MinGRU, MinLSTM])
def test_min_rnn_modes_equal_numpy_and_each_other(device, cls):
    torch.manual_seed(4)
    cell = cls(5, 7, dtype=torch.float64).to(device)
    X = torch.randn(17, 3, 5, dtype=torch.float64, device=device)
    h0 = torch.rand(3, 7, dtype=torch.float64, device=device)
    weights = [_np(cell, f"{kind}_{name}") for name in cls.gates for kind in ("W", "b")]
    reference = min_np.mingru_forward if cls is MinGRU else min_np.minlstm_forward
    for init in (None, h0):
        want = reference(X.cpu().numpy(), *weights, None if init is None else init.cpu().numpy())
        for mode in ("loop", "scan", "chunked", "log"):
            out, h_T = cell(X, init, mode=mode)
            np.testing.assert_allclose(out.detach().cpu().numpy(), want, **TIGHT)
            torch.testing.assert_close(h_T, out[-1])


@pytest.mark.parametrize("cls", [MinGRU, MinLSTM])
def test_min_rnn_gradients_equal_between_loop_and_parallel_modes(cls):
    torch.manual_seed(5)
    cell = cls(3, 4, dtype=torch.float64)
    X = torch.randn(20, 2, 3, dtype=torch.float64)
    grads = {}
    for mode in ("loop", "scan", "chunked", "log"):
        cell.zero_grad()
        cell(X, mode=mode)[0].sum().backward()
        grads[mode] = [p.grad.clone() for p in cell.parameters()]
    for mode in ("scan", "chunked", "log"):
        for a, b in zip(grads[mode], grads["loop"]):
            torch.testing.assert_close(a, b, rtol=1e-9, atol=1e-10)


def test_min_rnn_gates_ignore_the_state_and_bad_input_is_named():
    cell = MinGRU(2, 3, dtype=torch.float64)
    X = torch.randn(6, 1, 2, dtype=torch.float64)
    out_a, _ = cell(X, torch.zeros(1, 3, dtype=torch.float64))
    out_b, _ = cell(X, torch.ones(1, 3, dtype=torch.float64))
    # one step from two states: the difference is (1 - z_1) * (h0_b - h0_a), z from the input only
    z_1 = torch.sigmoid(X[0] @ cell.W_z.T + cell.b_z)
    torch.testing.assert_close(out_b[0] - out_a[0], 1 - z_1)
    with pytest.raises(ValueError, match=r"\(T, B, 2\)"):
        cell(torch.randn(6, 2))


# ---- selective scan ---------------------------------------------------------------------------------

@pytest.mark.parametrize("device", available_devices(), ids=str)
def test_selective_scan_equals_numpy_in_every_mode(device):
    torch.manual_seed(6)
    ssm = SelectiveScan(5, state_size=4, dtype=torch.float64).to(device)
    with torch.no_grad():
        ssm.A_log.add_(0.3 * torch.randn_like(ssm.A_log))
        ssm.D.add_(torch.randn_like(ssm.D))
    X = torch.randn(12, 2, 5, dtype=torch.float64, device=device)
    want_y, want_h = ss_np.selective_scan(
        X.cpu().numpy(), _np(ssm.delta_proj, "weight"), _np(ssm.delta_proj, "bias"),
        _np(ssm, "W_B"), _np(ssm, "W_C"), _np(ssm, "A_log"), _np(ssm, "D"))
    for mode in ("loop", "scan", "chunked"):
        y, h_T = ssm(X, mode=mode)
        np.testing.assert_allclose(y.detach().cpu().numpy(), want_y, **TIGHT)
        np.testing.assert_allclose(h_T.detach().cpu().numpy(), want_h[-1], **TIGHT)


def test_selective_scan_is_selective_a_large_delta_forgets():
    # one channel, one state: A_bar = exp(-delta) -> 0 as delta grows, so h_t forgets h_{t-1}
    rng = np.random.default_rng(0)
    X = rng.normal(size=(2, 1, 1))
    kw = dict(W_B=np.ones((1, 1)), W_C=np.ones((1, 1)), A_log=np.zeros((1, 1)), D_skip=np.zeros(1))
    _, states = ss_np.selective_scan(X, np.zeros((1, 1)), np.array([50.0]), **kw)
    np.testing.assert_allclose(states[1, 0, 0, 0], 50.0 * X[1, 0, 0] ** 2, rtol=1e-9)      # only x_2 remains
    _, states = ss_np.selective_scan(X, np.zeros((1, 1)), np.array([-50.0]), **kw)
    assert abs(states[1, 0, 0, 0] - states[0, 0, 0, 0]) < 1e-18           # tiny delta: state kept


def test_mamba_block_is_causal():
    torch.manual_seed(7)
    block = MambaBlock(4, state_size=3).double()
    X = torch.randn(10, 2, 4, dtype=torch.float64)
    Y = X.clone()
    Y[6:] += 1.0                                           # change the future only
    torch.testing.assert_close(block(X)[:6], block(Y)[:6], **TIGHT)
    assert not torch.allclose(block(X)[6:], block(Y)[6:])


# ---- meta device: shapes and devices, no fixed device inside -------------------------------------

def test_every_module_runs_on_the_meta_device():
    T, B, D = 8, 2, 4
    X = torch.empty(T, B, D, device="meta")
    for mode in ("loop", "scan", "chunked", "log"):
        for cls in (MinGRU, MinLSTM):
            out, h = cls(D, 5, device="meta")(X, mode=mode)
            assert out.shape == (T, B, 5) and h.device.type == "meta"
    for mode in ("loop", "scan", "chunked"):
        y, h = LRU(D, 6, device="meta")(X, mode=mode)
        assert y.shape == (T, B, D) and h.shape == (B, 6) and y.device.type == "meta"
        y, h = SelectiveScan(D, 3, device="meta")(X, mode=mode)
        assert y.shape == (T, B, D) and h.shape == (B, D, 3) and y.device.type == "meta"
    for mode in ("masked", "recurrent"):
        y, (S, z) = la_t.CausalLinearAttention(D, device="meta")(X, mode=mode)
        assert y.shape == (T, B, D) and S.shape == (B, D, D) and S.device.type == "meta"
    assert MambaBlock(D, device="meta")(X).shape == (T, B, D)


# ---- the tasks and the side-by-side experiment ------------------------------------------------------

def test_selective_copying_targets_are_the_scattered_symbols_in_order():
    from rnncourse.data.recall_tasks import IGNORE, selective_copying
    tokens, targets = selective_copying(50, T=20, n_data=4, n_symbols=8, rng=np.random.default_rng(0))
    assert tokens.shape == targets.shape == (24, 50)
    for col in range(50):
        data = tokens[:20, col][tokens[:20, col] >= 2] - 2                # the symbols, in order of position
        assert len(data) == 4 and np.all(tokens[20:, col] == 1)
        np.testing.assert_array_equal(targets[20:, col], data)
        assert np.all(targets[:20, col] == IGNORE)
    with pytest.raises(ValueError, match="n_data"):
        selective_copying(1, T=3, n_data=4, n_symbols=8, rng=np.random.default_rng(0))


def test_associative_recall_targets_are_the_asked_keys_values():
    from rnncourse.data.recall_tasks import IGNORE, associative_recall
    n_pairs, n_queries, n_keys = 6, 3, 10
    tokens, targets = associative_recall(40, n_pairs, n_queries, n_keys, 12, np.random.default_rng(1))
    assert tokens.shape == (2 * n_pairs + n_queries, 40)
    for col in range(40):
        keys, values = tokens[0:2 * n_pairs:2, col], tokens[1:2 * n_pairs:2, col] - n_keys
        assert len(set(keys)) == n_pairs and np.all(keys < n_keys) and np.all(values >= 0)
        lookup = dict(zip(keys, values))
        for pos in range(2 * n_pairs, len(tokens)):
            assert targets[pos, col] == lookup[tokens[pos, col]]
        assert np.all(targets[:2 * n_pairs, col] == IGNORE)
    with pytest.raises(ValueError, match="n_queries"):
        associative_recall(1, 2, 3, 10, 4, np.random.default_rng(0))


def test_side_by_side_benchmark_runs_in_a_tiny_configuration(tmp_path):
    import json
    import subprocess
    import sys
    from pathlib import Path
    root = Path(__file__).resolve().parent.parent
    out = tmp_path / "side.json"
    subprocess.run([sys.executable, str(root / "benchmarks" / "recurrences_side_by_side.py"), "--steps", "2",
                    "--seeds", "0", "--n-test", "20", "--out", str(out)], check=True, cwd=root, capture_output=True, timeout=300)
    record = json.loads(out.read_text())
    assert {(r["task"], r["model"]) for r in record["runs"]} == {
        (task, kind) for task in record["config"]["tasks"] for kind in record["config"]["kinds"]}
    assert all(0.0 <= r["accuracy"] <= 1.0 and r["train_seconds"] > 0 for r in record["runs"])


def test_min_rnn_speed_benchmark_runs_in_a_tiny_configuration(tmp_path):
    import json
    import subprocess
    import sys
    from pathlib import Path
    root = Path(__file__).resolve().parent.parent
    subprocess.run([sys.executable, str(root / "benchmarks" / "min_rnn_speed.py"), "--lengths", "8", "--batch", "2",
                    "--input-size", "3", "--hidden-size", "4", "--repeats", "1", "--out", str(tmp_path)],
                   check=True, cwd=root, capture_output=True, timeout=300)
    data = json.loads((tmp_path / "min_rnn_speed.json").read_text())
    assert data["benchmark"] == "min_rnn_speed" and data["machine"]["device"] == "cpu"
    (row,) = data["rows"]
    assert row["T"] == 8 and all(row[f"{name}_ms"] > 0 for name in ("nn.GRU", "nn.LSTM", "minGRU log", "minLSTM chunked"))
    assert row["nn.GRU_over_minGRU"] > 0 and "min_rnn_speed.py" in (tmp_path / "min_rnn_speed.md").read_text()
