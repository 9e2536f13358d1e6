"""The grader's probes: encoding, comparison, reference results, and reading files safely."""
from __future__ import annotations

import json
import os

import numpy as np
import pytest

from autograder.grading import load_source
from autograder.probes import PROBE_RUNTIME, Probe, compare, encode_args, make_probes
from autograder.sandbox import read_untrusted_file

A = "01_why_recurrent"


def run_probe(tmp_path, functions: dict, calls) -> bytes:
    """Run a probe cell's code in a plain namespace holding ``functions``; return what it wrote."""
    probe = Probe("test", calls, "out.json")
    namespace = dict(functions)
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        exec(probe.code, namespace)
    finally:
        os.chdir(cwd)
    return probe, (tmp_path / "out.json").read_bytes()


def encoded(value):
    return json.loads(json.dumps({"value": encode_args(value)}))["value"]


def test_compare_accepts_equal_values_and_names_the_difference():
    X = np.arange(6.0).reshape(2, 3)
    assert compare(encoded(X + 1e-12), encoded(X), "f(X)") == ""
    assert compare(encoded(X.tolist()), encoded(X), "f(X)") == "", "lists of numbers count as arrays"
    assert "shape (3, 2)" in compare(encoded(X.T), encoded(X), "f(X)")
    assert "different values" in compare(encoded(X + 1e-3), encoded(X), "f(X)")
    assert "different values" in compare(encoded(X * np.nan), encoded(X * np.nan), "f(X)"), "NaN never matches"
    assert "integers" in compare(encoded((2.0, 3.0)), encoded((2, 3)), "count")
    assert compare(encoded((np.int64(2), 3)), encoded((2, 3)), "count") == ""
    assert "sequence of 2" in compare(encoded((X,)), encoded((X, np.array([1, 2]))), "pad")
    assert "no result" in compare(None, encoded(X), "f(X)")
    assert "not a number" in compare({"unsupported": "a Yes"}, encoded(3), "count")


def test_probe_code_refuses_objects_that_pretend(tmp_path):
    class Yes(int):
        def __eq__(self, other):
            return True

    class Anything:
        def __eq__(self, other):
            return True

    probe, content = run_probe(tmp_path, {"f": lambda x: Yes(0), "g": lambda x: Anything()},
                               [("f", (1,)), ("g", (np.ones(2),))])
    probe.expected = [{"value": encoded(0)}, {"value": encoded(np.ones(2))}]
    results = json.loads(content)
    assert results[0]["value"] == {"unsupported": "a Yes"} and results[1]["value"] == {"unsupported": "a Anything"}
    assert "not a number" in probe.check(content)


def test_probe_check_reports_missing_broken_and_failing_results(tmp_path):
    probe, content = run_probe(tmp_path, {"f": lambda X: X.sum(axis=0)}, [("f", (np.ones((2, 3)),))])
    probe.expected = [{"value": encoded(np.full(3, 2.0))}]
    assert probe.check(content) == ""
    assert "did not run" in probe.check(None)
    assert "unreadable" in probe.check(b"{not json")
    assert "incomplete" in probe.check(b"[]")
    failing, content = run_probe(tmp_path, {"f": lambda X: 1 / 0}, [("f", (np.ones(2),))])
    failing.expected = probe.expected
    assert "ZeroDivisionError" in failing.check(content)


def test_pilot_probes_are_fresh_and_match_the_reference():
    source = load_source(A).notebook
    one, same, other = make_probes(A, source, seed=1), make_probes(A, source, seed=1), make_probes(A, source, seed=2)
    assert set(one) == {gid for gid, *_ in load_source(A).tests()}, "every pilot test cell has probes"
    X = one["test_mean_pool_visible"].calls[0][1][0]
    np.testing.assert_array_equal(X, same["test_mean_pool_visible"].calls[0][1][0])
    assert X.shape != other["test_mean_pool_visible"].calls[0][1][0].shape or \
        not np.array_equal(X, other["test_mean_pool_visible"].calls[0][1][0])
    expected = one["test_mean_pool_visible"].expected[0]["value"]
    assert compare(encoded(X.mean(axis=0)), expected, "mean_pool") == ""
    T, D, H, K = one["test_count_parameters_hidden"].calls[0][1]
    assert compare(encoded((T * D * H + H + H * K + K, H * D + H * H + H + H * K + K)),
                   one["test_count_parameters_hidden"].expected[0]["value"], "count") == ""
    assert one["test_mean_pool_visible"].filename != other["test_mean_pool_visible"].filename


def test_untrusted_files_are_read_without_following_links(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("the solutions")
    (tmp_path / "link.json").symlink_to(secret)
    os.mkfifo(tmp_path / "fifo.json")
    (tmp_path / "big.json").write_bytes(b"x" * 2048)
    (tmp_path / "ok.json").write_bytes(b"[1]")
    assert read_untrusted_file(tmp_path, "link.json") is None
    assert read_untrusted_file(tmp_path, "fifo.json") is None
    assert read_untrusted_file(tmp_path, "big.json", max_bytes=1024) is None
    assert read_untrusted_file(tmp_path, "missing.json") is None
    assert read_untrusted_file(tmp_path, "ok.json") == b"[1]"


def test_a_probe_for_an_unknown_test_cell_is_an_error(tmp_path, monkeypatch):
    import autograder.probes as probes

    (tmp_path / f"{A}.py").write_text("def probes(rng):\n    return {'test_nothing': [('f', (1,))]}\n")
    monkeypatch.setattr(probes, "FOLDER", tmp_path)
    with pytest.raises(ValueError, match="test_nothing"):
        make_probes(A, load_source(A).notebook, seed=0)
