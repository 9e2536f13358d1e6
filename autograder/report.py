"""What people read: the printed score table, CSV files and per-student HTML feedback.

Feedback shows, for every test, what it checks (the first line of its docstring, or for a hidden
test the grader's own description), the points and the message, and states the precision rule;
it never shows the source of a test cell. A hidden test's message is the grader's text alone.
"""
from __future__ import annotations

import csv
import html
from pathlib import Path

from rnncourse.grading.precision import RULE

from .grading import NotebookResult

PRECISION = f"Precision: {RULE}; a task that needs float64 says so."


def format_student_report(result: NotebookResult) -> str:
    """The text a student sees after `course.py check`."""
    lines = [f"{result.assignment}: {result.score:g} / {result.max_score:g} points"]
    if result.error:
        lines.append(f"  NOT GRADED: {result.error}")
    for flag in result.flags:
        lines.append(f"  note: {flag}")
    for error in result.answer_errors:
        lines.append(f"  your code: {error}")
    for test in result.tests:
        mark = "PASS" if test.passed else "FAIL"
        kind = "hidden" if test.hidden else "visible"
        lines.append(f"  [{mark}] {test.points:g}/{test.max_points:g}  {test.grade_id} ({kind}): {test.description}")
        if not test.passed and test.message:
            lines.append(f"         -> {test.message}")
    lines.append(f"  {PRECISION}")
    return "\n".join(lines)


def format_class_table(results: list[NotebookResult]) -> str:
    """Students down, assignments across, 'score/max' in each cell (a '!' marks problems)."""
    assignments = sorted({r.assignment for r in results})
    students = sorted({r.student for r in results})
    by_key = {(r.student, r.assignment): r for r in results}
    header = ["student"] + assignments + ["total"]
    rows = []
    for student in students:
        row, total, total_max = [student], 0.0, 0.0
        for assignment in assignments:
            r = by_key.get((student, assignment))
            if r is None:
                row.append("-")
                continue
            total, total_max = total + r.score, total_max + r.max_score
            row.append(f"{r.score:g}/{r.max_score:g}" + ("!" if r.error or r.flags else ""))
        row.append(f"{total:g}/{total_max:g}")
        rows.append(row)
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows)]
    fmt = lambda row: "  ".join(str(x).ljust(w) for x, w in zip(row, widths))  # noqa: E731
    out = [fmt(header), fmt(["-" * w for w in widths])] + [fmt(r) for r in rows]
    regraded = [r for r in results if r.graded_because.startswith("graded again")]
    if regraded:
        out.append("")
        out.append("graded again:")
        out += [f"  {r.student} / {r.assignment}: {r.graded_because.removeprefix('graded again: ')}" for r in regraded]
    problems = [r for r in results if r.error or r.flags]
    if problems:
        out.append("")
        out.append("! problems:")
        for r in problems:
            for reason in ([r.error] if r.error else []) + r.flags:
                out.append(f"  {r.student} / {r.assignment}: {reason}")
    return "\n".join(out)


def format_test_table(results: list[NotebookResult]) -> str:
    """One row per test of each assignment: how many graded submissions passed it, mean points."""
    rows = []
    for assignment in sorted({r.assignment for r in results}):
        graded = [r for r in results if r.assignment == assignment and not r.error]
        tests = next((r.tests for r in results if r.assignment == assignment and r.tests), [])
        for index, test in enumerate(tests):
            points = [r.tests[index].points for r in graded if len(r.tests) > index]
            passed = sum(1 for r in graded if len(r.tests) > index and r.tests[index].passed)
            mean = sum(points) / len(points) if points else 0.0
            rows.append([assignment, test.grade_id, "hidden" if test.hidden else "visible",
                         f"{passed}/{len(graded)}", f"{mean:.2f}/{test.max_points:g}"])
    header = ["assignment", "test", "kind", "passed", "mean points"]
    widths = [max(len(x) for x in col) for col in zip(header, *rows)]
    fmt = lambda row: "  ".join(x.ljust(w) for x, w in zip(row, widths))  # noqa: E731
    return "\n".join([fmt(header), fmt(["-" * w for w in widths])] + [fmt(r) for r in rows])


def write_csv(results: list[NotebookResult], folder: Path) -> tuple[Path, Path]:
    """scores.csv (one row per submission) and tests.csv (one row per test of each submission)."""
    folder.mkdir(parents=True, exist_ok=True)
    scores, tests = folder / "scores.csv", folder / "tests.csv"
    with open(scores, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["student", "assignment", "score", "max_score", "error", "flags"])
        for r in sorted(results, key=lambda r: (r.student, r.assignment)):
            writer.writerow([r.student, r.assignment, f"{r.score:g}", f"{r.max_score:g}", r.error, " | ".join(r.flags)])
    with open(tests, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["student", "assignment", "test", "hidden", "points", "max_points", "message"])
        for r in sorted(results, key=lambda r: (r.student, r.assignment)):
            for t in r.tests:
                writer.writerow([r.student, r.assignment, t.grade_id, int(t.hidden), f"{t.points:g}", f"{t.max_points:g}", t.message])
    return scores, tests


def feedback_html(result: NotebookResult) -> str:
    e = html.escape
    rows = []
    for t in result.tests:
        status = "pass" if t.passed else "fail"
        rows.append(
            f'<tr class="{status}"><td>{e(t.grade_id)}</td><td>{"hidden" if t.hidden else "visible"}</td>'
            f"<td>{e(t.description)}</td><td>{t.points:g} / {t.max_points:g}</td>"
            f"<td>{e(t.message) if not t.passed else 'passed'}</td></tr>")
    notes = "".join(f"<li>{e(x)}</li>" for x in ([result.error] if result.error else []) + result.flags + result.answer_errors)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Feedback: {e(result.assignment)} ({e(result.student)})</title>
<style>
body {{ font-family: sans-serif; max-width: 60rem; margin: 2rem auto; color: #222; }}
table {{ border-collapse: collapse; width: 100%; }} td, th {{ border: 1px solid #ccc; padding: .4rem; vertical-align: top; }}
tr.pass td:last-child {{ color: #1a7f37; }} tr.fail td:last-child {{ color: #b3261e; }}
</style></head><body>
<h1>{e(result.assignment)}</h1>
<p>Student: <b>{e(result.student)}</b>. Score: <b>{result.score:g} / {result.max_score:g}</b>.</p>
{f"<h2>Notes</h2><ul>{notes}</ul>" if notes else ""}
<h2>Tests</h2>
<table><tr><th>test</th><th>kind</th><th>what it checks</th><th>points</th><th>feedback</th></tr>
{"".join(rows)}
</table>
<p>{e(PRECISION)}</p></body></html>
"""


def write_feedback(result: NotebookResult, folder: Path) -> Path:
    target = folder / result.student / result.assignment / f"{result.assignment}.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(feedback_html(result))
    return target
