"""The teaching checks used by every test cell."""
import numpy as np
import pytest

from rnncourse.grading import Feedback, check_array, check_equal, check_true


def message(fn, *args, **kwargs) -> str:
    with pytest.raises(Feedback) as info:
        fn(*args, **kwargs)
    return str(info.value)


W = np.arange(1.0, 7.0).reshape(2, 3)


def test_a_correct_value_passes_silently():
    check_array("W", W.copy(), W)
    check_array("W", W + 1e-12, W)


@pytest.mark.parametrize("got,expected_text", [
    (None, "forget to `return`"),
    ("text", "should be a NumPy array"),
    (W.T, "transposed"),
    (W.reshape(3, 2) * 0 + W.ravel().reshape(3, 2), "transposed"),
    (3 * W, "constant factor of 3"),
    (-W, "wrong sign"),
    (np.zeros_like(W), "all zeros"),
    (W + np.array([[0, 0.5, 0], [0, 0, 0]]), "largest error is 0.5 at index (0, 1)"),
    (np.stack([W, W]), "extra leading axis"),
    (W[0], "has shape (3,), expected (2, 3)"),
    (W * np.nan, "NaN"),
])
def test_each_kind_of_mistake_gets_its_explanation(got, expected_text):
    assert expected_text in message(check_array, "W", got, W)


def test_a_known_mistake_is_named_even_when_it_changes_the_shape():
    text = message(check_array, "X", W.T, W, mistakes={"X is batch-first.": W.T})
    assert "X is batch-first." in text


def test_an_object_that_equals_everything_does_not_pass():
    class Liar:
        def __eq__(self, other):
            return True

    assert "should be a NumPy array" in message(check_array, "W", Liar(), W)
    assert "should be a int" in message(check_equal, "n", Liar(), 3)


def test_the_value_is_copied_before_comparison():
    got = W.copy()
    check_array("W", got, W)
    got[0, 0] = 100  # later mutation cannot matter: it was already judged
    assert "largest error" in message(check_array, "W", got, W)


def test_check_equal_and_check_true():
    check_equal("n", 3, 3)
    check_equal("n", np.int64(3), 3)
    assert "is 4, expected 3" in message(check_equal, "n", 4, 3)
    assert "should be a int" in message(check_equal, "n", True, 3)
    check_true(True, "never")
    check_true(np.bool_(True), "never")
    assert message(check_true, 1, "must be exactly True") == "must be exactly True"
