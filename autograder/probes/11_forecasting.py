"""Probes of assignment 11_forecasting: each test's functions, called on the grader's own inputs.

Series and sizes come from the grader's seed; they cover what the hidden tests check (window 1
and horizon 1, a window that leaves one target, horizons shorter than, equal to and longer than
the season, season 1, several orders p, one window and one step), and name the classic mistakes
with the generators of ``rnncourse.grading.forecasting``. fit_linear_ar is allowed the looser
tolerance of its hidden test (a least-squares solution is computed in several valid ways).
"""
from autograder.probes import Call
from autograder.probes.judge import array_check, fields, same_array
from rnncourse.grading.forecasting import linear_ar_mistakes, rmse_mistakes, seasonal_naive_mistakes, toy_series, window_mistakes

HIDDEN = {
    "test_make_windows_hidden": "make_windows on random series, windows and horizons (including window 1 and horizon 1).",
    "test_seasonal_naive_hidden": "seasonal_naive on noisy seasonal series, horizons shorter than, equal to and longer than the season.",
    "test_fit_linear_ar_hidden": "fit_linear_ar on noisy seasonal series for several orders p (least squares).",
    "test_rmse_hidden": "rmse on random forecasts of several sizes (including one window and one step).",
}
NAIVE = array_check("the forecast", lambda history, season, horizon:
                    seasonal_naive_mistakes(history, season, horizon) if len(history) > season else None,
                    hint="step k repeats the value one season before it; past one season, start the last season again.")
AR = array_check("w", linear_ar_mistakes, hint="least squares on rows (p lags oldest first, 1) against the next value.",
                 rtol=1e-5, atol=1e-6)
RMSE = array_check("the RMSE per step", rmse_mistakes)


def _windows(got, want, args):
    series, window, horizon = args
    X, Y = fields("make_windows", got, 2)
    wrong_X, wrong_Y = window_mistakes(series, window, horizon)
    same_array(f"X for window={window}, horizon={horizon}", X, want[0], mistakes=wrong_X)
    same_array(f"Y for window={window}, horizon={horizon}", Y, want[1], mistakes=wrong_Y)


def probes(rng):
    def size(low, high):
        return int(rng.integers(low, high + 1))

    def windows(L, window, horizon, check=None, label=""):
        return Call("make_windows", (rng.normal(size=L).cumsum(), window, horizon), check, label)

    def sizes(window, horizon):
        return window + horizon + size(0, 20), window, horizon

    def naive(L, season, horizon, check=None, label=""):
        return Call("seasonal_naive", (toy_series(L, rng, season=max(season, 2)), season, horizon), check, label)

    def ar(L, p):
        return Call("fit_linear_ar", (toy_series(L, rng) + 5.0, p), AR, f"p={p}")

    def rmse(N, horizon, check=None, label=""):
        return Call("rmse", (rng.normal(size=(N, horizon)), rng.normal(size=(N, horizon))), check, label)

    season = size(2, 8)
    return {
        "test_make_windows_visible": [windows(size(12, 20), size(2, 5), size(1, 3))],
        "test_make_windows_hidden": [windows(2, 1, 1, _windows, "L=2, window=1, horizon=1"),
                                     windows(*sizes(size(3, 12), size(2, 12)), check=_windows),
                                     windows(17, 16, 1, _windows, "one target")],
        "test_seasonal_naive_visible": [naive(size(season, 30), season, size(1, season))],
        "test_seasonal_naive_hidden": [naive(size(season + 1, 30), season, size(1, season - 1), NAIVE, "horizon < season"),
                                       naive(size(season + 1, 30), season, size(season + 1, 3 * season), NAIVE,
                                             "horizon > season"),
                                       naive(season, season, season, NAIVE, "horizon = season = L"),
                                       naive(size(1, 6), 1, size(1, 4), NAIVE, "season 1")],
        "test_fit_linear_ar_hidden": [ar(size(25, 40), 1), ar(size(50, 70), size(2, 4)), ar(size(70, 90), 12)],
        "test_rmse_visible": [rmse(size(2, 6), size(1, 4))],
        "test_rmse_hidden": [rmse(1, 1, RMSE, "N=1, horizon=1"), rmse(size(2, 50), size(1, 12), RMSE)],
    }
