"""The student-facing copy of the course package holds no answer and is all the notebooks need.

The copy that autograder.student_package builds is imported in a fresh interpreter that sees
only that folder and the installed third-party packages (``-I -S``: no editable finder, no
.pth file that could reach the checkout). There, no module may define a function graded in any
assignment (the names are the ``def``s of the solution cells), the course's references must not
import, and every solution notebook's visible tests must pass.
"""
from __future__ import annotations

import ast
import json
import subprocess
import sys
import sysconfig
from pathlib import Path

import nbformat
import pytest

from autograder import paths
from autograder.notebook_io import is_solution, is_test
from autograder.student_package import ROOT, STUDENT_FACING, build


def graded_names() -> dict[str, str]:
    """{function name: assignment} for every function defined in a solution cell."""
    names = {}
    for assignment in paths.assignments():
        nb = nbformat.read(paths.source_notebook(assignment), as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code" and is_solution(cell):
                for node in ast.parse(cell.source).body:
                    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                        names[node.name] = assignment
    return names


def run_isolated(folder: Path, script: str, timeout: int = 300) -> subprocess.CompletedProcess:
    """Run ``script`` in a Python that sees ``folder`` and third-party packages, nothing of the checkout."""
    third_party = sorted({sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]})
    prelude = f"import sys\nsys.path[:] = [{str(folder)!r}] + sys.path[1:] + {third_party!r}\n"   # [0] is ''

    return subprocess.run([sys.executable, "-I", "-S", "-c", prelude + script], capture_output=True, text=True,
                          timeout=timeout, cwd=folder)


DEFINED_NAMES = r'''
import ast, importlib, json, pathlib
report = {}
for relative in json.loads(MODULES):
    if not relative.endswith(".py"):
        continue
    name = relative[:-3].replace("/", ".").removesuffix(".__init__")
    module = importlib.import_module(name)
    assert pathlib.Path(module.__file__).is_relative_to(FOLDER), (name, module.__file__)
    source = pathlib.Path(module.__file__).read_text()
    defined = {n.name for n in ast.walk(ast.parse(source)) if isinstance(n, (ast.FunctionDef, ast.ClassDef))}
    report[name] = sorted((defined | set(vars(module))) & GRADED)
try:
    import rnncourse.numpy_ref
    report["rnncourse.numpy_ref importable"] = True
except ModuleNotFoundError:
    pass
print(json.dumps(report))
'''


def defined_graded_names(folder: Path, listed: tuple[str, ...]) -> dict[str, list[str]]:
    script = (f"import pathlib\nFOLDER = pathlib.Path({str(folder)!r})\nMODULES = {json.dumps(list(listed))!r}\n"
              f"GRADED = set({sorted(graded_names())!r})\n" + DEFINED_NAMES)
    done = run_isolated(folder, script)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_every_listed_file_exists_and_the_stored_cases_are_listed():
    for relative in STUDENT_FACING:
        assert (ROOT / relative).is_file(), relative
    stored = {f"rnncourse/grading/stored/{a}.json" for a in paths.assignments()}
    assert stored <= set(STUDENT_FACING), stored - set(STUDENT_FACING)


def test_no_listed_module_defines_a_graded_function(tmp_path):
    report = defined_graded_names(build(tmp_path / "copy"), STUDENT_FACING)
    assert len(report) == len([p for p in STUDENT_FACING if p.endswith(".py")])
    assert {module: names for module, names in report.items() if names} == {}


def test_the_check_sees_a_reference_when_one_is_listed(tmp_path):
    """The same check, with the NumPy reference of the RNN listed too: it must name rnn_forward."""
    with_reference = STUDENT_FACING + ("rnncourse/numpy_ref/__init__.py", "rnncourse/numpy_ref/rnn.py")
    folder = tmp_path / "copy"
    build(folder)
    for relative in with_reference[-2:]:
        (folder / relative).parent.mkdir(parents=True, exist_ok=True)
        (folder / relative).write_bytes((ROOT / relative).read_bytes())
    report = defined_graded_names(folder, with_reference)
    assert "rnn_forward" in report["rnncourse.numpy_ref.rnn"]
    assert report.get("rnncourse.numpy_ref importable") is True


RUN_VISIBLE_TESTS = r'''
import json, os
import matplotlib
matplotlib.use("Agg")
import nbformat
failures = {}
for path in PATHS:
    namespace = {"__name__": "__main__"}
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type != "code":
            continue
        gid = cell.metadata.get("nbgrader", {}).get("grade_id", "")
        try:
            exec(compile(cell.source, gid, "exec"), namespace)
        except BaseException as error:
            failures[f"{os.path.basename(path)}:{gid}"] = f"{type(error).__name__}: {error}"[:300]
print(json.dumps(failures))
'''


@pytest.mark.slow
def test_solutions_pass_their_visible_tests_with_only_the_student_copy(tmp_path):
    folder = build(tmp_path / "copy")
    notebooks = [str(paths.source_notebook(a)) for a in paths.assignments()]
    done = run_isolated(folder, f"PATHS = {notebooks!r}\n" + RUN_VISIBLE_TESTS, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    assert json.loads(done.stdout.strip().splitlines()[-1]) == {}
