"""The cluster job definitions: the Kubernetes manifests are valid by the API's own schemas, the
Indexed Job's pods split the class exactly once, and no credential is on a command line."""
from __future__ import annotations

import copy
import shlex
import subprocess
from pathlib import Path

import kubernetes_validate
import pytest
import yaml
from kubernetes_validate.utils import ValidationError, latest_version

from autograder.classroom import in_shard
from autograder.shard import COUNT_ENV, parse
from conftest import ROOT

CLUSTER = ROOT / "autograder" / "cluster"
MANIFESTS = ("grade-job.yaml", "gradebook-postgres.yaml")


def _documents(name: str) -> list[dict]:
    return [d for d in yaml.safe_load_all((CLUSTER / name).read_text()) if d]


def _job() -> dict:
    return next(d for d in _documents("grade-job.yaml") if d["kind"] == "Job")


def _grader(job: dict) -> dict:
    return job["spec"]["template"]["spec"]["containers"][0]


@pytest.mark.parametrize("name", MANIFESTS)
def test_every_manifest_is_valid_by_the_kubernetes_schema_with_no_unknown_field(name):
    documents = _documents(name)
    assert documents
    for document in documents:
        kubernetes_validate.validate(document, latest_version(), strict=True)


def test_the_validator_rejects_a_broken_job():
    job = _job()
    misspelled = copy.deepcopy(job)
    misspelled["spec"]["completionsMode"] = misspelled["spec"].pop("completionMode")   # unknown field
    wrong_type = copy.deepcopy(job)
    wrong_type["spec"]["completions"] = "eight"
    for broken in (misspelled, wrong_type):
        with pytest.raises(ValidationError):
            kubernetes_validate.validate(broken, latest_version(), strict=True)


def test_the_pods_of_the_indexed_job_grade_every_student_exactly_once():
    job = _job()
    spec = job["spec"]
    assert spec["completionMode"] == "Indexed"
    literal = {e["name"]: e["value"] for e in _grader(job)["env"] if "value" in e}
    assert int(literal[COUNT_ENV]) == spec["completions"], f"{COUNT_ENV} must equal the Job's completions"
    # each pod's environment: the manifest's literal values plus the index Kubernetes adds
    shards = [parse("auto", {**literal, "JOB_COMPLETION_INDEX": str(i)}) for i in range(spec["completions"])]
    assert shards == [(i, spec["completions"]) for i in range(spec["completions"])]
    students = [f"student{k}" for k in range(200)]
    assert sorted(s for shard in shards for s in students if in_shard(s, shard)) == sorted(students)


def test_the_job_grades_on_the_shared_volume_with_the_url_from_a_secret():
    documents = _documents("grade-job.yaml")
    job, grader = _job(), _grader(_job())
    command = shlex.split(" ".join(grader["command"][2:] + grader["args"]))
    assert command[:5] == ["exec", "python3", "course.py", "grade", "--shard"] and command[5] == "auto"
    claim = next(d["metadata"]["name"] for d in documents if d["kind"] == "PersistentVolumeClaim")
    volumes = {v["name"]: v for v in job["spec"]["template"]["spec"]["volumes"]}
    mount = next(m for m in grader["volumeMounts"] if volumes[m["name"]]["persistentVolumeClaim"]["claimName"] == claim)
    for option in ("--submitted", "--autograded", "--feedback", "--reports"):
        assert command[command.index(option) + 1].startswith(mount["mountPath"] + "/"), option
    url = next(e for e in grader["env"] if e["name"] == "RNNCOURSE_DB_URL")
    assert set(url["valueFrom"]) == {"secretKeyRef"}
    text = (CLUSTER / "grade-job.yaml").read_text()
    assert "--db" not in " ".join(command) and "postgresql://" not in yaml.safe_dump(job)
    assert "$JOB_COMPLETION_INDEX" in text                            # each pod its own reports folder
    postgres = next(d for d in _documents("gradebook-postgres.yaml") if d["kind"] == "StatefulSet")
    password = next(e for e in postgres["spec"]["template"]["spec"]["containers"][0]["env"]
                    if e["name"] == "POSTGRES_PASSWORD")
    assert url["valueFrom"]["secretKeyRef"]["name"] == password["valueFrom"]["secretKeyRef"]["name"]


def test_the_sbatch_script_is_a_job_array_that_reads_the_url_from_a_file_or_the_environment():
    script = CLUSTER / "grade.sbatch"
    assert subprocess.run(["bash", "-n", str(script)]).returncode == 0
    text = script.read_text()
    directives = [line.split(None, 1)[1] for line in text.splitlines() if line.startswith("#SBATCH")]
    assert any(d.startswith("--array=0-") for d in directives) and "--requeue" in directives
    assert "--shard auto" in text and "--db-file" in text and "--db " not in text
