"""Grades out: the gradebook's scores as CSV files a learning platform imports.

A submission's score is nbgrader's: for every graded cell its manual score where someone gave
one in formgrader (a written answer), else its automatic score, plus any extra credit, summed
over the assignment. Who a student is on the platform comes from ``roster.csv`` (written by
``collect``; an instructor may add the columns ``email``, ``sis_user_id`` and ``section``).

    canvas   canvas_grades.csv: Student, ID, SIS User ID, Section, then one column per assignment
             (a "Points Possible" row first), the layout of Canvas's gradebook import
    moodle   moodle_<assignment>.csv: Moodle's offline grading worksheet (Identifier
             "Participant <id>", Full name, Email address, Grade, Maximum Grade ...), and, for the
             students whose email the roster gives, moodle_grades.csv: "Email address" and one
             column per assignment, for Moodle's grade import from a CSV file

A student with no submission of an assignment gets an empty cell (the platform leaves it as it
is), never a zero; the export says who that is. A submission with a written answer not yet
graded by hand is exported with the points it has so far, and the export names it.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from .collect import read_roster

FORMATS = ("canvas", "moodle")


@dataclass
class Grades:
    assignments: dict[str, float]                     # assignment -> maximum points
    scores: dict[tuple[str, str], float]              # (student, assignment) -> points
    students: list[str] = field(default_factory=list)
    pending: set[tuple[str, str]] = field(default_factory=set)   # a cell still needs a manual grade

    def score(self, student: str, assignment: str) -> str:
        value = self.scores.get((student, assignment))
        return "" if value is None else f"{value:g}"


def read_grades(gb, assignments: list[str] | None = None) -> Grades:
    """Every submission's combined (automatic and manual) score from an nbgrader gradebook."""
    wanted = [a for a in gb.assignments if assignments is None or a.name in assignments]
    grades = Grades({a.name: float(a.max_score) for a in sorted(wanted, key=lambda a: a.name)}, {})
    for assignment in wanted:
        for submission in assignment.submissions:
            grades.scores[submission.student.id, assignment.name] = float(submission.score)
            if submission.needs_manual_grade:
                grades.pending.add((submission.student.id, assignment.name))
    grades.students = sorted({student for student, _ in grades.scores})
    return grades


def _text(value: str) -> str:
    """A cell a spreadsheet shows as text: a name a student chose may start like a formula."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def _write(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def canvas(grades: Grades, roster: dict[str, dict[str, str]], folder: Path) -> list[Path]:
    names = list(grades.assignments)
    header = ["Student", "ID", "SIS User ID", "Section", *names]
    rows = [["    Points Possible", "", "", "", *(f"{grades.assignments[a]:g}" for a in names)]]
    for student in grades.students:
        who = roster.get(student, {})
        canvas_id = student if who.get("platform") == "canvas" else who.get("canvas_id", "")
        rows.append([_text(who.get("name", student)), canvas_id, _text(who.get("sis_user_id", "")),
                     _text(who.get("section", "")),
                     *(grades.score(student, a) for a in names)])
    return [_write(folder / "canvas_grades.csv", header, rows)]


MOODLE_WORKSHEET = ["Identifier", "Full name", "Email address", "Status", "Grade", "Maximum Grade",
                    "Grade can be changed", "Last modified (submission)", "Last modified (grade)", "Feedback comments"]


def moodle(grades: Grades, roster: dict[str, dict[str, str]], folder: Path) -> list[Path]:
    written = []
    for assignment, maximum in grades.assignments.items():
        rows = []
        for student in grades.students:
            who = roster.get(student, {})
            participant = student if who.get("platform") == "moodle" else who.get("moodle_id", "")
            if not participant:
                continue
            rows.append([f"Participant {participant}", _text(who.get("name", student)), _text(who.get("email", "")), "",
                         grades.score(student, assignment), f"{maximum:g}", "Yes", "", "", ""])
        written.append(_write(folder / f"moodle_{assignment}.csv", MOODLE_WORKSHEET, rows))
    emails = [(roster[s]["email"], s) for s in grades.students if roster.get(s, {}).get("email")]
    if emails:
        names = list(grades.assignments)
        written.append(_write(folder / "moodle_grades.csv", ["Email address", *names],
                              [[email, *(grades.score(s, a) for a in names)] for email, s in emails]))
    return written


def missing(grades: Grades, roster: dict[str, dict[str, str]], fmt: str) -> list[str]:
    """Lines naming what the export leaves empty or out: no submission, no platform identity."""
    lines = [f"{student}: no graded submission of {a} (left empty)"
             for student in grades.students for a in grades.assignments if (student, a) not in grades.scores]
    lines += [f"{student}: {a} has answers still to grade by hand in formgrader (exported as "
              f"{grades.score(student, a)}, without them)" for student, a in sorted(grades.pending)]
    for student in grades.students:
        who = roster.get(student, {})
        if fmt == "canvas" and who.get("platform") != "canvas" and not who.get("canvas_id") and not who.get("sis_user_id"):
            lines.append(f"{student}: no Canvas ID or SIS User ID in the roster (Canvas cannot match this row)")
        if fmt == "moodle" and who.get("platform") != "moodle" and not who.get("moodle_id"):
            lines.append(f"{student}: no Moodle participant id in the roster"
                         + (" (only in moodle_grades.csv, by email)" if who.get("email") else " (not exported)"))
    return lines


def export(gb, fmt: str, folder: Path, roster_path: Path, assignments: list[str] | None = None
           ) -> tuple[list[Path], list[str]]:
    """Write the files of ``fmt`` into ``folder``; return them and the lines about what is missing."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}: one of {', '.join(FORMATS)}")
    grades = read_grades(gb, assignments)
    roster = read_roster(roster_path)
    grades.students = sorted(set(grades.students) | set(roster))
    written = (canvas if fmt == "canvas" else moodle)(grades, roster, Path(folder))
    return written, missing(grades, roster, fmt)
