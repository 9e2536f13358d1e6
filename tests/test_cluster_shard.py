"""`grade --shard auto`: the shard of each task from the scheduler's environment variables."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from autograder.classroom import in_shard
from autograder.shard import COUNT_ENV, ShardError, from_environment, parse
from conftest import ROOT


def _array(first: int, last: int, step: int = 1, with_count: bool = True, with_max: bool = True) -> list[dict]:
    """The environment Slurm gives each task of ``--array=first-last:step``."""
    ids = range(first, last + 1, step)
    tasks = []
    for task in ids:
        env = {"SLURM_JOB_ID": "77", "SLURM_ARRAY_JOB_ID": "76", "SLURM_ARRAY_TASK_ID": str(task),
               "SLURM_ARRAY_TASK_MIN": str(first), "SLURM_ARRAY_TASK_STEP": str(step)}
        if with_count:
            env["SLURM_ARRAY_TASK_COUNT"] = str(len(ids))
        if with_max:
            env["SLURM_ARRAY_TASK_MAX"] = str(last)
        tasks.append(env)
    return tasks


@pytest.mark.parametrize("first,last,step,with_count,with_max", [
    (0, 2, 1, True, True), (1, 3, 1, True, True), (5, 17, 4, True, True),
    (0, 4, 1, True, False), (2, 6, 2, False, True)])
def test_every_task_of_a_slurm_array_takes_a_different_shard_of_one_split(first, last, step, with_count, with_max):
    tasks = _array(first, last, step, with_count, with_max)
    shards = [parse("auto", env) for env in tasks]
    count = len(tasks)
    assert shards == [(i, count) for i in range(count)]
    students = [f"s{k:03d}" for k in range(60)]
    owners = [[s for s in students if in_shard(s, shard)] for shard in shards]
    assert sorted(sum(owners, [])) == students          # every student once, by exactly one task


def test_every_pod_of_an_indexed_job_takes_its_completion_index():
    pods = [{"JOB_COMPLETION_INDEX": str(i), COUNT_ENV: "4", "HOSTNAME": f"grade-{i}-abcde"} for i in range(4)]
    assert [from_environment(env) for env in pods] == [(i, 4) for i in range(4)]


@pytest.mark.parametrize("env,message", [
    ({}, "needs a Slurm job array"),
    ({"SLURM_JOB_ID": "9"}, "not an array"),
    ({"SLURM_ARRAY_TASK_ID": "1"}, "number of shards is unknown"),
    ({"SLURM_ARRAY_TASK_ID": "x", "SLURM_ARRAY_TASK_COUNT": "3"}, "not a whole number"),
    ({"SLURM_ARRAY_TASK_ID": "3", "SLURM_ARRAY_TASK_COUNT": "3"}, "does not exist"),
    # --array=1,4,9: three tasks, but ids 1..9 are no evenly spaced range
    ({"SLURM_ARRAY_TASK_ID": "4", "SLURM_ARRAY_TASK_COUNT": "3", "SLURM_ARRAY_TASK_MIN": "1",
      "SLURM_ARRAY_TASK_MAX": "9"}, "not one evenly spaced range"),
    ({"SLURM_ARRAY_TASK_ID": "3", "SLURM_ARRAY_TASK_MIN": "0", "SLURM_ARRAY_TASK_MAX": "4",
      "SLURM_ARRAY_TASK_STEP": "2"}, "not on the array's range"),
    ({"SLURM_ARRAY_TASK_ID": "0", "SLURM_ARRAY_TASK_COUNT": "3", "SLURM_ARRAY_TASK_STEP": "0"}, "positive step"),
    ({"JOB_COMPLETION_INDEX": "2"}, COUNT_ENV),
    ({"JOB_COMPLETION_INDEX": "4", COUNT_ENV: "4"}, "does not exist"),
    ({"JOB_COMPLETION_INDEX": "0", COUNT_ENV: "0"}, "does not exist"),
    ({"JOB_COMPLETION_INDEX": "0", COUNT_ENV: "2", "SLURM_ARRAY_TASK_ID": "0", "SLURM_ARRAY_TASK_COUNT": "2"},
     "both"),
])
def test_a_missing_or_contradictory_environment_is_refused_with_its_reason(env, message):
    with pytest.raises(ShardError, match=message):
        parse("auto", env)


def test_explicit_shards_still_work_and_bad_ones_are_refused():
    assert parse(None, {}) == (0, 1)
    assert parse("2/5", {"JOB_COMPLETION_INDEX": "0"}) == (2, 5)      # explicit wins over the scheduler
    for bad in ("3/3", "-1/2", "1/0", "a/b", "1", "1/2/3"):
        with pytest.raises(ShardError):
            parse(bad, {})


def test_the_command_line_reports_a_missing_scheduler_without_a_traceback(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLURM_") and k != "JOB_COMPLETION_INDEX"}
    done = subprocess.run([sys.executable, "-m", "autograder", "grade", "--shard", "auto",
                           "--submitted", str(tmp_path), "--db", f"sqlite:///{tmp_path / 'gb.db'}"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert "needs a Slurm job array" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "gb.db").exists()                           # nothing was started
