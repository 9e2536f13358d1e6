"""Running the chapters' tiny models on one CPU thread.

The models of the experiments have a few thousand parameters; on a shared CPU, splitting each
small matrix product over several threads costs more than it saves. ``single_thread()`` sets
torch to one thread inside a ``with`` block and restores the previous setting afterwards.
"""
from __future__ import annotations

from contextlib import contextmanager

import torch


@contextmanager
def single_thread():
    """Run torch on one thread inside the block, then restore the previous thread count."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)
