"""The adding problem: the data, the models and a small rerun of benchmarks/adding_problem.py."""
import json
import runpy
from pathlib import Path

import pytest
import torch

from rnncourse.experiments.adding_problem import (BASELINE_MSE, AddingModel, RunConfig, adding_batch, baseline_mse,
                                                  results_table, train_one)

ROOT = Path(__file__).resolve().parents[1]


def test_batch_has_one_marker_in_each_half_and_the_right_target():
    X, y = adding_batch(200, 11, torch.Generator().manual_seed(0))
    assert X.shape == (11, 200, 2) and y.shape == (200,)
    markers = X[:, :, 1]
    assert torch.all(markers.sum(0) == 2)
    assert torch.all(markers[:5].sum(0) == 1) and torch.all(markers[5:].sum(0) == 1)
    torch.testing.assert_close(y, (X[:, :, 0] * markers).sum(0))
    assert float(X[:, :, 0].min()) >= 0 and float(X[:, :, 0].max()) <= 1


def test_baseline_is_one_sixth():
    assert baseline_mse(50) == pytest.approx(BASELINE_MSE, abs=3e-3)


def test_irnn_and_lstm_initialisation():
    irnn = AddingModel("irnn", 8)
    torch.testing.assert_close(irnn.rnn.weight_hh_l0, torch.eye(8))
    assert irnn.rnn.nonlinearity == "relu" and float(irnn.rnn.bias_hh_l0.detach().abs().sum()) == 0
    lstm = AddingModel("lstm", 8)
    torch.testing.assert_close(lstm.rnn.bias_ih_l0[8:16] + lstm.rnn.bias_hh_l0[8:16], torch.ones(8))
    with pytest.raises(ValueError):
        AddingModel("transformer", 8)


def test_runs_are_reproducible():
    a = train_one(RunConfig("gru", T=8, steps=15, hidden_size=8, eval_every=5))
    b = train_one(RunConfig("gru", T=8, steps=15, hidden_size=8, eval_every=5))
    assert a["curve_mse"] == b["curve_mse"] and len(a["curve_mse"]) == 3


def test_gru_learns_a_short_adding_problem():
    """Learning happens: a GRU beats the 1/6 baseline clearly at T = 5 within 400 steps."""
    row = train_one(RunConfig("gru", T=5, steps=400, hidden_size=16, lr=1e-2, eval_every=400))
    assert row["test_mse"] < 0.5 * BASELINE_MSE


def test_script_small_configuration(tmp_path):
    out = tmp_path / "adding.json"
    script = runpy.run_path(str(ROOT / "benchmarks" / "adding_problem.py"))
    assert script["main"](["--lengths", "6", "12", "--models", "rnn", "lstm", "--steps", "20",
                           "--hidden-size", "8", "--jobs", "1", "--out", str(out)]) == 0
    record = json.loads(out.read_text())
    assert {(r["model"], r["T"]) for r in record["results"]} == {("rnn", 6), ("lstm", 6), ("rnn", 12), ("lstm", 12)}
    for r in record["results"]:
        assert r["steps"] == 20 and r["solved"] == (r["test_mse"] < 0.01) and r["test_mse"] > 0
    assert set(record["baseline_mse_measured"]) == {"6", "12"}
    assert "lstm" in results_table(record["results"])


def test_committed_results_cover_the_table():
    """The file the chapter plots: every model at T = 10, 50, 100, and at T = 200 too once the run
    is marked complete; every row consistent with the script's definitions."""
    record = json.loads((ROOT / "book" / "data" / "adding_problem.json").read_text())
    cells = {(r["model"], r["T"]) for r in record["results"]}
    required = [10, 50, 100] + ([200] if record["complete"] else [])
    for model in ("rnn", "irnn", "lstm", "gru"):
        for T in required:
            assert (model, T) in cells, (model, T)
    for r in record["results"]:
        assert r["test_mse"] >= 0 and r["solved"] == (r["test_mse"] < record["solved_mse"])
        assert r["curve_mse"][-1] == r["test_mse"] and r["curve_step"][-1] == r["steps"]
    assert abs(record["baseline_mse"] - 1 / 6) < 1e-12
