"""Model speed: the course's scratch RNN, LSTM and GRU against nn.RNN/LSTM/GRU (and NumPy), forward + backward.

Usage (the committed results came from the first line)::

    python benchmarks/model_speed.py                      # CPU, 1 thread, three sizes, ~5 min
    python benchmarks/model_speed.py --device cuda --no-numpy
    python benchmarks/model_speed.py --sizes small --repeats 2 --out /tmp/speed   # a quick look
    python benchmarks/model_speed.py --models lstm gru --no-numpy --repeats 15  # the fused layers' targets

Contenders: the ``torch.nn`` module, the teaching scratch module, the fast LSTM (input projection
hoisted, autograd backward), the fused LSTM/GRU (:mod:`rnncourse.nn.fused`: hand-written
backward, weight gradients as GEMMs after the loop, float32 products on oneDNN where they are
large enough) with its time loop in C++ ("scratch fused", where the native loop compiles; the
results record which loop ran) and in Python ("scratch fused, Python loop"), the NumPy
reference, and "matmuls only", the matrix products alone through ``torch.mm``. Targets: the fused LSTM and GRU at or below 1.0x ``nn.LSTM`` and
``nn.GRU`` at the default and large sizes on one CPU thread.

For every size (T, B, D, H) and model it times one forward and backward pass (loss = sum of the
outputs; gradients of the inputs and of every weight) of each contender, all contenders
interleaved in the same rounds, and reports medians, the ratio to the torch.nn module (the
median over rounds of the ratio within a round) and the
achieved GFLOP/s against the machine's float32 matmul peak, measured here with one large
matrix product. FLOPs count the matrix products only: a layer with G gates does
2 T B (D + H) G H multiply-adds-as-two in the forward pass and twice that in the backward pass.

The default is one CPU thread and the process's CPU time, because the machines this was written
on are shared: CPU time does not count the time spent waiting for a core. Use ``--clock wall``
and more threads on a quiet machine; on CUDA the wall clock is used after a synchronisation.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from contextlib import nullcontext
from pathlib import Path


def _threads_from_argv(argv: list[str]) -> str:
    """The ``--threads`` value, read before NumPy is imported (BLAS reads its thread count once)."""
    for i, arg in enumerate(argv):
        if arg == "--threads" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--threads="):
            return arg.split("=", 1)[1]
    return "1"


# NumPy's OpenBLAS starts one busy-waiting thread per core; on a shared machine they spin
# against other processes (measured here: a 35 ms NumPy RNN pass took 10 s of wall time with
# 2 threads under load). Give BLAS the same thread count as torch.
for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, _threads_from_argv(sys.argv))

import numpy as np  # noqa: E402
import torch  # noqa: E402
from torch import nn  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import command, machine, machine_markdown, median, now, side_by_side, synchronize, write_results  # noqa: E402

from rnncourse.nn import GRU, LSTM, RNN  # noqa: E402
from rnncourse.nn.fast_lstm import FastLSTM  # noqa: E402
from rnncourse.nn.fused import FusedGRU, FusedLSTM, native_status, use_native  # noqa: E402
from rnncourse.nn import fused_gemm  # noqa: E402
from rnncourse.numpy_ref import gru as np_gru, lstm as np_lstm, rnn as np_rnn  # noqa: E402

SIZES = {  # name: (T, B, D, H)
    "small": (20, 8, 16, 32),
    "default": (100, 32, 64, 256),
    "large": (50, 64, 128, 512),
}
GATES = {"rnn": 1, "lstm": 4, "gru": 3}
TORCH_MODULES = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}
SCRATCH = {"rnn": {"scratch": RNN},
           "lstm": {"scratch": LSTM, "scratch fast": FastLSTM, "scratch fused": FusedLSTM,
                    "scratch fused, Python loop": FusedLSTM},
           "gru": {"scratch": GRU, "scratch fused": FusedGRU, "scratch fused, Python loop": FusedGRU}}
PYTHON_LOOP = "scratch fused, Python loop"


def flops(model: str, T: int, B: int, D: int, H: int) -> float:
    """Matrix-product FLOPs of one forward + backward pass (forward: 2 T B (D+H) G H; backward twice that)."""
    return 3 * 2 * T * B * (D + H) * GATES[model] * H


def measure_peak(n: int, repeats: int, device: str, clock: str) -> float:
    """GFLOP/s of an n x n float32 matrix product, the best this machine does on dense work: the
    faster of ``torch.mm`` and, on a CPU with oneDNN, oneDNN's inner product (which the fused layers
    and nn.LSTM use, and which on some CPUs is the faster of the two)."""
    a = torch.randn(n, n, device=device)
    b = torch.randn(n, n, device=device)
    contenders = {"matmul": lambda: a @ b}
    if fused_gemm.onednn_serves(a, n ** 3):
        contenders["oneDNN"] = lambda: fused_gemm.linear(a, b.T)
    times = side_by_side(contenders, repeats, device, clock)
    return max(2 * n ** 3 / median(t) / 1e9 for t in times.values())


def torch_step(module: nn.Module, X: torch.Tensor, python_loop: bool = False):
    """One forward and backward pass; ``python_loop`` runs a fused layer's time loops in Python."""
    def step():
        module.zero_grad(set_to_none=True)
        X.grad = None
        with use_native(False) if python_loop else nullcontext():
            out, _ = module(X)
            out.sum().backward()
    return step


def numpy_step(model: str, reference: nn.Module, X: torch.Tensor):
    """NumPy forward + backward (numpy_ref) with the same weights, dtype and loss as torch."""
    W_ih, W_hh, b_ih, b_hh = (p.detach().cpu().numpy() for p in
                              (reference.weight_ih_l0, reference.weight_hh_l0, reference.bias_ih_l0, reference.bias_hh_l0))
    Xn = X.detach().cpu().numpy()

    def step():
        if model == "rnn":
            Hs = np_rnn.rnn_forward(Xn, None, W_ih, W_hh, b_ih + b_hh)
            np_rnn.rnn_backward(np.ones_like(Hs), Xn, Hs, None, W_ih, W_hh)
        elif model == "lstm":
            Hs, _, caches = np_lstm.lstm_forward(Xn, None, None, W_ih, W_hh, b_ih, b_hh)
            np_lstm.lstm_backward(np.ones_like(Hs), caches)
        else:
            Hs, cache = np_gru.gru_forward(Xn, None, W_ih, W_hh, b_ih, b_hh)
            np_gru.gru_backward(np.ones_like(Hs), cache)
    return step


def matmuls_only_step(model: str, T: int, B: int, D: int, H: int, device: str):
    """Only the matrix products of a training pass, issued through ``torch.mm`` as a scratch module
    on torch must issue them, and nothing else: the hoisted input product, the T sequential
    recurrent products forward and T backward, and the weight and input gradients batched over
    time. No element-wise work, no autograd. No scratch module built on ``torch.mm`` can be
    faster than this; ``nn.LSTM`` on CPU calls oneDNN's RNN primitive, with GEMM kernels of its own."""
    G = GATES[model] * H
    X = torch.randn(T * B, D, device=device)
    W_ih, W_hh = torch.randn(G, D, device=device), torch.randn(G, H, device=device)
    h, Hs = torch.randn(B, H, device=device), torch.randn(T * B, H, device=device)
    dA = torch.randn(T, B, G, device=device)

    def step():
        A_x = (X @ W_ih.T).view(T, B, G)  # forward: input part of every step at once
        for t in range(T):
            torch.addmm(A_x[t], h, W_hh.T)  # forward: h_{t-1} W_hh^T, sequential
        for t in range(T):
            dA[t] @ W_hh  # backward: dh_{t-1}, sequential
        dA_flat = dA.view(T * B, G)
        dA_flat.T @ Hs, dA_flat.T @ X, dA_flat @ W_ih  # backward: dW_hh, dW_ih, dX batched over time
    return step


def weight_gradient_gemms(model: str, T: int, B: int, H: int, args, device: str) -> dict:
    """dL/dW_hh = sum_t dA_t^T h_{t-1} computed two ways: as autograd does, T products
    (GH, B) x (B, H), each added into the sum, or one (GH, T*B) x (T*B, H) product after the loop."""
    G = GATES[model] * H
    dA, H_prev = torch.randn(T, B, G, device=device), torch.randn(T, B, H, device=device)
    dW = torch.zeros(G, H, device=device)

    def per_step():
        dW.zero_()
        for t in range(T):
            dW.add_(dA[t].T @ H_prev[t])
        return dW

    def batched():
        return dA.view(T * B, G).T @ H_prev.view(T * B, H)

    times = side_by_side({"per step": per_step, "batched": batched}, args.repeats, device, args.clock)
    work = 2 * T * B * G * H
    row = {"size": None, "model": model, "per_step_shape": [G, B, H], "batched_shape": [G, T * B, H]}
    for label, ts in times.items():
        key = label.replace(" ", "_")
        row[f"{key}_ms"] = round(median(ts) * 1e3, 3)
        row[f"{key}_gflops_per_s"] = round(work / median(ts) / 1e9, 2)
    return row


def run_size(name: str, args, device: str) -> list[dict]:
    T, B, D, H = SIZES[name]
    rows = []
    for model in args.models:
        torch.manual_seed(0)
        reference = TORCH_MODULES[model](D, H).to(device)
        contenders = {"torch.nn": reference}
        for label, cls in SCRATCH[model].items():
            module = cls(D, H).to(device)
            module.load_state_dict(reference.state_dict())
            contenders[label] = module
        X = torch.randn(T, B, D, device=device, requires_grad=True)
        steps = {label: torch_step(m, X, python_loop=label == PYTHON_LOOP) for label, m in contenders.items()}
        if args.numpy and device == "cpu" and name in args.numpy_sizes:
            steps["numpy"] = numpy_step(model, reference, X)
        steps["matmuls only"] = matmuls_only_step(model, T, B, D, H, device)
        times = side_by_side(steps, args.repeats, device, args.clock)
        work = flops(model, T, B, D, H)
        for label, ts in times.items():
            m = median(ts)
            # each round ran every contender back to back, so the ratio within a round cancels
            # most of a shared machine's swings in load; report the median of those ratios
            ratio = median([t / base for t, base in zip(ts, times["torch.nn"])])
            rows.append({"size": name, "T": T, "B": B, "D": D, "H": H, "model": model, "implementation": label,
                         "median_ms": round(m * 1e3, 3), "min_ms": round(min(ts) * 1e3, 3),
                         "max_ms": round(max(ts) * 1e3, 3), "repeats": len(ts),
                         "ratio_to_torch_nn": round(ratio, 3), "gflop": round(work / 1e9, 4),
                         "gflops_per_s": round(work / m / 1e9, 2),
                         "percent_of_peak": round(100 * work / m / 1e9 / args.peak_gflops, 1)})
        print(f"{name:8s} {model:5s} " + "  ".join(f"{label}: {median(ts) * 1e3:.1f} ms" for label, ts in times.items()),
              flush=True)
        gemm = weight_gradient_gemms(model, T, B, H, args, device)
        gemm.update(size=name, T=T, B=B, D=D, H=H)
        args.gemm_rows.append(gemm)
        print(f"{name:8s} {model:5s} dW_hh per step {gemm['per_step_ms']:.1f} ms, batched {gemm['batched_ms']:.1f} ms",
              flush=True)
    return rows


def markdown(data: dict) -> str:
    lines = ["# Model speed: forward + backward", "", machine_markdown(data), "",
             f"Load average at the start (1, 5, 15 min): {data['load_average_at_start']}.",
             f"Time loop of the fused layers: {data['fused_loop']} (ready after {data['fused_loop_ready_s']:.1f} s "
             "in this process: compiled, or loaded from the cache).",
             f"Threads: {data['threads']}; clock: {data['clock']}; repeats: {data['repeats']} interleaved rounds, medians; "
             "'x torch.nn' is the median over rounds of the ratio within a round.",
             f"Matmul peak (float32, {data['peak_size']}x{data['peak_size']}, the faster of torch.mm and oneDNN): {data['peak_gflops']:.1f} GFLOP/s.", "",
             "| size (T, B, D, H) | model | implementation | median ms | x torch.nn | GFLOP/s | % of peak |",
             "|---|---|---|---:|---:|---:|---:|"]
    for r in data["rows"]:
        lines.append(f"| {r['size']} ({r['T']}, {r['B']}, {r['D']}, {r['H']}) | {r['model']} | {r['implementation']} | "
                     f"{r['median_ms']:.1f} | {r['ratio_to_torch_nn']:.2f} | {r['gflops_per_s']:.1f} | {r['percent_of_peak']:.0f} |")
    fused = [r for r in data["rows"] if r["implementation"] == "scratch fused" and r["size"] in ("default", "large")]
    if fused:
        lines += ["", "Target: the fused LSTM and GRU at or below 1.0x nn.LSTM / nn.GRU at the default and large "
                  "sizes. Measured: " + ", ".join(
                      f"{r['model']} {r['size']} {r['ratio_to_torch_nn']:.2f}x "
                      f"({'met' if r['ratio_to_torch_nn'] <= 1.0 else 'not met'})" for r in fused) + "."]
    lines += ["", "The weight gradient dL/dW_hh as T products accumulated step by step against one product "
              "after the loop:", "", "| size | model | per step (GH, B) x (B, H) ms | GFLOP/s | batched (GH, T*B) x (T*B, H) ms | GFLOP/s |",
              "|---|---|---:|---:|---:|---:|"]
    lines += [f"| {g['size']} | {g['model']} | {g['per_step_ms']:.2f} | {g['per_step_gflops_per_s']:.1f} | "
              f"{g['batched_ms']:.2f} | {g['batched_gflops_per_s']:.1f} |" for g in data["weight_gradient_gemm"]]
    lines += ["", "'matmuls only' is the floor for any implementation built on torch.mm: the same matrix "
              "products with no element-wise work and no autograd."]
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cpu", help="cpu (default) or cuda")
    parser.add_argument("--sizes", nargs="+", default=list(SIZES), choices=list(SIZES))
    parser.add_argument("--models", nargs="+", default=list(GATES), choices=list(GATES))
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--threads", type=int, default=1, help="torch CPU threads")
    parser.add_argument("--clock", choices=["process", "wall"], default=None,
                        help="default: process CPU time for 1 CPU thread, else wall")
    parser.add_argument("--numpy", action=argparse.BooleanOptionalAction, default=True, help="also time the NumPy references")
    parser.add_argument("--numpy-sizes", nargs="+", default=["small", "default"], choices=list(SIZES))
    parser.add_argument("--peak-size", type=int, default=2048)
    parser.add_argument("--out", type=Path, default=None, help="results folder (default benchmarks/results)")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    device = args.device
    if args.clock is None:
        args.clock = "process" if device == "cpu" and args.threads == 1 else "wall"
    if device.startswith("cuda") and args.clock == "process":
        parser.error("--clock process cannot time GPU work; use --clock wall")
    load_at_start = [round(x, 2) for x in os.getloadavg()]
    started = time.perf_counter()
    fused_loop = native_status()  # compiles the native loop here, not inside a timed round
    fused_loop_ready_s = time.perf_counter() - started
    print(f"fused layers' time loop: {fused_loop} ({fused_loop_ready_s:.1f} s)", flush=True)
    args.peak_gflops = measure_peak(args.peak_size, max(3, args.repeats), device, args.clock)
    print(f"matmul peak: {args.peak_gflops:.1f} GFLOP/s", flush=True)
    args.gemm_rows = []
    rows = [row for size in args.sizes for row in run_size(size, args, device)]
    synchronize(device)
    data = {"benchmark": "model_speed", "command": command(), "date": now(), "machine": machine(device),
            "load_average_at_start": load_at_start, "fused_loop": fused_loop,
            "fused_loop_ready_s": round(fused_loop_ready_s, 2), "threads": args.threads, "clock": args.clock, "repeats": args.repeats, "dtype": "float32",
            "peak_size": args.peak_size, "peak_gflops": round(args.peak_gflops, 2), "rows": rows,
            "weight_gradient_gemm": args.gemm_rows}
    name = "model_speed" if device == "cpu" else f"model_speed_{device.split(':')[0]}"
    paths = write_results(name, data, markdown(data), args.out)
    print("wrote", *paths)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
