"""Classic mistakes in assignment 11 (forecasting): windows, seasonal naive, a linear AR fit, the RMSE."""
from mutations import edit

MUTANTS = [
    edit("make_windows", "batch_first", "return X[:, :, None], Y", "return X.T[:, :, None], Y", "named:batch-first"),
    edit("make_windows", "no_feature_axis", "return X[:, :, None], Y", "return X, Y", "named:without the feature axis"),
    edit("make_windows", "inputs_leak", "series[n:n + window]", "series[n + 1:n + window + 1]", "named:inputs end one step too late"),
    edit("make_windows", "targets_early", "series[n + window:n + window + horizon]", "series[n + window - 1:n + window + horizon - 1]",
         "named:targets start one step too early"),
    edit("make_windows", "targets_transposed", "return X[:, :, None], Y", "return X[:, :, None], Y.T", "named:targets are transposed"),
    edit("make_windows", "one_window_short", "N = len(series) - window - horizon + 1", "N = len(series) - window - horizon"),
    edit("seasonal_naive", "last_value", "np.array([last_season[k % season] for k in range(horizon)])",
         "np.full(horizon, history[-1])", "named:last value"),
    edit("seasonal_naive", "phase_back", "history[len(history) - season:]", "history[len(history) - season - 1:-1]",
         "named:one step out of phase"),
    edit("seasonal_naive", "no_wrap", "last_season[k % season]", "last_season[min(k, season - 1)]"),
    edit("fit_linear_ar", "no_intercept", "A = np.hstack([rows, np.ones((len(rows), 1))])", "A = np.hstack([rows, np.zeros((len(rows), 1))])",
         "named:no intercept"),
    edit("fit_linear_ar", "lags_reversed", "series[t - p:t] for t", "series[t - p:t][::-1] for t", "named:reverse order"),
    edit("fit_linear_ar", "target_leaks", "series[t - p:t] for t", "series[t - p + 1:t + 1] for t", "named:target leaked"),
    edit("fit_linear_ar", "intercept_first", "np.hstack([rows, np.ones((len(rows), 1))])", "np.hstack([np.ones((len(rows), 1)), rows])"),
    edit("rmse", "mse", "np.sqrt(np.mean(error ** 2, axis=0))", "np.mean(error ** 2, axis=0)", "named:mean squared error"),
    edit("rmse", "mae", "np.sqrt(np.mean(error ** 2, axis=0))", "np.mean(np.abs(error), axis=0)", "named:mean absolute error"),
    edit("rmse", "wrong_axis", "np.sqrt(np.mean(error ** 2, axis=0))", "np.sqrt(np.mean(error ** 2, axis=1))", "named:averaged over the horizon"),
    edit("rmse", "sum_not_mean", "np.sqrt(np.mean(error ** 2, axis=0))", "np.sqrt(np.sum(error ** 2, axis=0))"),
]

VARIANCES = "variances = sigma ** 2 * np.cumsum(phi ** (2.0 * np.arange(horizon)))"
STATE = "h = torch.tanh(x_t @ W_xh.T + h @ W_hh.T + b_h)"

MUTANTS += [
    edit("ar1_forecast_rmse", "random_walk", VARIANCES, "variances = sigma ** 2 * np.arange(1, horizon + 1)",
         "named:errors of a random walk"),
    edit("ar1_forecast_rmse", "variances_returned", "return np.sqrt(variances)", "return variances", "named:These are variances"),
    edit("ar1_forecast_rmse", "one_term_too_many", VARIANCES,
         "variances = sigma ** 2 * np.cumsum(phi ** (2.0 * np.arange(horizon + 1)))[1:]", "named:one term too many"),
    edit("ar1_forecast_rmse", "powers_not_squared", VARIANCES, "variances = sigma ** 2 * np.cumsum(phi ** (1.0 * np.arange(horizon)))",
         "named:square the powers of phi"),
    edit("recursive_forecast", "no_feedback", "window = window[1:] + [y]", "window = window",
         "named:repeats the one-step forecast"),
    edit("recursive_forecast", "weights_reversed", "np.dot(window, w[:p])", "np.dot(window[::-1], w[:p])", "named:reverse order"),
    edit("recursive_forecast", "no_intercept", "np.dot(window, w[:p]) + w[p]", "np.dot(window, w[:p])",
         "named:intercept w[p] is missing"),
    edit("rnn_forecast_torch", "no_output_bias", "return h @ W_hy.T + b_y", "return h @ W_hy.T", "named:output bias b_y is missing"),
    edit("rnn_forecast_torch", "W_hh_wrong_side", "h @ W_hh.T", "h @ W_hh", "named:W_hh multiplies from the wrong side"),
    edit("rnn_forecast_torch", "no_tanh", STATE, "h = x_t @ W_xh.T + h @ W_hh.T + b_h", "named:state has no tanh"),
]
