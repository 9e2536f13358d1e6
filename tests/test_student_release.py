"""What a class gets (`course.py release-student OUT`): the released notebooks, the book when it is
built, the student-facing package and the student's side of the grader, and a README with two
commands. It holds no solution code, no hidden test and no reference implementation of a graded
function; its lab starts and its `check` grades the visible tests."""
from __future__ import annotations

import html
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from autograder import paths
from autograder.grading import HIDDEN_MARKER, load_source
from autograder.notebook_io import grade_id, is_solution, is_test
from conftest import solution_answers

ROOT = Path(__file__).resolve().parent.parent
ASSIGNMENT = "01_why_recurrent"
MARKERS = ("### BEGIN SOLUTION", "### END SOLUTION", "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS")


def given_answers() -> set[tuple[str, str]]:
    """(assignment, function) where a released notebook defines, outside its stubs, a function
    that an assignment grades (an earlier assignment's answer, handed out with a later one)."""
    names = graded_functions()
    found = set()
    for assignment in paths.assignments():
        for cell in nbformat.read(paths.EXERCISES / assignment / f"{assignment}.ipynb", as_version=4).cells:
            if not is_solution(cell):
                found |= {(assignment, name) for name in re.findall(r"^\s*def (\w+)\(", cell.source, re.M)
                          if name in names}
    return found


@pytest.fixture(scope="module")
def release(tmp_path_factory) -> Path:
    """A release of every assignment that hands out no other assignment's answer."""
    givers = {assignment for assignment, _ in given_answers()}
    chosen = [a for a in paths.assignments() if a not in givers]
    assert ASSIGNMENT in chosen
    out = tmp_path_factory.mktemp("class") / "rnn-course"
    done = subprocess.run([sys.executable, "-m", "autograder", "release-student", str(out), "--assignments", *chosen],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    return out


def test_a_release_that_would_hand_out_an_answer_is_refused(tmp_path):
    out = tmp_path / "everything"
    done = subprocess.run([sys.executable, "-m", "autograder", "release-student", str(out)], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    given = given_answers()
    if not given:
        assert done.returncode == 0, done.stderr
        return
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
    for assignment, name in given:
        assert f"{assignment} defines {name}" in done.stderr, done.stderr
    assert not out.exists(), "a refused release wrote files"


def release_env(release: Path, **extra: str) -> dict[str, str]:
    """Run the release's own code (its autograder and rnncourse first on the path), as a class's
    environment does after `course.py setup` installs the release."""
    return {**os.environ, "PYTHONPATH": str(release), **extra}


def texts(release: Path):
    """(path, text) of every file of the release that is text; HTML as the reader sees it."""
    for path in sorted(release.rglob("*")):
        if not path.is_file():
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        if path.suffix == ".html":
            text = html.unescape(re.sub(r"<[^>]+>", "", text))
        elif path.suffix == ".ipynb":  # the code as JSON escapes it would hide lines; read the cells
            text = "\n".join(cell.source for cell in nbformat.reads(text, as_version=4).cells)
        yield path, text


def secret_lines(region) -> set[str]:
    """Distinctive lines (24 characters or more) that the course's source notebooks hold only inside
    ``region`` (solution bodies, or hidden tests): a line that any notebook shows outside such a
    region, or a chapter of the book shows, is public and is left out."""
    inside, public = set(), set()
    for assignment in paths.assignments():
        for cell in load_source(assignment).notebook.cells:
            kept, secret = region(cell)
            inside |= {line.strip() for line in secret.splitlines() if len(line.strip()) >= 24}
            public |= {line.strip() for line in kept.splitlines()}
    for chapter in (ROOT / "book").glob("*.md"):
        public |= {line.strip() for line in chapter.read_text().splitlines()}
    return inside - public


def solution_region(cell) -> tuple[str, str]:
    if is_solution(cell) and "### BEGIN SOLUTION" in cell.source:
        before, rest = cell.source.split("### BEGIN SOLUTION", 1)
        body, after = rest.split("### END SOLUTION", 1)
        return before + after, body
    return cell.source, ""


def hidden_region(cell) -> tuple[str, str]:
    if is_test(cell) and HIDDEN_MARKER in cell.source:
        before, hidden = cell.source.split(HIDDEN_MARKER, 1)
        return before, hidden
    return cell.source, ""


def graded_functions() -> set[str]:
    names = set()
    for assignment in paths.assignments():
        for answer in solution_answers(assignment).values():
            names |= set(re.findall(r"^def (\w+)\(", answer, re.M))
    return names


def test_the_release_has_what_a_class_needs(release):
    for relative in ("README.md", "course.py", "requirements.txt", "pyproject.toml", ".gitignore",
                     "rnncourse/grading/feedback.py", "autograder/visible.py", "autograder/lab/server.py",
                     "autograder/lab/labextensions/rnncourse-lab/static/remoteEntry.js"):
        assert (release / relative).is_file(), f"{relative} is missing"
    released = {p.name for p in (release / "exercises").iterdir()}
    assert released == set(paths.assignments()) - {a for a, _ in given_answers()}, sorted(released)
    for instructor_only in ("solutions", "tests", "benchmarks", "autograder/probes/01_why_recurrent.py",
                            "autograder/classroom.py", "autograder/gradebook.py", "rnncourse/numpy_ref",
                            "nbgrader_config.py"):
        assert not (release / instructor_only).exists(), f"{instructor_only} is in the student release"
    requirements = (release / "requirements.txt").read_text()
    assert "nbgrader==" in requirements and "jupyterlab==" in requirements and "pytest" not in requirements
    assert (release / "book" / "index.html").is_file() == (ROOT / "_build" / "html").is_dir()


def test_the_readme_gives_two_commands_set_up_and_open_the_lab(release):
    readme = (release / "README.md").read_text()
    first_block = re.search(r"```bash\n(.*?)```", readme, re.S).group(1)
    commands = [line.split("#")[0].strip() for line in first_block.splitlines() if line.strip()]
    assert commands == ["python3 course.py setup", "python3 course.py lab"], commands
    assert "visible" in readme and "hidden" in readme, "the README must say what check grades"


def test_the_release_lists_only_the_students_commands(release):
    shown = subprocess.run([sys.executable, str(release / "course.py"), "help"], capture_output=True, text=True,
                           timeout=60).stdout
    for command in ("setup", "lab", "check", "reset"):
        assert f"course.py {command}" in shown, shown
    for command in ("exercises", "grade", "release-student", "lab --instructor", "book", "test"):
        assert f"course.py {command}" not in shown, f"{command} is offered to students:\n{shown}"
    refused = subprocess.run([sys.executable, str(release / "course.py"), "grade"], capture_output=True, text=True,
                             timeout=60)
    assert refused.returncode == 2 and "unknown command" in refused.stderr


def test_no_solution_code_no_hidden_test_in_the_release(release):
    secrets = {line: "solution" for line in secret_lines(solution_region)}
    secrets |= {line: "hidden test" for line in secret_lines(hidden_region)}
    assert len(secrets) > 100, f"only {len(secrets)} solution or hidden-test lines to look for"
    leaks = []
    for path, text in texts(release):
        if path.relative_to(release).parts[0] != "autograder":   # the grader's code names the markers
            leaks += [f"{path.relative_to(release)}: marker {m!r}" for m in MARKERS if m in text]
        lines = {line.strip() for line in text.splitlines()}
        leaks += [f"{path.relative_to(release)}: {secrets[line]} line {line!r}" for line in secrets.keys() & lines]
    assert not leaks, "\n".join(leaks[:30])


def test_no_reference_implementation_of_a_graded_function(release):
    names = graded_functions()
    assert {"rnn_forward", "mean_pool"} <= names, sorted(names)
    pattern = re.compile(r"^\s*def (" + "|".join(sorted(names)) + r")\(", re.M)
    found = []
    for path, text in texts(release):
        if path.suffix == ".ipynb":   # the stubs: each graded function once, with the stub body
            nb = nbformat.read(path, as_version=4)
            for cell in nb.cells:
                defined = pattern.findall(cell.source)
                if defined and not (is_solution(cell) and "raise NotImplementedError()" in cell.source):
                    found.append(f"{path.relative_to(release)} cell {grade_id(cell)}: {defined}")
            continue
        found += [f"{path.relative_to(release)}: def {name}" for name in pattern.findall(text)]
    assert not found, "\n".join(found)


def test_check_in_the_release_grades_the_visible_tests(release, tmp_path):
    env = release_env(release, RNNCOURSE_WORKSPACE=str(tmp_path / "workspace"))
    reset = subprocess.run([sys.executable, "-m", "autograder", "reset", ASSIGNMENT], cwd=release, env=env,
                           capture_output=True, text=True, timeout=120)
    assert reset.returncode == 0, reset.stderr
    notebook = tmp_path / "workspace" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    nb = nbformat.read(notebook, as_version=4)
    answers = solution_answers(ASSIGNMENT)
    for cell in nb.cells:
        if grade_id(cell) in answers:
            cell.source = answers[grade_id(cell)]
    nbformat.write(nb, notebook)
    done = subprocess.run([sys.executable, "-m", "autograder", "check", ASSIGNMENT], cwd=release, env=env,
                          capture_output=True, text=True, timeout=600)
    report = done.stdout
    assert done.returncode == 0, report + done.stderr
    visible = [c for c in load_source(ASSIGNMENT).released.cells if is_test(c) and HIDDEN_MARKER not in
               next(s.source for s in load_source(ASSIGNMENT).notebook.cells if grade_id(s) == grade_id(c))]
    points = sum(float(c.metadata["nbgrader"]["points"]) for c in visible)
    written = sum(points for _, points, _ in load_source(ASSIGNMENT).manual())
    assert report.splitlines()[0] == (f"{ASSIGNMENT}: {points:g} / {points:g} points (automatic; the written answers, "
                                      f"{written:g} points, are graded by the instructor)"), report
    assert "hidden tests" in report and "instructor" in report, report
    assert "(hidden)" not in report and "[FAIL]" not in report, report


def test_the_releases_lab_starts_and_its_check_button_answers(release, tmp_path):
    from test_jupyterlab import _start_lab

    env = release_env(release, RNNCOURSE_WORKSPACE=str(tmp_path / "workspace"))
    lab = _start_lab(tmp_path, [], env, cwd=release)
    base, http = next(lab)
    try:
        names = {item["name"] for item in http.get(f"{base}/api/contents", timeout=30).json()["content"]}
        assert ASSIGNMENT in names, sorted(names)
        assert http.get(f"{base}/formgrader", timeout=30).status_code == 404
        reply = http.post(f"{base}/rnncourse/check", json={"path": f"{ASSIGNMENT}/{ASSIGNMENT}.ipynb"}, timeout=600)
        assert reply.status_code == 200, reply.text[:500]
        report = json.loads(reply.text)["report"]
        assert report.startswith(f"{ASSIGNMENT}: 0 / ") and "hidden tests" in report, report
        assert "not answered yet" in report
    finally:
        lab.close()


def test_an_existing_folder_is_replaced_only_when_it_holds_a_release(tmp_path):
    command = [sys.executable, "-m", "autograder", "release-student"]
    mine = tmp_path / "my-notes"
    mine.mkdir()
    (mine / "notes.txt").write_text("mine")
    for extra in ([], ["--force"]):
        done = subprocess.run(command + [str(mine), "--assignments", ASSIGNMENT, *extra], cwd=ROOT,
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 2 and (mine / "notes.txt").read_text() == "mine", done.stderr
    again = tmp_path / "again"
    for extra in ([], ["--force"]):
        done = subprocess.run(command + [str(again), "--assignments", ASSIGNMENT, *extra], cwd=ROOT,
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
