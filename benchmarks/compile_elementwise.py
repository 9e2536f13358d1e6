"""torch.compile for the element-wise part of an LSTM step: is it worth it in the fused layer?

Usage (the committed results came from the first line)::

    python benchmarks/compile_elementwise.py              # CPU, 1 thread, ~3 min (mostly compiling)
    python benchmarks/compile_elementwise.py --sizes 8x32 --repeats 2 --out /tmp/compile   # a quick look

The fused LSTM (:mod:`rnncourse.nn.fused`) runs the element-wise work of a step (three sigmoids,
two tanhs, the cell update) as about a dozen eager PyTorch operations. ``torch.compile`` can fuse
them into one generated kernel, but the layer calls the step T times, and every call of a
compiled function pays its entry cost (guards, argument handling). This script times one step's
element-wise work both ways, at the batch and hidden sizes of ``model_speed.py``, interleaved in
the same rounds, and records the compile time. The fused layer keeps the eager operations unless
the compiled step is faster here.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import command, machine, machine_markdown, median, now, side_by_side, write_results  # noqa: E402

from rnncourse.nn.fused import _tanh  # noqa: E402


def eager_step(A: torch.Tensor, c_prev: torch.Tensor):
    """The fused LSTM's element-wise work of one step, as it runs it: in place on the gates A (B, 4H)."""
    H = c_prev.shape[1]
    A[:, :2 * H].sigmoid_()
    _tanh(A[:, 2 * H:3 * H], out=A[:, 2 * H:3 * H])
    A[:, 3 * H:].sigmoid_()
    i, f, g, o = A.chunk(4, dim=1)
    c = torch.mul(i, g).addcmul_(f, c_prev)
    tanh_c = _tanh(c, out=torch.empty_like(c))
    return c, tanh_c, o * tanh_c


def plain_step(A: torch.Tensor, c_prev: torch.Tensor):
    """The same step written plainly, for the compiler to fuse."""
    a_i, a_f, a_g, a_o = A.chunk(4, dim=1)
    c = torch.sigmoid(a_f) * c_prev + torch.sigmoid(a_i) * torch.tanh(a_g)
    tanh_c = torch.tanh(c)
    return c, tanh_c, torch.sigmoid(a_o) * tanh_c


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", default=["32x256", "64x512"], help="BxH of model_speed's default and large sizes")
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--calls", type=int, default=200, help="step calls per timing")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    load_at_start = [round(x, 2) for x in os.getloadavg()]
    compiled = torch.compile(plain_step, dynamic=False)
    rows = []
    for size in args.sizes:
        B, H = (int(x) for x in size.split("x"))
        A, c_prev = torch.randn(B, 4 * H), torch.randn(B, H)
        start = time.perf_counter()
        compiled(A.clone(), c_prev)
        compile_s = time.perf_counter() - start
        for got, want in zip(compiled(A.clone(), c_prev), eager_step(A.clone(), c_prev)):
            torch.testing.assert_close(got, want, rtol=1e-5, atol=1e-6)
        contenders = {"eager (the fused layer's)": lambda: [eager_step(A.clone(), c_prev) for _ in range(args.calls)],
                      "torch.compile": lambda: [compiled(A.clone(), c_prev) for _ in range(args.calls)]}
        times = side_by_side(contenders, args.repeats, "cpu", "process")
        base = times["eager (the fused layer's)"]
        for label, ts in times.items():
            rows.append({"B": B, "H": H, "implementation": label, "us_per_step": round(median(ts) / args.calls * 1e6, 2),
                         "ratio_to_eager": round(median([t / b for t, b in zip(ts, base)]), 3),
                         "compile_s": round(compile_s, 1) if label == "torch.compile" else None})
        print(f"B={B} H={H}: " + ", ".join(f"{r['implementation']} {r['us_per_step']} us" for r in rows[-2:])
              + f" (compiled in {compile_s:.0f} s)", flush=True)
    data = {"benchmark": "compile_elementwise", "command": command(), "date": now(), "machine": machine("cpu"),
            "load_average_at_start": load_at_start, "threads": 1, "clock": "process", "repeats": args.repeats,
            "calls": args.calls, "rows": rows}
    lines = ["# torch.compile for the element-wise part of an LSTM step", "", machine_markdown(data), "",
             f"Load average at the start (1, 5, 15 min): {load_at_start}. One thread, process time, "
             f"{args.repeats} interleaved rounds of {args.calls} step calls, medians (the A.clone() of each call included).", "",
             "| B | H | implementation | us per step | x eager | compile s |", "|---:|---:|---|---:|---:|---:|"]
    lines += [f"| {r['B']} | {r['H']} | {r['implementation']} | {r['us_per_step']:.1f} | {r['ratio_to_eager']:.2f} | "
              f"{'' if r['compile_s'] is None else r['compile_s']} |" for r in rows]
    print("wrote", *write_results("compile_elementwise", data, "\n".join(lines), args.out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
