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

The Hillis-Steele scan is the one to read; on a CPU its :math:`T \log T` work eats into its
advantage over the plain loop once the arrays outgrow the caches (see the recorded benchmark,
``benchmarks/lstm_vs_attention.py``). The **chunked
scan** (:func:`linear_recurrence_chunked`) does :math:`O(T)` work in :math:`O(\sqrt T)`
dependent steps: cut the sequence into :math:`n` chunks of :math:`C \approx \sqrt T` steps and

1. run the recurrence from a zero state inside all chunks at once (C steps, each over all
   n chunks), which gives every chunk's summary step
   :math:`(A_k, S_k) = (\prod_{t \in k} a_t,\ \text{its state from } 0)`;
2. run the n summaries in order, :math:`h^{\text{start}}_{k+1} = A_k h^{\text{start}}_k + S_k`,
   to get the true state entering every chunk;
3. run the recurrence inside all chunks at once again, from those states (C steps).

Each of the :math:`2C + n` operations works on n chunks (or on one state) at once, about three
reads and writes of the data in all. The gradient of a linear recurrence is again one, run
backwards in time: with :math:`g_t = \partial L/\partial h_t` in total,
:math:`g_t = \bar g_t + a_{t+1} g_{t+1}`, :math:`\partial L/\partial b_t = g_t`,
:math:`\partial L/\partial a_t = g_t h_{t-1}`, so the chunked scan is its own backward pass.

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
    if a.shape[0] == 0:
        return torch.empty_like(b)                # no steps, no states
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
    if h0 is not None and a.shape[0] > 0:
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


def _chunked(a: torch.Tensor, b: torch.Tensor, h0: torch.Tensor | None, chunk: int | None) -> torch.Tensor:
    """The chunked scan's three passes (see the module docstring), without autograd."""
    T = a.shape[0]
    out = torch.empty_like(b)
    if T == 0:
        return out
    C = chunk if chunk is not None else max(1, math.isqrt(T))
    n = T // C                                    # whole chunks; the last T - n C steps follow them
    h = torch.zeros_like(b[0]) if h0 is None else h0
    if n > 1:
        a_k = a[:n * C].view(n, C, *a.shape[1:])  # (n, C, ...) chunk k, step j
        b_k = b[:n * C].view(n, C, *b.shape[1:])
        out_k = out[:n * C].view(n, C, *b.shape[1:])
        A, S = a_k[:, 0].clone(), b_k[:, 0].clone()  # (n, ...) each chunk's summary step (A_k, S_k)
        for j in range(1, C):                     # 1. every chunk from a zero state, in place
            torch.addcmul(b_k[:, j], a_k[:, j], S, out=S)
            A.mul_(a_k[:, j])                     # a_k[:, j] is still in the cache: no extra pass over a
        starts = torch.empty_like(S)              # 2. the state entering each chunk, in order
        starts[0] = h
        for k in range(n - 1):
            torch.addcmul(S[k], A[k], starts[k], out=starts[k + 1])
        h = torch.addcmul(S[n - 1], A[n - 1], starts[n - 1])  # the state after the last whole chunk
        state = starts
        for j in range(C):                        # 3. every chunk again, from its true start
            state = torch.addcmul(b_k[:, j], a_k[:, j], state, out=out_k[:, j])
        done = n * C
    else:
        done = 0
    for t in range(done, T):                      # the steps after the last whole chunk
        h = torch.addcmul(b[t], a[t], h, out=out[t])
    return out


class _ChunkedRecurrence(torch.autograd.Function):
    """``h_t = a_t h_{t-1} + b_t`` by the chunked scan, forward and (as a reversed scan) backward."""

    @staticmethod
    def forward(ctx, a, b, h0, chunk):
        out = _chunked(a, b, h0, chunk)
        ctx.save_for_backward(a, h0, out)
        ctx.chunk = chunk
        return out

    @staticmethod
    def backward(ctx, d_out):
        a, h0, out = ctx.saved_tensors
        # g_t = d_out_t + a_{t+1} g_{t+1}: the same recurrence, run from the end
        a_next = torch.cat([a[1:], torch.zeros_like(a[:1])])
        g = _chunked(a_next.flip(0), d_out.flip(0), None, ctx.chunk).flip(0)
        h_prev = torch.cat([(torch.zeros_like(out[0]) if h0 is None else h0).unsqueeze(0), out[:-1]])
        d_h0 = a[0] * g[0] if h0 is not None and ctx.needs_input_grad[2] else None
        return g * h_prev, g, d_h0, None


def linear_recurrence_chunked(a: torch.Tensor, b: torch.Tensor, h0: torch.Tensor | None = None,
                              chunk: int | None = None) -> torch.Tensor:
    """All states of ``h_t = a_t * h_{t-1} + b_t`` by the chunked scan: O(T) work in about
    ``2 C + T / C`` dependent operations, ``chunk`` = C (default ``isqrt(T)``). Differentiable."""
    if a.shape[0] == 0:
        return torch.empty_like(b)
    if torch.is_grad_enabled() and any(x is not None and x.requires_grad for x in (a, b, h0)):
        return _ChunkedRecurrence.apply(a, b, h0, chunk)
    return _chunked(a, b, h0, chunk)  # nothing to differentiate: skip autograd's bookkeeping
