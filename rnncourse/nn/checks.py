"""Checks of a recurrent module's inputs, so that bad input fails as it does in ``torch.nn``.

Without them a wrong shape fails deep inside a matrix product, or worse, does not fail: a
(2, B, H) tensor given to an LSTM with B = 2 unpacks into ``h0`` and ``c0``, and a 1-layer GRU
given a 2-layer state runs on its first layer. Every message names the argument, what was
expected and what was given. The error is :class:`RecurrentInputError`, which is both a
``ValueError`` and a ``RuntimeError`` (the type ``torch.nn``'s modules raise), so code written
for either keeps working.

Values are read only where they exist: on the ``meta`` device only shapes and dtypes are checked.
"""
from __future__ import annotations

import torch
from torch import Tensor


class RecurrentInputError(ValueError, RuntimeError):
    """Bad input to a recurrent module (a ``ValueError``, and a ``RuntimeError`` as in ``torch.nn``)."""


def check_sequence(X: Tensor, input_size: int, weight: Tensor) -> None:
    """``X`` must be (T, B, input_size) with T >= 1, on ``weight``'s device and with its dtype."""
    if not isinstance(X, Tensor):
        raise RecurrentInputError(f"X must be a tensor (T, B, D), got {type(X).__name__}")
    if X.dim() != 3:
        raise RecurrentInputError(f"X must be time-major (T, B, D), got shape {tuple(X.shape)}")
    if X.shape[0] == 0:
        raise RecurrentInputError("X has no time steps (T = 0); a recurrent module needs at least one")
    if X.shape[2] != input_size:
        raise RecurrentInputError(f"X: expected input size {input_size} (the last dim of (T, B, D)), "
                                  f"got {X.shape[2]} (X has shape {tuple(X.shape)})")
    if X.dtype != weight.dtype:
        raise RecurrentInputError(f"X has dtype {X.dtype} but the parameters {weight.dtype}; convert one: "
                                  f"X.to({weight.dtype}) or module.to({X.dtype})")
    if X.device != weight.device:
        raise RecurrentInputError(f"X is on {X.device} but the parameters on {weight.device}")


def check_state(state, names: tuple[str, ...], shape: tuple[int, ...], X: Tensor) -> None:
    """``state`` must be one tensor (``names`` = ("h0",)) or a pair of tensors ("h0", "c0"), each of
    ``shape`` (L*dirs, B, H), with ``X``'s dtype and device."""
    if len(names) == 1:
        if not isinstance(state, Tensor):
            raise RecurrentInputError(f"state: expected one tensor {names[0]} of shape {shape}, "
                                      f"got {_describe(state)}")
        parts = (state,)
    else:
        if not (isinstance(state, (tuple, list)) and len(state) == len(names)):
            raise RecurrentInputError(f"state: expected the pair ({', '.join(names)}), each of shape {shape}, "
                                      f"got {_describe(state)}")
        parts = tuple(state)
    for name, part in zip(names, parts):
        if not isinstance(part, Tensor):
            raise RecurrentInputError(f"{name}: expected a tensor of shape {shape}, got {type(part).__name__}")
        if tuple(part.shape) != shape:
            raise RecurrentInputError(f"{name}: expected shape {shape} (layers * directions, B, H), "
                                      f"got {tuple(part.shape)}")
        if part.dtype != X.dtype:
            raise RecurrentInputError(f"{name} has dtype {part.dtype} but X has {X.dtype}")
        if part.device != X.device:
            raise RecurrentInputError(f"{name} is on {part.device} but X on {X.device}")


def check_lengths(lengths, T: int, B: int, device: torch.device) -> Tensor:
    """``lengths``: B integers in 1..T. Returns them as a tensor on ``device``."""
    lengths = torch.as_tensor(lengths)
    if lengths.dim() != 1 or lengths.shape[0] != B:
        raise RecurrentInputError(f"lengths: expected one per sequence, B = {B} values, "
                                  f"got shape {tuple(lengths.shape)}")
    if lengths.dtype == torch.bool or lengths.is_floating_point() or lengths.is_complex():
        raise RecurrentInputError(f"lengths must be integers, got dtype {lengths.dtype}")
    if lengths.device.type != "meta" and B > 0:
        low, high = int(lengths.min()), int(lengths.max())
        if low < 1 or high > T:
            raise RecurrentInputError(f"lengths must be between 1 and T = {T}, got values from {low} to {high}")
    return lengths.to(device)


def _describe(state) -> str:
    if isinstance(state, Tensor):
        return f"a tensor of shape {tuple(state.shape)}"
    if isinstance(state, (tuple, list)):
        return f"a {type(state).__name__} of {len(state)}"
    return type(state).__name__
