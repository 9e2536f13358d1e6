"""Thread count on a busy machine: a small LSTM training loop with 1 thread against all cores.

Usage (the committed results came from the first line)::

    python benchmarks/threads.py
    python benchmarks/threads.py --steps 2 --repeats 1 --out /tmp/threads      # a quick look

PyTorch (OpenMP) and NumPy (OpenBLAS) start one worker thread per core, and their threads wait
for each other at the end of every operation. On a machine whose cores are busy with other
processes one of them is often descheduled, and every small operation then waits for it: a
recurrent network, which runs thousands of small operations, slows down by orders of magnitude.
Each contender runs in its own process (the thread count is fixed when the library starts),
in interleaved rounds; wall-clock seconds, medians.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import command, machine, machine_markdown, median, now, write_results  # noqa: E402

CHILD = """
import sys, time, torch
torch.set_num_threads({threads})
from torch import nn
device = torch.device({device!r})
torch.manual_seed(0)
model = nn.LSTM(16, 64).to(device)
X = torch.randn(50, 32, 16, device=device)
start = time.perf_counter()
for _ in range({steps}):
    out, _ = model(X)
    out.sum().backward()
if device.type == "cuda":
    torch.cuda.synchronize()
print(time.perf_counter() - start)
"""


def run_child(threads: int, steps: int, device: str) -> float:
    env = dict(os.environ, OMP_NUM_THREADS=str(threads), OPENBLAS_NUM_THREADS=str(threads), MKL_NUM_THREADS=str(threads))
    done = subprocess.run([sys.executable, "-c", CHILD.format(threads=threads, steps=steps, device=device)],
                          env=env, capture_output=True, text=True, check=True)
    return float(done.stdout.strip().splitlines()[-1])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--steps", type=int, default=20, help="training steps per run")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--threads", nargs="+", type=int, default=[1, os.cpu_count() or 1])
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    times = {t: [] for t in args.threads}
    for _ in range(args.repeats):
        for t in args.threads:
            times[t].append(run_child(t, args.steps, args.device))
    rows = [{"threads": t, "median_s": round(median(ts), 3), "all_s": [round(x, 3) for x in ts],
             "ratio_to_1_thread": round(median(ts) / median(times[args.threads[0]]), 2)} for t, ts in times.items()]
    data = {"benchmark": "threads", "command": command(), "date": now(), "machine": machine(args.device),
            "steps": args.steps, "repeats": args.repeats, "rows": rows}
    lines = ["# Thread count on a busy machine", "", machine_markdown(data), "",
             f"nn.LSTM(16, 64), T=50, B=32, {args.steps} forward + backward steps; wall-clock seconds, "
             f"{args.repeats} interleaved rounds, medians.", "",
             "| threads | median s | x first row |", "|---:|---:|---:|"]
    lines += [f"| {r['threads']} | {r['median_s']:.2f} | {r['ratio_to_1_thread']:.1f} |" for r in rows]
    for r in rows:
        print(f"{r['threads']} thread(s): {r['median_s']:.2f} s")
    print("wrote", *write_results("threads", data, "\n".join(lines), args.out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
