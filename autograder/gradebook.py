"""Scores into the nbgrader gradebook (sqlite by default, any SQLAlchemy URL: PostgreSQL too).

nbgrader's tables hold the assignment, its cells and every student's grades, so the usual
``nbgrader export`` and formgrader work on them. One table of our own, ``autograder_runs``,
records which file (by SHA-256) each grade came from. It is written *after* the grades, so a
grading run killed half-way leaves no record and the next run grades that submission again;
grades are keyed by (student, assignment, notebook, cell) and overwritten, never added twice.

The autograded cells' grades are the grader's alone: writing one also clears what nbgrader lets
others add to it (a manual score, extra credit), and :func:`disagreements` compares the
gradebook with the computed results after a class is graded. A manually graded cell (a written
answer) is registered as nbgrader registers it, so that formgrader lists it for a person: its
automatic score is None (0 for an answer left as released, nbgrader's "No response") and it
needs a manual grade; grading the submission again never touches the manual score or extra
credit a person gave it. :func:`read_manual` puts those scores into the results.
"""
from __future__ import annotations

import contextlib
import os
import sys
import time
import warnings
from pathlib import Path

from sqlalchemy import Column, DateTime, Float, MetaData, String, Table, create_engine, func, select, text
from sqlalchemy.exc import IntegrityError, OperationalError, SAWarning

from .grading import NotebookResult, Source, TestResult
from .notebook_io import grade_id, is_manual, is_solution, is_test, nbgrader_meta

# nbgrader's own ORM code triggers harmless autoflush warnings when it creates a submission.
warnings.filterwarnings("ignore", category=SAWarning, module="nbgrader")

runs_metadata = MetaData()
runs = Table(
    "autograder_runs", runs_metadata,
    Column("student", String(128), primary_key=True),
    Column("assignment", String(128), primary_key=True),
    Column("notebook", String(128), primary_key=True),
    Column("sha256", String(64), nullable=False),
    Column("score", Float, nullable=False),
    Column("max_score", Float, nullable=False),
    Column("graded_at", DateTime, server_default=func.now(), nullable=False),
)


def database_url(url: str) -> str:
    """``url`` with a driver that is installed: a plain ``postgresql://`` URL means psycopg2 here."""
    if url.startswith("postgresql://"):
        return "postgresql+psycopg2://" + url.removeprefix("postgresql://")
    return url


@contextlib.contextmanager
def schema_lock(url: str):
    """Serialise creating the tables and registering assignments among graders sharing one
    PostgreSQL database (a session-level advisory lock); sqlite needs nothing: one machine."""
    if not url.startswith("postgresql"):
        yield
        return
    engine = create_engine(database_url(url))
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT pg_advisory_lock(727001)"))
            try:
                yield
            finally:
                connection.execute(text("SELECT pg_advisory_unlock(727001)"))
    finally:
        engine.dispose()


def open_gradebook(url: str):
    """An nbgrader ``Gradebook`` on ``url``, with our runs table created beside its tables."""
    # nbgrader stamps a new database by running the `alembic` command of this environment.
    bin_dir = str(Path(sys.executable).parent)
    if bin_dir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bin_dir + os.pathsep + os.environ.get("PATH", "")
    from nbgrader.api import Gradebook

    gb = _retry(lambda: Gradebook(database_url(url), course_id="rnn-course"))
    runs_metadata.create_all(gb.engine)
    return gb


def _retry(action, attempts: int = 8):
    """Run ``action``; several graders may create the same shared row at once: retry on conflict."""
    for attempt in range(attempts):
        try:
            return action()
        except (IntegrityError, OperationalError):
            if attempt == attempts - 1:
                raise
            time.sleep(0.1 * (attempt + 1))


def register_assignment(gb, source: Source) -> None:
    """Create or update the assignment, its notebook and its cells from the source notebook."""
    name, notebook = source.assignment, source.assignment

    def register():
        try:
            gb.update_or_create_assignment(name)
            gb.update_or_create_notebook(notebook, name)
            for cell in source.notebook.cells:
                gid = grade_id(cell)
                if not gid:
                    continue
                points = float(nbgrader_meta(cell).get("points", 0))
                if nbgrader_meta(cell).get("task"):
                    gb.update_or_create_task_cell(gid, notebook, name, max_score=points, cell_type=cell.cell_type)
                elif is_test(cell) or is_manual(cell):
                    gb.update_or_create_grade_cell(gid, notebook, name, max_score=points, cell_type=cell.cell_type)
                if is_solution(cell):
                    gb.update_or_create_solution_cell(gid, notebook, name)
                gb.update_or_create_source_cell(gid, notebook, name, cell_type=cell.cell_type,
                                                locked=bool(nbgrader_meta(cell).get("locked")), source=cell.source)
        except Exception:
            gb.db.rollback()
            raise

    _retry(register)


def already_graded(gb, student: str, assignment: str, notebook: str, sha256: str) -> bool:
    row = gb.db.execute(select(runs.c.sha256).where(
        runs.c.student == student, runs.c.assignment == assignment, runs.c.notebook == notebook)).first()
    return row is not None and row[0] == sha256


def record(gb, result: NotebookResult) -> None:
    """Write one graded notebook: grades first, then the run record (see the module docstring)."""
    def write():
        try:
            gb.update_or_create_student(result.student)
            submission = gb.update_or_create_submission(result.assignment, result.student)
            _add_missing_rows(gb, submission)
            notebook = result.notebook.removesuffix(".ipynb")
            for test in result.tests:
                grade = gb.find_grade(test.grade_id, notebook, result.assignment, result.student)
                grade.auto_score = test.points
                grade.manual_score = grade.extra_credit = None   # nbgrader's score prefers these
                grade.needs_manual_grade = False
            for cell in result.manual:                           # a person's score stays
                grade = gb.find_grade(cell.grade_id, notebook, result.assignment, result.student)
                grade.auto_score = None if cell.answered else 0.0
                grade.needs_manual_grade = grade.manual_score is None and grade.auto_score is None
            gb.db.commit()
            key = dict(student=result.student, assignment=result.assignment, notebook=result.notebook)
            gb.db.execute(runs.delete().where(*(getattr(runs.c, k) == v for k, v in key.items())))
            gb.db.execute(runs.insert().values(**key, sha256=result.run_key, score=result.score, max_score=result.max_score))
            gb.db.commit()
        except Exception:
            gb.db.rollback()
            raise

    _retry(write)


def _add_missing_rows(gb, submission) -> None:
    """Create the grades and comments of cells registered after this submission was first
    stored (nbgrader creates them only with the submission): e.g. a written question added later."""
    from nbgrader.api import Comment, Grade

    for nb in submission.notebooks:
        graded = {grade.cell_id for grade in nb.grades}
        commented = {comment.cell_id for comment in nb.comments}
        for cell in list(nb.notebook.grade_cells) + list(nb.notebook.task_cells):
            if cell.id not in graded:
                gb.db.add(Grade(cell_id=cell.id, notebook=nb))
        for cell in list(nb.notebook.solution_cells) + list(nb.notebook.task_cells):
            if cell.id not in commented:
                gb.db.add(Comment(cell_id=cell.id, notebook=nb))
    gb.db.flush()


def read_manual(gb, results: list[NotebookResult]) -> None:
    """Fill in each result's manually graded cells from the gradebook: the score a person gave
    (plus extra credit), else the automatic one (0 for no response), else None (pending)."""
    from nbgrader.api import MissingEntry

    gb.db.expire_all()                                # read what is stored now, not our cache
    for result in results:
        for cell in result.manual:
            try:
                grade = gb.find_grade(cell.grade_id, result.notebook.removesuffix(".ipynb"), result.assignment,
                                      result.student)
            except MissingEntry:
                continue
            given = grade.manual_score if grade.manual_score is not None else grade.auto_score
            cell.points = None if given is None else float(given) + float(grade.extra_credit or 0)


def run_records(gb) -> list[dict]:
    return [dict(row._mapping) for row in gb.db.execute(select(runs).order_by(runs.c.student, runs.c.assignment))]


def disagreements(gb, results: list[NotebookResult]) -> list[str]:
    """One line for every autograded cell whose score in the gradebook is not the computed one
    (someone or something wrote to the gradebook), for every manually graded cell whose automatic
    part is not what the grader found (None, or 0 for no response) or whose score exceeds its
    points, and for every cell missing there."""
    from nbgrader.api import MissingEntry

    gb.db.expire_all()                                # read what is stored now, not our cache
    found = []
    for result in results:
        if not result.tests and not result.manual:
            continue
        notebook = result.notebook.removesuffix(".ipynb")
        where = f"{result.student}/{result.assignment}"
        for cell in [*result.tests, *result.manual]:
            try:
                grade = gb.find_grade(cell.grade_id, notebook, result.assignment, result.student)
            except MissingEntry:
                found.append(f"{where} {cell.grade_id}: not in the gradebook")
                continue
            if isinstance(cell, TestResult):
                if abs(grade.score - cell.points) > 1e-9:
                    found.append(f"{where} {cell.grade_id}: the gradebook says {grade.score:g}, "
                                 f"the grader computed {cell.points:g}")
                continue
            automatic = None if cell.answered else 0.0
            if grade.auto_score != automatic:
                found.append(f"{where} {cell.grade_id} (graded by hand): the gradebook's automatic score is "
                             f"{grade.auto_score}, the grader found {'an answer (None)' if cell.answered else 'no answer (0)'}")
            if grade.manual_score is not None and grade.manual_score > cell.max_points + 1e-9:
                found.append(f"{where} {cell.grade_id} (graded by hand): manual score {grade.manual_score:g} "
                             f"is over the cell's {cell.max_points:g} points")
    return found
