r"""A linear recurrence computed in parallel by an associative scan.

The recurrence (element-wise, a *diagonal* linear RNN)

.. math::

    h_t = a_t \odot h_{t-1} + b_t, \qquad t = 1, \dots, T

needs :math:`T` dependent steps when run as a loop. Because it is *linear* in :math:`h`, the
composition of two steps is again a step of the same form:

.. math::

    (a_1, b_1) \bullet (a_2, b_2) = (a_2 \odot a_1,\; a_2 \odot b_1 + b_2),

meaning "apply step 1, then step 2". The operator :math:`\bullet` is associative (but not
commutative), so the prefix compositions :math:`h_t = ((a_1,b_1) \bullet \dots \bullet (a_t,b_t))`
applied to :math:`h_0` can be computed by any parallel prefix-scan algorithm. Here: the
Hillis-Steele scan. At sweep :math:`k` every position :math:`t \ge 2^k` combines itself with
position :math:`t - 2^k`; after :math:`\lceil \log_2 T \rceil` sweeps position :math:`t` holds the
composition of steps :math:`1..t`. Depth :math:`O(\log T)`, work :math:`O(T \log T)` (Blelloch's
two-sweep scan brings the work down to :math:`O(T)` at twice the depth).

A nonlinear RNN (:math:`h_t = \tanh(W h_{t-1} + \dots)`) has no such closed composition: that is
why this trick is reserved for recurrences linear in the state, as in linear-recurrent models
(e.g. Martin and Cundy, 2018; Gu and Dao, 2023; Orvieto et al., 2023).

Shapes
------
==========  ===========  ==================================================
``a``       (T, ...)     per-step multipliers (decay/forget factors)
``b``       (T, ...)     per-step inputs
``h0``      (...)        initial state, zeros if ``None``
returns     (T, ...)     every state :math:`h_1 \dots h_T`
==========  ===========  ==================================================
"""
from __future__ import annotations

import math

import torch


def linear_recurrence_loop(a: torch.Tensor, b: torch.Tensor, h0: torch.Tensor | None = None) -> torch.Tensor:
    """The sequential reference: T dependent steps."""
    h = torch.zeros_like(b[0]) if h0 is None else h0
    states = []
    for t in range(a.shape[0]):                   # step t needs h_{t-1}: no parallelism over t
        h = a[t] * h + b[t]
        states.append(h)
    return torch.stack(states)                    # (T, ...)


def scan_depth(T: int) -> int:
    """Number of dependent sweeps the Hillis-Steele scan needs for length T: ceil(log2 T)."""
    return 0 if T <= 1 else math.ceil(math.log2(T))


def linear_recurrence_scan(a: torch.Tensor, b: torch.Tensor, h0: torch.Tensor | None = None) -> torch.Tensor:
    """All states of ``h_t = a_t * h_{t-1} + b_t`` in ceil(log2 T) parallel sweeps.

    Each sweep is a handful of element-wise tensor operations over all T positions at once.
    """
    if h0 is not None:
        # fold h0 into the first input: h_1 = a_1 h0 + b_1 is a step from a zero state
        b = torch.cat([(a[0] * h0 + b[0]).unsqueeze(0), b[1:]])
    A, Bc = a, b                                  # running composition ending at each t
    offset = 1
    T = a.shape[0]
    while offset < T:
        # position t composes (steps t-2*offset+1 .. t-offset) then (t-offset+1 .. t)
        A_prev, B_prev = A[:-offset], Bc[:-offset]            # (T - offset, ...)
        A_new = A[offset:] * A_prev
        B_new = A[offset:] * B_prev + Bc[offset:]
        A = torch.cat([A[:offset], A_new])        # positions < offset are already complete
        Bc = torch.cat([Bc[:offset], B_new])
        offset *= 2
    return Bc                                     # composition of steps 1..t applied to 0
