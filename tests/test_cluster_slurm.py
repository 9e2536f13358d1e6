"""A class graded by a real Slurm job array into one PostgreSQL gradebook.

Debian's slurm-wlm is installed if absent (apt-get; root needed); a controller and one compute
node are started on this machine with a configuration of their own in a temporary folder, and
stopped at the end. ``autograder/cluster/grade.sbatch`` runs as an array of 3 tasks, one shard
each; one task is requeued (killed) while it grades, and must then grade only what it had not
recorded. The scores must be those of a one-machine run.
"""
from __future__ import annotations

import csv
import glob
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
import sqlalchemy

from autograder.classroom import in_shard
from autograder.gradebook import database_url
from autograder.grading import load_source
from conftest import ROOT, solution_answers, student_notebook, wrong_cases
from test_postgres import postgres  # noqa: F401  (the PostgreSQL server fixture)

pytestmark = pytest.mark.slow

A = "01_why_recurrent"
TESTS = load_source(A).tests()          # (grade id, points, description, hidden) per test cell
GRADED = sum(1 for c in load_source(A).notebook.cells if c.metadata.get("nbgrader", {}).get("grade"))  # + written
TASKS = 3
SLOW = "import time\ntime.sleep(10)\n"      # keeps one submission in its kernel while its task is killed


def _slurm_plugins() -> Path | None:
    found = glob.glob("/usr/lib/*/slurm-wlm/auth_none.so") + glob.glob("/usr/lib/slurm/auth_none.so")
    return Path(found[0]).parent if found else None


def _install_slurm() -> None:
    if all(shutil.which(tool) for tool in ("slurmctld", "slurmd", "sbatch", "scontrol")):
        return
    if os.geteuid() != 0:
        pytest.skip("Slurm is not installed and installing it needs root: apt-get install -y slurm-wlm")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    try:
        subprocess.run(["apt-get", "update"], check=True, env=env, capture_output=True, timeout=300)
        subprocess.run(["apt-get", "install", "-y", "--no-install-recommends", "slurm-wlm"], check=True, env=env,
                       capture_output=True, timeout=600)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as err:
        pytest.skip(f"could not install Debian's slurm-wlm: {err}")


def _free_ports(count: int) -> list[int]:
    sockets = [socket.socket() for _ in range(count)]
    for s in sockets:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in sockets]
    for s in sockets:
        s.close()
    return ports


SLURM_CONF = """\
ClusterName=rnngrading
SlurmctldHost={host}(127.0.0.1)
SlurmctldPort={ctld_port}
SlurmdPort={d_port}
AuthType=auth/none
CredType=cred/none
SlurmUser=root
SlurmdUser=root
StateSaveLocation={folder}/state
SlurmdSpoolDir={folder}/spool
SlurmctldPidFile={folder}/slurmctld.pid
SlurmdPidFile={folder}/slurmd.pid
SlurmctldLogFile={folder}/slurmctld.log
SlurmdLogFile={folder}/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
MpiDefault=none
ReturnToService=2
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
MinJobAge=3600
KillWait=5
NodeName={host} NodeAddr=127.0.0.1 CPUs=2 RealMemory=1000 State=UNKNOWN
PartitionName=grading Nodes={host} Default=YES MaxTime=INFINITE State=UP
"""


@pytest.fixture(scope="module")
def slurm(tmp_path_factory):
    """A one-node Slurm cluster on this machine; yields the environment its commands need."""
    _install_slurm()
    if os.geteuid() != 0:
        pytest.skip("a Slurm node's daemon (slurmd) must run as root")
    if _slurm_plugins() is None:
        pytest.skip("this Slurm has no auth/none plugin (Slurm 23.02 and later need munge keys)")
    folder = tmp_path_factory.mktemp("slurm")
    for sub in ("state", "spool"):
        (folder / sub).mkdir()
    host = socket.gethostname().split(".")[0]
    ctld_port, d_port = _free_ports(2)
    conf = folder / "slurm.conf"
    conf.write_text(SLURM_CONF.format(host=host, ctld_port=ctld_port, d_port=d_port, folder=folder))
    env = dict(os.environ, SLURM_CONF=str(conf))
    subprocess.run(["slurmctld", "-i", "-f", str(conf)], env=env, check=True, capture_output=True, timeout=30)
    subprocess.run(["slurmd", "-f", str(conf), "-N", host], env=env, check=True, capture_output=True, timeout=30)
    try:
        for _ in range(60):
            state = subprocess.run(["sinfo", "-h", "-o", "%T"], env=env, capture_output=True, text=True).stdout.strip()
            if state == "idle":
                break
            time.sleep(0.5)
        else:
            logs = "".join(p.read_text()[-1500:] for p in folder.glob("*.log"))
            pytest.skip(f"the Slurm node did not come up (state {state!r}): {logs}")
        yield env
    finally:
        subprocess.run(["scancel", "--full", "-u", "root"], env=env, capture_output=True)
        for daemon in ("slurmd", "slurmctld"):
            pid_file = folder / f"{daemon}.pid"
            if pid_file.is_file():
                try:
                    os.kill(int(pid_file.read_text()), signal.SIGTERM)
                except (ProcessLookupError, ValueError):
                    pass


def _scontrol(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["scontrol", *args], env=env, capture_output=True, text=True, timeout=30)


def _task_state(env: dict, job: str, task: int) -> str:
    out = _scontrol(env, "show", "job", f"{job}_{task}", "-o").stdout
    fields = dict(f.split("=", 1) for f in out.split() if "=" in f)
    return f"{fields.get('JobState', '?')} exit {fields.get('ExitCode', '?')}"


def _runs(url: str) -> dict[str, tuple[float, object]]:
    engine = sqlalchemy.create_engine(database_url(url))
    try:
        with engine.connect() as connection:
            if not sqlalchemy.inspect(connection).has_table("autograder_runs"):
                return {}
            rows = connection.execute(sqlalchemy.text("SELECT student, score, graded_at FROM autograder_runs"))
            return {student: (score, at) for student, score, at in rows}
    finally:
        engine.dispose()


def _class(folder: Path) -> dict[str, int]:
    """Six submissions; student -> shard. Shard 0 holds three, its second one slow."""
    correct = solution_answers(A)
    wrong = next(c for c in wrong_cases(A) if c["name"] == "sum_instead_of_mean")["answers"]
    first = next(iter(correct))
    answers = {"ada": correct, "cal": {**correct, first: SLOW + correct[first]}, "dan": {**correct, **wrong},
               "bea": None, "gus": correct, "fay": {**correct, **wrong}}
    for student, given in answers.items():
        path = folder / student / A / f"{A}.ipynb"
        path.parent.mkdir(parents=True)
        nbformat.write(student_notebook(A, given), path)
    shards = {s: next(i for i in range(TASKS) if in_shard(s, (i, TASKS))) for s in answers}
    assert sorted(s for s in shards if shards[s] == 0) == ["ada", "cal", "dan"], shards
    assert set(shards.values()) == set(range(TASKS)), "every task has work"
    return shards


def test_a_slurm_job_array_grades_every_submission_once_even_when_a_task_is_requeued(slurm, postgres, tmp_path):
    submitted = tmp_path / "submitted"
    shards = _class(submitted)

    # the same class on one machine, for the reference scores
    one = subprocess.run([sys.executable, "-m", "autograder", "grade", "--submitted", str(submitted),
                          "--db", f"sqlite:///{tmp_path / 'one.db'}", "--autograded", str(tmp_path / "one" / "autograded"),
                          "--feedback", str(tmp_path / "one" / "feedback"), "--reports", str(tmp_path / "one" / "reports")],
                         cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert one.returncode == 0, one.stdout[-3000:] + one.stderr[-3000:]
    with open(tmp_path / "one" / "reports" / "scores.csv") as handle:
        reference = {row["student"]: float(row["score"]) for row in csv.DictReader(handle)}
    assert sorted(reference) == sorted(shards)

    env = dict(slurm, RNNCOURSE_DB_URL=postgres, RNNCOURSE_DIR=str(ROOT), RNNCOURSE_REPORTS=str(tmp_path / "reports"))
    submit = subprocess.run(
        ["sbatch", "--parsable", f"--array=0-{TASKS - 1}", "--cpus-per-task=1", "--mem-per-cpu=100M",
         str(ROOT / "autograder" / "cluster" / "grade.sbatch"), "--submitted", str(submitted),
         "--autograded", str(tmp_path / "autograded"), "--feedback", str(tmp_path / "feedback")],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
    assert submit.returncode == 0, submit.stderr
    job = submit.stdout.strip().split(";")[0]
    assert postgres not in " ".join(submit.args), "the gradebook URL stays off the command line"

    # kill task 0 half-way: ada recorded, cal in its kernel; then let Slurm start it again at once
    deadline = time.monotonic() + 300
    while "ada" not in (before := _runs(postgres)):
        assert time.monotonic() < deadline, "task 0 recorded nothing in 300 s: " + _task_state(slurm, job, 0)
        time.sleep(0.3)
    assert "cal" not in before
    requeue = _scontrol(slurm, "requeue", f"{job}_0")
    assert requeue.returncode == 0, requeue.stderr
    for _ in range(60):      # a requeued job waits (BeginTime) unless told to start now
        if _scontrol(slurm, "update", f"jobid={job}_0", "StartTime=now").returncode == 0:
            break
        time.sleep(0.5)

    while subprocess.run(["squeue", "-h", "-j", job], env=slurm, capture_output=True, text=True).stdout.strip():
        assert time.monotonic() < deadline + 200, "the job array did not finish"
        time.sleep(1)
    logs = {task: (tmp_path / f"grade-{job}_{task}.log").read_text() for task in range(TASKS)}
    for task in range(TASKS):
        assert _task_state(slurm, job, task) == "COMPLETED exit 0:0", logs[task][-3000:]
        assert f"grading shard {task} of {TASKS}" in logs[task]

    # the killed try of task 0 recorded ada; its second try graded only cal and dan
    assert logs[0].count("(restart 1)") == 1, logs[0][-3000:]
    assert "grading 2 submission(s) with 1 worker(s); 1 already graded and unchanged" in logs[0], logs[0][-3000:]
    after = _runs(postgres)
    assert after["ada"] == before["ada"], "ada was graded again"
    # every submission graded (reported) exactly once, by its own task
    for student, shard in shards.items():
        graded_line = re.compile(rf"^  {student} +{A} +\d+/\d+")        # printed once a grade is recorded
        mentions = [task for task, log in logs.items() for line in log.splitlines() if graded_line.match(line)]
        assert mentions == [shard], (student, mentions)
    assert {s: score for s, (score, _) in after.items()} == reference
    engine = sqlalchemy.create_engine(database_url(postgres))
    try:
        with engine.connect() as connection:
            keys = connection.execute(sqlalchemy.text(
                "SELECT s.student_id, gc.name FROM grade g JOIN submitted_notebook sn ON g.notebook_id = sn.id"
                " JOIN submitted_assignment s ON sn.assignment_id = s.id"
                " JOIN base_cell gc ON g.cell_id = gc.id")).fetchall()
    finally:
        engine.dispose()
    assert len(keys) == len(set(keys)) == len(shards) * GRADED
    assert sorted({s for s, _ in keys}) == sorted(shards)
