"""Classic mistakes in the forecasting assignment and the feedback each must produce."""

# The experiment runs the student's own seasonal_naive, fit_linear_ar, rmse and recursive_forecast.
_EXPERIMENT = {"test_compare_forecasts_visible", "test_compare_forecasts_hidden"}

CASES = [
    dict(
        name="windows_batch_first",
        answers={"make_windows": (
            "def make_windows(series, window, horizon):\n"
            "    series = np.asarray(series, dtype=float)\n"
            "    N = len(series) - window - horizon + 1\n"
            "    X = np.stack([series[n:n + window] for n in range(N)])\n"
            "    Y = np.stack([series[n + window:n + window + horizon] for n in range(N)])\n"
            "    return X[:, :, None], Y\n")},
        failing={"test_make_windows_visible": "batch-first", "test_make_windows_hidden": "batch-first"},
    ),
    dict(
        name="target_leaks_into_window",
        answers={"make_windows": (
            "def make_windows(series, window, horizon):\n"
            "    series = np.asarray(series, dtype=float)\n"
            "    N = len(series) - window - horizon + 1\n"
            "    X = np.stack([series[n:n + window] for n in range(N)], axis=1)\n"
            "    Y = np.stack([series[n + window - 1:n + window - 1 + horizon] for n in range(N)])\n"
            "    return X[:, :, None], Y\n")},
        failing={"test_make_windows_visible": "first target repeats the last input",
                 "test_make_windows_hidden": "first target repeats the last input"},
    ),
    dict(
        name="seasonal_naive_is_last_value",
        answers={"seasonal_naive": (
            "def seasonal_naive(history, season, horizon):\n"
            "    return np.full(horizon, float(history[-1]))\n")},
        failing={"test_seasonal_naive_visible": "'last value' baseline",
                 "test_seasonal_naive_hidden": "'last value' baseline"},
        composed=_EXPERIMENT,
    ),
    dict(
        name="seasonal_naive_out_of_phase",
        answers={"seasonal_naive": (
            "def seasonal_naive(history, season, horizon):\n"
            "    history = np.asarray(history, dtype=float)\n"
            "    last_season = history[len(history) - season - 1:len(history) - 1]\n"
            "    return np.array([last_season[k % season] for k in range(horizon)])\n")},
        failing={"test_seasonal_naive_visible": "history[-season-1]",
                 "test_seasonal_naive_hidden": "out of phase"},
        composed=_EXPERIMENT,
    ),
    dict(
        name="ar_without_intercept",
        answers={"fit_linear_ar": (
            "def fit_linear_ar(series, p):\n"
            "    X, Y = make_windows(series, p, 1)\n"
            "    w = np.linalg.lstsq(X[:, :, 0].T, Y[:, 0], rcond=None)[0]\n"
            "    return np.append(w, 0.0)\n")},
        failing={"test_fit_linear_ar_visible": "no intercept", "test_fit_linear_ar_hidden": "no intercept"},
        composed=_EXPERIMENT,
    ),
    dict(
        name="ar_lags_reversed",
        answers={"fit_linear_ar": (
            "def fit_linear_ar(series, p):\n"
            "    X, Y = make_windows(series, p, 1)\n"
            "    A = np.hstack([X[::-1, :, 0].T, np.ones((X.shape[1], 1))])\n"
            "    return np.linalg.lstsq(A, Y[:, 0], rcond=None)[0]\n")},
        failing={"test_fit_linear_ar_visible": "reverse order", "test_fit_linear_ar_hidden": "reverse order"},
        composed=_EXPERIMENT,
    ),
    dict(
        name="rmse_without_root",
        answers={"rmse": (
            "def rmse(forecast, truth):\n"
            "    return np.mean((np.asarray(forecast) - np.asarray(truth)) ** 2, axis=0)\n")},
        failing={"test_rmse_visible": "square root", "test_rmse_hidden": "square root"},
        composed=_EXPERIMENT,
    ),
    dict(
        name="rmse_over_wrong_axis",
        answers={"rmse": (
            "def rmse(forecast, truth):\n"
            "    return np.sqrt(np.mean((np.asarray(forecast) - np.asarray(truth)) ** 2, axis=1))\n")},
        failing={"test_rmse_visible": "averaged over the horizon", "test_rmse_hidden": "averaged over the horizon"},
        composed=_EXPERIMENT,
    ),
    dict(
        name="rollout_without_feedback",
        answers={"recursive_forecast": (
            "def recursive_forecast(w, history, horizon):\n"
            "    p = len(w) - 1\n"
            "    window = np.asarray(history, dtype=float)[-p:]\n"
            "    return np.array([window @ w[:p] + w[p] for _ in range(horizon)])\n")},
        failing={"test_recursive_forecast_visible": "repeats the one-step forecast",
                 "test_recursive_forecast_hidden": "repeats the one-step forecast"},
        composed=_EXPERIMENT,
    ),
    dict(
        name="ar1_error_powers_not_squared",
        answers={"ar1_forecast_rmse": (
            "def ar1_forecast_rmse(phi, sigma, horizon):\n"
            "    return sigma * np.sqrt(np.cumsum(phi ** np.arange(horizon)))\n")},
        failing={"test_ar1_forecast_rmse_visible": "square the powers of phi",
                 "test_ar1_forecast_rmse_hidden": "square the powers of phi"},
    ),
    dict(
        name="forecaster_state_with_a_fixed_dtype",
        answers={"rnn_forecast_torch": (
            "def rnn_forecast_torch(X, W_xh, W_hh, b_h, W_hy, b_y):\n"
            "    h = torch.zeros(X.shape[1], W_hh.shape[0], dtype=torch.float64)\n"
            "    for x_t in X:\n"
            "        h = torch.tanh(x_t @ W_xh.T + h @ W_hh.T + b_h)\n"
            "    return h @ W_hy.T + b_y\n")},
        failing={"test_rnn_forecast_torch_visible": "not float32",
                 "test_rnn_forecast_torch_hidden": "fixed device"},
    ),
]
