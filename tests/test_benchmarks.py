"""Smoke tests of benchmarks/: each script runs on a tiny configuration and writes well-formed results.

Nothing here is timed: the numbers themselves are never checked, only that the scripts run,
record the machine and the command, and write the JSON and Markdown files they promise.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BENCHMARKS = ROOT / "benchmarks"
MACHINE_KEYS = {"cpu", "cores", "python", "numpy", "torch", "device", "load_average_1_5_15min"}


def run_script(name: str, out: Path, *args: str, timeout: int = 600) -> dict:
    """Run ``benchmarks/<name>.py --out OUT args``; return the JSON it wrote, after common checks."""
    done = subprocess.run([sys.executable, str(BENCHMARKS / f"{name}.py"), "--out", str(out), *args],
                          cwd=ROOT, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    data = json.loads((out / f"{name}.json").read_text())
    markdown = (out / f"{name}.md").read_text()
    assert data["benchmark"] == name
    assert MACHINE_KEYS <= data["machine"].keys()
    assert data["machine"]["device"] == "cpu"
    assert data["command"].startswith(f"python benchmarks/{name}.py") and "--out" in data["command"]
    assert data["command"] in markdown and data["machine"]["cpu"] in markdown
    return data


def test_model_speed_tiny(tmp_path):
    """model_speed.py: one row per implementation with medians, ratios to torch.nn and GFLOP/s."""
    data = run_script("model_speed", tmp_path, "--sizes", "small", "--repeats", "1", "--peak-size", "64",
                      "--device", "cpu")
    assert data["peak_gflops"] > 0 and data["clock"] == "process" and data["threads"] == 1
    rows = data["rows"]
    implementations = {(r["model"], r["implementation"]) for r in rows}
    assert implementations == {("rnn", "torch.nn"), ("rnn", "scratch"), ("rnn", "numpy"), ("rnn", "matmuls only"),
                               ("lstm", "torch.nn"), ("lstm", "scratch"), ("lstm", "scratch fast"), ("lstm", "numpy"),
                               ("lstm", "scratch fused"), ("lstm", "scratch fused, Python loop"), ("lstm", "matmuls only"),
                               ("gru", "torch.nn"), ("gru", "scratch"), ("gru", "scratch fused"), ("gru", "numpy"),
                               ("gru", "scratch fused, Python loop"), ("gru", "matmuls only")}
    assert data["fused_loop"] == "native" or data["fused_loop"].startswith("python (")
    for row in rows:
        assert (row["T"], row["B"], row["D"], row["H"]) == (20, 8, 16, 32)
        assert row["repeats"] == 1 and row["median_ms"] > 0 and row["gflops_per_s"] > 0
        if row["implementation"] == "torch.nn":
            assert row["ratio_to_torch_nn"] == 1.0
    lstm = next(r for r in rows if r["model"] == "lstm")
    assert lstm["gflop"] == pytest.approx(3 * 2 * 20 * 8 * (16 + 32) * 4 * 32 / 1e9, rel=1e-3)
    assert {(g["model"], g["per_step_shape"][1], g["batched_shape"][1]) for g in data["weight_gradient_gemm"]} == \
        {(model, 8, 20 * 8) for model in ("rnn", "lstm", "gru")}


def test_scan_speed_tiny(tmp_path):
    """scan_speed.py: loop, Hillis-Steele and chunked scan per (T, width), equal results, ratios to the loop."""
    data = run_script("scan_speed", tmp_path, "--lengths", "8", "33", "--widths", "4", "--repeats", "1")
    rows = data["rows"]
    assert {(r["T"], r["implementation"]) for r in rows} == \
        {(T, name) for T in (8, 33) for name in ("loop", "hillis-steele", "chunked")}
    for row in rows:
        assert row["median_ms"] > 0 and row["max_abs_difference_to_loop"] < 1e-4
        if row["implementation"] == "loop":
            assert row["ratio_to_loop"] == 1.0


def test_model_speed_refuses_process_clock_on_cuda(tmp_path):
    """A GPU cannot be timed with the CPU-time clock: the script says so instead of printing nonsense."""
    done = subprocess.run([sys.executable, str(BENCHMARKS / "model_speed.py"), "--device", "cuda", "--clock", "process",
                           "--out", str(tmp_path)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode != 0 and "clock" in done.stderr


@pytest.mark.slow
def test_grading_overhead_tiny(tmp_path):
    """grading_overhead.py: plain and graded seconds, their ratio and a full score for the solution."""
    data = run_script("grading_overhead", tmp_path, "--assignments", "01_why_recurrent", "--repeats", "1")
    (row,) = data["rows"]
    assert row["assignment"] == "01_why_recurrent"
    assert row["plain_s"] > 0 and row["graded_s"] > 0
    assert row["overhead"] == pytest.approx(row["graded_s"] / row["plain_s"], rel=0.01)
    assert row["score"] == row["max_score"] > 0


@pytest.mark.slow
def test_book_build_tiny(tmp_path):
    """book_build.py: cold, cached and incremental builds of a one-chapter book in a temporary copy."""
    shared_build = ROOT / "_build"
    before = shared_build.stat().st_mtime if shared_build.exists() else None
    data = run_script("book_build", tmp_path, "--chapters", "book/notation")
    assert set(data["builds"]) == {"cold", "cached", "incremental"}
    for build in data["builds"].values():
        assert build["seconds"] > 0 and isinstance(build["returncode"], int)
    assert "book/notation" in data["toc_files"]
    assert data["execution_total_s"] == pytest.approx(sum(data["chapters"].values()), abs=0.05)
    after = shared_build.stat().st_mtime if shared_build.exists() else None
    assert before == after, "the benchmark must not touch the shared _build/"


def test_threads_tiny(tmp_path):
    """threads.py: one row per thread count, the first row being the reference of the ratios."""
    data = run_script("threads", tmp_path, "--steps", "1", "--repeats", "2", "--threads", "1", "2")
    assert [r["threads"] for r in data["rows"]] == [1, 2]
    for row in data["rows"]:
        assert row["median_s"] > 0 and len(row["all_s"]) == 2
    assert data["rows"][0]["ratio_to_1_thread"] == 1.0
