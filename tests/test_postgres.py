"""Several graders, one shard each, writing concurrently into one PostgreSQL gradebook.

A real server: Debian's postgresql is installed if absent (apt-get; root needed), a cluster is
created in a temporary folder, served on loopback on a free port, and stopped at the end.
"""
from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat
import pytest

from autograder.classroom import in_shard
from autograder.gradebook import database_url
from autograder.grading import load_source
from conftest import ROOT, solution_answers, student_notebook

A = "01_why_recurrent"
TESTS = load_source(A).tests()          # (grade id, points, description, hidden) per test cell
GRADED = sum(1 for c in load_source(A).notebook.cells if c.metadata.get("nbgrader", {}).get("grade"))  # + written
SHARDS = 3


def _postgres_bin() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    if not found:
        if os.geteuid() != 0:
            pytest.fail("PostgreSQL is not installed and installing it needs root: apt-get install -y postgresql")
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        subprocess.run(["apt-get", "update"], check=True, env=env, capture_output=True)
        subprocess.run(["apt-get", "install", "-y", "--no-install-recommends", "postgresql"], check=True, env=env,
                       capture_output=True)
        found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    return Path(found[-1]).parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def postgres():
    """A throw-away PostgreSQL server on 127.0.0.1; yields its SQLAlchemy URL."""
    bin_dir = _postgres_bin()
    folder = Path(tempfile.mkdtemp(prefix="rnn-postgres-"))   # its own folder: the server's user must enter it
    data = folder / "data"
    as_user: list[str] = []
    if os.geteuid() == 0:  # the server refuses to run as root: run it as the postgres user
        shutil.chown(folder, "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    port = _free_port()
    subprocess.run(as_user + [str(bin_dir / "initdb"), "-D", str(data), "-U", "grader", "--auth=trust"],
                   check=True, capture_output=True)
    subprocess.run(as_user + [str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(folder / "server.log"), "-w",
                              "-o", f"-p {port} -k {folder} -c listen_addresses=127.0.0.1", "start"],
                   check=True, capture_output=True)
    try:
        subprocess.run(as_user + [str(bin_dir / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "grader",
                                  "gradebook"], check=True, capture_output=True)
        yield f"postgresql://grader@127.0.0.1:{port}/gradebook"
    finally:
        subprocess.run(as_user + [str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"],
                       capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)


def test_sharded_graders_write_one_gradebook_without_loss_or_duplicates(postgres, tmp_path):
    import sqlalchemy

    students = {f"student{i:02d}": ("solution" if i % 3 else "stub") for i in range(7)}
    correct = solution_answers(A)
    for student, kind in students.items():
        path = tmp_path / "submitted" / student / A / f"{A}.ipynb"
        path.parent.mkdir(parents=True)
        nbformat.write(student_notebook(A, correct if kind == "solution" else None), path)
    assert all(any(in_shard(s, (i, SHARDS)) for s in students) for i in range(SHARDS)), "every shard has work"

    graders = [subprocess.Popen(
        [sys.executable, "-m", "autograder", "grade", "--db", postgres, "--shard", f"{i}/{SHARDS}",
         "--submitted", str(tmp_path / "submitted"), "--autograded", str(tmp_path / f"autograded{i}"),
         "--feedback", str(tmp_path / f"feedback{i}"), "--reports", str(tmp_path / f"reports{i}")],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) for i in range(SHARDS)]
    outputs = [g.communicate(timeout=900)[0] for g in graders]
    for grader, out in zip(graders, outputs):
        assert grader.returncode == 0, out[-3000:]

    engine = sqlalchemy.create_engine(database_url(postgres))
    try:
        with engine.connect() as connection:
            runs = connection.execute(sqlalchemy.text("SELECT student, score FROM autograder_runs")).fetchall()
            grades = connection.execute(sqlalchemy.text(
                "SELECT s.student_id, gc.name, g.auto_score FROM grade g"
                " JOIN submitted_notebook sn ON g.notebook_id = sn.id"
                " JOIN submitted_assignment s ON sn.assignment_id = s.id"
                " JOIN base_cell gc ON g.cell_id = gc.id")).fetchall()
            assignments = connection.execute(sqlalchemy.text("SELECT count(*) FROM assignment")).scalar()
    finally:
        engine.dispose()
    assert sorted(s for s, _ in runs) == sorted(students), "each student graded once, by exactly one shard"
    assert {s: score for s, score in runs} == {s: sum(p for _, p, _, _ in TESTS) if k == "solution" else 0.0 for s, k in students.items()}
    keys = [(s, cell) for s, cell, _ in grades]
    assert len(keys) == len(set(keys)) == len(students) * GRADED
    assert assignments == 1
    for i, out in enumerate(outputs):
        mine = [s for s in students if in_shard(s, (i, SHARDS))]
        assert f"grading {len(mine)} submission(s)" in out
