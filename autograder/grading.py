"""Grade one notebook: read it, rebuild it from the source, run it in the sandbox, score it.

A visible test cell earns its points when it ran without error in the kernel AND, where the
assignment has probes (``autograder/probes``), the grader's own check of the same functions on
its own inputs matches the instructor's solution; its failure message is the kernel's (the
student's own test output) or the grader's. A hidden test is decided by the grader alone, outside
the kernel: its code never runs there, and its feedback is instructor-written text and numbers
the grader computed. The probes' inputs are derived from the submission's SHA-256 and the course
secret, so grading the same file twice gives the same score and the same feedback.

A manually graded cell (nbgrader's: a graded answer cell, markdown or code, or a task) is no test:
nothing of it runs as one, and its points are the MANUAL part of the grade, apart from the
automatic ``score``/``max_score``. The grader only sees whether it was answered: an answer left as
released scores 0 (nbgrader's "No response"); any other waits for a person (``points`` None,
pending) until the gradebook holds the score given in formgrader (:mod:`autograder.gradebook`).
"""
from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

import nbformat

from . import paths
from .assemble import assemble
from .notebook_io import (BadSubmission, first_line_docstring, grade_id, is_manual, is_solution, is_test, nbgrader_meta,
                          read_submission)
from .probes import Probe, cuda_line, hidden_tests, probes_for
from .probes.secret import SecretMissing, assignment_version, probe_seed
from .release import release_notebook
from .messages import course_code_message
from .sandbox import CellOutcome, Limits, kernel

HIDDEN_MARKER = "### BEGIN HIDDEN TESTS"


@dataclass
class TestResult:
    grade_id: str
    description: str
    points: float
    max_points: float
    hidden: bool
    message: str = ""

    @property
    def passed(self) -> bool:
        return self.points == self.max_points


@dataclass
class ManualResult:
    """A manually graded cell of one submission: ``points`` None while a person has not graded it."""
    grade_id: str
    description: str
    max_points: float
    answered: bool = False
    points: float | None = 0.0


@dataclass
class NotebookResult:
    student: str
    assignment: str
    notebook: str
    score: float = 0.0
    max_score: float = 0.0
    tests: list[TestResult] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    answer_errors: list[str] = field(default_factory=list)
    error: str = ""          # why the notebook could not be graded at all (it scores zero)
    sha256: str = ""         # of the submitted file
    version: str = ""        # of the assignment it was graded against (autograder.probes.secret)
    seconds: float = 0.0
    graded_because: str = ""  # why this run graded it (a class run): new, changed, a new version, --force
    manual: list[ManualResult] = field(default_factory=list)   # the cells graded by hand
    devices: str = ""        # where the torch tasks ran: with or without CUDA (autograder.probes.cuda_line)

    @property
    def manual_max(self) -> float:
        return sum(m.max_points for m in self.manual)

    @property
    def manual_score(self) -> float | None:
        """The manual points, or None while any manually graded cell waits for a person."""
        return None if self.manual_pending else sum(m.points for m in self.manual)

    @property
    def manual_pending(self) -> bool:
        return any(m.points is None for m in self.manual)

    @property
    def manual_given(self) -> float:
        """The manual points given so far (pending cells count nothing)."""
        return sum(m.points or 0.0 for m in self.manual)

    @property
    def run_key(self) -> str:
        """What the gradebook records: the file and the assignment version it was graded with."""
        return hashlib.sha256(f"{self.sha256}:{self.version}".encode()).hexdigest()

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "NotebookResult":
        data = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        data["tests"] = [TestResult(**t) for t in data.get("tests", [])]
        data["manual"] = [ManualResult(**m) for m in data.get("manual", [])]
        return cls(**data)


@dataclass(frozen=True)
class Source:
    """What the grader knows about an assignment, all read from solutions/."""
    assignment: str
    notebook: nbformat.NotebookNode
    released: nbformat.NotebookNode

    def tests(self) -> list[tuple[str, float, str, bool]]:
        """(grade id, points, description, hidden) for every test cell, in order. A hidden test's
        description is the one its probe file gives (its cell's body is not needed)."""
        hidden = hidden_tests(self.assignment)
        return [(grade_id(c), float(nbgrader_meta(c).get("points", 0)),
                 hidden.get(grade_id(c)) or first_line_docstring(c.source), grade_id(c) in hidden)
                for c in self.notebook.cells if is_test(c)]

    @property
    def max_score(self) -> float:
        return sum(points for _, points, _, _ in self.tests())

    def manual(self) -> list[tuple[str, float, str]]:
        """(grade id, points, description) for every manually graded cell, in order; the
        description is the first line of the question in the cell before it."""
        found = []
        for index, cell in enumerate(self.notebook.cells):
            if is_manual(cell) and grade_id(cell):
                before = self.notebook.cells[index - 1].source if index else ""
                found.append((grade_id(cell), float(nbgrader_meta(cell).get("points", 0)), _first_line(before)))
        return found

    def manual_results(self, submission: nbformat.NotebookNode | None) -> list[ManualResult]:
        """The manually graded cells of ``submission`` (None: not readable): an answer left as
        released, or missing, scores 0; any other is pending; a task cell always waits."""
        stubs = {grade_id(c): c.source.strip() for c in self.released.cells if is_solution(c)}
        answers: dict[str, str] = {}
        for cell in submission.cells if submission is not None else []:
            answers.setdefault(grade_id(cell), cell.source.strip())
        results = []
        for gid, points, text in self.manual():
            answered = gid not in stubs or answers.get(gid, "") not in ("", stubs[gid])
            results.append(ManualResult(gid, text, points, answered, None if answered else 0.0))
        return results


def _first_line(markdown: str) -> str:
    """The first line of text of a markdown cell, without heading marks or emphasis stars."""
    line = next((l.strip() for l in markdown.splitlines() if l.strip()), "")
    return line.lstrip("#").strip().replace("**", "")[:120]


@lru_cache(maxsize=None)
def load_source(assignment: str) -> Source:
    if assignment not in paths.assignments():
        known = ", ".join(paths.assignments())
        raise BadSubmission(f"there is no assignment called {assignment!r} (known: {known})")
    nb = nbformat.read(paths.source_notebook(assignment), as_version=4)
    return Source(assignment, nb, release_notebook(nb))


def _message(outcome: CellOutcome, problem: str) -> str:
    if outcome.status == "not_run":
        return f"not run: {problem or 'an earlier cell stopped the notebook'}"
    if outcome.status in {"timeout", "died"}:
        return outcome.evalue
    name, value = outcome.ename, outcome.evalue.strip()
    if (explained := course_code_message(name, value)) is not None:      # an answer imported course code
        return explained
    if name in {"Feedback", "AssertionError"}:
        return value or "a check failed (no message)"
    if name == "NotImplementedError":
        return "not answered yet: the function still raises NotImplementedError"
    if name == "NameError":
        return f"{value}: is the function defined above, and did its cell run without error?"
    if name == "ValueError" and ("matmul" in value or "not aligned" in value):
        return (f"{name}: {value}. A matrix product got operands whose shapes do not fit: weights are "
                "stored (out, in), W_xh is (H, D), so a batch of rows computes X_t @ W_xh.T.")
    return f"{name}: {value}" if value else name


def hidden_lines(source: Source) -> set[str]:
    """The distinctive lines of the hidden tests: text that must never reach a student."""
    lines = set()
    for cell in source.notebook.cells:
        if is_test(cell) and HIDDEN_MARKER in cell.source:
            hidden = cell.source.split(HIDDEN_MARKER, 1)[1]
            lines |= {line.strip() for line in hidden.splitlines() if len(line.strip()) >= 12}
    return lines


def withhold_hidden(text: str, secret: set[str]) -> str:
    """``text``, or a notice if it quotes a line of a hidden test (the student's code may have
    read the hidden test from the kernel and put it into an error message)."""
    squeezed = " ".join(text.split())
    if any(line in text or " ".join(line.split()) in squeezed for line in secret):
        return "(message withheld by the grader: it quoted a hidden test)"
    return text


def _with_probes(nb: nbformat.NotebookNode, test_cells: dict[str, int],
                 probes: dict[str, Probe]) -> tuple[nbformat.NotebookNode, dict[str, int], set[int]]:
    """The notebook with each probe cell right after its test cell; new test and probe indices.
    Cells and notebook are built whole (``new_code_cell`` and ``new_notebook`` would validate
    every cell against the schema again: a tenth of a second a notebook)."""
    by_index = {index: gid for gid, index in test_cells.items()}
    cells, new_tests, probe_cells = [], {}, set()
    for index, cell in enumerate(nb.cells):
        if index in by_index:
            new_tests[by_index[index]] = len(cells)
        cells.append(cell)
        probe = probes.get(by_index.get(index))
        if probe is not None:
            probe_cells.add(len(cells))
            cells.append(_probe_cell(probe))
    return nbformat.from_dict(dict(nb, cells=cells)), new_tests, probe_cells


def _probe_cell(probe: Probe) -> nbformat.NotebookNode:
    """A code cell holding ``probe``'s code."""
    return nbformat.from_dict({"id": probe.filename.removesuffix(".json"), "cell_type": "code", "execution_count": None,
                               "metadata": {"autograder": {"role": "probe"}}, "outputs": [], "source": probe.code})


def _sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def grade_notebook(path: Path, assignment: str, student: str = "you", limits: Limits = Limits(),
                   hide: tuple[str, ...] = (), use_probes: bool = True) -> NotebookResult:
    """Grade the notebook at ``path`` as ``student``'s submission of ``assignment``. Never raises:
    a bad submission, and even a fault of the grader, scores zero with the reason.
    ``use_probes=False`` trusts the in-kernel visible tests alone (only to show what the probes
    add); hidden tests are always decided by the grader."""
    result = NotebookResult(student=student, assignment=assignment, notebook=f"{assignment}.ipynb")
    try:
        source = load_source(assignment)
    except BadSubmission as err:
        result.error = str(err)
        return result
    result.max_score = source.max_score
    result.tests = [TestResult(gid, text, 0.0, points, hidden, "not graded")
                    for gid, points, text, hidden in source.tests()]
    result.manual = source.manual_results(None)
    try:
        result.version = assignment_version(assignment)
        result.sha256 = _sha256(path) if Path(path).is_file() else ""
        submission = read_submission(Path(path))
        result.manual = source.manual_results(submission)
        _grade(result, source, submission, limits, hide, use_probes)
    except (BadSubmission, SecretMissing) as err:
        _not_graded(result, str(err))
    except Exception as err:  # a fault of the grader: this submission scores zero, the class goes on
        _not_graded(result, f"the grader failed on this submission ({type(err).__name__}); "
                            "ask the instructor to look at it")
    return result


def _not_graded(result: NotebookResult, reason: str) -> None:
    result.error = reason
    result.score = 0.0
    for test in result.tests:
        test.points, test.message = 0.0, "not graded: " + reason


def _grade(result: NotebookResult, source: Source, submission, limits: Limits, hide: tuple[str, ...],
           use_probes: bool) -> None:
    with kernel(limits, hide) as sandboxed:      # it starts while the notebook is assembled
        hidden = {gid for gid, _, _, is_hidden in source.tests() if is_hidden}
        assembled = assemble(source.notebook, source.released, submission, hidden)
        result.flags = assembled.flags
        prepared = probes_for(source.assignment, source.notebook, probe_seed(result.sha256, source.assignment))
        probes = prepared.probes
        if not use_probes:
            probes = {gid: probe for gid, probe in probes.items() if gid in hidden}
        notebook, test_cells, probe_cells = _with_probes(assembled.notebook, assembled.test_cells, probes)
        run = sandboxed.run(notebook, collect=tuple(p.filename for p in probes.values()))
    result.seconds = round(run.seconds, 2)
    prepared.ready()                             # the expected results, computed while the kernel ran
    result.devices = cuda_line(probes, run.files)
    outcomes = {o.index: o for o in run.outcomes}
    missing = CellOutcome(index=-1, status="not_run")
    for test in result.tests:
        probe = probes.get(test.grade_id)
        if test.hidden:
            test.points, test.message = _hidden_grade(test, probe, run)
            continue
        outcome = outcomes.get(test_cells[test.grade_id], missing)
        if outcome.ok:
            test.points, test.message = test.max_points, ""
        else:
            test.points, test.message = 0.0, _message(outcome, run.problem)
        if probe is not None and test.passed:
            mismatch = probe.check(run.files.get(probe.filename))
            if mismatch:
                test.points, test.message = 0.0, mismatch
                result.flags.append(f"{test.grade_id} passed in the notebook but not the grader's own check")
    for index, cell in enumerate(notebook.cells):
        outcome = outcomes.get(index)
        if (outcome and outcome.status in {"error", "timeout", "died"} and not is_test(cell)
                and index not in probe_cells and outcome.ename != "NotImplementedError"):
            first = cell.source.strip().splitlines()[0][:80] if cell.source.strip() else "(empty cell)"
            result.answer_errors.append(f"cell starting {first!r}: {_message(outcome, run.problem)}")
    if run.problem:
        result.flags.append(run.problem)
    result.flags.extend(run.notes)
    secret = hidden_lines(source)
    for test in result.tests:
        test.message = withhold_hidden(test.message, secret)
    result.answer_errors = [withhold_hidden(text, secret) for text in result.answer_errors]
    result.flags = [withhold_hidden(text, secret) for text in result.flags]
    result.score = sum(t.points for t in result.tests)


def _hidden_grade(test: TestResult, probe: Probe | None, run) -> tuple[float, str]:
    """Points and message of a hidden test: the grader's check of its probes, nothing else."""
    if probe is None:
        return 0.0, "not graded: the grader has no check for this test (tell the instructor)"
    reason = probe.check(run.files.get(probe.filename))
    return (test.max_points, "") if not reason else (0.0, reason)
