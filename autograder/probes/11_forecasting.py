"""Probes of assignment 11_forecasting: each test cell's function, called on the grader's own inputs.

Series and sizes are random for every grading run; they cover the cases the hidden tests
cover (window 1 and horizon 1, a window that leaves one target, horizons shorter than, equal
to and longer than the season, season 1, one window and one step). fit_linear_ar is checked by
the kernel's tests alone: they allow it a looser tolerance than the probes' comparison.
"""


def probes(rng):
    def size(low, high):
        return int(rng.integers(low, high + 1))

    def windows(L, window, horizon):
        return ("make_windows", (rng.normal(size=L).cumsum(), window, horizon))

    def sizes(window, horizon):
        return window + horizon + size(0, 20), window, horizon

    def naive(L, season, horizon):
        return ("seasonal_naive", (rng.normal(size=L).cumsum(), season, horizon))

    def rmse(N, horizon):
        return ("rmse", (rng.normal(size=(N, horizon)), rng.normal(size=(N, horizon))))

    season = size(2, 8)
    return {
        "test_make_windows_visible": [windows(size(12, 20), size(2, 5), size(1, 3))],
        "test_make_windows_hidden": [windows(2, 1, 1), windows(*sizes(size(3, 12), size(2, 12))), windows(17, 16, 1)],
        "test_seasonal_naive_visible": [naive(size(season, 30), season, size(1, season))],
        "test_seasonal_naive_hidden": [naive(size(season + 1, 30), season, size(season + 1, 3 * season)),
                                       naive(season, season, season), naive(size(1, 6), 1, size(1, 4))],
        "test_rmse_visible": [rmse(size(2, 6), size(1, 4))],
        "test_rmse_hidden": [rmse(1, 1), rmse(size(2, 50), size(1, 12))],
    }
