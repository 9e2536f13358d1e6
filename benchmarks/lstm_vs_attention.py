"""Measure what grows with T for an LSTM layer and a self-attention layer, and time the scan.

Usage (the committed results in book/data/lstm_vs_attention.json came from the first line)::

    python benchmarks/lstm_vs_attention.py                 # ~20 s on one busy core
    python benchmarks/lstm_vs_attention.py --lengths 16 32 --scan-lengths 16 --out /tmp/small.json

Counted: sequential steps, path length between the first and the last position, forward FLOPs.
Measured: bytes autograd saves for the backward pass (saved-tensor hooks), and the best of
``--repeats`` forward wall times under ``torch.no_grad()`` of ``nn.LSTM`` and
``nn.MultiheadAttention`` (float32, one layer each, input and hidden size E), then the sequential
loop against the Hillis-Steele scan and the chunked scan of a linear recurrence.
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

from rnncourse.experiments.attention_transformer import lstm_vs_attention, scan_timing

ROOT = Path(__file__).resolve().parents[1]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lengths", nargs="+", type=int, default=[16, 32, 64, 128, 256, 512, 1024])
    parser.add_argument("--scan-lengths", nargs="+", type=int, default=[16, 64, 256, 1024, 4096])
    parser.add_argument("--batch-size", type=int, default=4)
    parser.add_argument("--embed-size", type=int, default=128)
    parser.add_argument("--num-heads", type=int, default=4)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--threads", type=int, default=1, help="torch CPU threads (1: timings do not depend on thread scheduling of a shared machine)")
    parser.add_argument("--out", type=Path, default=ROOT / "book" / "data" / "lstm_vs_attention.json")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    start = time.perf_counter()
    rows = lstm_vs_attention(args.lengths, B=args.batch_size, E=args.embed_size,
                             num_heads=args.num_heads, repeats=args.repeats)
    scan = scan_timing(args.scan_lengths, repeats=args.repeats)
    record = {
        "command": "python benchmarks/lstm_vs_attention.py " + " ".join(sys.argv[1:] if argv is None else argv),
        "config": {"batch_size": args.batch_size, "embed_size": args.embed_size,
                   "num_heads": args.num_heads, "repeats": args.repeats, "dtype": "float32"},
        "total_seconds": round(time.perf_counter() - start, 1),
        "machine": {"platform": platform.platform(), "torch": torch.__version__,
                    "threads": args.threads, "cpus": os.cpu_count()},
        "layers": rows,
        "scan": scan,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(record, indent=1) + "\n")
    for r in rows:
        print(f"T={r['T']:5d}  LSTM {r['lstm_ms']:8.2f} ms {r['lstm_saved_mb']:7.2f} MB   "
              f"attention {r['attention_ms']:8.2f} ms {r['attention_saved_mb']:7.2f} MB")
    for r in scan:
        print(f"T={r['T']:5d}  loop {r['loop_ms']:8.2f} ms   scan {r['scan_ms']:8.2f} ms   "
              f"chunked {r['chunked_ms']:8.2f} ms")
    print(f"wrote {args.out} ({record['total_seconds']} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
