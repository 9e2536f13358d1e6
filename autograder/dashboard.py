"""The class dashboard: one static page (``reports/index.html``) over a grading run's results.

It reads every ``autograded/<student>/<assignment>/result.json`` and shows, per assignment, the
distribution of scores and the pass rate of every test (inline SVG drawn by Matplotlib, each
with its alt text), the most frequent mistakes per test, each linking to the section of the
book that explains the function the test checks, and the submissions that need a look (not
graded, restored cells, crashes, time limits, the grader's check disagreeing with the notebook)
with their reasons. The page needs no network and no script.

A mistake is a failing test's feedback message with its numbers masked: the instructor-written
checks say what went wrong ("the weights look transposed ...") and add numbers that differ from
one submission to the next, so that masking them groups the submissions that made the same
mistake. The share of a mistake is the number of submissions with that message over the
graded submissions of the assignment.
"""
from __future__ import annotations

import html
import io
import json
import os
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from . import paths
from .grading import NotebookResult

BOOK = paths.ROOT / "book"
# A number standing alone (not the 0 of h0 or the 1 of h_{t-1}).
NUMBER = re.compile(r"(?<![\w{}+-])[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?(?![\w}])")
TOP_MISTAKES = 3


def read_results(autograded: Path) -> tuple[list[NotebookResult], list[str]]:
    """Every stored result under ``autograded``, and one line for each file that cannot be read."""
    results, unreadable = [], []
    for path in sorted(Path(autograded).glob("*/*/result.json")):
        try:
            results.append(NotebookResult.from_dict(json.loads(path.read_text())))
        except (OSError, ValueError, TypeError, KeyError) as err:
            unreadable.append(f"{path.relative_to(autograded)}: {type(err).__name__}: {err}")
    return results, unreadable


def mistake(message: str) -> str:
    """The class of a failure message: its first line with every number masked."""
    first = message.strip().splitlines()[0] if message.strip() else ""
    return NUMBER.sub("…", first).strip()


def tested_function(grade_id: str) -> str:
    """``test_rnn_step_forward_hidden`` -> ``rnn_step_forward``."""
    return re.sub(r"_(hidden|visible)$", "", grade_id.removeprefix("test_"))


def section_anchor(chapter: Path, name: str) -> tuple[str, str]:
    """(HTML id, heading) of the first section of ``chapter`` (MyST) below its title whose text
    names ``name`` (``many_to_one`` or "many-to-one"), or ("", "") where none does."""
    from docutils.nodes import make_id

    if not chapter.is_file():
        return "", ""
    named = re.compile(r"\b" + r"[_ -]".join(map(re.escape, name.split("_"))) + r"\b", re.IGNORECASE)
    heading = ""
    for line in chapter.read_text().splitlines():
        if match := re.match(r"^(#{1,6})\s+(.*)", line):
            heading = match[2].replace("`", "") if len(match[1]) > 1 else ""
        if heading and named.search(line):
            return make_id(heading), heading
    return "", ""


@dataclass
class TestSummary:
    assignment: str
    grade_id: str
    description: str
    passed: int
    graded: int
    mistakes: list[tuple[str, int]]      # (mistake, submissions), most frequent first
    link: str
    section: str                          # the heading the link goes to


def summarise_tests(results: list[NotebookResult], book_url: str) -> list[TestSummary]:
    out = []
    for assignment in sorted({r.assignment for r in results}):
        graded = [r for r in results if r.assignment == assignment and not r.error and r.tests]
        if not graded:
            continue
        for index, test in enumerate(graded[0].tests):
            own = [r.tests[index] for r in graded if len(r.tests) > index and r.tests[index].grade_id == test.grade_id]
            counts = Counter(mistake(t.message) for t in own if not t.passed and t.message)
            anchor, heading = section_anchor(BOOK / f"{assignment}.md", tested_function(test.grade_id))
            link = f"{book_url.rstrip('/')}/{assignment}.html" + (f"#{anchor}" if anchor else "")
            out.append(TestSummary(assignment, test.grade_id, test.description, sum(t.passed for t in own),
                                   len(own), counts.most_common(TOP_MISTAKES), link, heading or "the chapter"))
    return out


def _svg(figure, alt: str) -> str:
    """``figure`` as inline SVG with ``alt`` as its accessible name and title."""
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg"):]
    label = html.escape(alt, quote=True)
    return svg.replace("<svg", f'<svg role="img" aria-label="{label}"', 1).replace(
        ">", f"><title>{label}</title>", 1)


def _figure(height: float):
    from matplotlib import rcParams
    from matplotlib.figure import Figure

    rcParams["svg.fonttype"] = "none"          # text stays text: small, searchable, readable
    rcParams["svg.hashsalt"] = "rnn-course"    # the same run gives the same page
    return Figure(figsize=(6.4, height))


def score_plot(assignment: str, scores: list[float], maximum: float) -> str:
    from matplotlib.ticker import MaxNLocator

    figure = _figure(2.6)
    axes = figure.subplots()
    bins = min(20, max(1, int(maximum))) if maximum else 10
    axes.hist(scores, bins=bins, range=(0, maximum or 1), color="#3b6ea8", edgecolor="white")
    axes.set_xlabel(f"score (out of {maximum:g})")
    axes.set_ylabel("submissions")
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_title(f"{assignment}: score distribution")
    mean = sum(scores) / len(scores)
    alt = (f"Histogram of the scores of {len(scores)} submission(s) of {assignment}: mean {mean:.1f} "
           f"of {maximum:g}, lowest {min(scores):g}, highest {max(scores):g}.")
    return _svg(figure, alt)


def pass_rate_plot(assignment: str, tests: list[TestSummary]) -> str:
    figure = _figure(0.45 * len(tests) + 1.0)
    axes = figure.subplots()
    rates = [100 * t.passed / t.graded if t.graded else 0 for t in tests]
    names = [t.grade_id for t in tests]
    axes.barh(names[::-1], rates[::-1], color="#1a7f37")
    axes.set_xlim(0, 100)
    axes.set_xlabel("submissions that passed (%)")
    axes.set_title(f"{assignment}: pass rate per test")
    worst = min(tests, key=lambda t: t.passed / t.graded if t.graded else 0)
    alt = (f"Bar chart of the pass rate of each of the {len(tests)} tests of {assignment}: "
           + "; ".join(f"{n} {r:.0f}%" for n, r in zip(names, rates))
           + f". Lowest: {worst.grade_id}.")
    return _svg(figure, alt)


def flagged(results: list[NotebookResult]) -> list[tuple[NotebookResult, list[str]]]:
    """Submissions that need a look, with every reason: not graded, flags, errors of the answer."""
    out = []
    for r in sorted(results, key=lambda r: (r.assignment, r.student)):
        reasons = ([f"not graded: {r.error}"] if r.error else []) + r.flags + r.answer_errors
        if reasons:
            out.append((r, reasons))
    return out


CSS = """
body { font-family: system-ui, sans-serif; max-width: 64rem; margin: 2rem auto; padding: 0 1rem; color: #222; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1.5rem; }
td, th { border: 1px solid #ccc; padding: .35rem .5rem; vertical-align: top; text-align: left; }
figure { margin: 1rem 0; } svg { max-width: 100%; height: auto; }
.share { white-space: nowrap; font-variant-numeric: tabular-nums; }
"""


def render(results: list[NotebookResult], book_url: str, extra_sections: str = "", unreadable: list[str] = ()) -> str:
    e = html.escape
    tests = summarise_tests(results, book_url)
    body = [f"<h1>Class dashboard</h1><p>{len(results)} submission(s) of "
            f"{len({r.student for r in results})} student(s).</p>"]
    for assignment in sorted({r.assignment for r in results}):
        group = [r for r in results if r.assignment == assignment]
        own_tests = [t for t in tests if t.assignment == assignment]
        body.append(f'<section id="{e(assignment)}"><h2>{e(assignment)}</h2>')
        maximum = max(r.max_score for r in group)
        body.append(f"<figure>{score_plot(assignment, [r.score for r in group], maximum)}"
                    f"<figcaption>Scores of {len(group)} submission(s).</figcaption></figure>")
        if own_tests:
            body.append(f"<figure>{pass_rate_plot(assignment, own_tests)}"
                        "<figcaption>Share of the graded submissions that passed each test.</figcaption></figure>")
            rows = []
            for t in own_tests:
                for text, count in t.mistakes:
                    rows.append(f'<tr><td>{e(t.grade_id)}</td><td class="share">{100 * count / t.graded:.0f}%</td>'
                                f'<td>{e(text)}</td><td><a href="{e(t.link, quote=True)}">{e(t.section)}</a></td></tr>')
            body.append("<h3>Most frequent mistakes</h3>" + (
                "<table><tr><th>test</th><th>share</th><th>what the check found</th><th>explained in</th></tr>"
                + "".join(rows) + "</table>" if rows else "<p>No test failed.</p>"))
        body.append("</section>")
    rows = "".join(f"<tr><td>{e(r.student)}</td><td>{e(r.assignment)}</td><td>{r.score:g}/{r.max_score:g}</td>"
                   f"<td><ul>{''.join(f'<li>{e(x)}</li>' for x in reasons)}</ul></td></tr>"
                   for r, reasons in flagged(results))
    broken = "".join(f"<li>{e(line)}</li>" for line in unreadable)
    body.append('<section id="flagged"><h2>Submissions that need a look</h2>' + (
        f"<table><tr><th>student</th><th>assignment</th><th>score</th><th>why</th></tr>{rows}</table>"
        if rows else "<p>None.</p>")
        + (f"<p>Stored results that could not be read (grade again with --force):</p><ul>{broken}</ul>" if broken else "")
        + "</section>")
    body.append(extra_sections)
    return ('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>Class dashboard</title><style>{CSS}</style></head><body>\n"
            + "\n".join(body) + "\n</body></html>\n")


def write_dashboard(autograded: Path, reports: Path, book_url: str | None = None,
                    submitted: Path | None = None) -> Path | None:
    """Write ``reports/index.html`` from the results under ``autograded``; None when there are
    none. Links go to ``book_url`` (the class's published book), else to the book built here.
    With ``submitted``, the similar submissions of each assignment are listed too (and written
    to ``reports/similar.csv``)."""
    from . import similarity

    results, unreadable = read_results(autograded)
    if not results:
        return None
    extra_sections = ""
    if submitted is not None:
        pairs = {a: similarity.similar_submissions(submitted, a)[0] for a in sorted({r.assignment for r in results})
                 if (paths.EXERCISES / a / f"{a}.ipynb").is_file()}
        similarity.write_csv(pairs, reports)
        extra_sections = similarity.html_section(pairs)
    if book_url is None:
        book_url = os.path.relpath(paths.ROOT / "_build" / "html" / "book", Path(reports).resolve())
    target = Path(reports) / "index.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(render(results, book_url, extra_sections, unreadable))
    return target
