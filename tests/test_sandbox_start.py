"""The sandboxed kernel starts before its notebook is ready; one the grader leaves unused (the
submission turned out bad while the kernel was starting) leaves no process and no folder."""
from __future__ import annotations

import os
import time

import pytest

from autograder import isolation, sandbox
from autograder.sandbox import Limits


def _processes_naming(text: str) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as handle:
                if text.encode() in handle.read():
                    found.append(int(entry))
        except (OSError, ValueError):
            continue
    return found


@pytest.mark.skipif(bool(isolation.unavailable()), reason="needs namespaces")
@pytest.mark.parametrize("after", [0.0, 0.4, 1.5])   # before, while and after the kernel starts
def test_a_kernel_left_without_its_notebook_leaves_nothing(after):
    with sandbox.kernel(Limits(cell_timeout=10, notebook_timeout=30)) as sandboxed:
        time.sleep(after)
        job, worker = sandboxed.job, sandboxed.worker
    assert worker.poll() is not None, "the worker still runs"
    assert not job.exists(), "the job folder is left"
    deadline = time.monotonic() + 5
    while _processes_naming(str(job)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _processes_naming(str(job)) == [], "a process of the job outlived it"
