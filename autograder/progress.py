"""What the instructor watches while a class is graded: a progress bar with the time left, and a
summary at the end."""
from __future__ import annotations

import sys
from collections import defaultdict
from typing import TYPE_CHECKING

from tqdm import tqdm

if TYPE_CHECKING:
    from .grading import NotebookResult


def bar(finished, total: int):
    """``finished`` (submissions as they are graded) under a bar on stderr: done/total, rate, time
    left. Into a log file (a batch job) it writes a line every half minute, not every second."""
    return tqdm(finished, total=total, desc="grading", unit="notebook", dynamic_ncols=True,
                mininterval=1.0 if sys.stderr.isatty() else 30.0)


def log(line: str) -> None:
    """Print a line above the bar, not through it."""
    tqdm.write(line)


def summary(results: list[NotebookResult], seconds: float) -> str:
    """One line per assignment (submissions, mean score, how many need a look), then the time."""
    by_assignment: dict[str, list[NotebookResult]] = defaultdict(list)
    for result in results:
        by_assignment[result.assignment].append(result)
    lines = ["summary:"]
    for assignment, group in sorted(by_assignment.items()):
        mean = sum(r.score for r in group) / len(group)
        maximum = max(r.max_score for r in group)
        failed = sum(1 for r in group if r.error)
        flagged = sum(1 for r in group if r.flags and not r.error)
        lines.append(f"  {assignment}: {len(group)} submission(s), mean {mean:.1f}/{maximum:g}"
                     + (f", {failed} not graded" if failed else "") + (f", {flagged} flagged" if flagged else ""))
    lines.append(f"  {len(results)} submission(s) in {seconds:.0f} s")
    return "\n".join(lines)
