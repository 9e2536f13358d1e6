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


@pytest.mark.parametrize("got,want", [
    (np.array([0.95]), np.array([1.0])),                  # one number: every wrong value is "a factor"
    (np.array([[1.9]]), np.array([[2.0]])),               # 1x1
    (np.array([0.5, 1.0, 1.5]), np.array([1.0, 2.0, 3.0])),  # too few entries to call it a pattern
])
def test_no_factor_diagnosis_on_too_few_entries(got, want):
    text = message(check_array, "y", got, want)
    assert "factor" not in text and "largest error" in text, text


def test_the_factor_diagnosis_needs_a_constant_ratio():
    want = np.arange(1.0, 9.0)
    assert "constant factor of 0.5" in message(check_array, "y", 0.5 * want, want)
    almost = 0.5 * want
    almost[3] += 0.1
    assert "factor" not in message(check_array, "y", almost, want)


def test_feedback_shows_in_ipython_as_its_message_alone():
    """IPython prints _render_traceback_ instead of the frames: one line, the message."""
    import re

    with pytest.raises(Feedback) as info:
        check_array("W", -W, W)
    lines = info.value._render_traceback_()
    plain = [re.sub(r"\x1b\[[0-9;]*m", "", line) for line in lines]
    assert plain == [f"Feedback: {info.value}"], plain
    assert not any("feedback.py" in line for line in lines)


def test_ipython_displays_a_failed_check_without_library_frames():
    from IPython.core.interactiveshell import InteractiveShell
    from IPython.utils.capture import capture_output

    shell = InteractiveShell.instance()
    shell.run_cell("from rnncourse.grading import check_array; import numpy as np")
    with capture_output() as captured:
        shell.run_cell("check_array('W', np.zeros(3), np.ones(3))")
    text = captured.stdout + captured.stderr
    assert "W is all zeros" in text, text
    assert "feedback.py" not in text and "Traceback" not in text, text


def test_visible_checks_follow_the_precision_rule():
    """A correct float32 result passes a visible check (float32 tolerances), a float32 result that
    is wrong beyond them fails, and a float16 result is named by its dtype, never a silent miss."""
    import torch

    from rnncourse.grading.feedback import Feedback, check_array

    rng = np.random.default_rng(3)
    want = rng.normal(size=(6, 5))
    check_array("h", want.astype(np.float32), want)
    check_array("h", torch.tensor(want, dtype=torch.float32), want)
    with pytest.raises(Feedback):
        check_array("h", (want * (1 + 1e-3)).astype(np.float32), want)
    with pytest.raises(Feedback):                       # float64 keeps its tight tolerance
        check_array("h", want * (1 + 1e-5), want)
    with pytest.raises(Feedback, match="float16"):
        check_array("h", want.astype(np.float16), want)
