"""Autograding throughput: a class of N submissions of the pilot, graded with 1 and with 2 workers.

The class mixes correct solutions, released stubs and known-wrong submissions (a third each).
Every run grades the whole class from scratch into a fresh sqlite gradebook, through the real
sandbox and the grader's probes, exactly as ``python -m autograder grade --workers W`` does.
Also measured: one notebook executed plainly (nbclient, no sandbox, no probes), to give the
grader's per-notebook overhead.

    .venv/bin/python benchmarks/grading_throughput.py --students 100 --workers 1 2

Writes benchmarks/results/grading_throughput.json and .md (machine, command, numbers).
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from autograder.classroom import grade_class  # noqa: E402
from autograder.grading import load_source  # noqa: E402
from autograder.sandbox import Limits  # noqa: E402
from conftest import solution_answers, student_notebook, wrong_cases  # noqa: E402

A = "01_why_recurrent"


def make_class(folder: Path, students: int) -> dict[str, float]:
    """Write the class; return the expected score of each student."""
    correct = solution_answers(A)
    wrong = wrong_cases(A)
    expected = {}
    for i in range(students):
        kind = i % 3
        if kind == 0:
            nb, score = student_notebook(A, correct), 18.0
        elif kind == 1:
            nb, score = student_notebook(A, None), 0.0
        else:
            case = wrong[i % len(wrong)]
            nb = student_notebook(A, {**correct, **case["answers"]})
            lost = sum(p for gid, p, _, _ in load_source(A).tests() if gid in case["failing"])
            score = 18.0 - lost
        student = f"student{i:03d}"
        path = folder / student / A / f"{A}.ipynb"
        path.parent.mkdir(parents=True)
        nbformat.write(nb, path)
        expected[student] = score
    return expected


def plain_execution_seconds(repeats: int = 3) -> float:
    """Median time to execute the solution notebook with nbclient, in this process, no limits."""
    from nbclient import NotebookClient

    nb = load_source(A).notebook
    times = []
    for _ in range(repeats):
        copy = nbformat.from_dict(nb)
        started = time.perf_counter()
        NotebookClient(copy, timeout=600, kernel_name="python3").execute()
        times.append(time.perf_counter() - started)
    return sorted(times)[len(times) // 2]


def machine() -> dict:
    cpu = ""
    if os.path.exists("/proc/cpuinfo"):
        cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "")
    load = [round(x, 2) for x in os.getloadavg()] if hasattr(os, "getloadavg") else None
    return {"cpu": cpu, "cores": os.cpu_count(), "python": platform.python_version(),
            "system": platform.platform(), "load_average_at_start": load, "user_is_root": os.geteuid() == 0}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=100)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--out", default=str(ROOT / "benchmarks" / "results" / "grading_throughput"))
    args = parser.parse_args()

    info = {"command": "python benchmarks/grading_throughput.py " + " ".join(sys.argv[1:]), "machine": machine(),
            "students": args.students, "runs": []}
    info["plain_execution_s"] = round(plain_execution_seconds(), 2)
    for workers in args.workers:
        work = Path(tempfile.mkdtemp(prefix="rnn-throughput-"))
        try:
            expected = make_class(work / "submitted", args.students)
            started = time.perf_counter()
            results = grade_class(db_url=f"sqlite:///{work / 'gradebook.db'}", workers=workers,
                                  submitted=work / "submitted", autograded=work / "autograded",
                                  feedback=work / "feedback", limits=Limits(), log=lambda *a: None)
            seconds = time.perf_counter() - started
        finally:
            shutil.rmtree(work, ignore_errors=True)
        wrong = sorted(r.student for r in results if r.score != expected[r.student])
        per_notebook = sorted(r.seconds for r in results)
        run = {"workers": workers, "seconds": round(seconds, 1), "graded": len(results),
               "per_minute": round(60 * len(results) / seconds, 1),
               "median_notebook_s": per_notebook[len(per_notebook) // 2], "unexpected_scores": wrong}
        info["runs"].append(run)
        print(json.dumps(run), flush=True)
    base = info["runs"][0]["seconds"]
    for run in info["runs"]:
        run["speedup_vs_first"] = round(base / run["seconds"], 2)
    info["overhead_vs_plain"] = round(info["runs"][0]["median_notebook_s"] / info["plain_execution_s"], 2)
    info["date"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    Path(args.out + ".json").write_text(json.dumps(info, indent=1) + "\n")
    lines = [f"# Grading throughput ({args.students} submissions of {A})", "",
             f"Command: `{info['command']}`", "",
             f"Machine: {info['machine']['cpu']}, {info['machine']['cores']} cores, Python {info['machine']['python']},"
             f" load average at start (1, 5, 15 min) {info['machine']['load_average_at_start']}", "",
             "| workers | wall time (s) | notebooks per minute | speed-up | median seconds per notebook |",
             "|---|---|---|---|---|"]
    lines += [f"| {r['workers']} | {r['seconds']} | {r['per_minute']} | {r['speedup_vs_first']} | {r['median_notebook_s']} |"
              for r in info["runs"]]
    lines += ["", f"Plain execution of the solution notebook (nbclient, no sandbox, no probes): "
              f"{info['plain_execution_s']} s; the sandboxed, probed grading of one notebook took "
              f"{info['overhead_vs_plain']}x that (median, 1 worker)."]
    Path(args.out + ".md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
