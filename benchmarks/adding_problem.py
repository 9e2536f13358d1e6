"""Reproduce the adding-problem table: tanh RNN, IRNN, LSTM and GRU at several lengths T.

Usage (the committed results in book/data/adding_problem.json came from the first line)::

    python benchmarks/adding_problem.py                          # full table: 32 runs, 26 min on 2 cores
    python benchmarks/adding_problem.py --lengths 10 --steps 50 --out /tmp/small.json

Every run is seeded (model initialisation, training batches, the validation and the test set),
trains for a fixed number of Adam steps on fresh batches, and is scored by the MSE on 1000
held-out test sequences; MSE < 0.01 counts as solved, 0.167 is the score of always answering 1.
Each network and length is trained at every learning rate of ``--lrs``; the table keeps the run
with the lowest MSE on a separate validation set (``select_runs``), and the file keeps them all.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

import torch

from rnncourse.experiments.adding_problem import (BASELINE_MSE, LEARNING_RATES, MODELS, SOLVED_MSE, RunConfig,
                                                  baseline_mse, results_table, train_one)

ROOT = Path(__file__).resolve().parents[1]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", nargs="+", default=list(MODELS), choices=MODELS)
    parser.add_argument("--lengths", nargs="+", type=int, default=[10, 50, 100, 200])
    parser.add_argument("--steps", type=int, default=6000, help="Adam steps per run")
    parser.add_argument("--lrs", nargs="+", type=float, default=list(LEARNING_RATES),
                        help="Adam learning rates; each cell keeps the run with the lowest validation MSE")
    parser.add_argument("--hidden-size", type=int, default=64)
    parser.add_argument("--batch-size", type=int, default=50)
    parser.add_argument("--eval-every", type=int, default=250)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                        help="runs trained in parallel, one process each")
    parser.add_argument("--threads", type=int, default=1, help="torch CPU threads per process")
    parser.add_argument("--out", type=Path, default=ROOT / "book" / "data" / "adding_problem.json")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)

    configs = [RunConfig(model=model, T=T, steps=args.steps, hidden_size=args.hidden_size,
                         batch_size=args.batch_size, lr=lr, seed=args.seed,
                         eval_every=min(args.eval_every, args.steps))
               for T in args.lengths for model in args.models for lr in args.lrs]
    # shortest first: an interrupted run still leaves a usable table (results are written as
    # each run finishes, with "complete": false until the last one)
    configs.sort(key=lambda c: (c.T, MODELS.index(c.model), c.lr))
    start = time.perf_counter()
    # every run seeds its own generators, so results do not depend on which process ran it
    results = []
    baseline = {str(T): baseline_mse(T) for T in args.lengths}

    def record_now(complete):
        rows = sorted(results, key=lambda r: (r["T"], MODELS.index(r["model"]), r["lr"]))
        record = {
            "command": "python benchmarks/adding_problem.py " + " ".join(sys.argv[1:] if argv is None else argv),
            "complete": complete,
            "baseline_mse": BASELINE_MSE,
            "baseline_mse_measured": baseline,
            "solved_mse": SOLVED_MSE,
            "total_seconds": round(time.perf_counter() - start, 1),
            "machine": {"platform": platform.platform(), "torch": torch.__version__,
                        "jobs": args.jobs, "threads": args.threads, "cpus": os.cpu_count()},
            "results": rows,
        }
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(record, indent=1) + "\n")
        return record

    def report(row):  # progress as each run finishes (the order depends on the scheduler)
        results.append(row)
        record_now(complete=False)
        print(f"[{time.perf_counter() - start:7.1f} s] T={row['T']:4d} {row['model']:5s} lr {row['lr']:.0e} test MSE "
              f"{row['test_mse']:.4f} ({'solved' if row['solved'] else 'not solved'}) "
              f"in {row['seconds']:.1f} s", flush=True)

    if args.jobs > 1:
        with ProcessPoolExecutor(args.jobs, initializer=torch.set_num_threads, initargs=(args.threads,)) as pool:
            for future in as_completed([pool.submit(train_one, config) for config in configs]):
                report(future.result())
    else:
        for config in configs:
            report(train_one(config))
    record = record_now(complete=True)
    results = record["results"]
    print(results_table(results))
    print(f"wrote {args.out} ({record['total_seconds']} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
