"""Training utilities: one loop with the practices of seed question 11/16/17 built in.

``fit`` trains any model for which a ``loss_fn(model, batch) -> (mean_loss, n_items)`` exists:

* **gradient clipping**: the global L2 norm of all gradients is rescaled to at most
  ``max_grad_norm`` (Pascanu et al., 2013),

  .. math:: g \\leftarrow g \\cdot \\min\\left(1, \\frac{\\tau}{\\lVert g \\rVert_2}\\right);

* **early stopping**: training stops when the validation loss has not improved by more than
  ``min_delta`` for ``patience`` epochs;
* **checkpoints**: the parameters with the best validation loss are kept (in memory, and on
  disk when ``checkpoint_path`` is given) and restored at the end;
* **learning-rate schedules**: any ``torch.optim.lr_scheduler`` stepped once an epoch
  (``ReduceLROnPlateau`` receives the validation loss);
* **reproducibility**: :func:`seed_everything` seeds Python, NumPy and torch;
* **device**: batches are moved to ``device`` (the model must already live there);
* **progress**: a ``tqdm.auto`` bar (a widget in notebooks, text in terminals) that counts the
  epochs actually run. When the environment variable ``RNNCOURSE_TEXT_PROGRESS`` is set (the
  book build sets it), the loop prints instead ONE line when it ends, with the true count: a
  static page cannot animate a bar (a widget would need JavaScript from a CDN, and a text bar
  leaves one line per refresh).

Batches are tuples of tensors (or one tensor). Sequence lengths for packing may travel to
the device too: the models move them back to the CPU where packing needs them.
"""
from __future__ import annotations

import copy
import math
import os
import random
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch
from tqdm.auto import tqdm as _auto_tqdm


class FinalLine:
    """A progress "bar" for static pages: silent while the loop runs, one line when it ends,
    e.g. ``training (stopped early): 19/20 epochs in 9.4 s, train=1.2345, val=1.3456``."""

    def __init__(self, total: int, desc: str = "", disable: bool = False, unit: str = "epochs"):
        self.total, self.desc, self.disable, self.unit = total, desc, disable, unit
        self.n, self.postfix = 0, {}
        self._start = time.perf_counter()

    def update(self, n: int = 1) -> None:
        self.n += n

    def set_postfix(self, refresh: bool = False, **values) -> None:
        self.postfix = values

    def set_description(self, desc: str, refresh: bool = False) -> None:
        self.desc = desc

    def close(self) -> None:
        if self.disable:
            return
        seconds = time.perf_counter() - self._start
        line = f"{self.desc}: {self.n}/{self.total} {self.unit} in {seconds:.1f} s"
        line += "".join(f", {key}={value}" for key, value in self.postfix.items())
        print(line, file=sys.stdout, flush=True)
        self.disable = True  # a second close prints nothing


def progress_bar(total: int, desc: str, disable: bool = False):
    """A progress bar over ``total`` epochs, advanced by hand with ``update(1)`` after each one
    (so that a loop that stops early shows how many really ran): a widget in live notebooks,
    text in terminals, and one final line in the built book."""
    if os.environ.get("RNNCOURSE_TEXT_PROGRESS"):
        return FinalLine(total, desc, disable=disable)
    return _auto_tqdm(total=total, desc=desc, disable=disable, leave=True, unit="epoch")


def seed_everything(seed: int) -> None:
    """Seed Python's, NumPy's and torch's (CPU and CUDA) global generators."""
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)   # also seeds every CUDA device


def gradient_norm(parameters: Iterable[torch.nn.Parameter]) -> float:
    """The global L2 norm of all gradients, as if they were one long vector."""
    grads = [p.grad for p in parameters if p.grad is not None]
    if not grads:
        return 0.0
    return float(torch.sqrt(sum((g.detach() ** 2).sum() for g in grads)))


def clip_gradients(parameters: Iterable[torch.nn.Parameter], max_norm: float) -> float:
    """Rescale all gradients together so that their global norm is at most ``max_norm``.

    Returns the norm *before* clipping. The direction of the update is kept; only its length
    shrinks. (Same result as ``torch.nn.utils.clip_grad_norm_``, written out for the lesson.)
    """
    parameters = [p for p in parameters if p.grad is not None]
    norm = gradient_norm(parameters)
    if norm > max_norm:
        scale = max_norm / (norm + 1e-6)
        for p in parameters:
            p.grad.mul_(scale)
    return norm


class EarlyStopping:
    """Watch a validation loss; ``step`` returns True when it improved by more than ``min_delta``."""

    def __init__(self, patience: int = 5, min_delta: float = 0.0):
        self.patience, self.min_delta = patience, min_delta
        self.best = math.inf
        self.best_epoch = -1
        self.bad_epochs = 0

    def step(self, loss: float, epoch: int) -> bool:
        if loss < self.best - self.min_delta:
            self.best, self.best_epoch, self.bad_epochs = loss, epoch, 0
            return True
        self.bad_epochs += 1
        return False

    @property
    def should_stop(self) -> bool:
        return self.bad_epochs >= self.patience


class Checkpoint:
    """Keep the best parameters: a CPU copy in memory and, if ``path`` is given, a file."""

    def __init__(self, path: str | Path | None = None):
        self.path = Path(path) if path is not None else None
        self.state: dict[str, torch.Tensor] | None = None

    def save(self, model: torch.nn.Module, **extra: Any) -> None:
        self.state = {k: v.detach().to("cpu", copy=True) for k, v in model.state_dict().items()}
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            torch.save({"model": self.state, **extra}, self.path)

    def restore(self, model: torch.nn.Module) -> None:
        """Load the saved parameters into ``model`` (onto whatever device the model is on)."""
        state = self.state
        if state is None and self.path is not None and self.path.exists():
            state = torch.load(self.path, map_location="cpu")["model"]
        if state is None:
            raise RuntimeError("no checkpoint has been saved yet")
        model.load_state_dict(state)


@dataclass
class History:
    """Per-epoch records of a run of :func:`fit`."""
    train_loss: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    lr: list[float] = field(default_factory=list)
    grad_norm: list[float] = field(default_factory=list)   # mean pre-clipping norm over the epoch's steps
    best_epoch: int = -1
    best_val_loss: float = math.inf
    stopped_early: bool = False


def to_device(batch: Any, device: torch.device | str) -> Any:
    """Move every tensor of a (nested) tuple/list batch to ``device``."""
    if isinstance(batch, torch.Tensor):
        return batch.to(device)
    if isinstance(batch, (tuple, list)):
        return type(batch)(to_device(b, device) for b in batch)
    return batch


def minibatches(*arrays, batch_size: int, seed: int | None = None) -> list[tuple[torch.Tensor, ...]]:
    """Cut arrays that share their first axis into batches of rows (shuffled by ``seed`` if given)."""
    tensors = [torch.as_tensor(np.asarray(a)) for a in arrays]
    n = len(tensors[0])
    if any(len(t) != n for t in tensors):
        raise ValueError("all arrays must have the same number of rows")
    order = torch.arange(n) if seed is None else torch.as_tensor(np.random.default_rng(seed).permutation(n))
    return [tuple(t[order[i: i + batch_size]] for t in tensors) for i in range(0, n, batch_size)]


def _batches(data, epoch: int):
    return data(epoch) if callable(data) else data


@torch.no_grad()
def evaluate(model: torch.nn.Module, batches, loss_fn: Callable, device: torch.device | str = "cpu") -> float:
    """Mean loss over all items of ``batches`` (each batch weighted by its item count), in eval mode."""
    was_training = model.training
    model.eval()
    if hasattr(loss_fn, "start_pass"):
        loss_fn.start_pass()
    total, count = 0.0, 0
    for batch in _batches(batches, 0):
        loss, n = loss_fn(model, to_device(batch, device))
        total += float(loss) * n
        count += n
    model.train(was_training)
    return total / max(count, 1)


def fit(model: torch.nn.Module, train_data, val_data, loss_fn: Callable, *,
        optimizer: torch.optim.Optimizer, epochs: int, device: torch.device | str = "cpu",
        max_grad_norm: float | None = None, patience: int | None = None, min_delta: float = 0.0,
        scheduler=None, checkpoint_path: str | Path | None = None, restore_best: bool = True,
        progress: bool = True, desc: str = "training") -> History:
    """Train ``model`` and return its :class:`History`.

    ``train_data``/``val_data``: an iterable of batches, or a function ``epoch -> iterable``
    (for a fresh, seeded shuffle each epoch). ``loss_fn(model, batch)`` returns the mean loss
    of the batch and its number of items; if it has a ``start_pass()`` method (e.g. to reset
    a state carried between batches), that is called before every pass over the data.
    """
    history = History()
    stopper = EarlyStopping(patience if patience is not None else epochs + 1, min_delta)
    checkpoint = Checkpoint(checkpoint_path)
    bar = progress_bar(epochs, desc, disable=not progress)
    for epoch in range(epochs):
        model.train()
        if hasattr(loss_fn, "start_pass"):
            loss_fn.start_pass()
        total, count, norms = 0.0, 0, []
        for batch in _batches(train_data, epoch):
            loss, n = loss_fn(model, to_device(batch, device))
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            if max_grad_norm is not None:
                norms.append(clip_gradients(model.parameters(), max_grad_norm))
            else:
                norms.append(gradient_norm(model.parameters()))
            optimizer.step()
            total += float(loss.detach()) * n
            count += n
        val = evaluate(model, val_data, loss_fn, device)
        history.train_loss.append(total / max(count, 1))
        history.val_loss.append(val)
        history.lr.append(optimizer.param_groups[0]["lr"])
        history.grad_norm.append(float(np.mean(norms)) if norms else 0.0)
        if stopper.step(val, epoch):
            checkpoint.save(model, epoch=epoch, val_loss=val)
        bar.update(1)
        bar.set_postfix(train=f"{history.train_loss[-1]:.4f}", val=f"{val:.4f}", refresh=False)
        if scheduler is not None:
            if isinstance(scheduler, torch.optim.lr_scheduler.ReduceLROnPlateau):
                scheduler.step(val)
            else:
                scheduler.step()
        if not math.isfinite(val) or stopper.should_stop:
            history.stopped_early = True
            bar.set_description(f"{desc} (stopped early)" if math.isfinite(val) else f"{desc} (stopped: loss not finite)",
                                refresh=False)
            break
    bar.close()
    history.best_epoch, history.best_val_loss = stopper.best_epoch, stopper.best
    if restore_best and checkpoint.state is not None:
        checkpoint.restore(model)
    return history
