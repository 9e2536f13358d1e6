"""Experiments behind the book's derivations and worked examples: the one-step Jacobian slip
(ch05), the He initialisation (ch05), the gate-by-gate gradient check and the backward graph of
the gated layers (ch06), and audio framed as a sequence (ch01)."""
from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn

from rnncourse.experiments import gradient_problems, lstm_gru, why_recurrent
from rnncourse.numpy_ref import gru as gru_np
from rnncourse.numpy_ref import lstm as lstm_np


def test_one_step_jacobian_right_formula_matches_autograd_and_the_slip_does_not():
    g = torch.Generator().manual_seed(3)
    J = gradient_problems.one_step_jacobians(*(torch.randn(*shape, generator=g, dtype=torch.float64)
                                               for shape in [(5, 5), (5, 2), (5,), (2,)]))
    torch.testing.assert_close(J["right"], J["autograd"], rtol=1e-12, atol=1e-12)
    assert float((J["slope_at_previous"] - J["autograd"]).abs().max()) > 1e-2


def test_he_initialisation_has_variance_two_over_fan_in():
    net = gradient_problems.AddingRNN("tanh", hidden_size=256, init="he", seed=0)
    W = net.rnn.weight_hh_l0.detach()
    assert abs(float(W.var()) * 256 / 2 - 1) < 0.05
    with pytest.raises(ValueError):
        gradient_problems.AddingRNN("tanh", init="nonsense")


@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_gate_gradient_check_passes_every_gate(cell):
    errors = lstm_gru.gate_gradient_check(cell)
    gates = "ifgo" if cell == "lstm" else "rzn"
    assert {f"W_hh[{g}]" for g in gates} <= set(errors)
    assert max(errors.values()) < 1e-7


def test_gate_gradient_check_catches_a_wrong_gate(monkeypatch):
    """A backward pass that forgets the cell path (dc from the next step) fails the check."""
    right = lstm_np.lstm_step_backward

    def forgets_the_cell_path(dh_t, dc_t, cache):
        return right(dh_t, np.zeros_like(dc_t), cache)

    monkeypatch.setattr(lstm_np, "lstm_step_backward", forgets_the_cell_path)
    errors = lstm_gru.gate_gradient_check("lstm")
    assert errors["W_hh[f]"] > 1e-3 and errors["c0"] > 1e-3


def test_gate_gradient_check_catches_a_wrong_gru_bias(monkeypatch):
    right = gru_np.gru_step_backward

    def same_biases(dh_t, cache):
        grads = right(dh_t, cache)
        return {**grads, "b_hh": grads["b_ih"].copy()}   # the classic slip: b_hn gets b_in's gradient

    # gru_backward looks its step up in the table of conventions
    monkeypatch.setitem(gru_np._STEPS, "pytorch", (gru_np.gru_step_forward, same_biases))
    errors = lstm_gru.gate_gradient_check("gru")
    assert errors["b_hh[n]"] > 1e-3 and errors["b_hh[r]"] < 1e-7
    with pytest.raises(ValueError):
        lstm_gru.gate_gradient_check("rnn")


def test_autograd_nodes_grow_with_the_steps_of_a_step_by_step_layer():
    torch.manual_seed(0)
    gru = nn.GRU(3, 4)
    short, long = (sum(lstm_gru.autograd_nodes(gru, T, 2, 3).values()) for T in (5, 10))
    assert long > short + 5          # several nodes per step
    rnn_nodes = lstm_gru.autograd_nodes(nn.RNN(3, 4), 5, 2, 3)
    assert rnn_nodes["TanhBackward0"] == 5   # one tanh per step


def test_frames_and_band_energies_shapes_and_overlap():
    signal = np.arange(10 * why_recurrent.HOP + why_recurrent.FRAME_LENGTH, dtype=float)
    framed = why_recurrent.frames(signal)
    assert framed.shape == (11, why_recurrent.FRAME_LENGTH)
    assert framed[1, 0] == why_recurrent.HOP and framed[0, -1] == why_recurrent.FRAME_LENGTH - 1
    assert why_recurrent.band_energies(framed).shape == (11, why_recurrent.BANDS)


def test_a_chirp_puts_its_energy_where_its_frequency_is():
    rng = np.random.default_rng(0)
    rising = why_recurrent.band_energies(why_recurrent.frames(why_recurrent.chirp(2000, 100, 900, rng, noise=0.0)))
    loudest = rising.argmax(axis=1)        # the band with most energy, frame by frame
    assert loudest[0] < loudest[-1] and np.all(np.diff(loudest) >= -1)


def test_chirp_task_labels_and_the_same_frames_reversed():
    X, y = why_recurrent.chirp_task(64, 12, np.random.default_rng(1))
    assert X.shape == (12, 64, why_recurrent.BANDS) and X.dtype == np.float32 and set(y) == {0, 1}
    # without noise a falling chirp is the rising one played backwards: same frames, reversed order
    rng = np.random.default_rng(0)
    n = 11 * why_recurrent.HOP + why_recurrent.FRAME_LENGTH
    up = why_recurrent.band_energies(why_recurrent.frames(why_recurrent.chirp(n, 200, 800, rng, noise=0.0)))
    down = why_recurrent.band_energies(why_recurrent.frames(why_recurrent.chirp(n, 800, 200, rng, noise=0.0)))
    np.testing.assert_allclose(up.mean(axis=0), down.mean(axis=0), atol=0.5)
    assert np.abs(up - down).max() > 1.0


def test_the_order_blind_model_cannot_tell_rising_from_falling_but_the_rnn_can():
    torch.manual_seed(0)
    bag, rnn = why_recurrent.BagOfInputs(why_recurrent.BANDS, 8), why_recurrent.TinyRNN(why_recurrent.BANDS, 8)
    acc_bag = why_recurrent.train(bag, lengths=(8, 12), steps=40, task=why_recurrent.chirp_task).accuracy[-1]
    acc_rnn = why_recurrent.train(rnn, lengths=(8, 12), steps=40, task=why_recurrent.chirp_task).accuracy[-1]
    assert acc_bag < 0.6 < 0.9 < acc_rnn


def test_causal_convolution_sees_exactly_its_receptive_field():
    from rnncourse.experiments import deep_bidirectional as db

    torch.manual_seed(0)
    model = db.CausalConvTagger(channels=4, kernel=3, dilations=(1, 2, 4))
    assert model.receptive_field == 15
    X = torch.randn(40, 1, 1, requires_grad=True)
    logits, _ = model(X)
    logits[30].sum().backward()            # output at step 30
    reached = torch.nonzero(X.grad[:, 0, 0].abs() > 0).flatten()
    assert reached.max() == 30 and reached.min() >= 30 - 15 + 1   # only the 15 steps up to 30, none after
    assert db.time_forward_backward(model, T=16, repeats=1) > 0


def test_forecaster_grid_trains_one_model_per_point():
    from rnncourse.experiments import training_practice as tp

    runs = tp.forecaster_grid({"num_layers": [1, 2], "batch_size": [64]}, epochs=1, hidden_size=4)
    assert [r["params"] for r in runs] == [{"num_layers": 1, "batch_size": 64}, {"num_layers": 2, "batch_size": 64}]
    assert all(np.isfinite(r["best_val_mse"]) and r["seconds"] > 0 for r in runs)
