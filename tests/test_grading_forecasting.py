"""The forecasting exercise's references agree with hand-computed answers, and every classic
mistake it names produces a value different from the reference (so its message can be reached)."""
import numpy as np
import pytest

from rnncourse.grading.forecasting import (linear_ar_mistakes, reference_linear_ar, reference_rmse,
                                           reference_seasonal_naive, reference_windows, rmse_mistakes,
                                           seasonal_naive_mistakes, toy_series, window_mistakes)


def test_windows_are_time_major_and_targets_follow_the_window():
    X, Y = reference_windows(np.arange(10.0), 3, 2)
    assert X.shape == (3, 6, 1) and Y.shape == (6, 2)
    assert X[:, 2, 0].tolist() == [2.0, 3.0, 4.0] and Y[2].tolist() == [5.0, 6.0]


def test_seasonal_naive_repeats_the_last_season():
    history = np.array([9.0, 1, 2, 3, 4, 5, 6, 7, 8])
    assert reference_seasonal_naive(history, 4, 3).tolist() == [5.0, 6.0, 7.0]
    assert reference_seasonal_naive(history, 4, 6).tolist() == [5.0, 6.0, 7.0, 8.0, 5.0, 6.0]


def test_linear_ar_recovers_an_exact_autoregression():
    series = [1.0, 2.0]
    for _ in range(20):
        series.append(0.3 * series[-2] + 0.5 * series[-1] + 1.0)
    np.testing.assert_allclose(reference_linear_ar(np.array(series), 2), [0.3, 0.5, 1.0], atol=1e-6)


def test_rmse_is_per_horizon_step():
    forecast, truth = np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([[1.0, 0.0], [0.0, 4.0]])
    np.testing.assert_allclose(reference_rmse(forecast, truth), [np.sqrt(4.5), np.sqrt(2.0)])


def _all_differ(reference, mistakes):
    for message, wrong in mistakes.items():
        wrong = np.asarray(wrong, dtype=float)
        assert wrong.shape != reference.shape or not np.allclose(wrong, reference), message


@pytest.mark.parametrize("L,window,horizon", [(25, 12, 3), (40, 5, 12), (6, 2, 1)])
def test_window_mistakes_differ_from_the_reference(L, window, horizon):
    series = toy_series(L, np.random.default_rng(L))
    X, Y = reference_windows(series, window, horizon)
    wrong_X, wrong_Y = window_mistakes(series, window, horizon)
    _all_differ(X, wrong_X)
    _all_differ(Y, wrong_Y)


@pytest.mark.parametrize("L,season,horizon", [(30, 12, 5), (23, 7, 16)])
def test_seasonal_and_ar_and_rmse_mistakes_differ_from_the_reference(L, season, horizon):
    rng = np.random.default_rng(season)
    history = toy_series(L, rng, season=season)
    _all_differ(reference_seasonal_naive(history, season, horizon), seasonal_naive_mistakes(history, season, horizon))
    series = toy_series(60, rng) + 5.0
    _all_differ(reference_linear_ar(series, 3), linear_ar_mistakes(series, 3))
    forecast, truth = rng.normal(size=(7, horizon)), rng.normal(size=(7, horizon))
    _all_differ(reference_rmse(forecast, truth), rmse_mistakes(forecast, truth))
