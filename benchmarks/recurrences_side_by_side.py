"""Train five sequence models on selective copying and associative recall, with more seeds or
steps than the chapter spends, and record the results.

Usage::

    python benchmarks/recurrences_side_by_side.py --seeds 0 1 2 3 4 --steps 500
    python benchmarks/recurrences_side_by_side.py --steps 2 --seeds 0 --n-test 20 --out /tmp/small.json

A tanh RNN, an LSTM, a minGRU stack, a Mamba-style selective SSM stack and a small Transformer
(the chapter's width and depth, ``rnncourse.experiments.after_transformer``) train with the same
budget (steps of 32 fresh sequences, Adam) on each task, for each seed; accuracy is over the answer
positions of fresh test sequences. Everything is seeded; one torch thread. The chapter itself runs
the same comparison with its default budget at build time.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

import torch

from rnncourse.experiments.after_transformer import MODEL_KINDS, TASKS, compare_on_task

ROOT = Path(__file__).resolve().parents[1]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", nargs="+", default=list(TASKS))
    parser.add_argument("--kinds", nargs="+", default=list(MODEL_KINDS))
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2, 3, 4])
    parser.add_argument("--steps", type=int, default=500)
    parser.add_argument("--n-test", type=int, default=500, help="test sequences per task")
    parser.add_argument("--threads", type=int, default=1, help="torch CPU threads")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "recurrences_side_by_side.json")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    start = time.perf_counter()
    runs = []
    for task in args.tasks:
        for record in compare_on_task(task, kinds=args.kinds, seeds=args.seeds, steps=args.steps,
                                      n_test=args.n_test):
            print(f"{task:18s} {record['model']:13s} seed {record['seed']}: accuracy {record['accuracy']:.3f}, "
                  f"{record['train_seconds']:.1f} s", flush=True)
            runs.append(record)
    result = {"config": {"steps": args.steps, "batch": 32, "n_test": args.n_test, "seeds": args.seeds, "tasks": args.tasks, "kinds": args.kinds},
              "runs": runs,
              "command": "python benchmarks/recurrences_side_by_side.py " + " ".join(sys.argv[1:] if argv is None else argv),
              "total_seconds": round(time.perf_counter() - start, 1),
              "machine": {"platform": platform.platform(), "torch": torch.__version__,
                          "threads": args.threads, "cpus": os.cpu_count()}}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1) + "\n")
    print(f"wrote {args.out} ({result['total_seconds']} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
