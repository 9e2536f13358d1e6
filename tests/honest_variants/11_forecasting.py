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
]
