r"""Multi-step forecasts and their classic mistakes (assignment 11).

``ar1_rmse_mistakes``    the k-step forecast error of an AR(1) process
                         :math:`x_t = \phi x_{t-1} + \varepsilon_t`, :math:`\varepsilon_t \sim N(0, \sigma^2)`:
                         the best forecast :math:`\phi^k x_t` misses by
                         :math:`\sum_{j<k} \phi^j \varepsilon_{t+k-j}`, so
                         :math:`\mathrm{RMSE}_k = \sigma \sqrt{\sum_{j=0}^{k-1} \phi^{2j}}`;
``rollout``              the recursive (iterated) forecast of a linear AR(p) with intercept: each
                         forecast is appended to the window and read as an input of the next step;
``rollout_mistakes``     the window never updated, the weights reversed, the intercept left out;
``rnn_forecast`` and ``rnn_forecast_mistakes``: a tanh Elman RNN read over a time-major window
                         from a zero state, :math:`\hat y = W_{hy} h_T + b_y`.

Each ``*_mistakes`` function takes the inputs of the function the student writes and returns
``{message: wrong value}``, leaving out a mistake whose value equals the right one on these inputs
(it cannot be told apart there, so it is not named).
"""
from __future__ import annotations

import numpy as np


def _distinct(right: np.ndarray, mistakes: dict) -> dict:
    return {message: wrong for message, wrong in mistakes.items()
            if np.shape(wrong) != np.shape(right) or not np.allclose(wrong, right, rtol=1e-6, atol=1e-9)}


def ar1_rmse(phi: float, sigma: float, horizon: int) -> np.ndarray:
    """sigma * sqrt(sum_{j<k} phi^(2j)) for k = 1..horizon: (horizon,)."""
    powers = float(phi) ** (2 * np.arange(horizon))
    return float(sigma) * np.sqrt(np.cumsum(powers))


def ar1_rmse_mistakes(phi: float, sigma: float, horizon: int) -> dict:
    k = np.arange(1, horizon + 1)
    right = ar1_rmse(phi, sigma, horizon)
    return _distinct(right, {
        "These are the errors of a random walk (sigma * sqrt(k)): with |phi| < 1 each older shock counts with a "
        "factor phi^j, so the sum is sum_j phi^(2j), not k.": float(sigma) * np.sqrt(k),
        "These are variances (mean squared errors): take the square root for the RMSE.": right ** 2,
        "The sum has one term too many: the k-step error holds the k shocks eps_{t+1} .. eps_{t+k}, "
        "so j runs from 0 to k - 1.": float(sigma) * np.sqrt(np.cumsum(float(phi) ** (2 * np.arange(horizon + 1)))[1:]),
        "Each shock enters with phi^j, so its VARIANCE enters with phi^(2j): square the powers of phi.":
            float(sigma) * np.sqrt(np.abs(np.cumsum(float(phi) ** np.arange(horizon)))),
        "This is the error of the last step only (sigma * |phi|^(k-1)): the k-step error adds the variances "
        "of all k shocks.": float(sigma) * np.abs(float(phi)) ** (k - 1),
    })


def rollout(w, history, horizon: int, *, feed_back: bool = True, reverse: bool = False,
            intercept: bool = True) -> np.ndarray:
    """The recursive AR(p) forecast (horizon,); the keyword arguments put in one classic mistake."""
    w = np.asarray(w, dtype=np.float64)
    p = len(w) - 1
    lags = w[:p][::-1] if reverse else w[:p]
    window = list(np.asarray(history, dtype=np.float64)[-p:])
    out = []
    for _ in range(horizon):
        y = float(np.dot(window[-p:], lags) + (w[p] if intercept else 0.0))
        out.append(y)
        if feed_back:
            window.append(y)
    return np.array(out)


def rollout_mistakes(w, history, horizon: int) -> dict:
    right = rollout(w, history, horizon)
    return _distinct(right, {
        "Every step repeats the one-step forecast: append each forecast to the window and drop the oldest "
        "value, so that the next step reads it.": rollout(w, history, horizon, feed_back=False),
        "The lag weights are applied in reverse order: w[0] multiplies the OLDEST of the p values, w[p-1] "
        "the most recent.": rollout(w, history, horizon, reverse=True),
        "The intercept w[p] is missing from the forecasts.": rollout(w, history, horizon, intercept=False),
    })


def _states(X, W_xh, W_hh, b_h, activation=np.tanh) -> np.ndarray:
    h = np.zeros((X.shape[1], W_hh.shape[0]))
    states = []
    for x_t in X:                                                # x_t (N, D)
        h = activation(x_t @ W_xh.T + h @ W_hh.T + b_h)
        states.append(h)
    return np.stack(states)                                      # (T, N, H)


def rnn_forecast(X, W_xh, W_hh, b_h, W_hy, b_y) -> np.ndarray:
    """h_t = tanh(W_xh x_t + W_hh h_{t-1} + b_h) from h_0 = 0; returns W_hy h_T + b_y, (N, K)."""
    return _states(X, W_xh, W_hh, b_h)[-1] @ W_hy.T + b_y


def rnn_forecast_mistakes(X, W_xh, W_hh, b_h, W_hy, b_y) -> dict:
    states = _states(X, W_xh, W_hh, b_h)
    right = states[-1] @ W_hy.T + b_y
    return _distinct(right, {
        "The forecast reads the FIRST state h_1: read the last one, h_T, after the whole window.":
            states[0] @ W_hy.T + b_y,
        "The forecast reads the mean of the states: read the last one, h_T.": states.mean(0) @ W_hy.T + b_y,
        "The output bias b_y is missing.": states[-1] @ W_hy.T,
        "W_hh multiplies from the wrong side (h @ W_hh instead of h @ W_hh.T).":
            _states_transposed(X, W_xh, W_hh, b_h)[-1] @ W_hy.T + b_y,
        "The state has no tanh: h_t = tanh(W_xh x_t + W_hh h_{t-1} + b_h).":
            _states(X, W_xh, W_hh, b_h, activation=lambda a: a)[-1] @ W_hy.T + b_y,
    })


def _states_transposed(X, W_xh, W_hh, b_h) -> np.ndarray:
    return _states(X, W_xh, W_hh.T, b_h)
