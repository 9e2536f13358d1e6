"""Time-series loaders and forecasting windows."""
import numpy as np
import pytest

from rnncourse.data import packaged
from rnncourse.data.packaged import DataUnavailable
from rnncourse.data.timeseries import chronological_split, load_co2_monthly, load_sunspots, make_windows


def test_co2_is_monthly_complete_and_rising():
    months, co2 = load_co2_monthly()
    assert len(months) == len(co2) > 500
    assert np.all(np.diff(months).astype(int) == 1)   # consecutive months, nothing missing
    assert np.all(np.isfinite(co2))
    assert 310 < co2[:12].mean() < 320 and 365 < co2[-12:].mean() < 375   # ppm, 1958 vs 2001
    # a seasonal cycle: the detrended series correlates with itself 12 months later
    d = co2 - np.convolve(co2, np.ones(12) / 12, mode="same")
    d = d[12:-12]
    assert np.corrcoef(d[:-12], d[12:])[0, 1] > 0.8


def test_sunspots_yearly():
    years, spots = load_sunspots()
    assert years[0] == 1700 and np.all(np.diff(years) == 1)
    assert spots.min() >= 0 and spots.max() > 100


def test_missing_statsmodels_is_named(monkeypatch):
    monkeypatch.setattr(packaged, "_find_spec", lambda name: None)
    with pytest.raises(DataUnavailable, match="'statsmodels'"):
        load_co2_monthly()
    with pytest.raises(DataUnavailable, match="'statsmodels'"):
        load_sunspots()


def test_make_windows_alignment():
    series = np.arange(10.0)
    X, Y = make_windows(series, input_len=3, horizon=2)
    assert X.shape == (6, 3) and Y.shape == (6, 2)
    assert X[0].tolist() == [0, 1, 2] and Y[0].tolist() == [3, 4]
    assert X[-1].tolist() == [5, 6, 7] and Y[-1].tolist() == [8, 9]
    with pytest.raises(ValueError):
        make_windows(series, input_len=9, horizon=2)


def test_chronological_split_is_ordered_and_complete():
    parts = chronological_split(100, (0.7, 0.15, 0.15))
    assert [(s.start, s.stop) for s in parts] == [(0, 70), (70, 85), (85, 100)]
