r"""Helpers for ragged (padded) time-major batches.

A batch of sequences of different lengths is stored padded to the longest one, ``X`` (T, B, D),
with ``lengths`` (B,) giving each sequence's number of real steps: rows ``X[lengths[b]:, b]`` are
padding. Three things go wrong when the padding is forgotten:

1. reading ``outputs[-1]`` as "the last step" reads the state after the *padding* for every
   sequence shorter than T (use :func:`last_real_step`);
2. the backward direction of a bidirectional RNN must start at each sequence's own last real
   step, not at the end of the padding (use :func:`reverse_padded`, or ``lengths=``, or packing);
3. the summary of a bidirectional RNN is the forward state at the last real step together with
   the backward state at step 0, where the backward pass *ends* (use :func:`bidirectional_summary`).

Shapes
------
==============  ==============  ===========================================
``outputs``     (T, B, F)       per-step outputs (F = H, or 2H bidirectional)
``lengths``     (B,)            real steps per sequence, 1 <= lengths[b] <= T
``mask``        (T, B)          bool, True at real steps
returns         (B, F)          one vector per sequence
==============  ==============  ===========================================
"""
from __future__ import annotations

import torch


def length_mask(lengths, T: int, like: torch.Tensor | None = None) -> torch.Tensor:
    """(T, B) bool, True where ``t < lengths[b]``; on ``like``'s device if given."""
    device = like.device if like is not None else None
    lengths = torch.as_tensor(lengths, device=device)
    return torch.arange(T, device=lengths.device)[:, None] < lengths[None, :]


def last_real_step(outputs: torch.Tensor, lengths) -> torch.Tensor:
    """``outputs[lengths[b] - 1, b]`` for every b: the output at each sequence's last real step.

    ``outputs`` (T, B, F), ``lengths`` (B,) -> (B, F). Not ``outputs[-1]``, which for a sequence
    shorter than T is the output after its padding.
    """
    lengths = torch.as_tensor(lengths, device=outputs.device)
    if lengths.device.type != "meta" and bool((lengths < 1).any()):
        raise ValueError("every sequence needs at least one real step")
    index = (lengths - 1).view(1, -1, 1).expand(1, outputs.shape[1], outputs.shape[2])  # (1, B, F)
    return outputs.gather(0, index).squeeze(0)                                         # (B, F)


def bidirectional_summary(outputs: torch.Tensor, lengths, hidden_size: int | None = None) -> torch.Tensor:
    """[forward output at the last real step ; backward output at step 0], shape (B, 2H).

    The forward direction has read the whole sequence at its last real step; the backward
    direction has read the whole sequence at step 0. For a single layer this equals the final
    states ``h_n`` of ``nn.LSTM``/``nn.GRU`` run on a packed sequence.
    """
    H = outputs.shape[-1] // 2 if hidden_size is None else hidden_size
    forward = last_real_step(outputs[..., :H], lengths)    # (B, H)
    backward = outputs[0, :, H:]                            # (B, H)
    return torch.cat([forward, backward], dim=-1)


def reverse_padded(X: torch.Tensor, lengths) -> torch.Tensor:
    """Reverse every sequence within its own length; padding stays at the end.

    ``X`` (T, B, ...) -> (T, B, ...) with ``out[t, b] = X[lengths[b] - 1 - t, b]`` for
    ``t < lengths[b]`` and ``X[t, b]`` (the padding) elsewhere. ``X.flip(0)`` would move the
    padding to the front, where a backward RNN would read it first. Applying it twice gives ``X``.
    """
    T, B = X.shape[0], X.shape[1]
    lengths = torch.as_tensor(lengths, device=X.device)
    t = torch.arange(T, device=X.device)[:, None]                     # (T, 1)
    source = torch.where(t < lengths[None, :], lengths[None, :] - 1 - t, t)  # (T, B)
    index = source.view(T, B, *([1] * (X.dim() - 2))).expand_as(X)
    return X.gather(0, index)
