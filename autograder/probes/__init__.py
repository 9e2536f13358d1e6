"""Probes: the grader checks the student's functions itself, outside the student's kernel.

A test cell runs inside the student's kernel, and code in that kernel can trick it: replace
``check_array``, patch ``np.allclose``, return an object that equals everything, tell IPython
to swallow errors, or rewrite the kernel's replies. So for every test cell listed in
``autograder/probes/<assignment>.py`` the grader also

1. draws fresh inputs (a new random seed for every grading run) and writes a *probe cell*
   that calls the student's functions on them and saves the results as JSON (numbers, lists,
   arrays as base64 of their raw bytes with dtype and shape: nothing is unpickled);
2. inserts that cell right after the test cell, and reads the file back from the sandbox's
   working folder, as data, without following links;
3. runs the very same probe code after the instructor's solution cells in a separate,
   trusted Python process (never the student's kernel) to get the expected results;
4. compares the two in its own process. A test cell keeps its points only if it passed in the
   kernel AND every probe of it matches.

Whatever the student's code does to the kernel, it cannot know the grader's fresh inputs
before they arrive, nor the instructor's outputs: a probe result can only match if the
function computes the right thing. A probe that does not run (a crash, a time limit, a patched
``open``) counts as a mismatch, never as a pass.

A probe file defines ``probes(rng)``, returning ``{test grade id: [(function name, args), ...]}``
where ``args`` is a tuple of NumPy arrays, Python numbers, strings and lists or tuples of those.
Results may also be dicts with string keys (compared key by key; extra keys are ignored).
"""
from __future__ import annotations

import base64
import json
import os
import runpy
import secrets
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import numpy as np

from ..notebook_io import is_test

FOLDER = Path(__file__).parent
RTOL, ATOL = 1e-6, 1e-8          # the tolerances of rnncourse.grading.check_array

# The code of a probe cell; the same text runs in the student's kernel and in the reference
# process. It keeps its names inside one function so that it leaves the notebook's namespace alone.
PROBE_RUNTIME = r'''
def __course_probe(calls, path):
    import base64, json, sys
    import numpy

    def decode(node):
        if "array" in node:
            raw = base64.b64decode(node["array"])
            return numpy.frombuffer(raw, dtype=numpy.dtype(node["dtype"])).reshape(node["shape"]).copy()
        if "seq" in node:
            items = [decode(item) for item in node["seq"]]
            return tuple(items) if node.get("tuple") else items
        return node["py"]

    def encode(value):
        if value is None or type(value) in (bool, int, float, str):
            return {"py": value}
        if type(value) in (list, tuple):
            return {"seq": [encode(item) for item in value], "tuple": type(value) is tuple}
        if type(value) is dict and all(type(key) is str for key in value):
            return {"map": {key: encode(item) for key, item in value.items()}}
        torch = sys.modules.get("torch")
        if torch is not None and type(value) in (torch.Tensor, torch.nn.Parameter):
            value = value.detach().cpu().numpy()
        if type(value) is numpy.ndarray or isinstance(value, numpy.generic):
            array = numpy.asarray(value)
            if array.dtype.kind not in "biuf":
                return {"unsupported": "an array of " + str(array.dtype)}
            array = array.astype(array.dtype.newbyteorder("<"))
            return {"array": base64.b64encode(array.tobytes()).decode(), "dtype": array.dtype.str,
                    "shape": list(array.shape)}
        return {"unsupported": "a " + type(value).__name__}

    results = []
    for name, args in calls:
        try:
            results.append({"value": encode(globals()[name](*decode(args)))})
        except BaseException as error:  # the student's function failed or stopped: record it
            results.append({"error": (type(error).__name__ + ": " + str(error))[:300]})
    with open(path, "w") as handle:
        json.dump(results, handle)
'''


def encode_args(value) -> dict:
    """Inputs in the probe format (the grader's own values: plain types and float/int arrays)."""
    if isinstance(value, np.ndarray):
        array = value.astype(value.dtype.newbyteorder("<"))
        return {"array": base64.b64encode(array.tobytes()).decode(), "dtype": array.dtype.str, "shape": list(array.shape)}
    if isinstance(value, (list, tuple)):
        return {"seq": [encode_args(v) for v in value], "tuple": isinstance(value, tuple)}
    if isinstance(value, np.generic):
        return {"py": value.item()}
    return {"py": value}


def _as_number_array(node) -> np.ndarray | None:
    """A decoded output as an array, if it is a number, an array or nested lists of numbers."""
    if not isinstance(node, dict):
        return None
    if "array" in node:
        dtype = np.dtype(node["dtype"]) if node.get("dtype", "")[1:2] in tuple("biuf") else None
        if dtype is None or dtype.itemsize > 16:
            return None
        try:
            raw = base64.b64decode(node["array"], validate=True)
            return np.frombuffer(raw, dtype=dtype).reshape([int(n) for n in node["shape"]])
        except (ValueError, TypeError, KeyError):
            return None
    if "py" in node and type(node["py"]) in (bool, int, float):
        return np.asarray(node["py"])
    if "seq" in node and isinstance(node["seq"], list):
        items = [_as_number_array(item) for item in node["seq"]]
        if items and all(item is not None for item in items) and len({i.shape for i in items}) == 1:
            return np.stack(items)
    return None


def compare(got, want, what: str) -> str:
    """'' if the student's output ``got`` matches the instructor's ``want``, else the reason."""
    if not isinstance(got, dict):
        return f"{what}: no result"
    if "unsupported" in got:
        return f"{what} returned {str(got['unsupported'])[:80]}, which is not a number, array or tuple"
    want_array = _as_number_array(want)
    if want_array is not None:
        got_array = _as_number_array(got)
        if got_array is None:
            return f"{what} did not return numbers"
        if got_array.shape != want_array.shape:
            return f"{what} has shape {got_array.shape}, expected {want_array.shape}"
        if want_array.dtype.kind in "iu" and got_array.dtype.kind not in "iu":
            return f"{what} should hold integers"
        g, w = got_array.astype(np.float64), want_array.astype(np.float64)
        if not (np.all(np.isfinite(g)) and np.all(np.abs(g - w) <= ATOL + RTOL * np.abs(w))):
            return f"{what} has different values"
        return ""
    if "seq" in want:
        if "seq" not in got or not isinstance(got["seq"], list) or len(got["seq"]) != len(want["seq"]):
            return f"{what} should be a sequence of {len(want['seq'])} items"
        for index, (g, w) in enumerate(zip(got["seq"], want["seq"])):
            reason = compare(g, w, f"item {index} of {what}")
            if reason:
                return reason
        return ""
    if "map" in want:
        if "map" not in got or not isinstance(got["map"], dict):
            return f"{what} should be a dict with keys {', '.join(sorted(want['map']))}"
        for key, w in want["map"].items():
            if key not in got["map"]:
                return f"{what} has no key {key!r}"
            reason = compare(got["map"][key], w, f"{what}[{key!r}]")
            if reason:
                return reason
        return ""
    return "" if got == want else f"{what} is different"


@dataclass
class Probe:
    """The probe cell of one test cell: its code, the file it writes and the expected results."""
    grade_id: str
    calls: list[tuple[str, tuple]]
    filename: str
    expected: list[dict] = field(default_factory=list)

    @property
    def code(self) -> str:
        calls = json.dumps([[name, encode_args(tuple(args))] for name, args in self.calls])
        return (f"{PROBE_RUNTIME}\n__course_probe(__import__('json').loads({calls!r}), {self.filename!r})\n"
                "del __course_probe\n")

    def check(self, content: bytes | None) -> str:
        """'' if the student's probe file matches the expected results, else a message for them."""
        if content is None:
            return "the grader's own check of your function did not run (the notebook stopped or timed out first)"
        try:
            results = json.loads(content)
        except (ValueError, UnicodeDecodeError):
            return "the grader's own check of your function wrote an unreadable result"
        if not isinstance(results, list) or len(results) != len(self.calls):
            return "the grader's own check of your function wrote an incomplete result"
        for (name, args), got, want in zip(self.calls, results, self.expected):
            what = f"{name}({', '.join(_describe(a) for a in args)})"
            if isinstance(got, dict) and "error" in got:
                return f"the grader called {what} on its own inputs and it failed: {str(got['error'])[:200]}"
            reason = compare(got.get("value") if isinstance(got, dict) else None, want["value"], what)
            if reason:
                return f"the grader called your function on its own inputs: {reason}"
        return ""


def _describe(arg) -> str:
    if isinstance(arg, np.ndarray):
        return "array" + str(arg.shape)
    if isinstance(arg, (list, tuple)):
        return f"a list of {len(arg)}"
    return repr(arg)


def spec_path(assignment: str) -> Path:
    return FOLDER / f"{assignment}.py"


def make_probes(assignment: str, source: nbformat.NotebookNode, seed: int | None = None) -> dict[str, Probe]:
    """Fresh probes for ``assignment`` (none if it has no probe file), with the expected results
    computed by the instructor's solution in a separate process."""
    path = spec_path(assignment)
    if not path.exists():
        return {}
    seed = secrets.randbits(64) if seed is None else seed
    spec = runpy.run_path(str(path))["probes"](np.random.default_rng(seed))
    token = secrets.token_hex(8)
    probes = {gid: Probe(gid, [(name, tuple(args)) for name, args in calls], f"probe-{token}-{i}.json")
              for i, (gid, calls) in enumerate(spec.items())}
    test_ids = {c.metadata["nbgrader"]["grade_id"] for c in source.cells if is_test(c)}
    unknown = set(probes) - test_ids
    if unknown:
        raise ValueError(f"{path.name} probes unknown test cells: {sorted(unknown)}")
    outputs = run_reference(source, list(probes.values()))
    for probe in probes.values():
        probe.expected = json.loads(outputs[probe.filename])
        failed = [r["error"] for r in probe.expected if "error" in r]
        if failed:
            raise RuntimeError(f"the instructor's solution fails probe {probe.grade_id}: {failed[0]}")
    return probes


def run_reference(source: nbformat.NotebookNode, probes: list[Probe], timeout: float = 300) -> dict[str, bytes]:
    """Run every code cell of the source that is not a test (set-up and solutions), then the
    probes, in a fresh Python process; return the files the probes wrote."""
    code = [c.source for c in source.cells if c.cell_type == "code" and not is_test(c)]
    script = "\n\n".join(code + [p.code for p in probes])
    with tempfile.TemporaryDirectory(prefix="rnn-reference-") as folder:
        env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONSTARTUP")}
        env["MPLBACKEND"] = "Agg"
        done = subprocess.run([sys.executable, "-c", script], cwd=folder, env=env, capture_output=True,
                              text=True, timeout=timeout, stdin=subprocess.DEVNULL)
        if done.returncode != 0:
            raise RuntimeError(f"the instructor's solution failed to run for the probes:\n{done.stderr[-2000:]}")
        return {p.filename: (Path(folder) / p.filename).read_bytes() for p in probes}


_cache: dict[str, dict[str, Probe]] = {}
_lock = threading.Lock()


def probes_for(assignment: str, source: nbformat.NotebookNode) -> dict[str, Probe]:
    """The probes of this grading run: drawn once per process and assignment, shared by its threads."""
    with _lock:
        if assignment not in _cache:
            _cache[assignment] = make_probes(assignment, source)
        return _cache[assignment]
