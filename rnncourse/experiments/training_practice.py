"""Experiments of the chapter "Training practice".

Cheap demonstrations on the CO2 forecaster run inside the chapter (seeding, gradient clipping,
learning-rate schedules, checkpoints). The hyperparameter search on the character language
model takes minutes, so a script runs it with fixed seeds and records the result::

    python -m rnncourse.experiments.training_practice

writes ``benchmarks/results/training_practice_search.json``: for every configuration of the
grid, its validation curve (bits per character) and its best validation score. The test set is
scored **once**, for the configuration chosen on validation only.
"""
from __future__ import annotations

import argparse
import itertools
import json
import math
import time
from dataclasses import asdict, replace
from pathlib import Path

import torch

from .language_model import LMConfig, evaluate_bpc, load_corpus, train_language_model

RESULTS = Path(__file__).resolve().parents[2] / "benchmarks" / "results" / "training_practice_search.json"

GRID = {"hidden_size": [64, 256], "dropout": [0.0, 0.3], "lr": [1e-3, 5e-3]}
BASE = LMConfig(epochs=25, patience=4, seed=0)


def search(grid: dict | None = None, base: LMConfig = BASE, device="cpu", progress: bool = True,
           max_names: int | None = None) -> dict:
    """Train one language model per point of ``grid``; choose on validation; test the winner once."""
    grid = grid or GRID
    base = replace(base, max_names=max_names)
    corpus = load_corpus(base.seed, base.max_names)
    runs, models = [], []
    for values in itertools.product(*grid.values()):
        config = replace(base, **dict(zip(grid, values)))
        start = time.perf_counter()
        model, history, _ = train_language_model(config, corpus, device=device, progress=progress)
        runs.append({
            "params": dict(zip(grid, values)),
            "parameters": sum(p.numel() for p in model.parameters()),
            "val_bpc": [v / math.log(2) for v in history.val_loss],
            "train_bpc": [v / math.log(2) for v in history.train_loss],
            "best_epoch": history.best_epoch + 1,
            "best_val_bpc": history.best_val_loss / math.log(2),
            "seconds": time.perf_counter() - start,
        })
        models.append(model)
    best = min(range(len(runs)), key=lambda i: runs[i]["best_val_bpc"])
    return {"grid": grid, "base": asdict(base), "runs": runs, "chosen": best,
            "chosen_test_bpc": evaluate_bpc(models[best], corpus.test, device)}


def main(argv=None):
    parser = argparse.ArgumentParser(description="hyperparameter search of the character language model")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    results = search()
    results["environment"] = {"torch": torch.__version__, "threads": args.threads}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=1) + "\n")
    for i, run in enumerate(results["runs"]):
        mark = "  <- chosen" if i == results["chosen"] else ""
        print(f"{run['params']}  best val {run['best_val_bpc']:.3f} bpc at epoch {run['best_epoch']}{mark}")
    print(f"test bpc of the chosen configuration: {results['chosen_test_bpc']:.3f}")


if __name__ == "__main__":
    main()


# A grid small enough to run inside the chapter: the CO2 forecaster of the forecasting chapter.
FORECASTER_GRID = {"num_layers": [1, 2], "input_len": [12, 36], "batch_size": [16, 64]}


def forecaster_grid(grid: dict | None = None, epochs: int = 5, hidden_size: int = 16, lr: float = 5e-3,
                    seed: int = 0, device="cpu") -> list[dict]:
    """Train one LSTM forecaster per point of ``grid`` (keys among ``num_layers``, ``input_len``
    (the window length, the sequence length T the network reads) and ``batch_size``), every run
    with the same seed, optimiser, clipping and number of epochs. Returns one dict per run:
    ``params``, ``best_val_mse`` (validation MSE of the relative targets), ``seconds``."""
    from .. import train
    from ..models import Forecaster, regression_loss
    from . import forecasting as fc

    grid = grid or FORECASTER_GRID
    data_by_length = {}
    runs = []
    for values in itertools.product(*grid.values()):
        params = dict(zip(grid, values))
        config = replace(fc.ForecastConfig(), **{k: v for k, v in params.items() if k == "input_len"})
        if config.input_len not in data_by_length:
            data = fc.prepare(config)
            data_by_length[config.input_len] = [tuple(torch.tensor(a, dtype=torch.float32) for a in
                                                      data.relative(data.splits[name])) for name in ("train", "val")]
        (X_train, Y_train), (X_val, Y_val) = data_by_length[config.input_len]
        batch_size = params.get("batch_size", config.batch_size)
        train.seed_everything(seed)
        model = Forecaster(hidden_size=hidden_size, horizon=config.horizon, cell="lstm",
                           num_layers=params.get("num_layers", 1)).to(device)
        start = time.perf_counter()
        history = train.fit(model, lambda epoch: train.minibatches(X_train, Y_train, batch_size=batch_size, seed=epoch),
                            [(X_val, Y_val)], regression_loss, optimizer=torch.optim.Adam(model.parameters(), lr=lr),
                            epochs=epochs, max_grad_norm=1.0, device=device, progress=False)
        runs.append({"params": params, "best_val_mse": min(history.val_loss),
                     "seconds": time.perf_counter() - start})
    return runs
