"""The course's two JupyterLabs: the student's and the instructor's.

student (``course.py lab``): JupyterLab over the student's workspace, with nbgrader's Validate
    button and the course's Check button (the lab extension ``labextensions/rnncourse-lab`` and
    the server extension :mod:`autograder.lab.server`), and none of nbgrader's instructor tools:
    formgrader, Create Assignment, the course and assignment lists (which need an exchange
    folder) are switched off on the server and in the page. Opening it writes no gradebook.
instructor (``course.py lab --instructor``): JupyterLab over the course repository with
    formgrader on the course's gradebook (``nbgrader_config.py``) and Create Assignment;
    formgrader's grading page typesets TeX with the course's own MathJax 3
    (:mod:`autograder.lab.formgrade`), and so does nbgrader's feedback page, inside the page
    (:mod:`autograder.lab.feedback`).

Neither lab asks to go online: no news feed, no update check, no extension manager. The settings
are Jupyter configuration folders beside this file (``student/``, ``instructor/``), put in front of
the installed ones through ``JUPYTER_CONFIG_PATH``. Jupyter data is found through ``JUPYTER_PATH``:
the student's lab extension (this folder's ``labextensions/``) and the instructor's template for
formgrader's and the feedback page's MathJax (``instructor/nbconvert/``). The kernel the notebooks ask for, ``python3``,
is the course environment's Python, and the lab shows it by the course's name.
"""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
KERNEL_NAME = "python3"
KERNEL_DISPLAY_NAME = "RNN course"
ROLES = ("student", "instructor")


def install_kernelspec(prefix: str | os.PathLike = sys.prefix) -> Path:
    """Install the kernel ``python3`` into the environment under the name "RNN course".

    ``python`` in its command line is the server's own interpreter (jupyter_client substitutes
    it), so the kernel always runs in the course's environment."""
    spec = {
        "argv": ["python", "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": KERNEL_DISPLAY_NAME,
        "language": "python",
        "metadata": {"debugger": True},
    }
    target = Path(prefix) / "share" / "jupyter" / "kernels" / KERNEL_NAME / "kernel.json"
    text = json.dumps(spec, indent=1) + "\n"
    if not target.is_file() or target.read_text() != text:
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(".json.partial")
        partial.write_text(text)
        partial.replace(target)
    return target


def _prepend(variable: str, folder: Path, env: dict[str, str]) -> str:
    rest = env.get(variable)
    return str(folder) + (os.pathsep + rest if rest else "")


def environment(role: str, env: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of the ``role``'s JupyterLab."""
    if role not in ROLES:
        raise ValueError(f"role is one of {ROLES}, not {role!r}")
    env = dict(os.environ if env is None else env)
    env["JUPYTER_CONFIG_PATH"] = _prepend("JUPYTER_CONFIG_PATH", HERE / role, env)
    data = HERE if role == "student" else HERE / role   # labextensions/rnncourse-lab; nbconvert/templates
    env["JUPYTER_PATH"] = _prepend("JUPYTER_PATH", data, env)
    return env


def launch(role: str, folder: Path, extra: list[str], cwd: Path) -> None:
    """Become the ``role``'s JupyterLab over ``folder`` (this process is replaced, so that a
    signal to it reaches the server itself)."""
    install_kernelspec()
    command = [sys.executable, "-m", "jupyter", "lab", "--notebook-dir", str(folder)]
    if os.geteuid() == 0:
        command.append("--allow-root")
    os.chdir(cwd)
    sys.stdout.flush()
    os.execve(sys.executable, command + extra, environment(role))
