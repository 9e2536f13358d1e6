"""The adding problem: the data, the models and a small rerun of benchmarks/adding_problem.py."""
import json
import runpy
from pathlib import Path

import pytest
import torch

from rnncourse.experiments.adding_problem import (BASELINE_MSE, AddingModel, RunConfig, adding_batch, baseline_mse,
                                                  results_table, select_runs, train_one)

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
    assert script["main"](["--lengths", "6", "12", "--models", "rnn", "lstm", "--steps", "20", "--lrs", "1e-3", "1e-2",
                           "--hidden-size", "8", "--jobs", "1", "--out", str(out)]) == 0
    record = json.loads(out.read_text())
    assert sorted((r["model"], r["T"], r["lr"]) for r in record["results"]) == sorted(
        (m, T, lr) for m in ("rnn", "lstm") for T in (6, 12) for lr in (1e-3, 1e-2))
    for r in record["results"]:
        assert r["steps"] == 20 and r["solved"] == (r["test_mse"] < 0.01) and r["test_mse"] > 0
        assert r["validation_mse"] > 0 and r["validation_mse"] != r["test_mse"]  # two different held-out sets
    assert set(record["baseline_mse_measured"]) == {"6", "12"}
    assert record["complete"] is True
    assert "lstm" in results_table(record["results"])


def _row(model, T, lr, validation, test):
    return {"model": model, "T": T, "lr": lr, "validation_mse": validation, "test_mse": test,
            "solved": test < 0.01}


def test_selection_uses_validation_not_test_and_never_picks_a_diverged_run():
    rows = [_row("lstm", 50, 1e-3, 0.02, 0.001),   # best on test, worse on validation
            _row("lstm", 50, 1e-2, 0.01, 0.05),
            _row("rnn", 50, 1e-3, float("inf"), 0.0),  # diverged: never chosen over a finite run
            _row("rnn", 50, 1e-2, 0.16, 0.16),
            _row("gru", 10, 1e-3, 0.001, 0.001)]
    chosen = {(r["model"], r["T"]): r["lr"] for r in select_runs(rows)}
    assert chosen == {("lstm", 50): 1e-2, ("rnn", 50): 1e-2, ("gru", 10): 1e-3}
    table = results_table(rows)
    assert "0.0500 no  1e-02" in table and "0.1600 no  1e-02" in table


def _committed():
    return json.loads((ROOT / "book" / "data" / "adding_problem.json").read_text())


def test_committed_results_cover_the_table():
    """The file the chapter plots: a complete run, every model at T = 10, 50, 100 and 200 at every
    learning rate of the grid, every row consistent with the script's definitions."""
    record = _committed()
    assert record["complete"] is True
    runs = {(r["model"], r["T"], r["lr"]) for r in record["results"]}
    lrs = {r["lr"] for r in record["results"]}
    assert len(lrs) >= 2
    for model in ("rnn", "irnn", "lstm", "gru"):
        for T in (10, 50, 100, 200):
            for lr in lrs:
                assert (model, T, lr) in runs, (model, T, lr)
    for r in record["results"]:
        assert r["test_mse"] >= 0 and r["solved"] == (r["test_mse"] < record["solved_mse"])
        assert r["curve_mse"][-1] == r["test_mse"] and r["curve_step"][-1] == r["steps"]
        assert "validation_mse" in r
    assert abs(record["baseline_mse"] - 1 / 6) < 1e-12


def test_committed_results_show_the_published_finding():
    """What the chapter says the table shows: the tanh RNN solves the short task but not the longest
    one, the LSTM solves every length."""
    chosen = {(r["model"], r["T"]): r for r in select_runs(_committed()["results"])}
    longest = max(T for _, T in chosen)
    assert chosen[("rnn", 10)]["solved"] and not chosen[("rnn", longest)]["solved"]
    assert all(chosen[("lstm", T)]["solved"] for _, T in chosen)
