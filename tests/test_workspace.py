"""The student's workspace: their own copy of the released notebooks, that no course update
overwrites, where new assignments appear, and where one notebook can be reset on purpose."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from autograder import paths, workspace
from autograder.release import release_assignment

ROOT = Path(__file__).resolve().parent.parent
FIRST, SECOND = paths.assignments()[:2]


@pytest.fixture
def released(tmp_path):
    """A released folder holding only the first assignment (the course before an update)."""
    folder = tmp_path / "released"
    shutil.copytree(paths.EXERCISES / FIRST, folder / FIRST)
    return folder


def notebook_in(folder: Path, assignment: str) -> Path:
    return folder / assignment / f"{assignment}.ipynb"


def test_first_use_copies_the_released_notebooks(released, tmp_path):
    space = tmp_path / "workspace"
    added = workspace.sync(space, released).added
    assert notebook_in(space, FIRST) in added
    assert notebook_in(space, FIRST).read_bytes() == notebook_in(released, FIRST).read_bytes()


def test_a_course_update_never_overwrites_the_students_work(released, tmp_path):
    space = tmp_path / "workspace"
    workspace.sync(space, released)
    mine = notebook_in(space, FIRST)
    mine.write_text(mine.read_text().replace("raise NotImplementedError()", "return 42  # my answer"))
    work = mine.read_bytes()
    # The course is updated: its release is regenerated (as `course.py exercises` does) and the
    # lab brings the workspace up to date.
    release_assignment(FIRST, released)
    assert workspace.sync(space, released).added == []
    assert mine.read_bytes() == work


def test_a_newly_released_assignment_appears_beside_the_students_work(released, tmp_path):
    space = tmp_path / "workspace"
    workspace.sync(space, released)
    mine = notebook_in(space, FIRST)
    mine.write_text(mine.read_text() + " ")
    work = mine.read_bytes()
    shutil.copytree(paths.EXERCISES / SECOND, released / SECOND)   # the course releases the next one
    added = workspace.sync(space, released).added
    assert added == [notebook_in(space, SECOND)]
    assert mine.read_bytes() == work


def test_a_changed_release_is_named_and_reset_takes_it(released, tmp_path):
    space = tmp_path / "workspace"
    workspace.sync(space, released)
    mine = notebook_in(space, FIRST)
    mine.write_text(mine.read_text() + " ")   # the student's work
    assert workspace.sync(space, released).updated == []
    stub = notebook_in(released, FIRST)
    stub.write_text(stub.read_text().replace("Assignment 1", "Assignment 1 (corrected)"))   # the course fixes a typo
    assert workspace.sync(space, released).updated == [mine]
    workspace.reset(FIRST, space, released)
    assert workspace.sync(space, released).updated == []
    assert "(corrected)" in mine.read_text()


def test_reset_puts_the_stub_back_and_keeps_a_timestamped_backup(released, tmp_path):
    space = tmp_path / "workspace"
    workspace.sync(space, released)
    mine = notebook_in(space, FIRST)
    mine.write_text(mine.read_text().replace("raise NotImplementedError()", "return 1  # first try"))
    first_try = mine.read_bytes()
    notebook, backup = workspace.reset(FIRST, space, released)
    assert notebook == mine and mine.read_bytes() == notebook_in(released, FIRST).read_bytes()
    assert backup.read_bytes() == first_try
    assert backup.parent == space / FIRST / "backups"
    assert re.fullmatch(rf"{FIRST}\.\d{{8}}-\d{{6}}\.ipynb", backup.name), backup.name
    # A second reset within the same second keeps both backups.
    mine.write_text(mine.read_text() + " ")
    _, again = workspace.reset(f"{FIRST}.ipynb", space, released)
    assert again != backup and backup.read_bytes() == first_try
    assert len(list(backup.parent.iterdir())) == 2


def test_reset_of_an_unknown_assignment_says_which_exist(released, tmp_path):
    with pytest.raises(FileNotFoundError, match=FIRST):
        workspace.reset("99_nothing", tmp_path / "workspace", released)


def test_check_takes_an_assignment_name_or_a_path(released, tmp_path):
    space = tmp_path / "workspace"
    workspace.sync(space, released)
    assert workspace.notebook(FIRST, space) == notebook_in(space, FIRST)
    elsewhere = tmp_path / "elsewhere.ipynb"
    elsewhere.write_text(notebook_in(released, FIRST).read_text())
    assert workspace.notebook(str(elsewhere), space) == elsewhere
    # The notebooks' own instructions name the released file: that means the student's copy.
    assert workspace.notebook(str(notebook_in(released, FIRST)), space, released) == notebook_in(space, FIRST)
    assert workspace.notebook(str(notebook_in(paths.EXERCISES, SECOND)), space, released) == \
        notebook_in(paths.EXERCISES, SECOND)   # no copy of it yet: the file itself
    with pytest.raises(FileNotFoundError, match="workspace"):
        workspace.notebook(SECOND, space)


def test_the_workspace_folder_is_chosen_by_option_then_environment_then_default(monkeypatch, tmp_path):
    monkeypatch.delenv(workspace.ENVIRONMENT_VARIABLE, raising=False)
    assert workspace.root() == paths.ROOT / "workspace"
    monkeypatch.setenv(workspace.ENVIRONMENT_VARIABLE, str(tmp_path / "env"))
    assert workspace.root() == tmp_path / "env"
    assert workspace.root(tmp_path / "option") == tmp_path / "option"


def test_the_default_workspace_is_ignored_by_git():
    """`git pull` and `git status` never touch or list the students' notebooks."""
    probe = f"workspace/{FIRST}/{FIRST}.ipynb"
    done = subprocess.run(["git", "check-ignore", "--no-index", "-q", probe], cwd=ROOT)
    assert done.returncode == 0, f"{probe} is not git-ignored"


def test_reset_from_the_command_line(tmp_path):
    space = tmp_path / "workspace"
    command = [sys.executable, "-m", "autograder", "reset", FIRST, "--workspace", str(space)]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert notebook_in(space, FIRST).is_file()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert "backups" in done.stdout, done.stdout
    done = subprocess.run(command[:4] + ["99_nothing", "--workspace", str(space)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "no released assignment" in done.stderr and "Traceback" not in done.stderr
