#!/usr/bin/env python3
"""One entry point for the course: set-up, book, tests, exercises and grading.

    python3 course.py setup                create .venv/ and install the requirements (every command does it first)
    python3 course.py book                 build the HTML book into _build/html (every chapter executed)
    python3 course.py test [PYTEST ARGS]   run the whole test suite
    python3 course.py lab                  open your workspace (your copy of the exercises) in JupyterLab
    python3 course.py check ASSIGNMENT     grade your notebook of ASSIGNMENT and print the feedback
    python3 course.py reset ASSIGNMENT     put the released notebook back (yours is backed up first)
    python3 course.py exercises            regenerate exercises/ from solutions/
    python3 course.py lab --instructor     open the course in JupyterLab with formgrader
    python3 course.py collect ZIP --assignment NAME  place a platform's bulk download into autograder/submitted/
    python3 course.py grade [ARGS]         grade a class (autograder/submitted/<student>/<assignment>/)
    python3 course.py rubric NAME          print the written questions of NAME with their model answers and rubrics
    python3 course.py dashboard            write the class dashboard autograder/reports/index.html (grade does it too)
    python3 course.py export --format canvas|moodle  the grades (automatic and manual) as the platform's import CSV
    python3 course.py release-student OUT  write what a class gets into OUT (no solutions, no hidden tests)

Each command first creates (or reuses) the virtual environment `.venv/` in the repository and
installs the pinned requirements into it; it re-installs only when requirements.txt or
pyproject.toml change. Only a Python 3.11+ interpreter is needed to start. A class's copy of the
course (written by release-student) has the same file with only the student's commands.
"""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / "python"
STAMP = VENV / ".installed-requirements"


def _requirements_digest() -> str:
    digest = hashlib.sha256()
    for name in ("requirements.txt", "pyproject.toml"):
        digest.update((ROOT / name).read_bytes())
    return digest.hexdigest()


def ensure_venv() -> None:
    """Create .venv and install the pinned requirements, unless they are already installed."""
    want = _requirements_digest()
    if STAMP.exists() and STAMP.read_text().strip() == want and PYTHON.exists():
        return
    if not PYTHON.exists():
        print("course: creating the virtual environment .venv/", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    print("course: installing the pinned requirements into .venv/ (first run only)", flush=True)
    pip = [str(PYTHON), "-m", "pip", "install", "--disable-pip-version-check", "-q"]
    subprocess.run(pip + ["-r", str(ROOT / "requirements.txt")], check=True)
    subprocess.run(pip + ["--no-deps", "-e", str(ROOT)], check=True)
    STAMP.write_text(want + "\n")


def venv_env() -> dict[str, str]:
    """The environment for commands run inside the virtual environment."""
    env = dict(os.environ)
    env["VIRTUAL_ENV"] = str(VENV)
    env["PATH"] = str(BIN) + os.pathsep + env.get("PATH", "")
    env.pop("PYTHONHOME", None)
    # Never force a Matplotlib backend here: chapter kernels need their inline backend to put
    # figures into the book (without a display, scripts fall back to Agg by themselves).
    env.pop("MPLBACKEND", None)
    return env


def run(args: list[str]) -> int:
    return subprocess.run(args, cwd=ROOT, env=venv_env()).returncode


# Static pages: one line per training loop instead of a progress bar, no widgets. One BLAS/OpenMP
# thread per chapter kernel: the chapters' models are tiny, and extra threads only fight over the
# cores (benchmarks/threads.py).
BOOK_ENV = {"RNNCOURSE_TEXT_PROGRESS": "1", "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1",
            "MKL_NUM_THREADS": "1"}


def cmd_book(extra: list[str]) -> int:
    # -W: warnings are errors, -n: nitpicky references, --keep-going: report them all.
    command = [str(BIN / "jupyter-book"), "build", ".", "-W", "-n", "--keep-going", *extra]
    return subprocess.run(command, cwd=ROOT, env=venv_env() | BOOK_ENV).returncode


def cmd_test(extra: list[str]) -> int:
    code = run([str(PYTHON), "-m", "pytest", *extra])
    if code == 5:
        print("course: pytest collected no tests; that is a failure", file=sys.stderr)
        return 1
    return code


def cmd_module(module: str, extra: list[str]) -> int:
    return run([str(PYTHON), "-m", module, *extra])


def cmd_autograder(command: str):
    return lambda extra: cmd_module("autograder", [command, *extra])


# name -> (what runs it, the file or folder it needs: a class's copy lacks the instructor's ones)
COMMANDS = {
    "setup": (lambda extra: 0, "course.py"),
    "lab": (cmd_autograder("lab"), "exercises"),
    "check": (cmd_autograder("check"), "exercises"),
    "reset": (cmd_autograder("reset"), "exercises"),
    "book": (cmd_book, "_config.yml"),
    "test": (cmd_test, "tests"),
    "exercises": (cmd_autograder("release"), "solutions"),
    "collect": (cmd_autograder("collect"), "solutions"),
    "grade": (cmd_autograder("grade"), "solutions"),
    "rubric": (cmd_autograder("rubric"), "solutions"),
    "dashboard": (cmd_autograder("dashboard"), "solutions"),
    "export": (cmd_autograder("export"), "solutions"),
    "release-student": (cmd_autograder("release-student"), "solutions"),
}


def available() -> list[str]:
    return [name for name, (_, needs) in COMMANDS.items() if (ROOT / needs).exists()]


def usage() -> str:
    """The docstring, listing only the commands this copy of the course has."""
    def shown(line: str) -> bool:
        if not line.startswith("    python3 course.py "):
            return True
        if "--instructor" in line:
            return (ROOT / "solutions").exists()
        return line.split()[2] in available()

    return "\n".join(line for line in __doc__.splitlines() if shown(line))


def main(argv: list[str]) -> int:
    if not argv or argv[0] in {"-h", "--help", "help"}:
        print(usage())
        return 0
    command, extra = argv[0], argv[1:]
    if command not in available():
        print(f"course: unknown command {command!r}\n{usage()}", file=sys.stderr)
        return 2
    ensure_venv()
    return COMMANDS[command][0](extra)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
