"""Forecasting monthly Mauna Loa CO2 one step and twelve steps ahead (chapter "Forecasting a time series").

Windows of ``input_len`` months predict the next ``horizon`` months. Splits are chronological
(train, then validation, then test months): a window belongs to a split when *all* its target
months fall inside that split, so nothing is fitted on the future of the test period.

The series rises by about 1.5 ppm a year, so the test months lie above every training value.
Every learned model therefore works **relative to the last observed value**: it reads
``(window - window[-1]) / scale`` and predicts ``(targets - window[-1]) / scale``; the level is
added back afterwards. (A network fed raw levels must extrapolate outside the range it was
trained on, which it does badly.)

Models, all forecasting ``horizon`` steps at once ("direct" multi-step):

=====================  ==================================================================
last value             every future month equals the last observed one
seasonal naive         month ``t + k`` equals month ``t + k - 12`` (the same month a year before)
linear AR              least squares from the ``input_len`` relative lags to each horizon
LSTM, GRU              ``rnncourse.models.Forecaster`` on the relative window
=====================  ==================================================================
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import torch

from ..data.timeseries import load_co2_monthly, make_windows
from ..models import Forecaster, as_time_major, regression_loss
from ..train import History, fit, minibatches, seed_everything

SEASON = 12


@dataclass
class ForecastConfig:
    input_len: int = 36
    horizon: int = 12
    hidden_size: int = 32
    batch_size: int = 64
    epochs: int = 120
    lr: float = 5e-3
    max_grad_norm: float = 1.0
    patience: int = 15
    dropout: float = 0.0
    weight_decay: float = 0.0
    seed: int = 0
    fractions: tuple[float, float, float] = (0.7, 0.15, 0.15)


@dataclass
class WindowedSeries:
    months: np.ndarray
    series: np.ndarray
    X: np.ndarray                 # (N, input_len) levels
    Y: np.ndarray                 # (N, horizon) levels
    first_target: np.ndarray      # (N,) index into the series of each window's first target
    splits: dict[str, np.ndarray]  # window indices of train / val / test
    scale: float                  # std of the relative training targets

    def relative(self, index: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Inputs and targets relative to each window's last value, divided by ``scale``."""
        last = self.X[index, -1:]
        return (self.X[index] - last) / self.scale, (self.Y[index] - last) / self.scale


def prepare(config: ForecastConfig) -> WindowedSeries:
    months, series = load_co2_monthly()
    X, Y = make_windows(series, config.input_len, config.horizon)
    first = np.arange(len(X)) + config.input_len
    last = first + config.horizon - 1
    n = len(series)
    cut1, cut2 = int(round(config.fractions[0] * n)), int(round((config.fractions[0] + config.fractions[1]) * n))
    splits = {"train": np.flatnonzero(last < cut1),
              "val": np.flatnonzero((first >= cut1) & (last < cut2)),
              "test": np.flatnonzero(first >= cut2)}
    train = splits["train"]
    scale = float(np.std(Y[train] - X[train, -1:]))
    return WindowedSeries(months, series, X, Y, first, splits, scale)


# --------------------------------------------------------------------------- baselines
def last_value_forecast(X: np.ndarray, horizon: int) -> np.ndarray:
    return np.repeat(X[:, -1:], horizon, axis=1)                       # (N, horizon)


def seasonal_naive_forecast(X: np.ndarray, horizon: int, season: int = SEASON) -> np.ndarray:
    """Month t+k repeats month t+k-season (k = 1..horizon <= season), read from the window."""
    if horizon > season or X.shape[1] < season:
        raise ValueError("seasonal naive needs horizon <= season <= input_len")
    return X[:, -season: X.shape[1] - season + horizon]


def fit_linear_ar(Xr: np.ndarray, Yr: np.ndarray, ridge: float = 1e-3) -> np.ndarray:
    """Least-squares weights (input_len + 1, horizon) from relative lags (plus a constant) to each horizon."""
    A = np.hstack([Xr, np.ones((len(Xr), 1))])
    return np.linalg.solve(A.T @ A + ridge * np.eye(A.shape[1]), A.T @ Yr)


def linear_ar_predict(weights: np.ndarray, Xr: np.ndarray) -> np.ndarray:
    return np.hstack([Xr, np.ones((len(Xr), 1))]) @ weights


# --------------------------------------------------------------------------- recurrent models
def train_forecaster(data: WindowedSeries, config: ForecastConfig, cell: str = "lstm", device="cpu",
                     progress: bool = True) -> tuple[Forecaster, History]:
    seed_everything(config.seed)
    model = Forecaster(config.hidden_size, config.horizon, cell=cell).to(device)
    Xtr, Ytr = (torch.tensor(a, dtype=torch.float32) for a in data.relative(data.splits["train"]))
    Xva, Yva = (torch.tensor(a, dtype=torch.float32) for a in data.relative(data.splits["val"]))
    optimizer = torch.optim.Adam(model.parameters(), lr=config.lr, weight_decay=config.weight_decay)
    history = fit(model, lambda epoch: minibatches(Xtr, Ytr, batch_size=config.batch_size, seed=config.seed + epoch),
                  [(Xva, Yva)], regression_loss, optimizer=optimizer, epochs=config.epochs, device=device,
                  max_grad_norm=config.max_grad_norm, patience=config.patience, progress=progress,
                  desc=f"{cell.upper()} forecaster")
    return model, history


@torch.no_grad()
def forecaster_predict(model: Forecaster, data: WindowedSeries, index: np.ndarray, device="cpu") -> np.ndarray:
    """Level forecasts (N, horizon) in ppm for the windows ``index``."""
    model.eval()
    Xr, _ = data.relative(index)
    out = model(as_time_major(torch.tensor(Xr, dtype=torch.float32, device=device))).cpu().double().numpy()
    return out * data.scale + data.X[index, -1:]


def rmse_by_horizon(forecast: np.ndarray, truth: np.ndarray) -> np.ndarray:
    return np.sqrt(np.mean((forecast - truth) ** 2, axis=0))           # (horizon,)


def run(config: ForecastConfig | None = None, cells=("lstm", "gru"), device="cpu", progress: bool = True) -> dict:
    """Fit every model; return forecasts on the test windows and their RMSE per horizon (ppm)."""
    config = config or ForecastConfig()
    data = prepare(config)
    test = data.splits["test"]
    truth = data.Y[test]
    weights = fit_linear_ar(*data.relative(data.splits["train"]))
    forecasts = {
        "last value": last_value_forecast(data.X[test], config.horizon),
        "seasonal naive": seasonal_naive_forecast(data.X[test], config.horizon),
        "linear AR": linear_ar_predict(weights, data.relative(test)[0]) * data.scale + data.X[test, -1:],
    }
    models, histories = {}, {}
    for cell in cells:
        name = cell.upper()
        models[name], histories[name] = train_forecaster(data, config, cell, device, progress)
        forecasts[name] = forecaster_predict(models[name], data, test, device)
    return {"config": asdict(config), "data": data, "truth": truth, "forecasts": forecasts,
            "rmse": {name: rmse_by_horizon(f, truth) for name, f in forecasts.items()},
            "models": models, "histories": histories}
