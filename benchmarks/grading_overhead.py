"""Autograding cost per notebook: ``grade_notebook`` against plain execution of the same notebook.

Usage (the committed results came from the first line)::

    python benchmarks/grading_overhead.py                     # every assignment, 3 rounds
    python benchmarks/grading_overhead.py --assignments 01_why_recurrent --repeats 1 --out /tmp/g

For each assignment two things run side by side, in interleaved rounds:

``plain``  the instructor's notebook (solutions and every test, hidden ones included: the
           same code the grader runs for a correct submission), executed with nbclient in
           a fresh ``python3`` kernel in an empty temporary folder, with one BLAS/OpenMP
           thread like the grader's kernels;
``graded`` a correct submission (the released notebook with the solutions typed in)
           through ``autograder.grading.grade_notebook``: read, rebuild from the source,
           sandboxed worker and kernel with limits, isolated in namespaces of its own
           (allowlist file system, student-facing package copy, no network), probes (their
           inputs drawn and the instructor's expected results computed anew in every round,
           as for a new submission), scoring.

Both are timed from the call to its end in this process, kernel start and end included. The
plain run's nbclient is imported here once; the grader's worker is a fresh process that
imports its own in every round (counted). The overhead is the ratio of the medians (target:
under 2x for every assignment). On a machine shared with other work, the load average at the
start of each round is recorded too. The grader's sandbox run time
(``NotebookResult.seconds``) is recorded too, so the fixed cost of the sandbox start shows.
Last, the cost of isolation alone: a one-cell notebook through ``run_notebook`` isolated
(namespaces, allowlist file system) and unisolated, in interleaved rounds.
Class throughput with several workers is measured elsewhere; this is one notebook at a time.
``--device`` is accepted for symmetry with the other benchmarks: notebooks pick their device
themselves, so on a GPU machine both contenders see the same GPU.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from common import command, machine, machine_markdown, median, now, write_results  # noqa: E402

from autograder import isolation, paths, probes  # noqa: E402
from autograder.grading import grade_notebook, load_source  # noqa: E402
from autograder.notebook_io import grade_id, is_solution  # noqa: E402


def submission(assignment: str) -> nbformat.NotebookNode:
    """The released notebook with the instructor's answers typed in (what a good student hands in)."""
    source = load_source(assignment)
    answers = {}
    for cell in source.notebook.cells:
        if is_solution(cell):
            lines = [line for line in cell.source.splitlines()
                     if line.strip() not in ("### BEGIN SOLUTION", "### END SOLUTION")]
            answers[grade_id(cell)] = "\n".join(lines)
    nb = nbformat.from_dict(source.released)
    for cell in nb.cells:
        if grade_id(cell) in answers:
            cell.source = answers[grade_id(cell)]
    return nb


# The grader's kernels run with one BLAS/OpenMP thread; the plain run gets the same setting, so
# that the comparison measures the grader's machinery and not a thread count.
ONE_THREAD = {name: "1" for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")}


def run_plain(assignment: str, timeout: int) -> float:
    """Seconds to execute the instructor's notebook with nbclient, kernel start included."""
    from nbclient import NotebookClient

    nb = nbformat.read(paths.source_notebook(assignment), as_version=4)
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        NotebookClient(nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": folder}}).execute(
            env=os.environ | ONE_THREAD)
        return time.perf_counter() - start


def run_graded(assignment: str, nb: nbformat.NotebookNode) -> tuple[float, float, float, float]:
    """Seconds for grade_notebook on a correct submission; also the sandbox's own seconds and the score.
    The grader's probe sets are forgotten first: every round does a new submission's whole work
    (the instructor's expected results included), not only the first."""
    probes.forget()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{assignment}.ipynb"
        nbformat.write(nb, path)
        start = time.perf_counter()
        result = grade_notebook(path, assignment, student="benchmark")
        seconds = time.perf_counter() - start
    return seconds, result.seconds, result.score, result.max_score


def run_isolation_cost(repeats: int) -> dict:
    """Median seconds of a one-cell notebook through the sandbox, isolated and not."""
    from autograder import sandbox

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 + 1")])
    times = {"isolated": [], "unisolated": []}
    for _ in range(repeats):
        for kind in times:
            limits = sandbox.Limits(allow_unisolated=kind == "unisolated")
            real = isolation.unavailable
            if kind == "unisolated":   # as on a system without namespaces
                isolation.unavailable = lambda: "measured without namespaces for comparison"
            try:
                run = sandbox.run_notebook(nb, limits)
            finally:
                isolation.unavailable = real
            assert run.outcomes and run.outcomes[0].ok, run.problem
            times[kind].append(run.seconds)
    return {kind: round(median(values), 3) for kind, values in times.items()}


def markdown(data: dict) -> str:
    lines = ["# Autograding cost per notebook", "", machine_markdown(data), "",
             f"Kernel isolation: {data['isolation']}.", "",
             f"Repeats: {data['repeats']} interleaved rounds, medians of wall-clock seconds.", "",
             "Load average (1 min) at the start of each round: median {median}, from {min} to {max} "
             "(the machine has {cores} cores); the benchmark ran at niceness {nice} (its children too).".format(
                 cores=data["machine"]["cores"], nice=data["niceness"], **data["load_1min_during_run"]), "",
             "| assignment | plain nbclient s | grade_notebook s | of which sandbox run s | overhead (x plain) | score |",
             "|---|---:|---:|---:|---:|---|"]
    for r in data["rows"]:
        lines.append(f"| {r['assignment']} | {r['plain_s']:.2f} | {r['graded_s']:.2f} | {r['sandbox_s']:.2f} | "
                     f"{r['overhead']:.2f} | {r['score']:g}/{r['max_score']:g} |")
    lines += ["", f"Median overhead over the assignments: {data['median_overhead']:.2f}x (target: under 2x); "
              f"largest: {data['max_overhead']:.2f}x."]
    partial = [r["assignment"] for r in data["rows"] if r["score"] < r["max_score"]]
    if partial:
        lines += ["", f"Not at full marks in the grader: {', '.join(partial)}. Those graded runs skipped part of "
                  "the notebook's work (a failed import or check ends a cell early), so their overhead understates "
                  "the cost."]
    cost = data.get("isolation_cost")
    if cost:
        lines += ["", f"Isolation alone (a one-cell notebook through the sandbox, medians of {data['repeats']}): "
                  f"{cost['isolated']:.2f} s isolated, {cost['unisolated']:.2f} s unisolated."]
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cpu", help="recorded with the results (notebooks choose their device)")
    parser.add_argument("--assignments", nargs="+", default=None, help="default: every assignment")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--timeout", type=int, default=300, help="seconds per cell for plain execution")
    parser.add_argument("--out", type=Path, default=None, help="results folder (default benchmarks/results)")
    args = parser.parse_args(argv)
    assignments = args.assignments or paths.assignments()
    rows, loads = [], []
    for assignment in assignments:
        nb = submission(assignment)
        plain, graded, sandbox = [], [], []
        for _ in range(args.repeats):  # interleaved: plain then graded in every round
            loads.append(os.getloadavg()[0])
            plain.append(run_plain(assignment, args.timeout))
            seconds, sandbox_seconds, score, max_score = run_graded(assignment, nb)
            graded.append(seconds)
            sandbox.append(sandbox_seconds)
        row = {"assignment": assignment, "plain_s": round(median(plain), 3), "graded_s": round(median(graded), 3),
               "sandbox_s": round(median(sandbox), 3), "overhead": round(median(graded) / median(plain), 3),
               "score": score, "max_score": max_score, "plain_all_s": [round(x, 3) for x in plain],
               "graded_all_s": [round(x, 3) for x in graded]}
        rows.append(row)
        print(f"{assignment}: plain {row['plain_s']:.2f} s, graded {row['graded_s']:.2f} s, "
              f"overhead {row['overhead']:.2f}x, score {score:g}/{max_score:g}", flush=True)
    overheads = [r["overhead"] for r in rows]
    cost = run_isolation_cost(args.repeats)
    print(f"one-cell notebook: {cost['isolated']:.2f} s isolated, {cost['unisolated']:.2f} s unisolated", flush=True)
    data = {"benchmark": "grading_overhead", "command": command(), "date": now(), "machine": machine(args.device),
            "repeats": args.repeats, "rows": rows,
            "isolation": "user, mount, PID and network namespaces" if not isolation.unavailable()
                         else f"none ({isolation.unavailable()})", "median_overhead": round(median(overheads), 3),
            "max_overhead": round(max(overheads), 3), "isolation_cost": cost,
            "load_1min_during_run": {"min": round(min(loads), 2), "median": round(median(loads), 2),
                                     "max": round(max(loads), 2)}, "niceness": os.nice(0)}
    print("wrote", *write_results("grading_overhead", data, markdown(data), args.out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
