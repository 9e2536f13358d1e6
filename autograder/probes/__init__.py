"""Probes: the grader checks the student's functions itself, outside the student's kernel.

Code in the student's kernel sees every cell it runs and can trick any test that runs there
(replace ``check_array``, patch ``np.allclose``, read a cell's source from a ``pre_run_cell`` hook
and smuggle it out in an error message). So the grader never sends a hidden test to the kernel,
and does not trust the visible ones alone. For every test cell listed in
``autograder/probes/<assignment>.py`` it

1. draws inputs from a seed the kernel cannot know: an HMAC of the submission's SHA-256 and the
   assignment's version under the course secret (:mod:`.secret`), so the same file always gets
   the same inputs and the same grade;
2. writes a *probe cell* (:mod:`.runtime`) that calls the student's functions on them and saves
   what they return as data (:mod:`.wire`), and places it after the test cell;
3. runs the same probe code after the instructor's solution cells in a separate, trusted Python
   process to get the expected results;
4. decodes the kernel's file defensively and compares in its own process (:mod:`.judge`): the
   generic comparison, or the call's own ``check``, which names classic mistakes with the
   generators of ``rnncourse.grading``.

On a grading machine with an NVIDIA GPU (:mod:`autograder.gpu`) every call on the ``meta`` device
gets a twin on ``cuda`` (:func:`with_cuda`): the kernel runs it there in float32, the reference
runs it on the CPU in float64, and :func:`.judge.cuda_check` compares the two. A kernel that finds
no CUDA device says so, and the submission is graded on CPU and meta (:func:`cuda_line`).

A visible test keeps its points if it passed in the kernel AND its probes match. A hidden test
(listed in the probe file's ``HIDDEN``) is decided by its probes alone: its cell's code is never
run, and its feedback is the instructor's text only. A probe that does not run (a crash, a time
limit, a patched ``open``) counts as a failure, never as a pass.

A probe file defines ``HIDDEN = {grade id: what it checks}`` and ``probes(rng)``, returning
``{test grade id: [Call or (function name, args), ...]}``.
"""
from __future__ import annotations

import ast
import hashlib
import importlib
import json
import os
import runpy
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Callable

import nbformat
import numpy as np

from rnncourse.grading.feedback import Feedback
from rnncourse.grading.calls import SHAPE_ERROR_HELP

from .. import gpu
from ..notebook_io import grade_id, is_solution, is_test
from .judge import CUDA_ERROR, cuda_check, same_values
from .runtime import PROBE_RUNTIME
from .wire import BadData, decode, encode_args, parse

FOLDER = Path(__file__).parent
KNOWN_ERRORS = {"NotImplementedError", "ValueError", "TypeError", "IndexError", "KeyError", "AttributeError",
                "NameError", "ZeroDivisionError", "RuntimeError", "AssertionError", "RecursionError",
                "MemoryError", "OverflowError", "FloatingPointError", "StopIteration", "UnboundLocalError", "Timeout",
                "ShapeError", "NoCuda"}


@dataclass
class Call:
    """One call of a student's function on the grader's inputs.

    ``check(got, want, args)`` raises Feedback when ``got`` (the student's decoded result) is
    wrong; without one, the generic comparison with ``want`` (the instructor's) applies.
    ``label`` says which case this is ("B = 1, H = 1"). ``driver`` is how the kernel calls it
    (see :mod:`.runtime`); ``after`` lists arguments whose state after the call is returned too
    (the result is then ``(value, *states)``); ``generator`` lists arguments handed over as a
    one-pass generator; ``on_error`` is the grader's explanation added when the call stops with an
exception. ``component`` marks the call of a component that the probe's other calls (a composed
    function) run, on their inputs: its failure alone fails nothing (a composed function written
    without it may be right), but when another call fails too, the feedback says that the student's
    component is wrong instead of guessing a cause for the composed function. ``given`` names (by grade id) locked cells of the notebook that define ``function``, such as
    an experiment's harness: the kernel then runs the grader's copy of their code afresh, in a namespace
    that holds only the student's answers (the names the solution cells define), so a redefinition
    of the harness in the kernel changes nothing; ``draw_probes`` fills in ``setup`` from the notebook.
    """
    function: str
    args: tuple
    check: Callable | None = None
    label: str = ""
    driver: str = "call"
    after: tuple = ()
    generator: tuple = ()
    on_error: str = ""
    component: bool = False
    given: tuple = ()
    setup: dict | None = None

    def wire(self) -> dict:
        wired = {"function": self.function, "args": [encode_args(a) for a in self.args], "driver": self.driver,
                 "after": list(self.after), "generator": list(self.generator)}
        if self.given:
            if self.setup is None:
                raise ValueError(f"the given cells of {self.function} were not read from the notebook")
            wired["given"] = self.setup
        return wired

    @property
    def what(self) -> str:
        return f"{self.function}({', '.join(_describe(a) for a in self.args)})"


def as_call(item) -> Call:
    return item if isinstance(item, Call) else Call(item[0], tuple(item[1]))


@dataclass
class Probe:
    """The probe cell of one test cell: its calls, the file it writes and the expected results."""
    grade_id: str
    calls: list[Call]
    filename: str
    expected: list[dict] = field(default_factory=list)

    @property
    def code(self) -> str:
        return self._code(self.calls)

    @property
    def reference_code(self) -> str:
        """The code run after the instructor's solution: a call on ``cuda`` is a plain call there, on
        the CPU in float64, whose values the GPU's float32 result is compared with."""
        return self._code([replace(c, driver="call") if c.driver == "cuda" else c for c in self.calls])

    def _code(self, calls: list[Call]) -> str:
        """The probe cell: the runtime, then its calls. The runtime goes in as one string literal
        that the cell compiles itself: IPython reads a cell through its input transformers, which
        cost far more on 150 lines of code than on one literal (about 0.1 s against 0.02 s a cell)."""
        wired = json.dumps([call.wire() for call in calls])
        return (f"exec({PROBE_RUNTIME!r})\n__course_probe(__import__('json').loads({wired!r}), {self.filename!r})\n"
                "del __course_probe\n")

    def check(self, content: bytes | None) -> str:
        """'' if the student's probe file matches the expected results, else a message for them,
        written by the grader alone. Never raises, whatever ``content`` holds."""
        try:
            results = parse(content)
        except BadData as err:
            return f"the grader's own check of your function could not be read: {err}"
        if not isinstance(results, list) or len(results) > len(self.calls):
            return "the grader's own check of your function wrote a malformed result"
        first = named = wrong_component = ""   # a failure that names its cause is preferred to the first one
        for index, call in enumerate(self.calls):
            got = results[index] if index < len(results) else None
            try:
                reason = self._judge(call, got, self.expected[index])
            except RecursionError:
                reason = "its result is nested too deeply"
            if reason and call.component:
                wrong_component = wrong_component or _component_text(call, reason)
            elif reason:
                case = f" (case {call.label})" if call.label else ""
                text = f"the grader called {call.what}{case} on its own inputs: {reason}"
                named = named or (text if isinstance(reason, Named) else "")
                first = first or text
        if first and wrong_component:
            return wrong_component
        return named or first

    @staticmethod
    def _judge(call: Call, got, want: dict) -> str:
        if got is None:
            return "it did not finish (the kernel died or time ran out during this call)"
        if not isinstance(got, dict):
            return "its result is malformed"
        if "error" in got:
            name = got["error"] if isinstance(got["error"], str) and got["error"] in KNOWN_ERRORS else "an exception"
            if name == "NoCuda" and call.driver == "cuda":
                return ""            # no CUDA device in the kernel: graded on CPU and meta (see cuda_line)
            if name == "NotImplementedError":
                return "not answered yet: the function still raises NotImplementedError"
            if name == "ShapeError":
                return f"it stopped with a shape error (operands that do not fit). {SHAPE_ERROR_HELP}"
            if name == "Timeout":
                return "it ran longer than the time limit of a cell (an infinite loop?)"
            if name == "NameError":
                return "the function is not defined (is it defined above, and did its cell run without error?)"
            return f"it stopped with {name}" + (f". {call.on_error}" if call.on_error else "")
        try:
            value = decode(got.get("value"))
            expected = decode(want["value"])
            if call.after:
                after = got.get("after")
                if not isinstance(after, list) or len(after) != len(call.after):
                    return "its result is malformed"
                value = (value, *(decode(a) for a in after))
                expected = (expected, *(decode(a) for a in want["after"]))
        except BadData as err:
            return f"it returned {err}"
        try:
            if call.check is None:
                return same_values("the result", value, expected)
            call.check(value, expected, call.args)
        except Feedback as failure:
            return Named(failure) if failure.names_cause else str(failure)
        except (TypeError, ValueError, IndexError, KeyError, AttributeError, ArithmeticError):
            return "it returned a value of the wrong form (see the function's docstring for what to return)"
        return ""


class Named(str):
    """A probe's failure message that names the classic mistake behind it."""


def _component_text(call: Call, reason: str) -> str:
    case = f" (case {call.label})" if call.label else ""
    return (f"this test runs your {call.function}, and on the grader's inputs{case} your {call.function} is wrong: "
            f"{reason} Fix {call.function} first (its own test says more).")


def _describe(arg) -> str:
    if isinstance(arg, np.ndarray):
        return "array" + str(arg.shape)
    if isinstance(arg, (list, tuple)):
        return f"a list of {len(arg)}"
    if isinstance(arg, (bool, int, float, str, type(None))):
        return repr(arg)
    return type(arg).__name__.lower()


# ------------------------------------------------------------------ CUDA

CUDA_ABSENT = "CUDA: not present, graded on CPU and meta"
CUDA_USED = "CUDA: graded on CPU, meta and CUDA"


def with_cuda(calls: list[Call]) -> list[Call]:
    """``calls`` with, after each call on the ``meta`` device, the same call on ``cuda``."""
    out = []
    for call in calls:
        out.append(call)
        if call.driver == "meta":
            label = call.label.replace("meta device", "CUDA device") if "meta device" in call.label \
                else f"{call.label}, CUDA device float32".lstrip(", ")
            out.append(Call(call.function, call.args, cuda_check(), label, driver="cuda", on_error=CUDA_ERROR))
    return out


def cuda_line(probes: dict[str, Probe], files: dict[str, bytes]) -> str:
    """How the torch tasks were graded: '' when no probe runs on a device, else whether CUDA was
    used (the grading machine has a GPU and the kernel found it) or not."""
    if not any(c.driver == "meta" for p in probes.values() for c in p.calls):
        return ""
    ran = [p for p in probes.values() if any(c.driver == "cuda" for c in p.calls)]
    for probe in ran:
        try:
            results = parse(files.get(probe.filename))
        except BadData:
            continue
        if isinstance(results, list) and any(isinstance(r, dict) and r.get("error") == "NoCuda" for r in results):
            return CUDA_ABSENT
    return CUDA_USED if ran else CUDA_ABSENT


# ------------------------------------------------------------------ probe files

def spec_path(assignment: str) -> Path:
    return FOLDER / f"{assignment}.py"


@lru_cache(maxsize=None)
def spec(assignment: str) -> dict:
    """The probe file's names (``probes``, ``HIDDEN``), or {} when the assignment has none."""
    path = spec_path(assignment)
    return runpy.run_path(str(path)) if path.exists() else {}


def hidden_tests(assignment: str) -> dict[str, str]:
    """{grade id: what it checks} of the tests the grader alone decides."""
    return dict(spec(assignment).get("HIDDEN", {}))


def draw_probes(assignment: str, source: nbformat.NotebookNode, seed: int) -> dict[str, Probe]:
    """The probes of ``assignment`` for ``seed`` (none if it has no probe file): their calls on
    the grader's inputs, without the expected results yet (see :func:`fill_expected`)."""
    if "probes" not in spec(assignment):
        return {}
    drawn = spec(assignment)["probes"](np.random.default_rng(seed))
    token = hashlib.sha256(f"{assignment}:{seed}".encode()).hexdigest()[:16]
    on_gpu = with_cuda if gpu.cuda_present() else list
    probes = {gid: Probe(gid, on_gpu([given_cells(source, as_call(c)) for c in calls]), f"probe-{token}-{i}.json")
              for i, (gid, calls) in enumerate(drawn.items())}
    test_ids = {grade_id(c) for c in source.cells if is_test(c)}
    unknown = (set(probes) | set(hidden_tests(assignment))) - test_ids
    if unknown:
        raise ValueError(f"{spec_path(assignment).name} probes unknown test cells: {sorted(unknown)}")
    return probes


def given_cells(source: nbformat.NotebookNode, call: Call) -> Call:
    """``call`` with ``setup`` read from ``source``: the code of its given cells (locked cells that are
    neither answers nor tests) and the names the solution cells define (the student's answers)."""
    if not call.given:
        return call
    cells = {grade_id(c): c for c in source.cells if c.cell_type == "code"}
    code = []
    for gid in call.given:
        cell = cells.get(gid)
        if cell is None or is_test(cell) or is_solution(cell):
            raise ValueError(f"{call.function}: {gid!r} is not a given cell of the notebook")
        code.append(cell.source)
    answers = set()
    for cell in source.cells:
        if cell.cell_type == "code" and is_solution(cell):
            for node in ast.parse(cell.source).body:
                if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                    answers.add(node.name)
                elif isinstance(node, ast.Assign):
                    answers.update(t.id for t in node.targets if isinstance(t, ast.Name))
    return replace(call, setup={"code": "\n\n".join(code), "answers": sorted(answers)})


def fill_expected(source: nbformat.NotebookNode, probes: dict[str, Probe]) -> None:
    """Compute every probe's expected results with the instructor's solution, in a separate process."""
    if not probes:
        return
    outputs = run_reference(source, list(probes.values()))
    for probe in probes.values():
        probe.expected = json.loads(outputs[probe.filename])
        failed = [r["error"] for r in probe.expected if "error" in r]
        if failed or len(probe.expected) != len(probe.calls):
            raise RuntimeError(f"the instructor's solution fails probe {probe.grade_id}: {failed[:1]}")


def make_probes(assignment: str, source: nbformat.NotebookNode, seed: int) -> dict[str, Probe]:
    """The probes of ``assignment`` for ``seed``, with the expected results filled in."""
    probes = draw_probes(assignment, source, seed)
    fill_expected(source, probes)
    return probes


def judge_imports(assignment: str) -> list[str]:
    """Modules the probe file imports inside its functions (its checks' own needs, such as torch),
    which the first check would otherwise import while the grader waits."""
    path = spec_path(assignment)
    if not path.exists():
        return []
    names = set()
    for function in ast.walk(ast.parse(path.read_text())):
        if isinstance(function, (ast.FunctionDef, ast.Lambda)):
            for node in ast.walk(function):
                if isinstance(node, ast.Import):
                    names.update(alias.name for alias in node.names)
                elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                    names.add(node.module)
    return sorted(names)


def run_reference(source: nbformat.NotebookNode, probes: list[Probe], timeout: float = 600) -> dict[str, bytes]:
    """Run every code cell of the source that is not a test (set-up and solutions), then the
    probes, in a fresh Python process; return the files the probes wrote."""
    code = [c.source for c in source.cells if c.cell_type == "code" and not is_test(c)]
    script = "\n\n".join(code + [p.reference_code for p in probes])
    with tempfile.TemporaryDirectory(prefix="rnn-reference-") as folder:
        env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONSTARTUP")}
        env.update(MPLBACKEND="Agg", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")   # as in the kernel
        (Path(folder) / "reference.py").write_text(script)
        done = subprocess.run([sys.executable, "reference.py"], cwd=folder, env=env, capture_output=True,
                              text=True, timeout=timeout, stdin=subprocess.DEVNULL)
        if done.returncode != 0:
            raise RuntimeError(f"the instructor's solution failed to run for the probes:\n{done.stderr[-2000:]}")
        return {p.filename: (Path(folder) / p.filename).read_bytes() for p in probes}


class ProbeSet:
    """The probes of one submission, ready to go into its notebook at once; the work the grader
    does for them on its own side (the instructor's expected results, the checks' imports) runs
    in a background thread while the student's kernel runs, and :meth:`ready` waits for it.

    A grade costs the longer of the two, not their sum: for assignments whose reference solution
    trains a model, or whose checks import torch, that was most of the grader's overhead."""

    def __init__(self, assignment: str, source: nbformat.NotebookNode, seed: int):
        self.probes = draw_probes(assignment, source, seed)
        self._failure: BaseException | None = None
        self._thread = threading.Thread(target=self._prepare, args=(assignment, source), daemon=True)
        self._thread.start()

    def _prepare(self, assignment: str, source: nbformat.NotebookNode) -> None:
        try:
            fill_expected(source, self.probes)
            for module in judge_imports(assignment) if self.probes else ():
                importlib.import_module(module)
        except BaseException as err:  # handed to whoever waits for it in ready()
            self._failure = err

    def ready(self) -> dict[str, Probe]:
        """The probes with their expected results; raises what preparing them raised."""
        self._thread.join()
        if self._failure is not None:
            raise self._failure
        return self.probes


_cache: dict[tuple[str, int], ProbeSet] = {}
_lock = threading.Lock()


def probes_for(assignment: str, source: nbformat.NotebookNode, seed: int) -> ProbeSet:
    """The probe set of ``assignment`` for ``seed``, prepared once per process (threads share it)."""
    key = (assignment, seed)
    with _lock:
        if key not in _cache:
            if len(_cache) > 64:
                _cache.clear()
            _cache[key] = ProbeSet(assignment, source, seed)
        return _cache[key]


def forget() -> None:
    """Drop every prepared probe set (the next grade of any submission prepares its own)."""
    with _lock:
        _cache.clear()
