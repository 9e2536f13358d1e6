"""Probe results are untrusted: every malformed, oversized, deeply nested or wrongly typed result
means zero for that test with a reason, never an exception in the grader."""
from __future__ import annotations

import base64
import json

import numpy as np
import pytest

from autograder.probes import Call, Probe
from autograder.probes.wire import encode_args
from test_probes import run_probe

X = np.ones((2, 3))


def _probe(check=None) -> Probe:
    probe = Probe("test", [Call("f", (X,), check)], "out.json")
    probe.expected = [{"value": encode_args(2 * X)}]
    return probe


def _array(values, dtype="<f8", shape=None):
    raw = np.asarray(values, dtype=dtype).tobytes()
    return {"array": base64.b64encode(raw).decode(), "dtype": dtype, "shape": list(np.shape(values)) if shape is None else shape}


def test_dict_results_are_compared_key_by_key(tmp_path):
    right = lambda X: {"dX": 2 * X, "db": X.sum(axis=0)}   # noqa: E731
    probe, content = run_probe(tmp_path, {"f": right}, [("f", (X,))])
    probe.expected = json.loads(content)
    assert probe.check(content) == ""
    for wrong, message in [(lambda X: {"dX": 2 * X}, "no key 'db'"),
                           (lambda X: {"dX": 3 * X, "db": X.sum(axis=0)}, "constant factor"),
                           (lambda X: [2 * X, X.sum(axis=0)], "should be a dict"),
                           (lambda X: {"dX": 2 * X, "db": X.sum(axis=0), 1: 0}, "not a number")]:
        _, got = run_probe(tmp_path, {"f": wrong}, [("f", (X,))])
        assert message in probe.check(got), message


def test_dict_subclasses_are_not_encoded(tmp_path):
    class Pretend(dict):
        def __eq__(self, other):
            return True

    probe, content = run_probe(tmp_path, {"f": lambda X: Pretend(dX=X)}, [("f", (np.ones(2),))])
    assert json.loads(content)[0]["value"] == {"unsupported": "object"}


def _deep(levels: int) -> bytes:
    return ('[{"value": ' + '{"seq": [' * levels + ']}' * levels + '}]').encode()


MALFORMED = {
    "a wrongly typed shape": json.dumps([{"value": _array(2 * X, shape="2x3")}]).encode(),
    "a wrongly typed dtype": json.dumps([{"value": {**_array(2 * X), "dtype": 8}}]).encode(),
    "a shape that does not fit the bytes": json.dumps([{"value": _array(2 * X, shape=[3, 3])}]).encode(),
    "a negative shape": json.dumps([{"value": _array(2 * X, shape=[-2, -3])}]).encode(),
    "a huge shape": json.dumps([{"value": _array(2 * X, shape=[10**9, 10**9])}]).encode(),
    "an object dtype": json.dumps([{"value": {**_array(2 * X), "dtype": "|O"}}]).encode(),
    "bad base64": json.dumps([{"value": {**_array(2 * X), "array": "!!!not base64!!!"}}]).encode(),
    "a list where a result belongs": json.dumps([[1, 2, 3]]).encode(),
    "a value that is a number": json.dumps([{"value": 7}]).encode(),
    "a seq that is a dict": json.dumps([{"value": {"seq": {"a": 1}}}]).encode(),
    "a map that is a list": json.dumps([{"value": {"map": [1, 2]}}]).encode(),
    "an error that is a dict": json.dumps([{"error": {"x": 1}}]).encode(),
    "a results object": json.dumps({"value": 1}).encode(),
    "too many results": json.dumps([{"value": {"py": 1}}] * 5).encode(),
    "a string": json.dumps([{"value": {"py": "text from the kernel"}}]).encode(),
    "deep nesting (Python's limit)": _deep(100_000),
    "deep nesting (the grader's limit)": _deep(50),
    "not UTF-8": b"\xff\xfe\x00[",
    "a huge integer": b'[{"value": {"py": ' + b"9" * 5000 + b"}}]",
    "NaN in JSON": b'[{"value": {"py": NaN}}]',
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_results_score_zero_with_a_reason(case):
    accept_all = lambda got, want, args: None   # noqa: E731  (NaN and text are data: a check refuses them)
    for check in (None,) if case in ("NaN in JSON", "a string") else (None, accept_all):
        message = _probe(check).check(MALFORMED[case])
        assert message, f"{case}: accepted"
        assert "text from the kernel" not in message and "Traceback" not in message


def test_a_check_that_trips_on_a_wrong_form_is_a_failure_not_a_crash():
    def check(got, want, args):
        h, c = got                     # the student returned an array, not a pair
        return None

    content = json.dumps([{"value": encode_args(np.ones(3))}]).encode()
    assert "wrong form" in _probe(check).check(content)
