"""Honest variants of the forecasting assignment (format: see tests/honest_variants/__init__.py)."""

VARIANTS = [
    dict(name="strides_tiles_and_normal_equations", answers={
        "make_windows": '''
def make_windows(series, window, horizon):
    series = np.asarray(series, dtype=float)
    views = np.lib.stride_tricks.sliding_window_view(series, window + horizon)     # (N, window + horizon)
    return views[:, :window].T[:, :, None].copy(), views[:, window:].copy()
''',
        "seasonal_naive": '''
def seasonal_naive(history, season, horizon):
    last = np.asarray(history, dtype=float)[-season:]
    return np.tile(last, horizon // season + 1)[:horizon]
''',
        "fit_linear_ar": '''
def fit_linear_ar(series, p):
    x = np.asarray(series, dtype=float)
    A = np.array([list(x[t - p:t]) + [1.0] for t in range(p, len(x))])
    return np.linalg.solve(A.T @ A, A.T @ x[p:])
''',
        "rmse": '''
def rmse(forecast, truth):
    forecast, truth = np.asarray(forecast, dtype=float), np.asarray(truth, dtype=float)
    return np.array([np.sqrt(np.mean((forecast[:, k] - truth[:, k]) ** 2)) for k in range(forecast.shape[1])])
'''}),
    dict(name="closed_form_series_and_torch_rnn_cell", answers={
        "ar1_forecast_rmse": '''
def ar1_forecast_rmse(phi, sigma, horizon):
    out = []
    for k in range(1, horizon + 1):
        if abs(phi) == 1.0:
            variance = k * sigma ** 2
        else:                                              # geometric sum of phi^(2j), j < k
            variance = sigma ** 2 * (1.0 - phi ** (2 * k)) / (1.0 - phi ** 2)
        out.append(variance ** 0.5)
    return np.array(out)
''',
        "recursive_forecast": '''
def recursive_forecast(w, history, horizon):
    p = len(w) - 1
    values = np.concatenate([np.asarray(history, dtype=float), np.zeros(horizon)])
    start = len(history)
    for k in range(horizon):
        lags = values[start + k - p:start + k]
        values[start + k] = w[p] + sum(w[i] * lags[i] for i in range(p))
    return values[start:]
''',
        "rnn_forecast_torch": '''
def rnn_forecast_torch(X, W_xh, W_hh, b_h, W_hy, b_y):
    h = torch.zeros(X.shape[1], W_hh.shape[0], device=X.device, dtype=X.dtype)
    for t in range(X.shape[0]):
        h = torch.tanh(torch.addmm(b_h, X[t], W_xh.t()) + torch.mm(h, W_hh.t()))
    return torch.addmm(b_y, h, W_hy.t())
''',
        "compare_forecasts": '''
def compare_forecasts(series, p, season, horizon, n_train):
    w = fit_linear_ar(np.asarray(series[:n_train], dtype=float), p)
    ar, naive, truth = [], [], []
    t = n_train
    while t + horizon <= len(series):
        history = np.asarray(series[:t], dtype=float)
        ar.append(recursive_forecast(w, history, horizon))
        naive.append(seasonal_naive(history, season, horizon))
        truth.append(np.asarray(series[t:t + horizon], dtype=float))
        t += 1
    return {"seasonal_naive": rmse(np.array(naive), np.array(truth)), "ar": rmse(np.array(ar), np.array(truth))}
'''}),
]
