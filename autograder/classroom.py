"""Grade a whole class: every autograder/submitted/<student>/<assignment>/<assignment>.ipynb.

Resumable and idempotent: a submission whose file has not changed since it was graded against
the same version of its assignment is not graded again (the gradebook's run record holds a hash
of both), and a run killed at any point can simply be started again. A submission graded again
says why (new, changed, the assignment or its checks changed, or ``--force``). Several submissions are graded at once by ``workers`` threads, each waiting on
its own sandboxed process. ``shard=(i, n)`` grades only the students whose stable hash falls in
shard i of n, so that several machines can share a class and one (PostgreSQL) gradebook.
A submission is recorded in the gradebook only once its result and feedback files are written,
so a run killed at any moment loses nothing: the next run grades what has no record.
An assignment with manually graded cells also gets, per submission, the notebook formgrader shows
for grading by hand (:mod:`.review`); the results returned carry the manual scores the gradebook
holds, so the table and scores.csv show them.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from . import paths
from .gradebook import already_graded, disagreements, open_gradebook, read_manual, record, register_assignment, schema_lock
from .grading import NotebookResult, TestResult, grade_notebook, load_source
from .probes.secret import assignment_version
from .report import result_points, write_feedback
from .review import write_review
from .sandbox import Limits

SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@-]{0,127}$")


@dataclass
class Job:
    student: str
    assignment: str
    path: Path
    problem: str = ""      # set when the submission folder itself is wrong


def find_jobs(submitted: Path) -> list[Job]:
    jobs: list[Job] = []
    if not submitted.is_dir():
        return jobs
    known = set(paths.assignments())
    for student_dir in sorted(p for p in submitted.iterdir() if p.is_dir()):
        for folder in sorted(p for p in student_dir.iterdir() if p.is_dir()):
            student, assignment = student_dir.name, folder.name
            expected = folder / f"{assignment}.ipynb"
            job = Job(student, assignment, expected)
            if not SAFE_NAME.match(student):
                continue  # not a name we can store safely; listed by the caller as skipped
            if assignment not in known:
                job.problem = f"there is no assignment called {assignment!r}"
            elif refused := paths.submission_problem(expected, submitted):
                job.problem = refused
            elif not expected.is_file():
                found = sorted(p.name for p in folder.glob("*.ipynb"))
                job.problem = (f"expected a notebook named {expected.name}, found {', '.join(found)}" if found
                               else f"no notebook in the submission folder (expected {expected.name})")
                if len(found) == 1:
                    job.path = folder / found[0]
            jobs.append(job)
    return jobs


def in_shard(student: str, shard: tuple[int, int]) -> bool:
    index, count = shard
    return int(hashlib.sha256(student.encode()).hexdigest(), 16) % count == index


def _result_path(job: Job, autograded: Path) -> Path:
    return autograded / job.student / job.assignment / "result.json"


def _save_result(result: NotebookResult, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".tmp")
    tmp.write_text(json.dumps(result.to_dict(), indent=1))
    os.replace(tmp, target)   # atomic: a reader never sees half a file


def _grade_job(job: Job, limits: Limits, hide: tuple[str, ...]) -> NotebookResult:
    if job.problem:
        result = NotebookResult(job.student, job.assignment, f"{job.assignment}.ipynb", error=job.problem)
        try:
            source = load_source(job.assignment)
            result.max_score = source.max_score
            result.version = assignment_version(job.assignment)
            result.tests = [TestResult(g, d, 0.0, p, h, "not graded: " + job.problem) for g, p, d, h in source.tests()]
            result.manual = source.manual_results(None)
        except Exception:
            pass
        if job.path.is_file():
            result.sha256 = hashlib.sha256(job.path.read_bytes()).hexdigest()
        return result
    return grade_notebook(job.path, job.assignment, job.student, limits, hide)


def _why_grade(job: Job, gb, stored: Path, force: bool) -> str:
    """Why ``job`` must be graded (now), or '' when its recorded grade still holds."""
    sha = hashlib.sha256(job.path.read_bytes()).hexdigest() if job.path.is_file() else ""
    version = assignment_version(job.assignment) if job.assignment in paths.assignments() else ""
    if force:
        return "graded again: --force"
    if not stored.is_file():
        return "new submission"
    key = hashlib.sha256(f"{sha}:{version}".encode()).hexdigest()
    if already_graded(gb, job.student, job.assignment, f"{job.assignment}.ipynb", key):
        return ""
    try:
        before = json.loads(stored.read_text())
    except (OSError, ValueError):
        return "graded again: its stored result was unreadable"
    if not isinstance(before, dict) or before.get("sha256") != sha:
        return "graded again: the submission changed"
    if before.get("version") != version:
        return "graded again: the assignment or its checks changed since it was graded"
    return "graded again: the gradebook had no record of it"


def grade_class(db_url: str = paths.DEFAULT_DB_URL, workers: int = 1, force: bool = False,
                shard: tuple[int, int] = (0, 1), submitted: Path = paths.SUBMITTED,
                limits: Limits = Limits(), log=print, autograded: Path = paths.AUTOGRADED,
                feedback: Path = paths.FEEDBACK, progress=lambda finished, total: finished) -> list[NotebookResult]:
    """Grade every submission of the shard; return the results of all of them (new and kept).
    ``progress(iterable, total)`` wraps the stream of finished submissions (a progress bar)."""
    submitted, autograded, feedback = Path(submitted), Path(autograded), Path(feedback)
    jobs = [j for j in find_jobs(submitted) if in_shard(j.student, shard)]
    if submitted.is_dir():
        for folder in sorted(p.name for p in submitted.iterdir() if p.is_dir() and not SAFE_NAME.match(p.name)):
            log(f"skipped the folder {folder!r}: not a usable student name (letters, digits, _ . @ - only)")
    # Student code must see none of these: other students' work, results and feedback, the gradebook.
    hide = [str(submitted), str(autograded), str(feedback)]
    if db_url.startswith("sqlite:///"):
        hide.append(db_url.removeprefix("sqlite:///"))
    with schema_lock(db_url):
        gb = open_gradebook(db_url)
        for assignment in sorted({j.assignment for j in jobs} & set(paths.assignments())):   # refused ones too
            register_assignment(gb, load_source(assignment))
    try:
        results: list[NotebookResult] = []
        todo: list[Job] = []
        reasons: dict[int, str] = {}
        for job in jobs:
            reason = _why_grade(job, gb, _result_path(job, autograded), force)
            if reason:
                todo.append(job)
                reasons[id(job)] = reason
            else:
                results.append(NotebookResult.from_dict(json.loads(_result_path(job, autograded).read_text())))
        log(f"grading {len(todo)} submission(s) with {workers} worker(s); {len(results)} already graded and unchanged")
        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            futures = {pool.submit(_grade_job, job, limits, tuple(hide)): job for job in todo}
            for future in progress(as_completed(futures), len(futures)):
                job = futures[future]
                try:
                    result = future.result()
                except Exception as err:  # a grader bug must not stop the class
                    result = NotebookResult(job.student, job.assignment, f"{job.assignment}.ipynb",
                                            error=f"the grader failed on this submission: {type(err).__name__}")
                result.graded_because = reasons[id(job)]
                _save_result(result, _result_path(job, autograded))
                write_feedback(result, feedback)
                if result.manual and not job.problem:   # what formgrader shows for grading by hand
                    write_review(load_source(job.assignment).released, job.path,
                                 _result_path(job, autograded).with_name(f"{job.assignment}.ipynb"))
                if result.tests or result.manual:   # a submission of an unknown assignment has no cells to store
                    record(gb, result)
                    read_manual(gb, [result])
                results.append(result)
                log(f"  {job.student:<20} {job.assignment:<28} {result_points(result)}"
                    + (f"  ({result.error})" if result.error else "") + f"  [{result.graded_because}]")
        read_manual(gb, results)         # the scores people gave the written answers, in formgrader
        for line in disagreements(gb, results):
            log(f"GRADEBOOK DISAGREES: {line}")
        return results
    finally:
        gb.close()
