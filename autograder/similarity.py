"""Similar submissions: pairs whose answer code is unusually alike, for the instructor to look at.

Never a verdict and never a penalty: short functions that follow the same equation look alike
when written independently, so the report only says where to look.

Each submission's code cells are tokenised by ``copydetect`` (Pygments' lexer; every variable,
attribute and function name becomes one letter, comments, blank space and string contents
disappear), so renaming and re-commenting change nothing. The token stream is cut into k-grams
of ``K`` characters, hashed and winnowed (Schleimer, Wilkerson and Aiken, "Winnowing: local
algorithms for document fingerprinting", SIGMOD 2003), which keeps at least one fingerprint of
every shared passage of ``K + W - 1`` characters or more. Two kinds of fingerprints are dropped:
those of the released notebook (its stubs, tests and set-up code: everyone has them) and those
found in more than ``common_share`` of the class (the idiom every right answer uses). What is
left of a submission is its own code; the similarity of a toward b is the share of a's own
tokens that a's fingerprints shared with b cover:

    sim(a -> b) = |tokens of a covered by F(a) ∩ F(b)| / |tokens of a covered by F(a)|

A pair is reported when both directions reach ``threshold`` (one copying a part of a long answer
reaches it in one direction only, and is listed when ``either`` is asked for).
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

import nbformat
import numpy as np

from . import paths

K = 25              # k-gram length in filtered characters (copydetect's noise threshold)
W = 6               # winnowing window: shared passages of K + W - 1 = 30 characters are always seen
MIN_OWN_TOKENS = 40  # a submission with less code of its own than this is not compared
SHOWN = 100          # pairs listed on the dashboard (similar.csv has them all)


@dataclass
class Fingerprint:
    student: str
    hashes: dict[int, list[int]]     # fingerprint -> its positions in the filtered code
    own: float                       # tokens covered by the fingerprints (after dropping the common ones)


@dataclass
class Pair:
    a: str
    b: str
    a_to_b: float
    b_to_a: float


def code_of(notebook: nbformat.NotebookNode) -> str:
    """Every code cell of ``notebook``, one after the other."""
    return "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "code")


def _filtered(code: str) -> str:
    from copydetect.utils import filter_code

    return filter_code(code, "answer.py", language="python")[0]


def _coverage(idx: dict[int, list[int]], length: int) -> float:
    from copydetect.utils import get_token_coverage

    return float(get_token_coverage(idx, K, length)) if idx else 0.0


def fingerprint(code: str, boilerplate: np.ndarray) -> tuple[dict[int, list[int]], int]:
    """The winnowed fingerprints of ``code`` that are not in ``boilerplate``, and its filtered length."""
    from copydetect.utils import get_document_fingerprints

    filtered = _filtered(code)
    if len(filtered) < K:
        return {}, len(filtered)
    _, positions = get_document_fingerprints(filtered, K, W, boilerplate)
    return positions, len(filtered)


def compare(codes: dict[str, str], released: str, common_share: float = 0.25,
            threshold: float = 0.6, either: bool = False) -> list[Pair]:
    """The pairs of ``codes`` (student -> code) whose own code is alike; most similar first."""
    from copydetect.utils import hashed_kgrams

    stub = _filtered(released)
    boilerplate = np.unique(hashed_kgrams(stub, K)) if len(stub) >= K else np.array([], dtype=np.int64)
    raw = {student: fingerprint(code, boilerplate) for student, code in codes.items()}
    frequency: dict[int, int] = {}
    for positions, _ in raw.values():
        for h in positions:
            frequency[h] = frequency.get(h, 0) + 1
    limit = max(2, int(common_share * len(codes)))
    prints = []
    for student, (positions, length) in sorted(raw.items()):
        own = {h: p for h, p in positions.items() if frequency[h] <= limit}
        coverage = _coverage(own, length)
        if coverage >= MIN_OWN_TOKENS:
            prints.append((Fingerprint(student, own, coverage), length))
    pairs = []
    for (a, length_a), (b, length_b) in combinations(prints, 2):
        shared = a.hashes.keys() & b.hashes.keys()
        if not shared:
            continue
        a_to_b = _coverage({h: a.hashes[h] for h in shared}, length_a) / a.own
        b_to_a = _coverage({h: b.hashes[h] for h in shared}, length_b) / b.own
        if (max if either else min)(a_to_b, b_to_a) >= threshold:
            pairs.append(Pair(a.student, b.student, a_to_b, b_to_a))
    return sorted(pairs, key=lambda p: -min(p.a_to_b, p.b_to_a))


def class_codes(submitted: Path, assignment: str) -> tuple[dict[str, str], list[str]]:
    """student -> code of every readable submission of ``assignment``, and what was skipped (why)."""
    codes, skipped = {}, []
    for notebook in sorted(Path(submitted).glob(f"*/{assignment}/{assignment}.ipynb")):
        student = notebook.parent.parent.name
        if refused := paths.submission_problem(notebook, Path(submitted)):
            skipped.append(f"{student}: {refused}")
            continue
        try:
            codes[student] = code_of(nbformat.read(notebook, as_version=4))
        except Exception as err:      # not a notebook: the grader says so too
            skipped.append(f"{student}: not readable as a notebook ({type(err).__name__})")
    return codes, skipped


def similar_submissions(submitted: Path, assignment: str, **options) -> tuple[list[Pair], list[str]]:
    """The similar pairs of one assignment's submissions, against its released notebook."""
    released = paths.EXERCISES / assignment / f"{assignment}.ipynb"
    codes, skipped = class_codes(submitted, assignment)
    return compare(codes, code_of(nbformat.read(released, as_version=4)), **options), skipped


def write_csv(pairs_by_assignment: dict[str, list[Pair]], folder: Path) -> Path:
    target = Path(folder) / "similar.csv"
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["assignment", "student_a", "student_b", "a_to_b", "b_to_a"])
        for assignment, pairs in sorted(pairs_by_assignment.items()):
            for p in pairs:
                writer.writerow([assignment, p.a, p.b, f"{p.a_to_b:.2f}", f"{p.b_to_a:.2f}"])
    return target


def html_section(pairs_by_assignment: dict[str, list[Pair]]) -> str:
    """The dashboard's section on similar submissions."""
    import html

    listed = [(a, p) for a, pairs in sorted(pairs_by_assignment.items()) for p in pairs]
    rows = "".join(f"<tr><td>{html.escape(a)}</td><td>{html.escape(p.a)}</td><td>{html.escape(p.b)}</td>"
                   f"<td>{100 * p.a_to_b:.0f}% / {100 * p.b_to_a:.0f}%</td></tr>" for a, p in listed[:SHOWN])
    more = f"<p>{len(listed) - SHOWN} more pair(s) in similar.csv.</p>" if len(listed) > SHOWN else ""
    return ('<section id="similar"><h2>Similar submissions</h2><p>Pairs whose own code (the released '
            "notebook and the code most of the class shares left out, names ignored) is largely the same. "
            "Something to look at, not a finding: short answers to the same equation can look alike.</p>"
            + (f"<table><tr><th>assignment</th><th>student</th><th>student</th><th>share of each one's own code"
               f"</th></tr>{rows}</table>{more}" if rows else "<p>None.</p>") + "</section>")
