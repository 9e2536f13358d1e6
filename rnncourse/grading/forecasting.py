"""Reference answers and classic mistakes for the forecasting exercise (assignment 11).

The references reuse the chapter's code (``rnncourse.data.timeseries.make_windows`` and the
baselines of ``rnncourse.experiments.forecasting``), so the exercise and the book agree.

``toy_series``         a short synthetic monthly series: trend + 12-month season + noise;
``reference_windows``  time-major inputs (window, N, 1) and targets (N, horizon);
``window_mistakes``    {message: wrong value} for inputs and targets (batch-first, leaked target);
``reference_seasonal_naive`` and ``seasonal_naive_mistakes``;
``reference_linear_ar`` and ``linear_ar_mistakes``: least squares with an intercept, weights
                       ordered like the window (oldest lag first), intercept last;
``reference_rmse`` and ``rmse_mistakes``: root mean squared error per horizon step.
"""
from __future__ import annotations

import numpy as np

from ..data.timeseries import make_windows
from ..experiments.forecasting import fit_linear_ar, rmse_by_horizon, seasonal_naive_forecast


def toy_series(n: int, rng: np.random.Generator, season: int = 12, noise: float = 0.3) -> np.ndarray:
    """``n`` values of a rising line plus a seasonal sine plus Gaussian noise (float64)."""
    t = np.arange(n)
    return 0.1 * t + 2.0 * np.sin(2 * np.pi * t / season) + noise * rng.normal(size=n)


def reference_windows(series, window: int, horizon: int) -> tuple[np.ndarray, np.ndarray]:
    """Inputs (window, N, 1) time-major and targets (N, horizon)."""
    X, Y = make_windows(series, window, horizon)                 # (N, window), (N, horizon)
    return X.T[..., None], Y


def window_mistakes(series, window: int, horizon: int) -> tuple[dict, dict]:
    """({message: wrong inputs}, {message: wrong targets}) for the classic windowing mistakes."""
    series = np.asarray(series, dtype=np.float64)
    X, Y = make_windows(series, window, horizon)
    N = len(X)
    index = np.arange(N)[:, None]
    leaked_targets = series[index + window - 1 + np.arange(horizon)]   # first target = last input
    leaked_inputs = series[index + 1 + np.arange(window)]              # last input = first target
    inputs = {
        "The inputs are batch-first (N, window, 1); the course's models read time-major (window, N, 1).":
            X[..., None],
        "The inputs are (window, N) without the feature axis: add a last axis of size 1.": X.T,
        "The inputs end one step too late: the last input of each window is its first target "
        "(leakage of the answer into the input).": leaked_inputs.T[..., None],
    }
    targets = {
        "The targets start one step too early: the first target repeats the last input of the window, "
        "so the forecast 'knows' the answer. Targets start right after the window.": leaked_targets,
        "The targets are transposed: return them as (N, horizon), one row per window.": Y.T,
    }
    return inputs, targets


def reference_seasonal_naive(history, season: int, horizon: int) -> np.ndarray:
    """(horizon,) forecast: step k repeats the value one season before it, cycling the last season."""
    history = np.asarray(history, dtype=np.float64)
    if horizon <= season:
        return seasonal_naive_forecast(history[None, :], horizon, season)[0]
    return np.resize(history[-season:], horizon)


def seasonal_naive_mistakes(history, season: int, horizon: int) -> dict:
    history = np.asarray(history, dtype=np.float64)
    shifted_back = np.resize(history[-season - 1:-1], horizon)
    shifted_forward = np.resize(np.append(history[-season + 1:], history[-season + 1]), horizon)
    return {
        "Every step repeats the last value: that is the 'last value' baseline, not seasonal naive.":
            np.full(horizon, history[-1]),
        "The forecast is one step out of phase (it starts at history[-season-1]): "
        "step k = 1 must read history[-season].": shifted_back,
        "The forecast is one step out of phase (it starts at history[-season+1]): "
        "step k = 1 must read history[-season].": shifted_forward,
    }


def reference_linear_ar(series, p: int) -> np.ndarray:
    """Weights (p + 1,): ``w[:p]`` for the lags oldest first, ``w[p]`` the intercept (plain least squares)."""
    X, Y = make_windows(series, p, 1)
    return fit_linear_ar(X, Y, ridge=0.0)[:, 0]


def linear_ar_mistakes(series, p: int) -> dict:
    series = np.asarray(series, dtype=np.float64)
    X, Y = make_windows(series, p, 1)
    no_intercept = np.append(np.linalg.lstsq(X, Y[:, 0], rcond=None)[0], 0.0)
    w = reference_linear_ar(series, p)
    copy_last = np.zeros(p + 1)
    copy_last[p - 1] = 1.0
    mistakes = {
        "The fit has no intercept (w[p] is 0 and the lags absorb the level): add a column of ones.":
            no_intercept,
        "The lag weights are in reverse order: w[0] multiplies the OLDEST value of the window, "
        "w[p-1] the most recent one.": np.append(w[:p][::-1], w[p]),
        "The weights copy the last input exactly: the target leaked into the inputs "
        "(each row must predict the value AFTER its p lags).": copy_last,
    }
    if p == 1:   # reversing one weight changes nothing
        mistakes.pop(next(k for k in mistakes if "reverse order" in k))
    return mistakes


def reference_rmse(forecast, truth) -> np.ndarray:
    return rmse_by_horizon(np.asarray(forecast, dtype=np.float64), np.asarray(truth, dtype=np.float64))


def rmse_mistakes(forecast, truth) -> dict:
    error = np.asarray(forecast, dtype=np.float64) - np.asarray(truth, dtype=np.float64)
    return {
        "You returned the mean squared error: take the square root.": np.mean(error ** 2, axis=0),
        "You returned the mean absolute error, not the root mean squared error.": np.mean(np.abs(error), axis=0),
        "You averaged over the horizon (axis 1); average over the windows (axis 0), "
        "one RMSE per horizon step.": np.sqrt(np.mean(error ** 2, axis=1)),
    }
