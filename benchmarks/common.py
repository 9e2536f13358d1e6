"""Shared helpers of the benchmark scripts: the machine's description, side-by-side timing, results files.

Every script records, next to its numbers, the machine they came from and the exact command
that reproduces them, and writes ``benchmarks/results/<name>.json`` (the data) and
``<name>.md`` (a table for people).
"""
from __future__ import annotations

import json
import os
import platform
import shlex
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"


def cpu_model() -> str:
    """The CPU's model name as the kernel reports it (``platform.processor()`` is often empty)."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine(device: str = "cpu") -> dict:
    """Where the numbers come from: CPU, cores, load, library versions and the accelerator."""
    import numpy

    info = {
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "load_average_1_5_15min": [round(x, 2) for x in os.getloadavg()] if hasattr(os, "getloadavg") else None,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "numpy": numpy.__version__,
        "device": device,
    }
    try:
        import torch

        info["torch"] = torch.__version__
        info["torch_threads"] = torch.get_num_threads()
        if device.startswith("cuda") and torch.cuda.is_available():
            info["gpu"] = torch.cuda.get_device_name(torch.device(device))
    except ImportError:
        pass
    return info


def command() -> str:
    """The command line that produced this run, relative to the repository root."""
    script = Path(sys.argv[0]).resolve()
    try:
        script = script.relative_to(ROOT)
    except ValueError:
        pass
    return "python " + shlex.join([str(script), *sys.argv[1:]])


def synchronize(device: str) -> None:
    """Wait for queued GPU work (CUDA kernels run asynchronously) so that a clock can be read."""
    if device.startswith("cuda"):
        import torch

        torch.cuda.synchronize(torch.device(device))


def side_by_side(contenders: dict[str, Callable[[], object]], repeats: int, device: str = "cpu",
                 clock: str = "wall", warmup: int = 1) -> dict[str, list[float]]:
    """Seconds per call of every contender, measured in interleaved rounds.

    Round r runs each contender once, in turn, so that a burst of load on a shared machine
    hits all of them alike; the ratio of medians is then much steadier than separate runs.
    ``clock="process"`` reads this process's CPU time (right for single-threaded CPU runs on
    a busy machine: time spent waiting for a core is not counted); ``"wall"`` reads the wall
    clock (needed for multi-threaded runs and on GPUs).
    """
    read = time.process_time if clock == "process" else time.perf_counter
    for fn in contenders.values():
        for _ in range(warmup):
            fn()
    synchronize(device)
    times: dict[str, list[float]] = {name: [] for name in contenders}
    for _ in range(repeats):
        for name, fn in contenders.items():
            synchronize(device)
            start = read()
            fn()
            synchronize(device)
            times[name].append(read() - start)
    return times


def median(values: list[float]) -> float:
    return statistics.median(values)


def write_results(name: str, data: dict, markdown: str, out_dir: Path | None = None) -> tuple[Path, Path]:
    """Write ``<name>.json`` and ``<name>.md`` into ``out_dir`` (default ``benchmarks/results``)."""
    out_dir = Path(out_dir) if out_dir is not None else RESULTS
    out_dir.mkdir(parents=True, exist_ok=True)
    json_path, md_path = out_dir / f"{name}.json", out_dir / f"{name}.md"
    json_path.write_text(json.dumps(data, indent=1) + "\n")
    md_path.write_text(markdown.rstrip() + "\n")
    return json_path, md_path


def machine_markdown(data: dict) -> str:
    """The header every Markdown results file starts with."""
    m = data["machine"]
    lines = [f"Command: `{data['command']}`", "",
             f"Machine: {m['cpu']}, {m['cores']} cores, Python {m['python']}, torch {m.get('torch', '-')}, "
             f"numpy {m['numpy']}, device {m['device']}" + (f" ({m['gpu']})" if "gpu" in m else "") + ".",
             f"Load average at the end of the run (1, 5, 15 min): {m['load_average_1_5_15min']}.",
             f"Finished: {data['date']}."]
    return "\n".join(lines)


def now() -> str:
    return time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
