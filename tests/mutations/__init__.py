"""A mutation corpus of the graded functions: each mutant is the instructor's solution with one
classic mistake typed in, graded by the real grader, and the feedback it must get.

A mutant is a source edit of one solution cell (``old`` -> ``new``, each ``old`` found exactly
once), so it survives reformatting elsewhere in the cell and reads like the student's slip. Its
``expect`` is

- ``named:<fragment>``: some failed test's message contains ``fragment`` (the feedback names the
  cause), or
- ``generic``: the feedback says what differs and where, naming no cause,

and in both cases no failed test may name another cause (``misleading``) and the score must be
below full marks (``undetected``). ``also`` lists other fragments that are true of the mutant
(a slip in a component that a composed function's test names correctly, say).

``tests/mutations/<assignment>.py`` lists an assignment's mutants as ``MUTANTS``; adding a task's
mutants is adding lines there. ``EQUIVALENT`` in :mod:`.operators` lists the generated mutants
that compute the same function as the solution, each with the reason.
"""
from __future__ import annotations

import os
import re
import runpy
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

FOLDER = Path(__file__).parent
CLASSES = ("named", "generic", "misleading", "undetected")


@dataclass(frozen=True)
class Mutant:
    """One mistake: ``old`` -> ``new`` in the solution cell ``function`` (strings, or tuples of
    several edits applied in order)."""
    function: str
    id: str
    old: str | tuple[str, ...]
    new: str | tuple[str, ...]
    expect: str = "generic"
    also: tuple[str, ...] = ()
    assignment: str = ""
    listed: bool = True          # a classic mistake written by hand (False: a generic operator's)

    @property
    def key(self) -> str:
        return f"{self.assignment}:{self.function}:{self.id}"

    @property
    def fragments(self) -> tuple[str, ...]:
        named = (self.expect.split(":", 1)[1],) if self.expect.startswith("named:") else ()
        return named + tuple(self.also)

    def apply(self, source: str) -> str:
        """The solution cell's source with this mistake in it."""
        olds = (self.old,) if isinstance(self.old, str) else self.old
        news = (self.new,) if isinstance(self.new, str) else self.new
        if len(olds) != len(news):
            raise ValueError(f"{self.key}: {len(olds)} edits but {len(news)} replacements")
        for old, new in zip(olds, news):
            count = source.count(old)
            if count != 1:
                raise ValueError(f"{self.key}: {old!r} occurs {count} times in {self.function}, not once")
            source = source.replace(old, new)
        return source


def edit(function: str, id: str, old, new, expect: str = "generic", also: tuple[str, ...] = ()) -> Mutant:
    """A hand-written mutant (the assignment is filled in by :func:`mutants`)."""
    if not (expect == "generic" or expect.startswith("named:")):
        raise ValueError(f"{id}: expect is 'generic' or 'named:<fragment>', not {expect!r}")
    return Mutant(function, id, old, new, expect, tuple(also))


def assignments() -> list[str]:
    return sorted(p.stem for p in FOLDER.glob("[0-9][0-9]_*.py"))


def mutants(assignment: str) -> list[Mutant]:
    """The listed mutants of ``assignment`` (none if it has no corpus file)."""
    path = FOLDER / f"{assignment}.py"
    if not path.exists():
        return []
    from dataclasses import replace

    return [replace(m, assignment=assignment) for m in runpy.run_path(str(path))["MUTANTS"]]


# ------------------------------------------------------------------ how a message is classed

# Messages that say what differs (a value, a shape, a form, an error) and claim no cause.
GENERIC = [re.compile(p) for p in (
    r"does not match the expected values: ",
    r" has shape \(.*\), expected \(.*\)\.",
    r" is off by a constant factor of ",
    r" has the right size but the wrong sign everywhere",
    r" is all zeros where ",
    r" stopped with a shape error",
    r" contains NaN or infinity",
    r"^it stopped with ",
    r"it did not finish",
    r"ran longer than the time limit",
    r"it returned a value of the wrong form",
    r"^its result is malformed",
    r" should be (a|an|numbers|True|a sequence|a dict|a NumPy)",
    r" should return a (tuple|dict)",
    r"has no key ",
    r"^\S.* is .*, expected .*\.$",
    r"^not run: ",
    r"^(ValueError|IndexError|TypeError|KeyError|RuntimeError|ZeroDivisionError|AttributeError|UnboundLocalError|"
    r"FloatingPointError|OverflowError|StopIteration|NameError|RecursionError)\b",
    r"^Timeout|time limit",
    r" holds integers| has different values",
    r"matches more than one classic mistake",
    r" differs from step \d+ on ",
    r"the frequencies were ",
    r"draws was the most likely index: the draws should vary",
    r"symbol with probability 0 was drawn",
    r" is not defined: is the function defined above",
    r"held-out loss (of your model )?is [0-9.]+ nats",
)]
PREFIX = re.compile(r"^the grader called .*? on its own inputs: ")
# A composed function's test that found the student's own component wrong quotes that component's check.
COMPONENT = re.compile(r"^this test runs your (\w+), and on the grader's inputs.*? your \1 is wrong: (.*?)"
                       r"(?: Fix \1 first \(its own test says more\)\.)?$")


def claim(message: str) -> str:
    """The part of a failure message that names a cause, or '' if it only says what differs."""
    text = PREFIX.sub("", message.split(" Hint: ")[0]).strip()
    text = COMPONENT.sub(r"\2", text)
    text = re.sub(r" \(Your result is float32; .*\)$", "", text)
    return "" if any(p.search(text) for p in GENERIC) else text


def classify(mutant: Mutant, result) -> tuple[str, list[str]]:
    """(class, the failed tests' messages) of a graded mutant."""
    if result.error:
        return "generic", [result.error]
    messages = [f"{t.grade_id}: {t.message}" for t in result.tests if not t.passed]
    return classify_messages(mutant, messages), messages


def classify_messages(mutant: Mutant, messages: list[str]) -> str:
    """The class of a mutant whose failed tests said ``messages`` ("grade id: message"; none: full marks)."""
    if not messages:
        return "undetected"
    texts = [m.split(": ", 1)[-1] for m in messages]
    accepted = [f.lower() for f in mutant.fragments]          # a fragment matches in any case
    if any(claim(t) and not any(f in t.lower() for f in accepted) for t in texts):
        return "misleading"
    if any(f in t.lower() for t in texts for f in accepted):
        return "named"
    return "generic"


def expected_class(mutant: Mutant, got: str) -> bool:
    """Whether the class ``got`` is what the mutant expects (generic mutants may also be named by
    an ``also`` fragment)."""
    if mutant.expect.startswith("named:"):
        return got == "named"
    return got in ("generic", "named")


# ------------------------------------------------------------------ grading

@dataclass
class Graded:
    mutant: Mutant
    cls: str
    messages: list[str] = field(default_factory=list)
    score: float = 0.0
    max_score: float = 0.0
    seconds: float = 0.0


def solution_cells(assignment: str) -> dict[str, str]:
    from conftest import solution_answers

    return solution_answers(assignment)


def grade(items: list[Mutant], workers: int = 2, folder: Path | None = None, progress=None) -> list[Graded]:
    """Grade every mutant through :func:`autograder.grading.grade_notebook` (the sandbox and the
    probes, as ``course.py check`` does), ``workers`` at a time; ``progress(graded)`` is called
    as each one is done. The results come back in the order of ``items``."""
    from autograder.grading import grade_notebook
    from conftest import PIPELINE_LIMITS, student_notebook

    os.environ.setdefault("RNNCOURSE_SECRET", "rnn-course-test-suite-secret")
    own = tempfile.TemporaryDirectory(prefix="rnn-mutants-") if folder is None else None
    root = Path(own.name if own else folder)
    answers = {a: solution_cells(a) for a in {m.assignment for m in items}}

    def one(index_mutant):
        index, mutant = index_mutant
        cells = dict(answers[mutant.assignment])
        cells[mutant.function] = mutant.apply(cells[mutant.function])
        path = root / f"{index:04d}" / f"{mutant.assignment}.ipynb"
        path.parent.mkdir(parents=True)
        nbformat.write(student_notebook(mutant.assignment, cells), path)
        result = grade_notebook(path, mutant.assignment, student=mutant.id, limits=PIPELINE_LIMITS)
        cls, messages = classify(mutant, result)
        graded = Graded(mutant, cls, messages, result.score, result.max_score, result.seconds)
        if progress is not None:
            progress(graded)
        return graded

    try:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            return list(pool.map(one, enumerate(items)))
    finally:
        if own:
            own.cleanup()
