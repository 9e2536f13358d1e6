"""Choosing where torch code runs.

Every module and training loop in the course takes a ``device`` (and creates its tensors on the
device and with the dtype of its inputs or parameters, never a fixed one). This helper picks
the default: CUDA when a GPU is present, else the CPU.
"""
from __future__ import annotations

import torch


def pick_device(prefer: str | None = None) -> torch.device:
    """Return ``torch.device(prefer)`` if given, else CUDA when available, else the CPU.

    >>> pick_device("cpu")
    device(type='cpu')
    """
    if prefer is not None:
        return torch.device(prefer)
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def available_devices() -> list[torch.device]:
    """Every device the parity tests should run on here: the CPU always, CUDA where present."""
    devices = [torch.device("cpu")]
    if torch.cuda.is_available():
        devices.append(torch.device("cuda"))
    return devices
