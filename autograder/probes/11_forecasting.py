"""Probes of assignment 11_forecasting: each test's functions, called on the grader's own inputs.

Series and sizes come from the grader's seed; they cover what the hidden tests check (window 1
and horizon 1, a window that leaves one target, horizons shorter than, equal to and longer than
the season, season 1, several orders p, one window and one step), and name the classic mistakes
with the generators of ``rnncourse.grading.forecasting``. fit_linear_ar is allowed the looser
tolerance of its hidden test (a least-squares solution is computed in several valid ways).

The newer tasks: ar1_forecast_rmse for a positive and a negative phi, a random walk (phi = 1) and an
explosive phi > 1; recursive_forecast with weights fitted to the grader's series for p = 1, a small p
and p = 12, horizons longer than p; rnn_forecast_torch on CPU in float64 (mistakes named by
``rnncourse.grading.rollout``) and on the ``meta`` device in float32; compare_forecasts on the CO2
series with the grader's order, horizon and split, checked by value (it is deterministic) and for
the property the experiment is about (the rollout beats seasonal naive one step ahead).
"""
import numpy as np

from autograder.probes import Call
from autograder.probes.judge import Feedback, array_check, dict_check, fields, meta_check, same_array
from autograder.probes.wire import Tensor
from rnncourse.data.timeseries import load_co2_monthly
from rnncourse.grading.forecasting import (linear_ar_mistakes, reference_linear_ar, rmse_mistakes, seasonal_naive_mistakes,
                                           toy_series, window_mistakes)
from rnncourse.grading.rollout import ar1_rmse_mistakes, rnn_forecast_mistakes, rollout_mistakes

HIDDEN = {
    "test_make_windows_hidden": "make_windows on random series, windows and horizons (including window 1 and horizon 1).",
    "test_seasonal_naive_hidden": "seasonal_naive on noisy seasonal series, horizons shorter than, equal to and longer than the season.",
    "test_fit_linear_ar_hidden": "fit_linear_ar on noisy seasonal series for several orders p (least squares).",
    "test_rmse_hidden": "rmse on random forecasts of several sizes (including one window and one step).",
    "test_ar1_forecast_rmse_hidden": "ar1_forecast_rmse for other phi (negative, |phi| >= 1 included), sigma and horizons.",
    "test_recursive_forecast_hidden": "recursive_forecast for several orders p (p = 1 included) and horizons, on fitted weights.",
    "test_rnn_forecast_torch_hidden": "rnn_forecast_torch on random shapes on CPU in float64, and on the meta device in float32.",
    "test_compare_forecasts_hidden": "compare_forecasts on the CO2 series with other orders and splits: the errors and their "
                                     "properties.",
}
NAIVE = array_check("the forecast", lambda history, season, horizon:
                    seasonal_naive_mistakes(history, season, horizon) if len(history) > season else None,
                    hint="step k repeats the value one season before it; past one season, start the last season again.")
AR = array_check("w", linear_ar_mistakes, hint="least squares on rows (p lags oldest first, 1) against the next value.",
                 rtol=1e-5, atol=1e-6)
RMSE = array_check("the RMSE per step", rmse_mistakes)
AR1 = array_check("the RMSE per step", ar1_rmse_mistakes,
                  hint="unroll x_{t+k} to x_t: the error is sum_{j<k} phi^j eps_{t+k-j}, and independent shocks add variances.")
ROLLOUT = array_check("the forecasts", rollout_mistakes,
                      hint="each step reads the p most recent values, oldest first, its own earlier forecasts included.")
FIXED = ("Make every new tensor from the inputs (X.new_zeros, device=X.device, dtype=X.dtype), never on a fixed device "
         "or with a fixed dtype.")
COMPARE = dict_check(("seasonal_naive", "ar"), hints={
    "seasonal_naive": "one forecast per origin t = n_train .. len(series) - horizon, from the history series[:t] (this "
                      "runs your seasonal_naive and rmse: make their tests pass first).",
    "ar": "fit on series[:n_train] only, then roll out from every origin's own history series[:t] (this runs your "
          "fit_linear_ar and recursive_forecast: make their tests pass first)."})


def _forecast_torch(got, want, args):
    same_array("the forecasts", got, want, mistakes=rnn_forecast_mistakes(*(a.value for a in args)),
               float64_reason="the inputs are float64 tensors and the result keeps their dtype")


_on_meta = meta_check("(N, K)", FIXED)


def _compared(got, want, args):
    COMPARE(got, want, args)
    if not got["ar"][0] < got["seasonal_naive"][0]:
        raise Feedback("One step ahead your AR rollout should beat seasonal naive on CO2.")


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

    def ar1(phi, label):
        return Call("ar1_forecast_rmse", (float(phi), float(rng.uniform(0.5, 3.0)), size(3, 10)), AR1, label)

    def rollout(p):
        history = toy_series(size(40, 60), rng) + 5.0
        return Call("recursive_forecast", (reference_linear_ar(history, p), history, size(p + 2, p + 14)), ROLLOUT, f"p={p}")

    def forecaster(T, N, D, H, K):
        args = (rng.normal(size=(T, N, D)), rng.uniform(-0.8, 0.8, size=(H, D)), rng.uniform(-0.8, 0.8, size=(H, H)),
                rng.uniform(-0.5, 0.5, size=H), rng.uniform(-0.8, 0.8, size=(K, H)), rng.uniform(-0.5, 0.5, size=K))
        args, label = tuple(Tensor(a) for a in args), f"T={T}, N={N}, D={D}, H={H}, K={K}"
        return [Call("rnn_forecast_torch", args, _forecast_torch, f"{label}, CPU float64"),
                Call("rnn_forecast_torch", args, _on_meta, f"{label}, meta device float32", driver="meta",
                     on_error="Meta tensors have no values: a tensor on a fixed device, NumPy, .numpy() and .item() fail "
                              "there. " + FIXED)]

    _, co2 = load_co2_monthly()
    # season >= 3: with season 2 the out-of-phase forecast starting at history[-season+1] is the last value
    season = size(3, 8)
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
        "test_ar1_forecast_rmse_hidden": [ar1(rng.uniform(0.3, 0.9), "0 < phi < 1"), ar1(rng.uniform(-0.9, -0.3), "phi < 0"),
                                          ar1(1.0, "phi = 1, a random walk"), ar1(rng.uniform(1.05, 1.3), "phi > 1")],
        "test_recursive_forecast_visible": [Call("recursive_forecast", (np.array([0.2, -0.4, 0.7, 0.5]),
                                                                        toy_series(size(8, 15), rng), size(4, 8)))],
        "test_recursive_forecast_hidden": [rollout(1), rollout(size(2, 4)), rollout(12)],
        "test_rnn_forecast_torch_hidden": forecaster(1, 1, 1, 1, 1) + forecaster(size(3, 8), size(2, 5), size(1, 3),
                                                                                size(2, 5), size(2, 4)),
        "test_compare_forecasts_hidden": [Call("compare_forecasts", (co2, p, 12, size(6, 12), size(380, 440)), _compared, f"p={p}")
                                          for p in (12, size(14, 24))],
    }
