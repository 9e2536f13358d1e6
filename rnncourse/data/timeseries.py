"""Real time series that ship with statsmodels, and windows for forecasting.

``load_co2_monthly``  Mauna Loa atmospheric CO2 (ppm), weekly 1958-2001 averaged to calendar
                      months; the few months without any measurement are filled by linear
                      interpolation. A trend plus a 12-month season.
``load_sunspots``     Yearly sunspot numbers 1700-2008: a roughly 11-year cycle of varying height.

Both are read by path from statsmodels' data folder (no import of statsmodels or pandas).

Windows
-------
``make_windows(series, input_len, horizon)`` returns ``X`` (N, input_len) and ``Y`` (N, horizon):
row ``n`` holds ``series[n : n+input_len]`` and the following ``horizon`` values. Models in
the course read ``X`` time-major, as ``X.T[..., None]`` of shape (input_len, N, 1).
"""
from __future__ import annotations

import csv

import numpy as np

from .packaged import package_file


def load_co2_monthly() -> tuple[np.ndarray, np.ndarray]:
    """Return ``(months, co2)``: months as ``numpy.datetime64[M]`` and monthly mean CO2 in ppm."""
    path = package_file("statsmodels", "datasets", "co2", "co2.csv", dataset="Mauna Loa CO2")
    sums: dict[np.datetime64, list[float]] = {}
    with path.open(newline="") as handle:
        for row in csv.DictReader(handle):
            date = row["date"]
            month = np.datetime64(f"{date[:4]}-{date[4:6]}", "M")
            entry = sums.setdefault(month, [0.0, 0])
            if row["co2"].strip():
                entry[0] += float(row["co2"])
                entry[1] += 1
    first, last = min(sums), max(sums)
    months = np.arange(first, last + 1, dtype="datetime64[M]")
    values = np.array([sums[m][0] / sums[m][1] if m in sums and sums[m][1] else np.nan for m in months])
    missing = np.isnan(values)
    if missing.any():   # a handful of months without a single weekly reading
        t = np.arange(len(values))
        values[missing] = np.interp(t[missing], t[~missing], values[~missing])
    return months, values


def load_sunspots() -> tuple[np.ndarray, np.ndarray]:
    """Return ``(years, sunspots)`` as float arrays (yearly mean sunspot number)."""
    path = package_file("statsmodels", "datasets", "sunspots", "sunspots.csv", dataset="yearly sunspots")
    with path.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    return (np.array([float(r["YEAR"]) for r in rows]), np.array([float(r["SUNACTIVITY"]) for r in rows]))


def make_windows(series: np.ndarray, input_len: int, horizon: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Slide a window over ``series``: ``X`` (N, input_len) inputs, ``Y`` (N, horizon) targets.

    ``N = len(series) - input_len - horizon + 1``; a window never reads past its own targets.
    """
    series = np.asarray(series, dtype=np.float64)
    N = len(series) - input_len - horizon + 1
    if input_len < 1 or horizon < 1 or N < 1:
        raise ValueError(f"cannot cut windows of {input_len}+{horizon} from {len(series)} values")
    index = np.arange(N)[:, None]
    X = series[index + np.arange(input_len)]                 # (N, input_len)
    Y = series[index + input_len + np.arange(horizon)]       # (N, horizon)
    return X, Y


def chronological_split(n: int, fractions=(0.7, 0.15, 0.15)) -> list[slice]:
    """Cut ``range(n)`` into consecutive slices (train, validation, test): the future is never
    used to fit a model that is tested on the past."""
    if not np.isclose(sum(fractions), 1.0):
        raise ValueError(f"fractions must sum to 1, got {fractions}")
    bounds = [0] + list(np.cumsum([int(round(f * n)) for f in fractions[:-1]])) + [n]
    return [slice(int(a), int(b)) for a, b in zip(bounds[:-1], bounds[1:])]
