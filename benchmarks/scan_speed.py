"""The linear recurrence h_t = a_t h_{t-1} + b_t: sequential loop, Hillis-Steele scan, chunked scan.

Usage (the committed results came from the first line)::

    python benchmarks/scan_speed.py                       # CPU, 1 thread, ~1 min
    python benchmarks/scan_speed.py --device cuda
    python benchmarks/scan_speed.py --lengths 16 64 --widths 256 --repeats 3 --out /tmp/scan   # a quick look

For every length T and channel count (width = B*H, the number of independent recurrences) it
times the three functions of :mod:`rnncourse.scan` on float32 inputs under ``torch.no_grad()``,
interleaved in the same rounds (each timing repeats a call until the loop would take 20 ms, so
that short calls are not timed one at a time), and reports medians and the ratio to the loop (the median over
rounds of the ratio within a round). Target: the chunked scan never slower than the loop for
T >= 64 at widths up to 4096, on one CPU thread.
"""
from __future__ import annotations

import argparse
import math
import os
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import command, machine, machine_markdown, median, now, side_by_side, synchronize, write_results  # noqa: E402

from rnncourse.scan import linear_recurrence_chunked, linear_recurrence_loop, linear_recurrence_scan  # noqa: E402

SCANS = {"loop": linear_recurrence_loop, "hillis-steele": linear_recurrence_scan, "chunked": linear_recurrence_chunked}


def calls_per_timing(fn, device: str, at_least_s: float = 0.02) -> int:
    """How many calls make one timing last ``at_least_s``: a single sub-millisecond call is at the
    mercy of the clock's resolution and of what the previous contender left in the caches."""
    fn()
    synchronize(device)
    start = time.perf_counter()
    fn()
    synchronize(device)
    return max(1, math.ceil(at_least_s / max(time.perf_counter() - start, 1e-6)))


def repeated(scan, a, b, calls: int):
    """``calls`` calls of ``scan(a, b)``, each result dropped before the next call (as in a
    training loop), so that the allocator reuses its memory instead of mapping fresh pages."""
    def run_calls():
        for _ in range(calls):
            scan(a, b)
    return run_calls


def run(T: int, width: int, args) -> list[dict]:
    g = torch.Generator().manual_seed(T + width)
    a = torch.rand(T, width, generator=g).to(args.device)
    b = torch.randn(T, width, generator=g).to(args.device)
    with torch.no_grad():
        want = linear_recurrence_loop(a, b)
        errors = {name: float((scan(a, b) - want).abs().max()) for name, scan in SCANS.items()}
        calls = calls_per_timing(lambda: linear_recurrence_loop(a, b), args.device)
        contenders = {name: repeated(scan, a, b, calls) for name, scan in SCANS.items()}
        times = {name: [t / calls for t in ts]
                 for name, ts in side_by_side(contenders, args.repeats, args.device, args.clock).items()}
    rows = []
    for name, ts in times.items():
        rows.append({"T": T, "width": width, "implementation": name, "median_ms": round(median(ts) * 1e3, 4),
                     "ratio_to_loop": round(median([t / base for t, base in zip(ts, times["loop"])]), 3),
                     "max_abs_difference_to_loop": errors[name]})
    print(f"T={T:5d} width={width:5d}  " + "  ".join(f"{r['implementation']} {r['median_ms']:9.3f} ms" for r in rows),
          flush=True)
    return rows


def markdown(data: dict) -> str:
    lines = ["# Linear recurrence: loop against the parallel scans", "", machine_markdown(data), "",
             f"Load average at the start (1, 5, 15 min): {data['load_average_at_start']}.",
             f"Threads: {data['threads']}; clock: {data['clock']}; {data['repeats']} interleaved rounds, medians; "
             "float32, forward under torch.no_grad().", "",
             "| T | width (B*H) | implementation | median ms | x loop |", "|---:|---:|---|---:|---:|"]
    for r in data["rows"]:
        lines.append(f"| {r['T']} | {r['width']} | {r['implementation']} | {r['median_ms']:.3f} | {r['ratio_to_loop']:.2f} |")
    chunked = [r for r in data["rows"] if r["implementation"] == "chunked" and r["T"] >= 64]
    if chunked:
        worst = max(chunked, key=lambda r: r["ratio_to_loop"])
        lines += ["", f"Target: the chunked scan never slower than the loop for T >= 64. Worst measured: "
                  f"{worst['ratio_to_loop']:.2f}x the loop at T={worst['T']}, width {worst['width']} "
                  f"({'met' if worst['ratio_to_loop'] <= 1.0 else 'not met'})."]
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--lengths", nargs="+", type=int, default=[16, 64, 256, 1024, 4096])
    parser.add_argument("--widths", nargs="+", type=int, default=[256, 4096])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--out", type=Path, default=None, help="results folder (default benchmarks/results)")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    args.clock = "process" if args.device == "cpu" and args.threads == 1 else "wall"
    load_at_start = [round(x, 2) for x in os.getloadavg()]
    rows = [row for width in args.widths for T in args.lengths for row in run(T, width, args)]
    data = {"benchmark": "scan_speed", "command": command(), "date": now(), "machine": machine(args.device),
            "load_average_at_start": load_at_start, "threads": args.threads, "clock": args.clock,
            "repeats": args.repeats, "rows": rows}
    name = "scan_speed" if args.device == "cpu" else f"scan_speed_{args.device.split(':')[0]}"
    print("wrote", *write_results(name, data, markdown(data), args.out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
