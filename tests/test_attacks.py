"""Adversarial submissions (tests/attacks/) graded through the real sandbox.

Every attack must score no more than the honest work in it; some must also leave the grading
machine intact (the gradebook, other submissions, the course files, no surviving process) and
must never get a hidden test into the feedback. The outcome of every attack is written to
tests/artifacts/attacks.md and printed (``pytest -s``).
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import random
import runpy
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest

from autograder import paths
from autograder.gradebook import open_gradebook, register_assignment
from autograder.grading import grade_notebook, hidden_lines, load_source
from autograder.notebook_io import grade_id
from autograder.probes.secret import course_secret
from autograder.report import feedback_html, format_student_report
from autograder.sandbox import Limits
from conftest import ROOT, solution_answers, student_notebook

ATTACK_DIR = Path(__file__).parent / "attacks"
LIMITS = Limits(cell_timeout=5, notebook_timeout=45, memory_mb=2048)
ARTIFACTS = ROOT / "tests" / "artifacts"


def attacks(assignment: str) -> list[dict]:
    return runpy.run_path(str(ATTACK_DIR / f"{assignment}.py"))["ATTACKS"]


CASES = [(a, attack["name"]) for a in paths.assignments() if (ATTACK_DIR / f"{a}.py").exists()
         for attack in attacks(a)]


def build(assignment: str, attack: dict, fill: dict[str, str]) -> nbformat.NotebookNode:
    """The attack as a student notebook: base answers, replaced answers, added cells, edits."""
    def filled(code: str) -> str:
        for key, value in fill.items():
            code = code.replace("{" + key + "}", value)
        return code

    base = solution_answers(assignment) if attack["base"] == "solution" else {}
    answers = {gid: filled(code) for gid, code in {**base, **attack.get("answers", {})}.items()}
    nb = student_notebook(assignment, answers)
    cells = []
    for cell in nb.cells:
        cells.append(cell)
        for code in attack.get("extra", {}).get(grade_id(cell), []):
            cells.append(nbformat.v4.new_code_cell(filled(code)))
    nb.cells = cells
    return attack["edit"](nb) if "edit" in attack else nb


def honest_points(assignment: str, functions: list[str]) -> float:
    return sum(points for gid, points, _, _ in load_source(assignment).tests()
               if any(gid.startswith(f"test_{name}_") for name in functions))


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _processes_with(marker: str) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        try:
            if entry.isdigit() and marker.encode() in Path(f"/proc/{entry}/cmdline").read_bytes():
                found.append(int(entry))
        except OSError:
            pass
    return found


class AnswerServer:
    """A TCP server on 127.0.0.1 that hands the instructor's answers to anyone who connects."""

    def __init__(self, answers: str):
        self.socket = socket.create_server(("127.0.0.1", 0))
        self.port = self.socket.getsockname()[1]
        self.connections = 0
        self.answers = answers.encode()
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                connection, _ = self.socket.accept()
            except OSError:
                return
            self.connections += 1
            with connection:
                connection.sendall(self.answers)

    def close(self):
        self.socket.close()


def second_copies(marker: str) -> list[Path]:
    """Copies of solutions/ elsewhere on disk, where a backup or another clone could lie."""
    copies = [Path("/tmp") / f"course-backup-{marker}", Path("/var/tmp") / f"course-clone-{marker}",
              Path.home() / f".course-copy-{marker}"]
    for copy in copies:
        shutil.copytree(paths.SOLUTIONS, copy / "solutions")
    return copies


@pytest.fixture(scope="session")
def attacked(tmp_path_factory):
    """Every attack graded (two at a time), with the machine's state before and after."""
    folder = tmp_path_factory.mktemp("attacks")
    gradebook = folder / "gradebook.db"
    other = folder / "submitted" / "someone_else" / "01_why_recurrent" / "01_why_recurrent.ipynb"
    other.parent.mkdir(parents=True)
    nbformat.write(student_notebook("01_why_recurrent", solution_answers("01_why_recurrent")), other)
    gb = open_gradebook(f"sqlite:///{gradebook}")
    register_assignment(gb, load_source("01_why_recurrent"))
    gb.close()
    marker = str(random.randint(10**8, 10**9 - 1))
    copies = second_copies(marker)
    server = AnswerServer("\n".join(solution_answers("01_why_recurrent").values()))
    secret = f"postgresql://grader:pw{marker}@127.0.0.1/course"
    os.environ[paths.DB_URL_ENV] = secret         # the grader's environment holds a credential
    fill = {"GRADEBOOK": str(gradebook), "OTHER_SUBMISSION": str(other), "MARKER": marker,
            "SECOND_COPY": str(copies[0]), "ANSWER_PORT": str(server.port)}
    protected = [gradebook, other, paths.EXERCISES / "01_why_recurrent" / "01_why_recurrent.ipynb",
                 ROOT / "rnncourse" / "grading" / "feedback.py", paths.source_notebook("01_why_recurrent")]
    before = {p: _digest(p) for p in protected}
    cwd, environ = os.getcwd(), dict(os.environ)
    hide = (str(folder),)

    jobs = []
    for assignment, name in CASES:
        attack = next(a for a in attacks(assignment) if a["name"] == name)
        path = folder / name / f"{assignment}.ipynb"
        path.parent.mkdir()
        nbformat.write(build(assignment, attack, fill), path)
        jobs.append((assignment, name, path, True))
        if attack.get("unprobed"):
            jobs.append((assignment, name, path, False))

    def grade(job):
        assignment, name, path, probes = job
        return (assignment, name, probes), grade_notebook(path, assignment, student=name, limits=LIMITS,
                                                          hide=hide, use_probes=probes)

    try:
        with ThreadPoolExecutor(max_workers=2) as pool:
            results = dict(pool.map(grade, jobs))
        state = dict(before=before, after={p: _digest(p) for p in protected}, survivors=_processes_with(marker),
                     cwd=(cwd, os.getcwd()), environ=(environ, dict(os.environ)), marker=marker,
                     connections=server.connections, secret=secret, fill=fill, folder=folder)
    finally:
        server.close()
        del os.environ[paths.DB_URL_ENV]
        for copy in copies:
            shutil.rmtree(copy, ignore_errors=True)
    _write_table(results)
    return results, state


def _write_table(results) -> None:
    lines = ["| assignment | attack | what it tries | honest work | score | in-kernel tests only | notes |",
             "|---|---|---|---|---|---|---|"]
    for (assignment, name, probes), result in sorted(results.items()):
        if not probes:
            continue
        attack = next(a for a in attacks(assignment) if a["name"] == name)
        unprobed = results.get((assignment, name, False))
        notes = "; ".join((result.flags + result.answer_errors)[:2])[:160].replace("|", "/")
        lines.append(f"| {assignment} | {name} | {attack['what']} | {honest_points(assignment, attack['honest']):g} | "
                     f"{result.score:g}/{result.max_score:g} | {f'{unprobed.score:g}' if unprobed else '-'} | {notes} |")
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "attacks.md").write_text("\n".join(lines) + "\n")
    print("\n" + "\n".join(lines))


@pytest.mark.parametrize("assignment,name", CASES)
def test_attack_scores_no_more_than_the_honest_work(attacked, assignment, name):
    results, _ = attacked
    attack = next(a for a in attacks(assignment) if a["name"] == name)
    result = results[(assignment, name, True)]
    allowed = honest_points(assignment, attack["honest"])
    assert result.error == "", result.error
    assert result.score <= allowed, f"{name}: scored {result.score}, honest work is worth {allowed}: {result.tests}"


def test_probes_catch_what_the_in_kernel_tests_miss(attacked):
    """Without the grader's own probes, tricking the kernel would pay; with them it does not."""
    results, _ = attacked
    tricked = {name: r.score for (a, name, probes), r in results.items() if not probes and r.score > 0}
    # (objects that compare equal to anything now also equal a listed classic mistake of 01's visible
    # cases, so even the in-kernel tests fail them)
    assert {"redefine_check_helpers", "monkeypatch_numpy", "forged_kernel_replies"} <= set(tricked), tricked
    for name in tricked:
        result = results[("01_why_recurrent", name, True)]
        assert result.score == 0
        assert any("grader's own check" in flag for flag in result.flags), result.flags


def test_restored_tests_are_flagged(attacked):
    results, _ = attacked
    flags = lambda name: " ".join(results[("01_why_recurrent", name, True)].flags)  # noqa: E731
    assert "deleted and restored" in flags("delete_test_cells")
    assert "was edited" in flags("edit_test_cells")
    assert "kernelspec was 'ir'" in flags("wrong_metadata_and_kernelspec")
    assert results[("01_why_recurrent", "wrong_metadata_and_kernelspec", True)].max_score == sum(
        points for _, points, _, _ in load_source("01_why_recurrent").tests())


def test_crashes_and_limits_are_reported(attacked):
    results, _ = attacked
    get = lambda name: results[("01_why_recurrent", name, True)]  # noqa: E731
    assert "time limit" in " ".join(get("loop_ignoring_interrupts").flags)
    loop = get("infinite_loop")
    assert loop.tests[0].points == 0 and "ran longer than" in " ".join([t.message for t in loop.tests] + loop.answer_errors)
    assert any("MemoryError" in t.message or "kernel died" in t.message for t in get("memory_bomb").tests)
    assert any("kernel died" in t.message for t in get("segfault").tests)
    assert any("the kernel died" in flag and "restarted" in flag for flag in get("os_exit").flags)
    assert get("os_exit").score == get("os_exit").max_score, "the kernel is restarted: the answers keep their points"
    huge = get("huge_output")
    assert huge.score == huge.max_score, "honest work next to a huge output keeps its points"


def test_the_grading_machine_is_untouched(attacked):
    results, state = attacked
    assert state["before"] == state["after"], "a protected file changed"
    assert state["survivors"] == [], f"processes started by a submission outlived grading: {state['survivors']}"
    assert state["cwd"][0] == state["cwd"][1] and state["environ"][0] == state["environ"][1]
    full = results[("01_why_recurrent", "fork_survivor", True)]
    assert full.score == full.max_score


def test_reading_the_solutions_from_disk_finds_nothing(attacked):
    results, _ = attacked
    result = results[("01_why_recurrent", "read_solutions", True)]
    assert result.score == 0
    assert all("NotImplementedError" in t.message or "not answered yet" in t.message for t in result.tests), \
        [t.message for t in result.tests]      # every test met the stub: no solution was found and run


def test_no_hidden_test_reaches_the_feedback(attacked):
    results, _ = attacked
    secret = hidden_lines(load_source("01_why_recurrent"))
    assert secret
    for (assignment, name, probes), result in results.items():
        shown = format_student_report(result) + feedback_html(result)
        leaked = [line for line in secret if line in shown]
        assert leaked == [], f"{name} leaked hidden test lines into the feedback: {leaked[:3]}"
    leak = results[("01_why_recurrent", "leak_hidden_tests", True)]
    assert leak.score == 0 and leak.answer_errors, "the leaking cells ran and their messages were examined"
    hidden = [t for t in leak.tests if t.hidden]
    assert hidden and all("LEAK" not in t.message for t in hidden), "a hidden test's message is the grader's alone"


SABOTEUR = """
import os, signal, time, glob
stop = time.time() + 25
while time.time() < stop:
    for entry in os.listdir('/proc'):
        if entry.isdigit() and int(entry) != os.getpid():
            try:
                os.kill(int(entry), signal.SIGKILL)
            except OSError:
                pass
    for path in glob.glob('/tmp/rnn-grade-*/work/*'):
        try:
            open(path, 'w').write('sabotage')
        except OSError:
            pass
    time.sleep(0.05)
"""


def test_a_submission_cannot_harm_another_graded_at_the_same_time(tmp_path):
    """Kernels graded side by side run as different users: one cannot kill or overwrite the other."""
    correct = solution_answers("01_why_recurrent")
    victim, saboteur = tmp_path / "victim" / "01_why_recurrent.ipynb", tmp_path / "saboteur" / "01_why_recurrent.ipynb"
    for path in (victim, saboteur):
        path.parent.mkdir()
    nbformat.write(student_notebook("01_why_recurrent", correct), victim)
    nb = student_notebook("01_why_recurrent", None)
    nb.cells.insert(2, nbformat.v4.new_code_cell(SABOTEUR))
    nbformat.write(nb, saboteur)
    limits = Limits(cell_timeout=60, notebook_timeout=300)
    with ThreadPoolExecutor(max_workers=2) as pool:
        bad = pool.submit(grade_notebook, saboteur, "01_why_recurrent", "saboteur", limits)
        time.sleep(1)
        good = pool.submit(grade_notebook, victim, "01_why_recurrent", "victim", limits)
        results = good.result(), bad.result()
    assert results[0].score == results[0].max_score, (results[0].flags, [t.message for t in results[0].tests])
    assert results[1].score == 0


def test_nothing_outside_the_allowlist_is_reached(attacked):
    """A second copy of solutions/, another submission, a server on 127.0.0.1, the grader's
    command line and environment: the attacks that went for them got nothing."""
    results, state = attacked
    get = lambda name: results[("01_why_recurrent", name, True)]  # noqa: E731
    for name in ("second_copy_of_solutions", "copycat_by_path", "network_fetch_answers",
                 "proc_secrets_and_gradebook_rewrite", "read_solutions"):
        assert get(name).score == 0, (name, [t.message for t in get(name).tests])
    assert state["connections"] == 0, "a kernel connected to a server on the grader's loopback"
    seen = " ".join(get("proc_secrets_and_gradebook_rewrite").answer_errors)
    assert "processes seen:" in seen, seen          # its report of what it saw reached the feedback...
    everything = json.dumps([r.to_dict() for r in results.values()])
    assert state["secret"] not in everything and f"pw{state['marker']}" not in everything   # ...without it
    visible = seen.split("processes seen:", 1)[1]
    assert "autograder.sandbox" not in visible and "pytest" not in visible   # no grader process was visible


def test_a_setsid_chain_leaves_no_process(attacked):
    results, state = attacked
    assert state["survivors"] == []
    result = results[("01_why_recurrent", "setsid_chain", True)]
    assert not any("chain incomplete" in e for e in result.answer_errors), result.answer_errors  # it did run


# The containment attacks and a few that crash or write: graded again as an ordinary user.
AS_ORDINARY_USER = ["second_copy_of_solutions", "copycat_by_path", "setsid_chain", "network_fetch_answers",
                    "proc_secrets_and_gradebook_rewrite", "read_solutions", "write_gradebook_and_submissions",
                    "fork_survivor", "os_exit", "delete_test_cells"]

GRADE_AS_USER = """
import json, sys
sys.path.insert(0, {root!r})
from autograder.grading import grade_notebook
from autograder.sandbox import Limits
jobs = json.load(open(sys.argv[1]))
limits = Limits(**json.load(open(sys.argv[2])))
print(json.dumps({{name: grade_notebook(path, "01_why_recurrent", name, limits).score for name, path in jobs.items()}}))
"""


def _reachable_python_script(paths_needed: list[str]) -> str:
    """Shell lines that, in a private mount namespace, let other users reach ``paths_needed``
    where a folder above them is closed to others (a Python installed under /root, say)."""
    lines, closed = [], {}
    for needed in paths_needed:
        parts = Path(needed).parts
        for depth in range(2, len(parts)):
            folder = str(Path(*parts[:depth]))
            if not os.stat(folder).st_mode & 0o001:
                closed.setdefault(folder, []).append(needed)
                break
    for index, (folder, inside) in enumerate(closed.items()):
        for n, needed in enumerate(inside):
            lines.append(f"mkdir -p /tmp/.stash-{os.getpid()}-{index}-{n} && "
                         f"mount --bind {needed} /tmp/.stash-{os.getpid()}-{index}-{n}")
        lines.append(f"mount -t tmpfs -o mode=0755,size=64k tmpfs {folder}")
        for n, needed in enumerate(inside):
            lines.append(f"mkdir -p {needed} && mount --bind /tmp/.stash-{os.getpid()}-{index}-{n} {needed}")
    return "\n".join(lines)


@pytest.fixture(scope="session")
def ordinary_user() -> int:
    """The user id of an ordinary account (created if needed): grading needs no root."""
    if os.geteuid() != 0:
        pytest.skip("the suite does not run as root: it cannot act as another user (it is one already)")
    name = "rnncourse-grader"
    if subprocess.run(["id", "-u", name], capture_output=True).returncode != 0:
        subprocess.run(["useradd", "--no-create-home", "--shell", "/usr/sbin/nologin", name], check=True)
    return int(subprocess.run(["id", "-u", name], capture_output=True, text=True, check=True).stdout)


@pytest.fixture
def user_folder(ordinary_user):
    folder = Path(tempfile.mkdtemp(prefix="rnn-as-user-"))
    os.chown(folder, ordinary_user, ordinary_user)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def test_an_ordinary_user_grades_the_attacks_as_root_does(attacked, ordinary_user, user_folder):
    results, state = attacked
    folder = user_folder
    jobs = {}
    for name in AS_ORDINARY_USER:
        path = folder / name / "01_why_recurrent.ipynb"
        path.parent.mkdir()
        attack = next(a for a in attacks("01_why_recurrent") if a["name"] == name)
        nbformat.write(build("01_why_recurrent", attack, state["fill"]), path)
        jobs[name] = str(path)
    (folder / "jobs.json").write_text(json.dumps(jobs))
    (folder / "limits.json").write_text(json.dumps(dataclasses.asdict(LIMITS)))
    (folder / "grade.py").write_text(GRADE_AS_USER.format(root=str(ROOT)))
    subprocess.run(["chown", "-R", f"{ordinary_user}:{ordinary_user}", str(folder)], check=True)
    script = "\n".join([
        "set -e",
        _reachable_python_script([os.path.realpath(sys.base_prefix), os.path.realpath(sys.prefix), str(ROOT)]),
        f"cd {folder}",
        f"exec setpriv --reuid={ordinary_user} --regid={ordinary_user} --clear-groups "
        f"env HOME={folder} {sys.executable} grade.py jobs.json limits.json"])
    # The same course secret as root's grading: the same probe inputs (the file is root's alone).
    secret = {"RNNCOURSE_SECRET": course_secret().decode()}
    done = subprocess.run(["unshare", "--mount", "--propagation", "private", "sh", "-c", script],
                          capture_output=True, text=True, timeout=900, env={**os.environ, **secret})
    assert done.returncode == 0, done.stderr[-3000:]
    as_user = json.loads(done.stdout.strip().splitlines()[-1])
    as_root = {name: results[("01_why_recurrent", name, True)].score for name in AS_ORDINARY_USER}
    assert as_user == as_root
    assert _processes_with(state["marker"]) == []
