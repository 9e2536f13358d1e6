"""Stored cases of assignment 11_forecasting (see autograder/cases/__init__.py)."""
import numpy as np
import torch

from autograder.cases import case
from rnncourse.data.timeseries import load_co2_monthly
from rnncourse.grading.rollout import ar1_rmse_mistakes, rnn_forecast_mistakes, rollout_mistakes

OUT_OF_PHASE = ("The forecast is one step out of phase (it starts at history[{}]): step k = 1 must read "
                "history[-season].")


def cases(solution):
    series = np.arange(10.0)
    X, Y = solution.make_windows(series, 3, 2)
    history = np.array([9.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0])      # last season of 4: 5, 6, 7, 8

    ar = [1.0, 2.0]
    for t in range(2, 20):
        ar.append(0.3 * ar[-2] + 0.5 * ar[-1] + 1.0)       # x_t = 0.3 x_{t-2} + 0.5 x_{t-1} + 1
    ar = np.array(ar)
    w = solution.fit_linear_ar(ar, 2)
    lags = np.stack([ar[:-2], ar[1:-1]], axis=1)            # (18, 2): rows without the column of ones

    forecast = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    truth = np.array([[1.0, 0.0], [0.0, 4.0], [5.0, 0.0]])
    error = forecast - truth

    rng = np.random.default_rng(11)
    H, K = 4, 2
    rnn_args = (rng.normal(size=(6, 3, 1)), rng.uniform(-0.8, 0.8, size=(H, 1)), rng.uniform(-0.8, 0.8, size=(H, H)),
                rng.uniform(-0.5, 0.5, size=H), rng.uniform(-0.8, 0.8, size=(K, H)), rng.uniform(-0.5, 0.5, size=K))
    w_ar, history = np.array([0.3, 0.5, 1.0]), np.array([2.0, 4.0, 1.0, 3.0, 5.0])
    _, co2 = load_co2_monthly()
    return {
        "ar1_forecast_rmse": case(solution.ar1_forecast_rmse, 0.8, 2.0, 5, mistakes=ar1_rmse_mistakes(0.8, 2.0, 5)),
        "recursive_forecast": case(solution.recursive_forecast, w_ar, history, 4,
                                   mistakes=rollout_mistakes(w_ar, history, 4)),
        "rnn_forecast": case(lambda *a: solution.rnn_forecast_torch(*map(torch.from_numpy, a)).numpy(), *rnn_args, mistakes=rnn_forecast_mistakes(*rnn_args)),
        "compare_forecasts": case(solution.compare_forecasts, co2, 13, 12, 12, 400),
        "make_windows": case(solution.make_windows, series, 3, 2, mistakes={
            "X": {"The inputs are batch-first (N, window, 1); the course's models read time-major (window, N, 1).":
                      X.transpose(1, 0, 2),
                  "The inputs are (window, N) without the feature axis: add a last axis of size 1.": X[:, :, 0],
                  "The inputs end one step too late: the last input of each window is its first target "
                  "(leakage of the answer into the input).": X + 1},
            "Y": {"The targets start one step too early: the first target repeats the last input of the window, "
                  "so the forecast 'knows' the answer. Targets start right after the window.": Y - 1,
                  "The targets are transposed: return them as (N, horizon), one row per window.": Y.T}}),
        "seasonal_naive_3": case(solution.seasonal_naive, history, 4, 3, mistakes={
            "Every step repeats the last value: that is the 'last value' baseline, not seasonal naive.":
                np.full(3, history[-1]),
            OUT_OF_PHASE.format("-season-1"): history[-5:-2],
            OUT_OF_PHASE.format("-season+1"): history[-3:]}),
        "seasonal_naive_6": case(solution.seasonal_naive, history, 4, 6),
        "fit_linear_ar": case(solution.fit_linear_ar, ar, 2, forecast=ar[-2:] @ w[:2] + w[2], mistakes={
            "The fit has no intercept (w[p] is 0 and the lags absorb the level): add a column of ones.":
                np.append(np.linalg.lstsq(lags, ar[2:], rcond=None)[0], 0.0),
            "The lag weights are in reverse order: w[0] multiplies the OLDEST value of the window, "
            "w[p-1] the most recent one.": np.append(w[1::-1], w[2]),
            "The weights copy the last input exactly: the target leaked into the inputs "
            "(each row must predict the value AFTER its p lags).": np.array([0.0, 1.0, 0.0])}),
        "rmse": case(solution.rmse, forecast, truth, mistakes={
            "You returned the mean squared error: take the square root.": np.mean(error ** 2, axis=0),
            "You returned the mean absolute error, not the root mean squared error.": np.mean(np.abs(error), axis=0),
            "You averaged over the horizon (axis 1); average over the windows (axis 0), "
            "one RMSE per horizon step.": np.sqrt(np.mean(error ** 2, axis=1))}),
    }
