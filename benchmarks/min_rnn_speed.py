"""One training step (forward + backward) of nn.GRU and nn.LSTM against minGRU and minLSTM.

Usage::

    python benchmarks/min_rnn_speed.py                          # CPU, 1 thread
    python benchmarks/min_rnn_speed.py --device cuda            # results in min_rnn_speed_cuda.{json,md}
    python benchmarks/min_rnn_speed.py --lengths 64 --repeats 2 --out /tmp/m   # a quick look

Batch 64, input 64, hidden 128, float32, the sequence lengths given. The minimal models run in
each parallel mode (Hillis-Steele scan, chunked scan, log space); timings are medians of
interleaved rounds (benchmarks/common.py), and each ratio is nn.<model> over the fastest mode
of its minimal counterpart. Feng et al. (2024) report their speed-ups on a GPU; this script
measures the same ratio on the machine at hand.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import torch
from torch import nn

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import command, machine, machine_markdown, median, now, side_by_side, write_results  # noqa: E402

from rnncourse.nn.min_rnn import MinGRU, MinLSTM  # noqa: E402

MODES = ("scan", "chunked", "log")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--lengths", nargs="+", type=int, default=[64, 256, 1024, 4096])
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--input-size", type=int, default=64)
    parser.add_argument("--hidden-size", type=int, default=128)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    D, H, dev = args.input_size, args.hidden_size, args.device
    models = {"nn.GRU": nn.GRU(D, H).to(dev), "nn.LSTM": nn.LSTM(D, H).to(dev),
              "minGRU": MinGRU(D, H).to(dev), "minLSTM": MinLSTM(D, H).to(dev)}

    def step(model, X, **kw):
        def run():
            model.zero_grad(set_to_none=True)
            model(X, **kw)[0].sum().backward()
        return run

    rows = []
    for T in args.lengths:
        X = torch.randn(T, args.batch, D, device=dev)
        contenders = {"nn.GRU": step(models["nn.GRU"], X), "nn.LSTM": step(models["nn.LSTM"], X)}
        for name in ("minGRU", "minLSTM"):
            for mode in MODES:
                contenders[f"{name} {mode}"] = step(models[name], X, mode=mode)
        times = side_by_side(contenders, args.repeats, dev)
        row = {"T": T, **{f"{k}_ms": 1e3 * median(v) for k, v in times.items()}}
        for name, full in (("minGRU", "nn.GRU"), ("minLSTM", "nn.LSTM")):
            best = min(row[f"{name} {mode}_ms"] for mode in MODES)
            row[f"{full}_over_{name}"] = row[f"{full}_ms"] / best
        rows.append(row)
        print({k: round(v, 3) if isinstance(v, float) else v for k, v in row.items()}, flush=True)
    data = {"benchmark": "min_rnn_speed", "command": command(), "date": now(), "machine": machine(dev),
            "config": {"batch": args.batch, "input_size": D, "hidden_size": H, "repeats": args.repeats,
                       "threads": args.threads}, "rows": rows}
    cols = list(contenders)
    md = [machine_markdown(data), "", "Milliseconds per training step (forward + backward), medians:", "",
          "| T | " + " | ".join(cols) + " | GRU/minGRU | LSTM/minLSTM |",
          "|---|" + "---|" * (len(cols) + 2)]
    for r in rows:
        md.append(f"| {r['T']} | " + " | ".join(f"{r[c + '_ms']:.2f}" for c in cols)
                  + f" | {r['nn.GRU_over_minGRU']:.1f} | {r['nn.LSTM_over_minLSTM']:.1f} |")
    name = "min_rnn_speed" + ("" if dev == "cpu" else f"_{dev.split(':')[0]}")
    for path in write_results(name, data, "\n".join(md), args.out):
        print("wrote", path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
