"""What a student's kernel can see and reach: the sandbox's allowlist, probed from inside.

One notebook runs in the real sandbox; each of its cells looks at one thing (the file system,
the processes, the environment, the network) and prints what it found as JSON; each test
below reads one cell's finding. Then the command line: relative and absolute paths, links and
other non-files among the submissions, the refusal to grade unisolated, the gradebook's checks.
"""
from __future__ import annotations

import json
import os
import random
import shutil
import socket
import sys
import threading
from pathlib import Path

import nbformat
import pytest

from autograder import cli, isolation, paths, sandbox
from autograder.gradebook import disagreements, open_gradebook, record, register_assignment
from autograder.grading import NotebookResult, load_source
from autograder.grading import TestResult as GradedTest
from autograder.sandbox import Limits, run_notebook
from conftest import ROOT, solution_answers, student_notebook

LIMITS = Limits(cell_timeout=30, notebook_timeout=120, memory_mb=2048)

FILES = """
import json, os
course = os.path.dirname(os.path.dirname(__import__('rnncourse').__file__))
exists = {top: os.path.exists(top) for top in json.loads('__TOPS__')}
listed = {}
for folder in json.loads('__LISTED__'):
    try:
        listed[folder] = sorted(os.listdir(folder))
    except OSError:
        listed[folder] = None
notebooks = []
for folder, dirs, files in os.walk('/'):
    dirs[:] = [d for d in dirs if os.path.join(folder, d) not in ('/proc', '/sys', '/dev')]
    notebooks += [os.path.join(folder, name) for name in files if name.endswith('.ipynb')]
ours = set(json.loads('__NAMES__'))
course_notebooks = [p for p in notebooks if os.path.basename(p) in ours or '/solutions/' in p]
writable = []
for folder in ['/', '/usr/lib', '/etc', '__PREFIX__', course]:
    try:
        open(os.path.join(folder, 'written-by-student'), 'w').close()
        writable.append(folder)
    except OSError:
        pass
print(json.dumps(dict(exists=exists, listed=listed, notebooks=len(notebooks), course_notebooks=course_notebooks[:5], root=sorted(os.listdir('/')), writable=writable,
                      tmp=sorted(os.listdir('/tmp')))))
"""

PROCESSES = """
import json, os
pids = sorted(int(p) for p in os.listdir('/proc') if p.isdigit())
seen = ''
for pid in pids:
    for name in ('cmdline', 'environ'):
        try:
            seen += open(f'/proc/{pid}/{name}', 'rb').read().decode(errors='replace') + ' '
        except OSError:
            pass
try:
    os.kill(__GRADER__, 0)
    grader = 'signalled'
except ProcessLookupError:
    grader = 'not found'
except PermissionError:
    grader = 'refused'
print(json.dumps(dict(pids=pids, secret_seen='__SECRET__' in seen, uid=os.getuid(), env=dict(os.environ),
                      env_secret='__SECRET__' in json.dumps(dict(os.environ)), grader=grader)))
"""

NETWORK = """
import json, socket
local = {}
for port in (__PORT__, 5432):
    try:
        socket.create_connection(('127.0.0.1', port), timeout=3).close()
        local[port] = 'connected'
    except OSError as error:
        local[port] = type(error).__name__
try:
    socket.create_connection(('1.1.1.1', 53), timeout=3).close()
    outside = 'connected'
except OSError as error:
    outside = type(error).__name__
print(json.dumps(dict(local=local, outside=outside, interfaces=[n for _, n in socket.if_nameindex()])))
"""

IMPORTS = """
import json, rnncourse
found = {}
for name in ('rnncourse.numpy_ref', 'rnncourse.experiments', 'rnncourse.gradcheck', 'autograder', 'rnncourse.grading.feedback'):
    try:
        __import__(name)
        found[name] = True
    except ImportError:
        found[name] = False
print(json.dumps(dict(imported=found, package=rnncourse.__file__)))
"""


def _filled(code: str, **values) -> str:
    for key, value in values.items():
        code = code.replace(f"__{key}__", str(value))
    return code


class Listener:
    """A TCP server on 127.0.0.1 that counts the connections it accepts."""

    def __init__(self):
        self.socket = socket.create_server(("127.0.0.1", 0))
        self.port, self.accepted = self.socket.getsockname()[1], 0
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                self.socket.accept()[0].close()
            except OSError:
                return
            self.accepted += 1


@pytest.fixture(scope="module")
def inside(tmp_path_factory):
    """The findings of each probe cell, run in one sandboxed notebook; and the grader's side."""
    marker = str(random.randint(10**8, 10**9 - 1))
    copies = [Path("/tmp") / f"solutions-copy-{marker}", Path("/var/tmp") / f"solutions-copy-{marker}",
              Path.home() / f".solutions-copy-{marker}"]
    for copy in copies:
        shutil.copytree(paths.SOLUTIONS, copy)
    listener = Listener()
    secret = f"postgresql://grader:pw{marker}@127.0.0.1/course"
    os.environ[paths.DB_URL_ENV] = secret
    tops = [str(c) for c in copies] + [str(paths.SOLUTIONS), str(ROOT / "rnncourse"), str(ROOT / ".git"), "/home",
                                      "/etc/shadow", "/etc/hostname", "/var", "/opt", "/srv", "/mnt"]
    cells = [_filled(FILES, TOPS=json.dumps(tops), LISTED=json.dumps([str(ROOT), str(Path.home())]),
                     NAMES=json.dumps([f"{a}.ipynb" for a in paths.assignments()]), PREFIX=os.path.realpath(sys.prefix)),
             _filled(PROCESSES, GRADER=os.getpid(), SECRET=secret), _filled(NETWORK, PORT=listener.port), IMPORTS]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    try:
        run = run_notebook(nb, LIMITS)
    finally:
        del os.environ[paths.DB_URL_ENV]
        listener.socket.close()
        for copy in copies:
            shutil.rmtree(copy, ignore_errors=True)
    assert run.problem == "", run.problem
    for outcome in run.outcomes:
        assert outcome.ok, (outcome.ename, outcome.evalue)
    found = [json.loads(o.stdout.strip().splitlines()[-1]) for o in run.outcomes]
    return dict(zip(("files", "processes", "network", "imports"), found), copies=copies, listener=listener,
                notes=run.notes)


def test_the_kernel_sees_no_copy_of_the_course_anywhere(inside):
    files = inside["files"]
    assert not any(files["exists"].values()), {k: v for k, v in files["exists"].items() if v}
    # The repository and the home folder exist only where the interpreter lies below them.
    for folder, names in files["listed"].items():
        on_the_way = {Path(p).relative_to(folder).parts[0] for p in isolation.python_paths()
                      if Path(p).is_relative_to(folder) and p != folder}
        assert names is None or set(names) == on_the_way, (folder, names)
    assert files["course_notebooks"] == []      # no notebook of the course on its whole disk
    assert files["notebooks"] > 0, "the search itself found nothing (installed packages ship notebooks)"
    assert set(files["root"]) <= {"bin", "dev", "etc", "lib", "lib64", "proc", "sbin", "sys", "tmp", "usr"} | {
        Path(p).parts[1] for p in isolation.python_paths()}, files["root"]


def test_the_kernel_writes_only_its_own_folders(inside):
    files = inside["files"]
    assert files["writable"] == [], files["writable"]
    # A private /tmp: the job's folder, and the path down to the interpreter where the course lives
    # under /tmp (a clone there: its .venv is mounted, read-only, at the same path).
    interpreter = {Path(p).relative_to("/tmp").parts[0] for p in isolation.python_paths()
                   if Path(p).is_relative_to("/tmp")}
    jobs = [name for name in files["tmp"] if name.startswith("rnn-grade-")]
    assert len(jobs) == 1 and set(files["tmp"]) - set(jobs) <= interpreter, files["tmp"]


def test_the_kernel_sees_only_its_own_processes(inside):
    found = inside["processes"]
    assert found["pids"] == [1, 2], found["pids"]   # its namespace's init and itself
    assert found["grader"] == "not found"
    assert not found["secret_seen"], "a credential of the grader was readable from the kernel"
    assert not found["env_secret"]
    assert found["uid"] != 0


def test_the_kernel_environment_is_clean(inside):
    """Nothing of the grader's own environment reaches the kernel (its credential was checked above)."""
    grader_only = set(os.environ) - set(sandbox.kernel_environment(Path("/x")))
    assert grader_only, "the test needs a grader environment with something of its own"
    env = inside["processes"]["env"]
    assert {name for name in grader_only if env.get(name) == os.environ[name]} == set()


def test_no_socket_reaches_anything(inside):
    network = inside["network"]
    assert set(network["local"].values()) <= {"OSError", "ConnectionRefusedError", "TimeoutError"}
    assert "connected" not in network["local"].values() and network["outside"] != "connected"
    assert inside["listener"].accepted == 0
    assert network["interfaces"] == ["lo"]


def test_the_reference_code_is_not_importable(inside):
    imported = inside["imports"]["imported"]
    assert imported == {"rnncourse.numpy_ref": False, "rnncourse.experiments": False, "rnncourse.gradcheck": False,
                        "autograder": False, "rnncourse.grading.feedback": True}
    assert not inside["imports"]["package"].startswith(str(ROOT))


def test_an_isolated_run_carries_no_note(inside):
    assert inside["notes"] == []


# --------------------------------------------------------------------------------------------
# Refusing to run unisolated


@pytest.fixture
def no_namespaces(monkeypatch):
    """Simulate a system that forbids user namespaces."""
    monkeypatch.setattr(isolation, "unavailable", lambda: "unshare: Operation not permitted (simulated)")


def test_without_namespaces_grading_is_refused(no_namespaces, tmp_path, capsys):
    path = tmp_path / "01_why_recurrent.ipynb"
    nbformat.write(student_notebook("01_why_recurrent", solution_answers("01_why_recurrent")), path)
    assert cli.main(["check", str(path)]) == 2
    assert "--unisolated" in capsys.readouterr().err
    assert cli.main(["grade", "--submitted", str(tmp_path), "--db", f"sqlite:///{tmp_path / 'g.db'}",
                     "--reports", str(tmp_path / "r")]) == 2
    assert not (tmp_path / "g.db").exists()             # nothing graded, nothing recorded
    refused = run_notebook(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1")]))
    assert "refused" in refused.problem and refused.outcomes == []


def test_unisolated_grading_says_so(no_namespaces, tmp_path, capsys):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import os\nprint(os.path.exists('/home'))")])
    run = run_notebook(nb, Limits(allow_unisolated=True, cell_timeout=30, notebook_timeout=60))
    assert run.outcomes[0].ok and run.outcomes[0].stdout.strip() == "True"   # it really ran unisolated
    assert run.notes == [sandbox.UNISOLATED_NOTE]


# --------------------------------------------------------------------------------------------
# The gradebook is the grader's alone


def _result(student: str, points: list[float]) -> NotebookResult:
    source = load_source("01_why_recurrent")
    tests = [GradedTest(gid, text, got, max_points, hidden)
             for (gid, max_points, text, hidden), got in zip(source.tests(), points)]
    return NotebookResult(student, "01_why_recurrent", "01_why_recurrent.ipynb", score=sum(points),
                          max_score=source.max_score, tests=tests, sha256="0" * 64)


def test_a_grade_written_clears_manual_scores_and_disagreements_are_reported(tmp_path):
    gb = open_gradebook(f"sqlite:///{tmp_path / 'gradebook.db'}")
    try:
        register_assignment(gb, load_source("01_why_recurrent"))
        points = [0.0] * len(load_source("01_why_recurrent").tests())
        result = _result("ada", points)
        record(gb, result)
        assert disagreements(gb, [result]) == []
        first = result.tests[0].grade_id
        grade = gb.find_grade(first, "01_why_recurrent", "01_why_recurrent", "ada")
        grade.manual_score, grade.extra_credit = 100.0, 5.0      # what a rewrite of the gradebook did
        gb.db.commit()
        found = disagreements(gb, [result])
        assert len(found) == 1 and first in found[0] and "105" in found[0], found
        missing = _result("bob", points)
        assert len(disagreements(gb, [missing])) == len(points)      # never recorded: all reported
        record(gb, result)                                           # grading again restores it
        assert disagreements(gb, [result]) == []
        gb.db.expire_all()
        grade = gb.find_grade(first, "01_why_recurrent", "01_why_recurrent", "ada")
        assert grade.manual_score is None and grade.extra_credit is None and grade.score == 0
    finally:
        gb.close()


# --------------------------------------------------------------------------------------------
# The database URL never needs the command line


def test_the_database_url_comes_from_a_file_or_the_environment(tmp_path, monkeypatch, capsys):
    url_file = tmp_path / "db-url"
    url_file.write_text("postgresql://grader:secret@db.example.org/course\n")
    parse = lambda *argv: cli._database_url(type("A", (), dict(db=None, db_file=None) | dict(argv))())  # noqa: E731
    assert parse(("db_file", str(url_file))) == "postgresql://grader:secret@db.example.org/course"
    monkeypatch.setenv(paths.DB_URL_ENV, "postgresql://grader:env@db.example.org/course")
    assert parse() == "postgresql://grader:env@db.example.org/course"
    monkeypatch.delenv(paths.DB_URL_ENV)
    monkeypatch.chdir(tmp_path)
    assert parse() == paths.DEFAULT_DB_URL
    assert parse(("db", "sqlite:///rel/g.db")) == f"sqlite:///{tmp_path / 'rel' / 'g.db'}"
    assert "WARNING" not in capsys.readouterr().err
    parse(("db", "postgresql://grader:secret@db.example.org/course"))
    assert "--db-file" in capsys.readouterr().err
