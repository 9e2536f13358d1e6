"""The checks speak only when sure: ambiguous mistakes are not named, hints survive every failure
that names no cause, and a failure says where the values differ."""
import numpy as np
import pytest

from rnncourse.grading import Feedback, check_array


def message(*args, **kwargs) -> str:
    with pytest.raises(Feedback) as info:
        check_array(*args, **kwargs)
    return str(info.value)


W = np.arange(1.0, 7.0).reshape(2, 3)


def test_two_mistakes_with_the_same_value_name_neither():
    wrong = W + 1.0
    text = message("W", wrong, W, mistakes={"swapped the gates i and f.": wrong, "forget gate on the candidate.": wrong.copy()})
    assert "swapped" not in text and "candidate" not in text
    assert "more than one classic mistake" in text and "largest error" in text


def test_one_matching_mistake_is_named_without_the_hint():
    text = message("W", W + 1.0, W, mistakes={"is off by one.": W + 1.0, "is doubled.": 2 * W}, hint="add nothing.")
    assert text == "W is wrong. is off by one."


@pytest.mark.parametrize("got,fact", [(W[:1], "has shape (1, 3)"), (W * np.nan, "NaN")])
def test_the_hint_stays_on_a_shape_error_and_on_nan(got, fact):
    text = message("W", got, W, hint="one row per example.")
    assert fact in text and text.endswith("Hint: one row per example.")


def test_the_difference_says_where_it_starts():
    want = np.arange(24.0).reshape(4, 3, 2) + 1      # (T, B, H)
    got = want.copy()
    got[2:] += 0.5
    text = message("Hs", got, want)
    assert "12 of 24 entries differ, the first at index (2, 0, 0)" in text
    got = want.copy()
    got[1, 2, 1] = 0.0
    assert "only entry that differs" in message("Hs", got, want)


def test_all_zeros_states_a_fact_not_a_cause():
    text = message("h", np.zeros(5), np.ones(5))
    assert "all zeros" in text and "stub" not in text


@pytest.mark.parametrize("got,want", [(np.array(2.0), np.array(1.0)), (np.array([[3.0]]), np.array([[1.5]]))])
def test_no_factor_on_a_single_number(got, want):
    assert "factor" not in message("y", got, want)
