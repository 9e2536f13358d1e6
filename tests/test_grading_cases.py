"""rnncourse.grading.cases: stored cases read back bit for bit, as fresh copies, with clear errors."""
import json

import numpy as np
import pytest
import torch

from rnncourse.grading.cases import Case, StoredCases, decode, dumps, encode


def test_values_round_trip_exactly():
    rng = np.random.default_rng(0)
    value = {"args": [rng.normal(size=(2, 3)), None, 3, 0.1 + 0.2, "text", (np.arange(4), [1.5, True])],
             "expected": torch.tensor([[1.0, 2.0]], dtype=torch.float64), "small": np.float32(1) / 3}
    back = decode(json.loads(json.dumps(encode(value))))
    assert np.array_equal(back["args"][0], value["args"][0]) and back["args"][0].dtype == np.float64
    assert back["args"][1:5] == [None, 3, 0.1 + 0.2, "text"]
    assert isinstance(back["args"][5], tuple) and back["args"][5][0].dtype == np.arange(4).dtype
    assert np.array_equal(back["expected"], [[1.0, 2.0]])
    assert back["small"] == float(np.float32(1) / 3)


def test_each_lookup_is_a_fresh_copy_and_fields_read_as_attributes(tmp_path):
    (tmp_path / "demo.json").write_text(dumps({"c": {"args": [np.zeros(3)], "expected": 1.0, "mistakes": {}}}))
    cases = StoredCases("demo", tmp_path)
    first = cases["c"]
    first.args[0][:] = 7.0                                  # a function that modifies its inputs
    assert isinstance(first, Case) and np.array_equal(cases["c"].args[0], np.zeros(3))
    assert cases["c"].expected == 1.0 and list(cases) == ["c"] and len(cases) == 1
    with pytest.raises(AttributeError, match="no field 'inputs'"):
        cases["c"].inputs


def test_a_missing_file_says_how_to_make_it(tmp_path):
    with pytest.raises(FileNotFoundError, match="course.py exercises"):
        StoredCases("absent", tmp_path)["anything"]


def test_what_cannot_be_stored_is_refused():
    with pytest.raises(TypeError, match="cannot store a function"):
        encode({"f": lambda: 0})
