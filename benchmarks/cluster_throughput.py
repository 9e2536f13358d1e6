"""Cluster grading throughput: a class graded by 1 and by 2 array tasks on this machine.

Each task is what one task of ``autograder/cluster/grade.sbatch`` runs: ``python -m autograder
grade --shard auto`` with the environment Slurm gives array task I of N
(``SLURM_ARRAY_TASK_ID``, ``SLURM_ARRAY_TASK_COUNT``), one worker, all tasks at once into one
gradebook. Every configuration grades the whole class from scratch; the wall time runs from
the first task's start to the last task's end, process start-up included. The class is the
pilot assignment's mix of correct, stub and known-wrong submissions (a third each).

    .venv/bin/python benchmarks/cluster_throughput.py --students 24 --tasks 1 2

The per-notebook cost is the 1-task time divided by the class size (one core, start-up
amortised); the projection for a large course multiplies it out. Writes
benchmarks/results/cluster_throughput.json and .md.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ROOT, command, machine, machine_markdown, now, write_results  # noqa: E402
from grading_throughput import A, make_class  # noqa: E402

from autograder import paths  # noqa: E402

STUDENTS = 5000                             # the class the projection is for, on every assignment of the course


def grade_with_tasks(work: Path, tasks: int) -> tuple[float, dict[str, float]]:
    """Seconds for ``tasks`` concurrent array tasks to grade work/submitted; student -> score."""
    import sqlalchemy

    url = f"sqlite:///{work / f'gradebook{tasks}.db'}"
    folders = {name: work / f"{name}{tasks}" for name in ("autograded", "feedback")}
    common_args = [sys.executable, "-m", "autograder", "grade", "--shard", "auto", "--workers", "1",
                   "--submitted", str(work / "submitted"),
                   *(f"--{name}={path}" for name, path in folders.items())]
    # the tables exist before the tasks start (PostgreSQL's graders wait on a lock; sqlite has none)
    subprocess.run([sys.executable, "-m", "autograder", "grade", "--submitted", str(work / "empty"),
                    "--reports", str(work / "unused")], cwd=ROOT, env=dict(os.environ, RNNCOURSE_DB_URL=url),
                   check=True, capture_output=True)
    started = time.perf_counter()
    running = [subprocess.Popen(common_args + ["--reports", str(work / f"reports{tasks}-{i}")], cwd=ROOT,
                                env=dict(os.environ, RNNCOURSE_DB_URL=url, SLURM_ARRAY_TASK_ID=str(i),
                                         SLURM_ARRAY_TASK_COUNT=str(tasks)),
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) for i in range(tasks)]
    outputs = [task.communicate()[0] for task in running]
    seconds = time.perf_counter() - started
    for task, out in zip(running, outputs):
        if task.returncode:
            raise SystemExit(f"a task failed:\n{out[-3000:]}")
    engine = sqlalchemy.create_engine(url)
    with engine.connect() as connection:
        scores = dict(connection.execute(sqlalchemy.text("SELECT student, score FROM autograder_runs")).fetchall())
    engine.dispose()
    return seconds, scores


def course_mix() -> float | None:
    """Mean grading time of a notebook over the course's assignments, relative to the pilot's
    (from the recorded grading_overhead benchmark); None where it is not recorded."""
    import json

    recorded = ROOT / "benchmarks" / "results" / "grading_overhead.json"
    if not recorded.is_file():
        return None
    seconds = {row["assignment"]: row["graded_s"] for row in json.loads(recorded.read_text())["rows"]}
    if A not in seconds:
        return None
    return round(sum(seconds.values()) / len(seconds) / seconds[A], 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=24)
    parser.add_argument("--tasks", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--out", type=Path, default=None, help="results folder (default benchmarks/results)")
    args = parser.parse_args()

    data = {"benchmark": "cluster_throughput", "command": command(), "assignment": A, "students": args.students,
            "load_average_at_start": [round(x, 2) for x in os.getloadavg()], "runs": []}
    work = Path(tempfile.mkdtemp(prefix="rnn-cluster-"))
    try:
        expected = make_class(work / "submitted", args.students)
        (work / "empty").mkdir()
        for tasks in args.tasks:
            seconds, scores = grade_with_tasks(work, tasks)
            run = {"tasks": tasks, "seconds": round(seconds, 1), "graded": len(scores),
                   "notebooks_per_minute": round(60 * len(scores) / seconds, 1),
                   "wrong_or_missing": sorted(s for s in expected if scores.get(s) != expected[s])}
            data["runs"].append(run)
            print(run, flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    data["machine"] = machine()
    data["date"] = now()
    first = data["runs"][0]
    per_notebook = first["seconds"] * first["tasks"] / args.students       # task-seconds per notebook
    best = max(data["runs"], key=lambda r: r["notebooks_per_minute"])
    assignments = len(paths.assignments())
    total = STUDENTS * assignments
    data["projection"] = {
        "students": STUDENTS, "assignments": assignments, "notebooks": total, "task_seconds_per_notebook": round(per_notebook, 2),
        "task_hours": round(total * per_notebook / 3600, 1),
        "hours_on_this_machine": round(total / best["notebooks_per_minute"] / 60, 1),
        "hours_on_32_nodes_of_2_tasks": round(total * per_notebook / 3600 / 64, 1)}
    mix = course_mix()
    if mix:
        data["projection"]["course_mix_ratio"] = mix
        data["projection"]["task_hours_course_mix"] = round(total * per_notebook * mix / 3600, 1)
    p = data["projection"]
    lines = [f"# Cluster grading throughput ({args.students} submissions of {A})", "", machine_markdown(data),
             f"Load average at the start (1, 5, 15 min): {data['load_average_at_start']} "
             "(a shared machine: other work ran beside the benchmark).", "",
             "| array tasks | wall time (s) | notebooks per minute | wrong or missing scores |", "|---:|---:|---:|---|"]
    lines += [f"| {r['tasks']} | {r['seconds']} | {r['notebooks_per_minute']} | {len(r['wrong_or_missing'])} |"
              for r in data["runs"]]
    lines += ["", f"Cost of one notebook: {p['task_seconds_per_notebook']} task-seconds ({first['tasks']} task, "
              "process start-up amortised over the class).", "",
              f"Projection for {STUDENTS:,} students x {assignments} assignments = {total:,} notebooks, at that "
              f"cost: {p['task_hours']:,} task-hours; {p['hours_on_this_machine']:,} h on this machine at its best "
              f"rate above; {p['hours_on_32_nodes_of_2_tasks']:,} h as a job array of 64 tasks (32 such machines)."]
    if mix:
        lines += ["", f"The assignments do not all cost what {A} does: in grading_overhead.json one notebook of the "
                  f"course takes on average {mix}x as long to grade as one of {A}, which makes "
                  f"{p['task_hours_course_mix']:,} task-hours for the course."]
    write_results("cluster_throughput", data, "\n".join(lines), args.out)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
