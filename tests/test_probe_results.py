"""Probe results that are dicts of arrays (gradients by name): encoded key by key, compared key by key."""
from __future__ import annotations

import json

import numpy as np

from test_probes import run_probe


def test_dict_results_are_compared_key_by_key(tmp_path):
    right = lambda X: {"dX": 2 * X, "db": X.sum(axis=0)}
    probe, content = run_probe(tmp_path, {"f": right}, [("f", (np.ones((2, 3)),))])
    probe.expected = json.loads(content)
    assert probe.check(content) == ""
    for wrong, message in [(lambda X: {"dX": 2 * X}, "no key 'db'"),
                           (lambda X: {"dX": 3 * X, "db": X.sum(axis=0)}, "different values"),
                           (lambda X: [2 * X, X.sum(axis=0)], "should be a dict"),
                           (lambda X: {"dX": 2 * X, "db": X.sum(axis=0), 1: 0}, "not a number")]:
        _, got = run_probe(tmp_path, {"f": wrong}, [("f", (np.ones((2, 3)),))])
        assert message in probe.check(got), message


def test_dict_subclasses_are_not_encoded(tmp_path):
    class Pretend(dict):
        def __eq__(self, other):
            return True

    probe, content = run_probe(tmp_path, {"f": lambda X: Pretend(dX=X)}, [("f", (np.ones(2),))])
    assert json.loads(content)[0]["value"] == {"unsupported": "a Pretend"}
