"""Do the grader's own inputs tell the classic mistakes apart?

A probe names a classic mistake only when the student's value matches exactly one of the
mistakes listed for that call. If a draw makes two mistakes give the same numbers (a season of
2 where "one step out of phase" is "the last value", a square matrix where a transpose is
invisible), the probe falls back to "look at where it differs": never wrong, but the diagnosis
is lost, and for which draws it happens depends on the secret and the assignment's version.

This module finds such draws without a kernel. It draws an assignment's probes for a seed,
computes the instructor's expected results, then runs each probe's own check with
``check_array`` replaced by a recorder (every comparison without mistakes "fails", so checks that
compute their mistakes only for a wrong value compute them), and records the mistakes listed. A
mistake is *separated* in a test when, in at least one of its calls, its value differs from the
right answer and matches no other listed mistake: a submission that makes it is then named.
"""
from __future__ import annotations

import contextlib
import inspect
import sys
from dataclasses import dataclass
from typing import Any

import nbformat
import numpy as np

from autograder.paths import source_notebook
from autograder.probes import draw_probes, fill_expected, spec
from autograder.probes.wire import decode
from rnncourse.grading import feedback
from rnncourse.grading.precision import tolerances


@dataclass
class Unseparated:
    """A listed mistake that no call of a test tells apart from the others (or from the right answer)."""
    assignment: str
    seed: int
    grade_id: str
    message: str
    why: str           # "equals the right answer" or "matches another mistake: <first words>"

    def __str__(self) -> str:
        return f"{self.assignment} seed {self.seed} {self.grade_id}: {self.message[:90]!r} {self.why}"


@contextlib.contextmanager
def _recording(namespaces, calls: list):
    """``check_array`` replaced by a recorder: a call without mistakes fails, a call with mistakes
    is recorded in ``calls`` as (expected, mistakes, rtol, atol) and passes, so that a check of
    several outputs reaches the mistakes of each."""
    original = feedback.check_array

    def recorder(name, got, expected, *, rtol=None, atol=None, mistakes=None, hint=None):
        if not mistakes:   # "wrong": a check that computes its mistakes only for a wrong value goes on to them
            raise feedback.Feedback(f"{name} is wrong")
        calls.append((expected, dict(mistakes), rtol, atol))   # and passes, so the next output is checked too

    patched = [ns for ns in namespaces if ns.get("check_array") is original]
    for ns in patched:
        ns["check_array"] = recorder
    try:
        yield
    finally:
        for ns in patched:
            ns["check_array"] = original


def _unique(message: str, mistakes: dict, want, rtol, atol) -> str:
    """'' if the mistake ``message`` is told apart on this call, else why not."""
    value = np.asarray(mistakes[message], dtype=np.float64)
    rule = tolerances(value) or (1e-6, 1e-8)
    rtol, atol = rtol if rtol is not None else rule[0], atol if atol is not None else rule[1]
    want = np.asarray(want, dtype=np.float64)
    if value.shape == want.shape and np.allclose(value, want, rtol=rtol, atol=atol):
        return "equals the right answer"
    others = [m for m in feedback._matching_mistakes(value, mistakes, rtol, atol) if m != message]
    return f"matches another mistake: {others[0][:60]!r}" if others else ""


def unseparated(assignment: str, seeds) -> list[Unseparated]:
    """Every listed mistake that some test's calls never tell apart, over ``seeds``."""
    source = nbformat.read(source_notebook(assignment), as_version=4)
    drawn = {seed: draw_probes(assignment, source, seed) for seed in seeds}
    everything = {f"{seed}:{gid}": probe for seed, probes in drawn.items() for gid, probe in probes.items()}
    fill_expected(source, everything)     # one reference run for all the seeds
    namespaces = [vars(m) for name, m in list(sys.modules.items())
                  if m is not None and name.startswith(("rnncourse.grading", "autograder.probes"))]
    namespaces.append(inspect.unwrap(spec(assignment)["probes"]).__globals__)   # run_path hands back a copy of these
    found = []
    for seed, probes in drawn.items():
        for gid, probe in probes.items():
            reasons: dict[str, list[str]] = {}
            for call, want in zip(probe.calls, probe.expected):
                if call.check is None:
                    continue
                expected = decode(want["value"])
                if call.after:
                    expected = (expected, *(decode(a) for a in want["after"]))
                recorded: list[tuple[Any, dict, Any, Any]] = []
                with _recording(namespaces, recorded):
                    try:
                        call.check(expected, expected, call.args)
                    except Exception:   # a check's own tests beside check_array: not what is measured here
                        pass
                for right, mistakes, rtol, atol in recorded:
                    for message in mistakes:
                        reasons.setdefault(message, []).append(_unique(message, mistakes, right, rtol, atol))
            for message, why in reasons.items():
                if all(why):
                    found.append(Unseparated(assignment, seed, gid, message, why[0]))
    return found
