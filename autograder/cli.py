"""Command line of the autograder (``python -m autograder ...``; ``course.py`` wraps it)."""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from . import paths
from .sandbox import Limits


def _limits(args) -> Limits:
    return Limits(cell_timeout=args.cell_timeout, notebook_timeout=args.notebook_timeout, memory_mb=args.memory_mb)


def _add_limit_options(parser) -> None:
    parser.add_argument("--cell-timeout", type=float, default=Limits.cell_timeout, help="seconds per cell (default %(default)s)")
    parser.add_argument("--notebook-timeout", type=float, default=Limits.notebook_timeout, help="seconds per notebook (default %(default)s)")
    parser.add_argument("--memory-mb", type=int, default=Limits.memory_mb, help="memory limit of a notebook in MiB (default %(default)s)")


def cmd_release(args) -> int:
    from .release import release_all

    written = release_all()
    print(f"wrote {len(written)} file(s) into {paths.EXERCISES.relative_to(paths.ROOT)}/")
    return 0


def cmd_check(args) -> int:
    from .grading import grade_notebook
    from .report import format_student_report

    path = Path(args.notebook)
    assignment = args.assignment or path.stem
    result = grade_notebook(path, assignment, limits=_limits(args))
    print(format_student_report(result))
    return 0 if not result.error else 1


def cmd_grade(args) -> int:
    from .classroom import grade_class
    from .report import format_class_table, format_test_table, write_csv

    shard = tuple(int(x) for x in args.shard.split("/")) if args.shard else (0, 1)
    if len(shard) != 2 or not 0 <= shard[0] < shard[1]:
        print("--shard takes I/N with 0 <= I < N, e.g. 0/3", file=sys.stderr)
        return 2
    results = grade_class(db_url=args.db, workers=args.workers, force=args.force, shard=shard,
                          submitted=Path(args.submitted), limits=_limits(args),
                          autograded=Path(args.autograded), feedback=Path(args.feedback))
    print()
    print(format_class_table(results) if results else "no submissions found under " + args.submitted)
    if results:
        print()
        print(format_test_table(results))
    if results:
        scores, tests = write_csv(results, Path(args.reports))
        print(f"\nwrote {scores} and {tests}; feedback in {args.feedback}/<student>/<assignment>/")
    return 0


def cmd_lab(args) -> int:
    command = [sys.executable, "-m", "jupyter", "lab", "--notebook-dir", str(paths.EXERCISES)]
    if os.geteuid() == 0:
        command.append("--allow-root")
    return subprocess.call(command + args.extra)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m autograder", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    sub.add_parser("release", help="regenerate exercises/ from solutions/").set_defaults(func=cmd_release)

    check = sub.add_parser("check", help="grade one notebook and print the feedback (no gradebook)")
    check.add_argument("notebook", help="path to the notebook, anywhere on disk")
    check.add_argument("--assignment", help="assignment name (default: the notebook's file name)")
    _add_limit_options(check)
    check.set_defaults(func=cmd_check)

    grade = sub.add_parser("grade", help="grade every submission under autograder/submitted/")
    grade.add_argument("--db", default=paths.DEFAULT_DB_URL, help="SQLAlchemy URL of the gradebook (default: sqlite under autograder/)")
    grade.add_argument("--workers", type=int, default=1, help="submissions graded at once (default 1)")
    grade.add_argument("--force", action="store_true", help="grade again even if unchanged since the last run")
    grade.add_argument("--shard", help="I/N: grade only shard I of N of the students (several machines, one gradebook)")
    grade.add_argument("--submitted", default=str(paths.SUBMITTED), help="folder of <student>/<assignment>/ submissions")
    grade.add_argument("--reports", default=str(paths.REPORTS), help="folder for scores.csv and tests.csv")
    grade.add_argument("--autograded", default=str(paths.AUTOGRADED), help="folder for each submission's result.json")
    grade.add_argument("--feedback", default=str(paths.FEEDBACK), help="folder for the per-student HTML feedback")
    _add_limit_options(grade)
    grade.set_defaults(func=cmd_grade)

    lab = sub.add_parser("lab", help="open the exercises in JupyterLab (other options go to JupyterLab)")
    lab.set_defaults(func=cmd_lab)

    # Only `lab` passes options it does not know on to another program (JupyterLab).
    args, unknown = parser.parse_known_args(argv)
    if unknown and args.command != "lab":
        parser.error(f"unrecognized arguments: {' '.join(unknown)}")
    args.extra = unknown
    return args.func(args)
