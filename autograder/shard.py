"""Which shard of the class one grader takes: ``I/N`` as given, or ``auto`` from a scheduler.

The class is split by a stable hash of the student name (``classroom.in_shard``): grader ``i``
of ``n`` grades the students with ``sha256(name) mod n == i``. Every grader of a class must
agree on ``n`` and take a different ``i``; together they cover every student exactly once.

``auto`` reads the index and the count that the scheduler gives each task:

Slurm job array (``sbatch --array=A-B[:S]``)
    i = (SLURM_ARRAY_TASK_ID - A) / S,   n = SLURM_ARRAY_TASK_COUNT
    (A = SLURM_ARRAY_TASK_MIN, S = SLURM_ARRAY_TASK_STEP, 0 and 1 when absent; without the
    count, n = (SLURM_ARRAY_TASK_MAX - A) / S + 1). An array that is not one evenly spaced
    range (``--array=1,4,9``) has no such numbering and is refused.
Kubernetes Indexed Job
    i = JOB_COMPLETION_INDEX,   n = RNNCOURSE_SHARD_COUNT
    Kubernetes does not tell a pod its Job's ``completions``: the manifest sets the count
    beside it (``autograder/cluster/grade-job.yaml``).
"""
from __future__ import annotations

from collections.abc import Mapping

COUNT_ENV = "RNNCOURSE_SHARD_COUNT"
SLURM_ID = "SLURM_ARRAY_TASK_ID"
KUBERNETES_INDEX = "JOB_COMPLETION_INDEX"


class ShardError(ValueError):
    """The shard asked for cannot be known, or its numbers contradict each other."""


def parse(text: str | None, environ: Mapping[str, str]) -> tuple[int, int]:
    """``(i, n)`` from ``--shard``: absent means the whole class, ``auto`` the scheduler's."""
    if not text:
        return 0, 1
    if text.strip().lower() == "auto":
        return from_environment(environ)
    parts = text.split("/")
    try:
        index, count = (int(p) for p in parts) if len(parts) == 2 else (None, None)
    except ValueError:
        index = count = None
    if index is None:
        raise ShardError(f"--shard takes I/N (e.g. 0/3) or auto, not {text!r}")
    return _checked(index, count, f"--shard {text}")


def from_environment(environ: Mapping[str, str]) -> tuple[int, int]:
    """``(i, n)`` of this task of a Slurm job array or a Kubernetes Indexed Job."""
    slurm, kubernetes = SLURM_ID in environ, KUBERNETES_INDEX in environ
    if slurm and kubernetes:
        raise ShardError(f"--shard auto: both {SLURM_ID} (Slurm) and {KUBERNETES_INDEX} (Kubernetes) are set; "
                         "give the shard as I/N instead")
    if slurm:
        return _slurm(environ)
    if kubernetes:
        return _kubernetes(environ)
    hint = (" (this Slurm job is not an array: submit it with sbatch --array=0-N)" if "SLURM_JOB_ID" in environ
            else "")
    raise ShardError(f"--shard auto needs a Slurm job array ({SLURM_ID}) or a Kubernetes Indexed Job "
                     f"({KUBERNETES_INDEX} and {COUNT_ENV}){hint}; neither is set here. "
                     "On one machine, omit --shard or give it as I/N")


def _slurm(environ: Mapping[str, str]) -> tuple[int, int]:
    task = _integer(environ, SLURM_ID)
    first = _integer(environ, "SLURM_ARRAY_TASK_MIN", default=0)
    step = _integer(environ, "SLURM_ARRAY_TASK_STEP", default=1)
    count = _integer(environ, "SLURM_ARRAY_TASK_COUNT", default=None)
    last = _integer(environ, "SLURM_ARRAY_TASK_MAX", default=None)
    if step < 1:
        raise ShardError(f"--shard auto: SLURM_ARRAY_TASK_STEP={step} is not a positive step")
    if count is None and last is None:
        raise ShardError("--shard auto: Slurm gives SLURM_ARRAY_TASK_ID but neither SLURM_ARRAY_TASK_COUNT "
                         "nor SLURM_ARRAY_TASK_MAX, so the number of shards is unknown")
    if last is not None:
        spanned = (last - first) // step + 1
        if (last - first) % step or (count is not None and count != spanned):
            raise ShardError(f"--shard auto: the job array is not one evenly spaced range (ids {first}..{last} "
                             f"step {step}, {count} tasks); submit it as --array=A-B or A-B:S")
        count = spanned
    if (task - first) % step:
        raise ShardError(f"--shard auto: task {task} is not on the array's range {first}, {first + step}, ...")
    return _checked((task - first) // step, count, f"Slurm array task {task}")


def _kubernetes(environ: Mapping[str, str]) -> tuple[int, int]:
    index = _integer(environ, KUBERNETES_INDEX)
    if COUNT_ENV not in environ:
        raise ShardError(f"--shard auto: {KUBERNETES_INDEX} is set but {COUNT_ENV} is not; set it in the Job's "
                         "container env to the Job's spec.completions")
    return _checked(index, _integer(environ, COUNT_ENV), f"Kubernetes completion index {index}")


def _integer(environ: Mapping[str, str], name: str, default: int | None = ...) -> int | None:
    if name not in environ:
        if default is ...:
            raise ShardError(f"--shard auto: {name} is not set")
        return default
    try:
        return int(environ[name])
    except ValueError:
        raise ShardError(f"--shard auto: {name}={environ[name]!r} is not a whole number") from None


def _checked(index: int, count: int, what: str) -> tuple[int, int]:
    if count < 1 or not 0 <= index < count:
        raise ShardError(f"{what}: shard {index} of {count} does not exist (need 0 <= I < N)")
    return index, count
