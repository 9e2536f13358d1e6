"""Command line of the autograder (``python -m autograder ...``; ``course.py`` wraps it)."""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from . import isolation, paths, workspace
from . import shard as shards
from .sandbox import UNISOLATED_NOTE, Limits


def _limits(args) -> Limits:
    return Limits(cell_timeout=args.cell_timeout, notebook_timeout=args.notebook_timeout, memory_mb=args.memory_mb,
                  allow_unisolated=args.unisolated)


def _isolation_refused(args) -> bool:
    """True (after saying why) when notebooks cannot be isolated here and the instructor did
    not pass --unisolated; with it, warns that grades come from unisolated runs."""
    reason = isolation.unavailable()
    if not reason:
        return False
    if args.unisolated:
        print(f"WARNING: {UNISOLATED_NOTE}. Reason: {reason}", file=sys.stderr)
        return False
    print(f"refusing to grade: a notebook cannot be isolated on this system ({reason}).\n"
          "Enable unprivileged user namespaces, grade as root, or pass --unisolated to grade without "
          "isolation (every graded notebook could then read what your user can read).", file=sys.stderr)
    return True


def _database_url(args) -> str:
    """The gradebook URL: --db-file, else --db, else $RNNCOURSE_DB_URL, else the sqlite default.
    A URL with a password belongs in a file or the environment, not on a command line."""
    if args.db_file:
        url = Path(args.db_file).read_text().strip()
    elif args.db:
        url = args.db
        if "@" in url and ":" in url.split("://", 1)[-1].split("@", 1)[0]:
            print("WARNING: the gradebook password on the command line is visible to every user of this "
                  f"machine; put the URL in a file (--db-file) or in ${paths.DB_URL_ENV}", file=sys.stderr)
    else:
        url = os.environ.get(paths.DB_URL_ENV) or paths.DEFAULT_DB_URL
    return paths.absolute_db_url(url)


def _add_database_options(parser) -> None:
    parser.add_argument("--db", help=f"SQLAlchemy URL of the gradebook (default: ${paths.DB_URL_ENV}, else sqlite "
                                     "under autograder/); a URL with a password belongs in --db-file")
    parser.add_argument("--db-file", help="a file holding the gradebook's URL (keeps the password off the command line)")


def _add_limit_options(parser) -> None:
    parser.add_argument("--cell-timeout", type=float, default=Limits.cell_timeout, help="seconds per cell (default %(default)s)")
    parser.add_argument("--notebook-timeout", type=float, default=Limits.notebook_timeout, help="seconds per notebook (default %(default)s)")
    parser.add_argument("--memory-mb", type=int, default=Limits.memory_mb, help="memory limit of a notebook in MiB (default %(default)s)")
    parser.add_argument("--unisolated", action="store_true",
                        help="where the system forbids namespaces, grade anyway WITHOUT isolation (reported)")


def cmd_release(args) -> int:
    from .release import release_all

    written = release_all()
    print(f"wrote {len(written)} file(s) into {paths.EXERCISES.relative_to(paths.ROOT)}/")
    return 0


def cmd_check(args) -> int:
    """Grade one notebook: by the full grader where the course's solutions/ are present, else
    (a class's copy of the course) its visible tests only."""
    from .report import format_student_report
    from .visible import grade_visible, has_solutions

    if _isolation_refused(args):
        return 2
    space = workspace.root(args.workspace)
    try:
        path = workspace.notebook(args.notebook, space).resolve()
    except FileNotFoundError as err:
        print(f"check: {err}", file=sys.stderr)
        return 2
    given = Path(args.notebook).expanduser()
    if given.is_file() and workspace.is_released_stub(given):   # as the notebooks' instructions say
        print(f"note: grading your copy {path}" if path != given.resolve() else
              f"note: {path} is the course's released notebook, not your work "
              f"(`python3 course.py lab` makes your copy in {space}/)")
    assignment = args.assignment or path.stem
    if has_solutions(assignment):
        from .grading import grade_notebook

        result = grade_notebook(path, assignment, limits=_limits(args))
    else:
        result = grade_visible(path, assignment, limits=_limits(args))
    print(format_student_report(result))
    return 0 if not result.error else 1


def cmd_grade(args) -> int:
    from . import progress
    from .classroom import grade_class
    from .dashboard import write_dashboard
    from .report import format_class_table, format_test_table, write_csv

    try:
        shard = shards.parse(args.shard, os.environ)
    except shards.ShardError as err:
        print(f"grade: {err}", file=sys.stderr)
        return 2
    if args.shard:
        print(f"grading shard {shard[0]} of {shard[1]} (0-based)")
    if _isolation_refused(args):
        return 2
    folders = {name: Path(getattr(args, name)).resolve() for name in ("submitted", "autograded", "feedback", "reports")}
    started = time.monotonic()
    results = grade_class(db_url=_database_url(args), workers=args.workers, force=args.force, shard=shard,
                          submitted=folders["submitted"], limits=_limits(args),
                          autograded=folders["autograded"], feedback=folders["feedback"],
                          log=progress.log, progress=progress.bar)
    seconds = time.monotonic() - started
    print()
    print(format_class_table(results) if results else "no submissions found under " + args.submitted)
    if results:
        print()
        print(format_test_table(results))
    if results:
        scores, tests = write_csv(results, folders["reports"])
        print(f"\nwrote {scores} and {tests}; feedback in {args.feedback}/<student>/<assignment>/")
        page = write_dashboard(folders["autograded"], folders["reports"], args.book_url, folders["submitted"])
        print(f"class dashboard: {page}")
        print()
        print(progress.summary(results, seconds))
    return 0


def cmd_lab(args) -> int:
    """The student's lab over their workspace (brought up to date first), or the instructor's."""
    from . import lab

    if args.instructor:
        print("course: written answers are graded in formgrader (Nbgrader > Formgrader > Manual Grading); "
              "`python3 course.py rubric NAME` prints their model answers and rubrics")
        return lab.launch("instructor", paths.ROOT, args.extra, cwd=paths.ROOT)
    space = workspace.root(args.workspace)
    synced = workspace.sync(space)
    if synced.added:
        print(f"course: {len(synced.added)} released file(s) copied into your workspace {space}/")
    for path in synced.updated:
        print(f"course: the course has updated {path.name} since you copied it; yours is unchanged. "
              f"`python3 course.py reset {workspace.assignment_of(path.name)}` takes the new one "
              "(yours is backed up first)")
    return lab.launch("student", space, args.extra, cwd=paths.ROOT)


def cmd_reset(args) -> int:
    space = workspace.root(args.workspace)
    try:
        notebook, backup = workspace.reset(args.name, space)
    except FileNotFoundError as err:
        print(f"reset: {err}", file=sys.stderr)
        return 2
    if backup:
        print(f"your previous notebook is saved as {backup}")
    print(f"{notebook} is the released stub again")
    return 0


def cmd_release_student(args) -> int:
    from .student_release import write_student_release

    try:
        summary = write_student_release(Path(args.out), assignments=args.assignments, force=args.force)
    except (FileExistsError, ValueError) as err:
        print(f"release-student: {err}", file=sys.stderr)
        return 2
    print(summary)
    return 0


def cmd_collect(args) -> int:
    from datetime import datetime

    from .collect import collect

    if args.assignment not in paths.assignments():
        print(f"collect: there is no assignment called {args.assignment!r} (see solutions/)", file=sys.stderr)
        return 2
    try:
        due = datetime.fromisoformat(args.due) if args.due else None
        done = collect(Path(args.archive), args.assignment, Path(args.submitted).resolve(), due=due)
    except ValueError as err:
        print(f"collect: {err}", file=sys.stderr)
        return 2
    print(done.summary())
    return 1 if done.unmapped else 0


def cmd_rubric(args) -> int:
    """Print each written question of the assignments with its points, model answer and rubric."""
    import nbformat

    from .rubric import RubricError, format_rubrics, written_questions

    status = 0
    for name in args.names:
        if name not in paths.assignments():
            print(f"rubric: there is no assignment called {name!r} (known: {', '.join(paths.assignments())})",
                  file=sys.stderr)
            return 2
        try:
            questions = written_questions(nbformat.read(paths.source_notebook(name), as_version=4), name)
        except RubricError as err:
            print(f"rubric: solutions/{name} has written cells that do not follow the format:\n{err}", file=sys.stderr)
            status = 1
            continue
        print(format_rubrics(name, questions) + "\n")
    return status


def cmd_export(args) -> int:
    from .export import export
    from .gradebook import open_gradebook

    url = _database_url(args)
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).is_file():
        print(f"export: there is no gradebook at {url.removeprefix('sqlite:///')} (grade the class first)", file=sys.stderr)
        return 2
    gb = open_gradebook(url)
    try:
        written, missing = export(gb, args.format, Path(args.out).resolve(), Path(args.roster).resolve(), args.assignments)
    finally:
        gb.close()
    for line in missing:
        print(f"  note: {line}")
    print("wrote " + ", ".join(str(p) for p in written))
    return 0


def cmd_dashboard(args) -> int:
    from .dashboard import write_dashboard

    page = write_dashboard(Path(args.autograded).resolve(), Path(args.reports).resolve(), args.book_url,
                           Path(args.submitted).resolve())
    if page is None:
        print(f"dashboard: no results under {args.autograded} (grade the class first)", file=sys.stderr)
        return 2
    print(f"wrote {page}")
    return 0


def _add_workspace_option(parser) -> None:
    parser.add_argument("--workspace", help=f"the folder of your own notebooks (default: ${workspace.ENVIRONMENT_VARIABLE}, "
                                            "else workspace/ in the course)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m autograder", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    sub.add_parser("release", help="regenerate exercises/ from solutions/").set_defaults(func=cmd_release)

    check = sub.add_parser("check", help="grade one notebook and print the feedback (no gradebook)")
    check.add_argument("notebook", help="an assignment of your workspace (e.g. 02_rnn_equations) or a notebook's path")
    check.add_argument("--assignment", help="assignment name (default: the notebook's file name)")
    _add_workspace_option(check)
    _add_limit_options(check)
    check.set_defaults(func=cmd_check)

    grade = sub.add_parser("grade", help="grade every submission under autograder/submitted/")
    _add_database_options(grade)
    grade.add_argument("--workers", type=int, default=1, help="submissions graded at once (default 1)")
    grade.add_argument("--force", action="store_true", help="grade again even if unchanged since the last run")
    grade.add_argument("--shard", help="I/N: grade only shard I of N of the students (several machines, one gradebook); "
                                       "auto: the task's own shard of a Slurm job array or Kubernetes Indexed Job")
    grade.add_argument("--submitted", default=str(paths.SUBMITTED), help="folder of <student>/<assignment>/ submissions")
    grade.add_argument("--reports", default=str(paths.REPORTS), help="folder for scores.csv and tests.csv")
    grade.add_argument("--autograded", default=str(paths.AUTOGRADED), help="folder for each submission's result.json")
    grade.add_argument("--feedback", default=str(paths.FEEDBACK), help="folder for the per-student HTML feedback")
    grade.add_argument("--book-url", help="where the dashboard's links find the book (default: the book built here)")
    _add_limit_options(grade)
    grade.set_defaults(func=cmd_grade)

    dashboard = sub.add_parser("dashboard", help="write the class dashboard (reports/index.html) from the stored results")
    dashboard.add_argument("--autograded", default=str(paths.AUTOGRADED), help="folder of each submission's result.json")
    dashboard.add_argument("--reports", default=str(paths.REPORTS), help="folder for index.html and similar.csv")
    dashboard.add_argument("--submitted", default=str(paths.SUBMITTED), help="the submissions (for similar submissions)")
    dashboard.add_argument("--book-url", help="where the links find the book (default: the book built here)")
    dashboard.set_defaults(func=cmd_dashboard)

    collect = sub.add_parser("collect", help="place a learning platform's bulk download (Canvas, Moodle, nbgrader "
                                             "exchange zip) into autograder/submitted/")
    collect.add_argument("archive", help="the zip archive the platform gave")
    collect.add_argument("--assignment", required=True, help="the assignment it holds, e.g. 02_rnn_equations")
    collect.add_argument("--submitted", default=str(paths.SUBMITTED), help="folder of <student>/<assignment>/ submissions")
    collect.add_argument("--due", help="the deadline, e.g. '2026-11-30 23:59' (UTC): nbgrader and Moodle submissions "
                                       "after it are reported late (Canvas marks its own)")
    collect.set_defaults(func=cmd_collect)

    export = sub.add_parser("export", help="the gradebook's scores (automatic and manual) as a Canvas or Moodle import CSV")
    export.add_argument("--format", required=True, choices=("canvas", "moodle"), help="the platform to import into")
    export.add_argument("--out", default=str(paths.REPORTS), help="folder for the CSV files (default autograder/reports/)")
    export.add_argument("--roster", default=str(paths.AUTOGRADER / "roster.csv"), help="who each student is on the platform (written by collect)")
    export.add_argument("--assignments", nargs="+", metavar="NAME", help="the assignments to export (default: all graded)")
    _add_database_options(export)
    export.set_defaults(func=cmd_export)

    rubric = sub.add_parser("rubric", help="print the written questions' points, model answers and rubrics (instructor)")
    rubric.add_argument("names", nargs="+", metavar="NAME", help="the assignments, e.g. 02_rnn_equations")
    rubric.set_defaults(func=cmd_rubric)

    lab = sub.add_parser("lab", help="open your workspace in JupyterLab (other options go to JupyterLab)")
    lab.add_argument("--instructor", action="store_true", help="the instructor's lab: the course folder, formgrader")
    _add_workspace_option(lab)
    lab.set_defaults(func=cmd_lab)

    reset = sub.add_parser("reset", help="put the released stub of one assignment back into your workspace "
                                         "(your notebook is backed up first)")
    reset.add_argument("name", help="the assignment, e.g. 02_rnn_equations")
    _add_workspace_option(reset)
    reset.set_defaults(func=cmd_reset)

    student = sub.add_parser("release-student", help="write what a class gets into OUT: notebooks, book, package, README")
    student.add_argument("out", help="folder to write (must not exist, or be empty)")
    student.add_argument("--assignments", nargs="+", metavar="NAME", help="the assignments to give (default: all)")
    student.add_argument("--force", action="store_true", help="replace OUT if it holds a previous student release")
    student.set_defaults(func=cmd_release_student)

    # Only `lab` passes options it does not know on to another program (JupyterLab).
    args, unknown = parser.parse_known_args(argv)
    if unknown and args.command != "lab":
        parser.error(f"unrecognized arguments: {' '.join(unknown)}")
    args.extra = unknown
    return args.func(args)
