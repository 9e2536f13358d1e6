"""The gated cells' classic mistakes: without a slip they are torch's cells, and every slip gives
numbers of its own (so feedback can name it) on inputs with B, D, H all different and H >= 2."""
import itertools

import numpy as np
import pytest
import torch

from rnncourse.grading import gated, gates

B, D, H = 3, 2, 4


@pytest.fixture
def rng():
    return np.random.default_rng(7)


def _cell(module, gates_count, rng):
    """torch's ``module`` (LSTMCell or GRUCell, D -> H) with random weights, and the weights as arrays."""
    arrays = (rng.normal(size=(gates_count * H, D)), rng.normal(size=(gates_count * H, H)),
              rng.normal(size=gates_count * H), rng.normal(size=gates_count * H))
    cell = module(D, H).double()
    cell.load_state_dict({name: torch.from_numpy(a) for name, a in
                          zip(("weight_ih", "weight_hh", "bias_ih", "bias_hh"), arrays)})
    return cell, arrays


def _all_different(values: dict) -> None:
    for (m1, v1), (m2, v2) in itertools.combinations(values.items(), 2):
        assert not np.allclose(v1, v2), f"{m1!r} and {m2!r} give the same numbers"


def test_the_lstm_step_without_a_slip_is_torchs_cell_and_every_slip_differs(rng):
    x, h, c = rng.normal(size=(B, D)), rng.normal(size=(B, H)), rng.normal(size=(B, H))
    cell, weights = _cell(torch.nn.LSTMCell, 4, rng)
    with torch.no_grad():
        h_t, c_t = (t.numpy() for t in cell(torch.from_numpy(x), (torch.from_numpy(h), torch.from_numpy(c))))
    args = (x, h, c, *weights)
    np.testing.assert_allclose(gates.lstm_forward(*args), (h_t, c_t), rtol=1e-12, atol=1e-12)
    wrong = gates.lstm_forward_mistakes(*args)
    assert len(wrong["c_t"]) + len(wrong["h_t"]) == len(gates.FORWARD_SLIPS)
    for name, right in (("c_t", c_t), ("h_t", h_t)):
        _all_different({"right": right, **wrong[name]})
    for slip in set(gates.FORWARD_SLIPS) - set(gates.CELL_SLIPS):       # the h_t slips leave c_t right
        np.testing.assert_allclose(gates.lstm_forward(*args, slip=slip)[1], c_t, rtol=1e-12)


def test_every_gru_slip_differs_from_torchs_cell_and_from_the_others(rng):
    x, h = rng.normal(size=(B, D)), rng.normal(size=(B, H))
    cell, weights = _cell(torch.nn.GRUCell, 3, rng)
    with torch.no_grad():
        right = cell(torch.from_numpy(x), torch.from_numpy(h)).numpy()
    wrong = gates.gru_mistakes(x, h, *weights)
    assert len(wrong) == 7
    _all_different({"right": right, **wrong})


def test_the_notes_weights_mapped_right_are_what_nn_lstm_computes_and_each_slip_differs(rng):
    W = {k: rng.normal(size=(H, H + D)) for k in gated.NOTES_ORDER}
    b = {k: rng.normal(size=H) for k in gated.NOTES_ORDER}
    X = rng.normal(size=(5, B, D))
    stacked = np.concatenate([W[k] for k in gated.TORCH_ORDER])
    lstm = torch.nn.LSTM(D, H).double()
    lstm.load_state_dict({"weight_ih_l0": torch.from_numpy(stacked[:, H:]), "weight_hh_l0": torch.from_numpy(stacked[:, :H]),
                          "bias_ih_l0": torch.from_numpy(np.concatenate([b[k] for k in gated.TORCH_ORDER])),
                          "bias_hh_l0": torch.zeros(4 * H, dtype=torch.float64)})
    with torch.no_grad():
        right = lstm(torch.from_numpy(X))[0].numpy()
    np.testing.assert_allclose(gated.lstm_mapping_states(W, b, X), right, rtol=1e-12, atol=1e-12)
    wrong = gated.lstm_mapping_mistakes(W, b, X)
    assert len(wrong) == 4
    _all_different({"right": right, **wrong})
