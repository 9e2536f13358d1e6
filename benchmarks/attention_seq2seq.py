"""Train the encoder-decoder GRUs of the attention chapter on the reverse task and record results.

Usage (the committed results in book/data/attention_seq2seq.json came from the first line)::

    python benchmarks/attention_seq2seq.py                     # ~10 min on 2 busy cores
    python benchmarks/attention_seq2seq.py --steps 20 --test-lengths 4 8 --out /tmp/small.json

Seeded throughout (initialisation, training batches, test sets). Three models share everything
but the bridge between encoder and decoder: none (final encoder state only), dot-product
attention and additive attention. Accuracy is per symbol, greedy decoding, 500 test sequences
per length; lengths beyond the training range test extrapolation.
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

from rnncourse.experiments.attention_transformer import seq2seq_record

ROOT = Path(__file__).resolve().parents[1]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kinds", nargs="+", default=["none", "dot", "additive"])
    parser.add_argument("--test-lengths", nargs="+", type=int, default=[4, 8, 12, 16, 20, 24, 28, 32])
    parser.add_argument("--train-lengths", nargs=2, type=int, default=[4, 24])
    parser.add_argument("--steps", type=int, default=1500)
    parser.add_argument("--hidden-size", type=int, default=64)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=1, help="torch CPU threads")
    parser.add_argument("--out", type=Path, default=ROOT / "book" / "data" / "attention_seq2seq.json")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    start = time.perf_counter()
    record = seq2seq_record(kinds=[None if k == "none" else k for k in args.kinds],
                            test_lengths=args.test_lengths, train_lengths=tuple(args.train_lengths),
                            steps=args.steps, hidden_size=args.hidden_size, seed=args.seed,
                            map_length=min(12, max(args.test_lengths)))
    record["command"] = "python benchmarks/attention_seq2seq.py " + " ".join(sys.argv[1:] if argv is None else argv)
    record["total_seconds"] = round(time.perf_counter() - start, 1)
    record["machine"] = {"platform": platform.platform(), "torch": torch.__version__,
                         "threads": args.threads, "cpus": os.cpu_count()}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(record, indent=1) + "\n")
    for name, acc in record["accuracy"].items():
        print(f"{name:9s}", " ".join(f"{a:.3f}" for a in acc), f"({record['train_seconds'][name]} s)")
    print(f"wrote {args.out} ({record['total_seconds']} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
