r"""The Linear Recurrent Unit (Orvieto et al., 2023): a stable complex diagonal recurrence.

.. math::

    \lambda_j = \exp\!\big(-e^{\nu_j} + i\, e^{\theta_j}\big), \qquad
    h_t = \lambda \odot h_{t-1} + \gamma \odot (B x_t), \qquad
    y_t = \operatorname{Re}(C h_t) + D \odot x_t,

with :math:`\gamma_j = \sqrt{1 - |\lambda_j|^2}` (stored as ``gamma_log``). Whatever real values
``nu_log`` and ``theta_log`` take, :math:`|\lambda_j| = \exp(-e^{\nu_j}) < 1`: the recurrence is
stable by construction. The normalisation :math:`\gamma` keeps the state's variance near the
input's when :math:`|\lambda_j|` is close to 1 (a white-noise input of variance 1 through
:math:`h = \lambda h + u` has variance :math:`1/(1-|\lambda|^2)`).

Shapes: ``X`` (T, B, D); ``B`` (N, D) complex; ``C`` (D, N) complex; ``nu_log``,
``theta_log``, ``gamma_log`` (N,); ``D`` (D,); outputs (T, B, D), states (T, B, N) complex.
"""
from __future__ import annotations

import numpy as np


def lru_eigenvalues(nu_log: np.ndarray, theta_log: np.ndarray) -> np.ndarray:
    """lambda = exp(-exp(nu_log) + i exp(theta_log)), always inside the unit circle."""
    return np.exp(-np.exp(nu_log) + 1j * np.exp(theta_log))


def lru_init(N: int, D: int, rng: np.random.Generator, r_min=0.4, r_max=0.9, max_phase=2 * np.pi):
    """Eigenvalues uniform on the ring r_min <= |lambda| <= r_max, phases in [0, max_phase)."""
    u1, u2 = rng.uniform(size=N), rng.uniform(size=N)
    nu_log = np.log(-0.5 * np.log(u1 * (r_max ** 2 - r_min ** 2) + r_min ** 2))   # |lambda|^2 uniform on the ring
    theta_log = np.log(max_phase * u2)
    gamma_log = np.log(np.sqrt(1 - np.abs(lru_eigenvalues(nu_log, theta_log)) ** 2))
    B = (rng.normal(size=(N, D)) + 1j * rng.normal(size=(N, D))) / np.sqrt(2 * D)
    C = (rng.normal(size=(D, N)) + 1j * rng.normal(size=(D, N))) / np.sqrt(N)
    return dict(nu_log=nu_log, theta_log=theta_log, gamma_log=gamma_log, B=B, C=C, D=rng.normal(size=D))


def lru_forward(X, nu_log, theta_log, gamma_log, B, C, D):
    """Run the LRU step by step; return outputs (T, B, D) real and states (T, B, N) complex."""
    lam = lru_eigenvalues(nu_log, theta_log)                    # (N,)
    u = np.exp(gamma_log) * (X @ B.T)                           # (T, B, N) gamma * B x_t
    h = np.zeros(u.shape[1:], dtype=complex)
    states = np.empty_like(u)
    for t in range(X.shape[0]):
        h = lam * h + u[t]
        states[t] = h
    return (states @ C.T).real + D * X, states
