"""A probe of a given harness (an experiment's locked code) runs the grader's copy of it, with only the
student's answers taken from the kernel: redefining the harness there changes nothing."""
from __future__ import annotations

import json
import os

import pytest

from autograder.grading import load_source
from autograder.probes import Call, Probe, draw_probes, given_cells
from autograder.probes.wire import decode

HARNESS = "SCALE = 10\n\ndef experiment(x):\n    return SCALE * answer(x)\n"


def run_probe(tmp_path, namespace: dict, calls) -> list:
    probe = Probe("test", calls, "out.json")
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        exec(probe.code, namespace)
    finally:
        os.chdir(cwd)
    return json.loads((tmp_path / "out.json").read_text())


def test_the_grader_s_copy_of_the_harness_runs_with_the_student_s_answer(tmp_path):
    call = Call("experiment", (2.0,), given=("harness",),
                setup={"code": HARNESS, "answers": ["answer"]})
    kernel = {"answer": lambda x: x + 1,                      # the student's function
              "experiment": lambda x: 1e9, "SCALE": 0}         # a harness and a constant redefined in the kernel
    (result,) = run_probe(tmp_path, kernel, [call])
    assert decode(result["value"]) == 30.0
    (plain,) = run_probe(tmp_path, kernel, [Call("experiment", (2.0,))])
    assert decode(plain["value"]) == 1e9                      # what a call of the kernel's global would take
    (missing,) = run_probe(tmp_path, {}, [call])
    assert missing == {"error": "NameError"}                  # no answer: the harness cannot use one


def test_given_cells_come_from_the_notebook_and_answers_from_its_solution_cells():
    source = load_source("09_language_model").notebook
    probes = draw_probes("09_language_model", source, seed=3)
    (call,) = [c for c in probes["test_training_step_hidden"].calls if c.given]   # the others check components
    assert "def names_experiment(" in call.setup["code"] and "import torch" in call.setup["code"]
    assert {"training_step", "sequence_nll_torch", "generate"} <= set(call.setup["answers"])
    assert "names_experiment" not in call.setup["answers"] and "NameLM" not in call.setup["answers"]
    for not_given in ("test_training_step_visible", "training_step", "nothing"):
        with pytest.raises(ValueError, match="not a given cell"):
            given_cells(source, Call("names_experiment", (), given=(not_given,)))
    with pytest.raises(ValueError, match="not read from the notebook"):
        Call("names_experiment", (), given=("names_experiment",)).wire()
