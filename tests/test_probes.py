"""The grader's probes: the probe cell's code, reference results, seeds, and reading files safely."""
from __future__ import annotations

import json
import os

import numpy as np
import pytest

from autograder.grading import load_source
from autograder.probes import Call, Probe, hidden_tests, make_probes
from autograder.probes.judge import same_values
from autograder.probes.wire import decode, encode_args
from autograder.sandbox import read_untrusted_file

A = "01_why_recurrent"


def run_probe(tmp_path, functions: dict, calls) -> tuple[Probe, bytes]:
    """Run a probe cell's code in a plain namespace holding ``functions``; return what it wrote."""
    probe = Probe("test", [c if isinstance(c, Call) else Call(c[0], tuple(c[1])) for c in calls], "out.json")
    namespace = dict(functions)
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        exec(probe.code, namespace)
    finally:
        os.chdir(cwd)
    return probe, (tmp_path / "out.json").read_bytes()


def test_generic_comparison_follows_the_precision_rule():
    X = np.arange(6.0).reshape(2, 3)
    assert same_values("f(X)", X + 1e-12, X) == ""
    assert same_values("f(X)", X.tolist(), X) == "", "lists of numbers count as arrays"
    assert "shape (3, 2)" in same_values("f(X)", X.T, X)
    assert "largest error" in same_values("f(X)", X + 1e-3, X)
    assert "NaN" in same_values("f(X)", X * np.nan, X * np.nan), "NaN never matches"
    assert same_values("f(X)", (X * (1 + 3e-5)).astype(np.float32), X) == "", "float32 is right within its tolerance"
    assert same_values("f(X)", X * (1 + 3e-5), X) != "", "float64 is held to 1e-6"
    assert "float16" in same_values("f(X)", X.astype(np.float16), X)
    assert "integers" in same_values("count", (2.0, 3.0), (2, 3))
    assert same_values("count", (np.int64(2), 3), (2, 3)) == ""
    assert "sequence of 2" in same_values("pad", (X,), (X, np.array([1, 2])))


def test_probe_code_refuses_objects_that_pretend(tmp_path):
    class Yes(int):
        def __eq__(self, other):
            return True

    class Anything:
        def __eq__(self, other):
            return True

    probe, content = run_probe(tmp_path, {"f": lambda x: Yes(0), "g": lambda x: Anything()},
                               [("f", (1,)), ("g", (np.ones(2),))])
    probe.expected = [{"value": {"py": 0}}, {"value": encode_args(np.ones(2))}]
    results = json.loads(content)
    assert results[0]["value"] == {"unsupported": "object"} and results[1]["value"] == {"unsupported": "object"}
    assert "not a number" in probe.check(content)


def test_probe_check_reports_missing_broken_and_failing_results_in_its_own_words(tmp_path):
    probe, content = run_probe(tmp_path, {"f": lambda X: X.sum(axis=0)}, [("f", (np.ones((2, 3)),))])
    probe.expected = [{"value": encode_args(np.full(3, 2.0))}]
    assert probe.check(content) == ""
    assert "no result was written" in probe.check(None)
    assert "not readable JSON" in probe.check(b"{not json")
    assert "did not finish" in probe.check(b"[]")

    def leaky(X):
        raise ValueError("text of the student's choosing")

    failing, content = run_probe(tmp_path, {"f": leaky}, [("f", (np.ones(2),))])
    failing.expected = probe.expected
    message = failing.check(content)
    assert "ValueError" in message and "choosing" not in message, "only the error's kind, never its text"

    class Custom(Exception):
        pass

    def custom(X):
        raise Custom("x")

    failing, content = run_probe(tmp_path, {"f": custom}, [("f", (np.ones(2),))])
    failing.expected = probe.expected
    assert "an exception" in failing.check(content) and "Custom" not in failing.check(content)


def test_seeded_probes_are_reproducible_and_match_the_reference():
    source = load_source(A).notebook
    one, same, other = make_probes(A, source, seed=1), make_probes(A, source, seed=1), make_probes(A, source, seed=2)
    assert set(one) == {gid for gid, *_ in load_source(A).tests()}, "every pilot test cell has probes"
    X = one["test_mean_pool_visible"].calls[0].args[0]
    np.testing.assert_array_equal(X, same["test_mean_pool_visible"].calls[0].args[0])
    assert X.shape != other["test_mean_pool_visible"].calls[0].args[0].shape or \
        not np.array_equal(X, other["test_mean_pool_visible"].calls[0].args[0])
    expected = decode(one["test_mean_pool_visible"].expected[0]["value"])
    assert same_values("mean_pool", X.mean(axis=0), expected) == ""
    assert one["test_mean_pool_visible"].filename == same["test_mean_pool_visible"].filename


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
    probes.spec.cache_clear()
    try:
        with pytest.raises(ValueError, match="test_nothing"):
            make_probes(A, load_source(A).notebook, seed=0)
    finally:
        probes.spec.cache_clear()


def test_hidden_tests_are_the_probe_files_own():
    """Which tests are hidden, and what they check, come from the grader's files, not a cell's body."""
    hidden = hidden_tests(A)
    assert set(hidden) == {gid for gid, _, _, is_hidden in load_source(A).tests() if is_hidden}
    assert all(text.strip() for text in hidden.values())


def test_the_then_driver_hands_a_result_to_further_functions(tmp_path):
    """``then``: the first function's result (its first item when a tuple) goes to each named function."""
    functions = {"fit": lambda data, steps: ({"w": data * steps}, [1.0] * steps),
                 "use": lambda params, scale: params["w"] * scale}
    calls = [Call("fit", (np.arange(3.0), 2, [("use", (10.0,)), ("use", (-1.0,))]), driver="then"),
             Call("fit", (np.arange(3.0), 2, [("missing", ())]), driver="then")]
    _, content = run_probe(tmp_path, functions, calls)
    first, second = json.loads(content)
    (params, history), follow = decode(first["value"])
    np.testing.assert_array_equal(params["w"], [0.0, 2.0, 4.0])
    assert history == [1.0, 1.0]
    np.testing.assert_array_equal(follow[0], [0.0, 20.0, 40.0])
    np.testing.assert_array_equal(follow[1], [-0.0, -2.0, -4.0])
    assert second == {"error": "NameError"}


def test_a_wrong_component_explains_a_failing_composed_function_and_fails_nothing_alone(tmp_path):
    X = np.arange(6.0).reshape(2, 3)
    calls = [Call("part", (X,), component=True), Call("whole", (X,))]
    expected = [{"value": encode_args(X.sum(axis=0))}, {"value": encode_args(2 * X.sum(axis=0))}]

    def run(part, whole):
        probe, content = run_probe(tmp_path, {"part": part, "whole": whole}, calls)
        probe.expected = expected
        return probe.check(content)

    right_whole = lambda X: 2 * X.sum(axis=0)
    assert run(lambda X: X.sum(axis=0), right_whole) == ""
    assert run(lambda X: X.sum(axis=1), right_whole) == "", "a composed function that is right passes on its own"
    message = run(lambda X: X.sum(axis=1), lambda X: 2 * X.sum(axis=1))
    assert message.startswith("this test runs your part, and on the grader's inputs your part is wrong: ")
    assert message.endswith("Fix part first (its own test says more).")
    assert "whole" not in message
    assert "the grader called whole" in run(lambda X: X.sum(axis=0), lambda X: X.sum(axis=0))
