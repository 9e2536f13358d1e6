r"""Exploding gradients and clipping: reference values and classic mistakes (assignment 12).

``linear_rnn_gradient`` and its mistakes: the scalar linear recurrence
:math:`h_t = w h_{t-1} + x_t` from :math:`h_0 = 0`, with loss :math:`L = \tfrac12 h_T^2`, has
:math:`h_T = \sum_{t=1}^{T} w^{T-t} x_t` and

.. math:: \frac{dL}{dw} = h_T \sum_{t=1}^{T} (T - t)\, w^{T-t-1} x_t
          = h_T \sum_{k=1}^{T} \Big(\prod_{j=k+1}^{T} w\Big) h_{k-1},

which grows like :math:`T |w|^{T-1}` when :math:`|w| > 1` (Bengio et al., 1994; Pascanu et al., 2013).

``clipped_step`` and its mistakes: one SGD step with the gradient clipped by its norm,
:math:`\theta - \eta\, g \min(1, c / (\lVert g \rVert + 10^{-6}))`.

Each ``*_mistakes`` function takes the inputs of the function the student writes and returns
``{message: wrong value}`` without the mistakes that give the right value on these inputs.
"""
from __future__ import annotations

import numpy as np

EPS = 1e-6


def _distinct(right, mistakes: dict) -> dict:
    return {message: wrong for message, wrong in mistakes.items()
            if np.shape(wrong) != np.shape(right) or not np.allclose(wrong, right, rtol=1e-6, atol=1e-9)}


def _states(w: float, x) -> np.ndarray:
    """h_0 .. h_T: (T + 1,)."""
    h = [0.0]
    for x_t in np.asarray(x, dtype=np.float64):
        h.append(w * h[-1] + x_t)
    return np.array(h)


def linear_rnn_gradient(w: float, x) -> float:
    """dL/dw for L = h_T^2 / 2: backpropagation through time, one term per step."""
    h = _states(w, x)
    T = len(h) - 1
    dh = h[T]                        # dL/dh_T
    grad = 0.0
    for t in range(T, 0, -1):        # step t uses w once: h_t = w h_{t-1} + x_t
        grad += dh * h[t - 1]
        dh *= w                      # dL/dh_{t-1} = w dL/dh_t
    return float(grad)


def linear_rnn_gradient_mistakes(w: float, x) -> dict:
    h = _states(w, x)
    T = len(h) - 1
    x = np.asarray(x, dtype=np.float64)
    t = np.arange(1, T + 1)
    right = linear_rnn_gradient(w, x)
    return _distinct(right, {
        "This is dh_T/dw, not dL/dw: with L = h_T^2 / 2 the chain rule multiplies it by dL/dh_T = h_T.":
            float(np.sum((T - t) * float(w) ** np.maximum(T - t - 1, 0) * x * (T - t > 0))),
        # Without the factor (T - t), sum_{t<T} w^(T-t-1) x_t is h_{T-1}: the same number as counting only
        # the last step's use of w, so one message covers both.
        "Only the last step's use of w is counted (h_T * h_{T-1}), or the factor (T - t) from differentiating "
        "w^(T - t) is missing: w acts at every step, and the term of x_t carries (T - t) w^(T - t - 1).":
            float(h[T] * h[T - 1]),
        "The powers of w are one too high: the term of x_t carries (T - t) w^(T - t - 1).":
            float(h[T] * np.sum((T - t) * float(w) ** (T - t) * x)),
        "Step t's term uses h_t where h_{t-1} belongs: h_t = w h_{t-1} + x_t, so dh_t/dw (w fixed elsewhere) is "
        "h_{t-1}.": float(sum(h[T] * float(w) ** (T - s) * h[s] for s in range(1, T + 1))),
    })


def clipped_step(theta, grad, lr: float, max_norm: float) -> np.ndarray:
    grad = np.asarray(grad, dtype=np.float64)
    scale = min(1.0, max_norm / (float(np.linalg.norm(grad)) + EPS))
    return np.asarray(theta, dtype=np.float64) - lr * scale * grad


def clipped_step_mistakes(theta, grad, lr: float, max_norm: float) -> dict:
    theta, grad = np.asarray(theta, dtype=np.float64), np.asarray(grad, dtype=np.float64)
    norm = float(np.linalg.norm(grad))
    right = clipped_step(theta, grad, lr, max_norm)
    return _distinct(right, {
        "The step is not clipped: scale the gradient by min(1, max_norm / (norm + 1e-6)) first.": theta - lr * grad,
        "Each entry was clamped to [-max_norm, max_norm], which changes the direction: rescale the whole gradient "
        "by one factor instead.": theta - lr * np.clip(grad, -max_norm, max_norm),
        "The gradient was rescaled to norm max_norm although it was already smaller: the factor is "
        "min(1, max_norm / (norm + 1e-6)).": theta - lr * grad * max_norm / (norm + EPS),
        "The step went up the gradient: SGD subtracts lr * g.": theta + lr * grad * min(1.0, max_norm / (norm + EPS)),
    })
