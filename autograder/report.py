"""What people read: the printed score table, CSV files and per-student HTML feedback.

Feedback shows, for every test, what it checks (the first line of its docstring, or for a hidden
test the grader's own description), the points and the message, and states the precision rule;
it never shows the source of a test cell. A hidden test's message is the grader's text alone.

Points graded by hand (written answers, in formgrader) stay apart from the automatic ones until
every one of them is given: ``12/12 automatic + manual 0/4 pending``; then the combined total,
``15/16``. An assignment without such cells shows its automatic ``12/12`` alone.
"""
from __future__ import annotations

import csv
import html
from pathlib import Path

from rnncourse.grading.precision import RULE

from .grading import NotebookResult

PRECISION = f"Precision: {RULE}; a task that needs float64 says so."


def points_text(score: float, max_score: float, manual_given: float = 0.0, manual_max: float = 0.0,
                pending: bool = False) -> str:
    """Automatic and manual points apart while a manual grade is pending, else the total."""
    if not manual_max:
        return f"{score:g}/{max_score:g}"
    if pending:
        return f"{score:g}/{max_score:g} automatic + manual {manual_given:g}/{manual_max:g} pending"
    return f"{score + manual_given:g}/{max_score + manual_max:g}"


def result_points(r: NotebookResult) -> str:
    return points_text(r.score, r.max_score, r.manual_given, r.manual_max, r.manual_pending)


def format_student_report(result: NotebookResult) -> str:
    """The text a student sees after `course.py check`."""
    lines = [f"{result.assignment}: {result.score:g} / {result.max_score:g} points"
             + (f" (automatic; the written answers, {result.manual_max:g} points, are graded by the instructor)"
                if result.manual else "")]
    if result.error:
        lines.append(f"  NOT GRADED: {result.error}")
    for flag in result.flags:
        lines.append(f"  note: {flag}")
    if result.devices:
        lines.append(f"  {result.devices}")
    for error in result.answer_errors:
        lines.append(f"  your code: {error}")
    for test in result.tests:
        mark = "PASS" if test.passed else "FAIL"
        kind = "hidden" if test.hidden else "visible"
        lines.append(f"  [{mark}] {test.points:g}/{test.max_points:g}  {test.grade_id} ({kind}): {test.description}")
        if not test.passed and test.message:
            lines.append(f"         -> {test.message}")
    for cell in result.manual:
        state = "answered, graded by the instructor" if cell.answered else "not answered: 0 points"
        lines.append(f"  [WRITTEN] -/{cell.max_points:g}  {cell.grade_id}: {cell.description} ({state})")
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
        row, total = [student], [0.0, 0.0, 0.0, 0.0, False]   # automatic, max, manual given, manual max, pending
        for assignment in assignments:
            r = by_key.get((student, assignment))
            if r is None:
                row.append("-")
                continue
            parts = (r.score, r.max_score, r.manual_given, r.manual_max)
            total = [a + b for a, b in zip(total[:4], parts)] + [total[4] or r.manual_pending]
            row.append(result_points(r) + ("!" if r.error or r.flags else ""))
        row.append(points_text(*total))
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
        cells = next((r.manual for r in results if r.assignment == assignment and r.manual), [])
        for index, cell in enumerate(cells):         # graded by hand: how many are, and their mean
            given = [r.manual[index].points for r in graded if len(r.manual) > index and r.manual[index].points is not None]
            mean = f"{sum(given) / len(given):.2f}/{cell.max_points:g}" if given else f"-/{cell.max_points:g}"
            rows.append([assignment, cell.grade_id, "manual", f"graded {len(given)}/{len(graded)}", mean])
    header = ["assignment", "test", "kind", "passed", "mean points"]
    widths = [max(len(x) for x in col) for col in zip(header, *rows)]
    fmt = lambda row: "  ".join(x.ljust(w) for x, w in zip(row, widths))  # noqa: E731
    return "\n".join([fmt(header), fmt(["-" * w for w in widths])] + [fmt(r) for r in rows])


def write_csv(results: list[NotebookResult], folder: Path) -> tuple[Path, Path]:
    """scores.csv (one row per submission) and tests.csv (one row per test of each submission).
    In scores.csv, score and max_score are the automatic part; manual_score (empty while pending)
    and manual_max the part graded by hand (manual: none, pending or graded); total the sum once
    nothing is pending."""
    folder.mkdir(parents=True, exist_ok=True)
    scores, tests = folder / "scores.csv", folder / "tests.csv"
    with open(scores, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["student", "assignment", "score", "max_score", "manual_score", "manual_max", "manual",
                         "total", "total_max", "error", "flags"])
        for r in sorted(results, key=lambda r: (r.student, r.assignment)):
            manual = "none" if not r.manual else "pending" if r.manual_pending else "graded"
            known = r.manual_score is not None         # empty manual_score and total while pending
            writer.writerow([r.student, r.assignment, f"{r.score:g}", f"{r.max_score:g}",
                             f"{r.manual_score:g}" if known else "", f"{r.manual_max:g}", manual,
                             f"{r.score + r.manual_score:g}" if known else "", f"{r.max_score + r.manual_max:g}",
                             r.error, " | ".join(r.flags)])
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
    written = "".join(
        f"<tr><td>{e(m.grade_id)}</td><td>{e(m.description)}</td>"
        f"<td>{'-' if m.points is None else f'{m.points:g}'} / {m.max_points:g}</td>"
        f"<td>{'graded by your instructor' if m.answered else 'not answered'}</td></tr>" for m in result.manual)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Feedback: {e(result.assignment)} ({e(result.student)})</title>
<style>
body {{ font-family: sans-serif; max-width: 60rem; margin: 2rem auto; color: #222; }}
table {{ border-collapse: collapse; width: 100%; }} td, th {{ border: 1px solid #ccc; padding: .4rem; vertical-align: top; }}
tr.pass td:last-child {{ color: #1a7f37; }} tr.fail td:last-child {{ color: #b3261e; }}
</style></head><body>
<h1>{e(result.assignment)}</h1>
<p>Student: <b>{e(result.student)}</b>. Score: <b>{e(result_points(result)) if result.manual else f"{result.score:g} / {result.max_score:g}"}</b>.</p>
{f"<h2>Notes</h2><ul>{notes}</ul>" if notes else ""}
<h2>Tests</h2>
<table><tr><th>test</th><th>kind</th><th>what it checks</th><th>points</th><th>feedback</th></tr>
{"".join(rows)}
</table>
{f"<h2>Written answers</h2><table><tr><th>cell</th><th>question</th><th>points</th><th></th></tr>{written}</table>"
 if written else ""}
{f"<p>{e(result.devices)}</p>" if result.devices else ""}
<p>{e(PRECISION)}</p></body></html>
"""


def write_feedback(result: NotebookResult, folder: Path) -> Path:
    target = folder / result.student / result.assignment / f"{result.assignment}.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(feedback_html(result))
    return target
