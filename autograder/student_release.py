"""What a class gets: ``course.py release-student OUT``.

    OUT/README.md            for students: set up, open the lab (and what check grades)
    OUT/course.py            the course's own command file (only the student's commands show)
    OUT/requirements.txt     the course's pins, less the book-building and testing tools
    OUT/pyproject.toml       installs the two packages below into the class's environment
    OUT/exercises/           the released notebooks, generated afresh from solutions/
    OUT/book/                the built HTML book (when _build/html exists)
    OUT/rnncourse/           the student-facing part of the course package (student_package)
    OUT/autograder/          the student's side of the grader: workspace, lab, visible-test check

No solutions, no hidden test, no reference implementation of a graded function: the notebooks are
the released stubs, the package is only what ``student_package.STUDENT_FACING`` lists, and the
grader's files are the ones named here (no probes, no gradebook, no class grading). A later
assignment may hand out an earlier one's answer (a cell that defines ``rnn_forward`` for the BPTT
assignment, say): a release that holds both is refused, naming them, so that the later one is
released (``--assignments``) once the earlier one is due. Without ``solutions/``, ``check`` grades
the visible tests and says that the hidden ones are run by the instructor (:mod:`autograder.visible`).
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import nbformat

from . import paths, student_package
from .notebook_io import is_solution
from .release import release_assignment, release_notebook

MARKER = ".rnncourse-student-release"

# The grader's files a class's copy needs (paths relative to the repository root).
STUDENT_GRADER: tuple[str, ...] = (
    "autograder/__init__.py", "autograder/__main__.py", "autograder/cli.py", "autograder/paths.py",
    "autograder/workspace.py", "autograder/visible.py", "autograder/grading.py", "autograder/assemble.py",
    "autograder/notebook_io.py", "autograder/sandbox.py", "autograder/kernel_launcher.py",
    "autograder/isolation.py", "autograder/student_package.py",
    "autograder/release.py", "autograder/report.py", "autograder/probes/__init__.py",
    "autograder/probes/judge.py", "autograder/probes/runtime.py", "autograder/probes/wire.py",
    "autograder/probes/secret.py",
    "autograder/lab",                     # the lab's settings, server extension and lab extension
    "course.py",
)
# Requirements only the course's authors need: the book build, its tests, the class gradebook.
AUTHOR_ONLY_REQUIREMENTS = {"jupyter-book", "django-static-mathjax", "jupytext", "psycopg2-binary",
                            "playwright", "pytest"}

PYPROJECT = """\
[build-system]
requires = ["setuptools>=68"]
build-backend = "setuptools.build_meta"

[project]
name = "rnncourse-student"
version = "0.1.0"
description = "Recurrent neural networks from the equations up: a class's copy of the course."
requires-python = ">=3.11"

[tool.setuptools.packages.find]
include = ["rnncourse*", "autograder*"]
"""

GITIGNORE = """\
/.venv/
/workspace/
__pycache__/
.ipynb_checkpoints/
"""


def student_requirements(text: str) -> str:
    """requirements.txt without the lines of AUTHOR_ONLY_REQUIREMENTS (and the comments above them)."""
    kept, comments = [], []
    for line in text.splitlines():
        if line.startswith("#") or not line.strip():
            comments.append(line)
            continue
        name = line.split("==")[0].strip().lower()
        if name not in AUTHOR_ONLY_REQUIREMENTS:
            kept += comments + [line]
        comments = []
    return "\n".join(kept) + "\n"


def readme(has_book: bool) -> str:
    book = ("Open `book/index.html` in a browser: the course's book, readable offline."
            if has_book else
            "The book is not part of this copy; it is built in the course's repository with "
            "`python3 course.py book` and read from `_build/html/index.html`.")
    return f"""\
# Recurrent Neural Networks, from the equations up: the exercises

Only Python 3.11 or newer is needed. Two commands, run in this folder:

```bash
python3 course.py setup      # once: creates .venv/ here and installs what the course needs
python3 course.py lab        # opens JupyterLab on your own notebooks
```

## Your notebooks

The first `lab` copies every assignment into `workspace/` (yours: nothing the course does
overwrites a file there; when the course releases a new assignment, the next `lab` adds it beside
your work). `exercises/` holds the released notebooks as the course ships them; do not work there.
Set `RNNCOURSE_WORKSPACE=/some/folder` (or `--workspace /some/folder`) to keep your notebooks elsewhere.

In each notebook, fill in the cells marked `# YOUR CODE HERE` and run the test cell under each one.
The toolbar's **Validate** runs every cell and lists the tests that fail. **Check** (toolbar, or
*Run > Check with the course grader*) saves the notebook and grades it in a sandbox, as the
command does:

```bash
python3 course.py check 02_rnn_equations
```

`check` here runs the **visible** tests and gives their points and feedback; the hidden tests are
not in your copy: your instructor's grader runs them when you hand the notebook in, so the final
score can be lower than what `check` shows.

Start one assignment again from the released notebook (your current notebook is kept in
`workspace/<assignment>/backups/` with the date and time in its name):

```bash
python3 course.py reset 02_rnn_equations
```

## The book

{book}
"""


class GivesAnswers(ValueError):
    """A release in which one notebook defines a function another one of it grades."""


DEFINITION = re.compile(r"^\s*def (\w+)\(", re.M)


def answers_given(notebooks: dict[str, nbformat.NotebookNode]) -> list[str]:
    """Where a released notebook defines, outside the stubs, a function that a notebook of the same
    release asks the student to write: ``["04_bptt defines rnn_forward, graded in 02_rnn_equations", ...]``."""
    graded = {}
    for assignment, nb in notebooks.items():
        for cell in nb.cells:
            if is_solution(cell):
                graded.update({name: assignment for name in DEFINITION.findall(cell.source)})
    return [f"{assignment} defines {name}, graded in {graded[name]}"
            for assignment, nb in notebooks.items() for cell in nb.cells if not is_solution(cell)
            for name in DEFINITION.findall(cell.source) if name in graded]


def _copy(relative: str, out: Path) -> None:
    source, target = paths.ROOT / relative, out / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    if source.is_dir():
        shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    else:
        shutil.copyfile(source, target)


def _prepare(out: Path, force: bool) -> None:
    """An empty ``out``; with ``force``, a previous student release there is removed (and only that)."""
    if out.exists() and any(out.iterdir()):
        if not force:
            raise FileExistsError(f"{out} is not empty (--force replaces a previous student release)")
        if not (out / MARKER).is_file():
            raise FileExistsError(f"{out} is not empty and holds no student release: it is left alone")
        shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)


def write_student_release(out: Path, assignments: list[str] | None = None, force: bool = False) -> str:
    """Write the class's copy of the course (``assignments``, by default all) into ``out``; return
    a summary for the instructor. Raises :class:`GivesAnswers` (writing nothing) when one of the
    notebooks would hand out the answer to another."""
    chosen = list(assignments or paths.assignments())
    unknown = sorted(set(chosen) - set(paths.assignments()))
    if unknown:
        raise ValueError(f"no assignment {', '.join(unknown)} (known: {', '.join(paths.assignments())})")
    notebooks = {a: release_notebook(nbformat.read(paths.source_notebook(a), as_version=4)) for a in chosen}
    given = answers_given(notebooks)
    if given:
        raise GivesAnswers("this release would hand out answers: " + "; ".join(given) + ". Release the later "
                           "assignment once the earlier one is due (choose with --assignments).")
    out = Path(out).resolve()
    _prepare(out, force)
    for assignment in chosen:
        release_assignment(assignment, out / "exercises")
    student_package.build(out)
    for relative in STUDENT_GRADER:
        _copy(relative, out)
    (out / "requirements.txt").write_text(student_requirements((paths.ROOT / "requirements.txt").read_text()))
    (out / "pyproject.toml").write_text(PYPROJECT)
    (out / ".gitignore").write_text(GITIGNORE)
    built = paths.ROOT / "_build" / "html"
    if built.is_dir():
        shutil.copytree(built, out / "book", ignore=shutil.ignore_patterns(".buildinfo"))
    (out / "README.md").write_text(readme(built.is_dir()))
    (out / MARKER).write_text("written by python3 course.py release-student\n")
    book = "the built book" if built.is_dir() else "no book (build it first with `python3 course.py book`)"
    return f"wrote {out}: {len(notebooks)} assignment(s) ({', '.join(chosen)}), the student package, {book}"
