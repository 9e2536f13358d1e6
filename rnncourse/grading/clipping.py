"""Cases and classic mistakes for gradient clipping by the global norm (assignment 12).

Each case is a set of parameters with known gradients (rebuilt fresh on demand, since clipping
works in place), the expected clipped gradients from ``torch.nn.utils.clip_grad_norm_``, the norm
before clipping, and what the classic mistakes would produce:

* clipping each tensor on its own instead of the whole gradient vector;
* rescaling to ``max_norm`` even when the norm is already below it (small gradients blown up);
* clamping each entry to ``[-max_norm, max_norm]`` (changes the direction).
"""
from __future__ import annotations

import numpy as np

# torch is imported where it is used: the norm mistakes serve graders that need no torch.


def _params(seed: int, scale: float, with_none: bool):
    import torch

    g = torch.Generator().manual_seed(seed)
    shapes = [(4, 3), (4,), (2, 4)]
    params = []
    for shape in shapes:
        p = torch.nn.Parameter(torch.randn(shape, generator=g))
        p.grad = scale * torch.randn(shape, generator=g)
        params.append(p)
    if with_none:
        params.append(torch.nn.Parameter(torch.zeros(3)))     # a parameter without a gradient
    return params


def _flat(params):
    import torch

    return torch.cat([p.grad.flatten() for p in params if p.grad is not None])


def norm_mistakes(grads, max_norm: float) -> dict:
    """Wrong global norms of the arrays ``grads`` (``None`` skipped): the arrays' norms added, the
    square root left out, the norm after clipping returned."""
    grads = [np.asarray(g, dtype=np.float64) for g in grads if g is not None]
    total = float(np.sqrt(sum(np.sum(g ** 2) for g in grads)))
    return {"You added the norms of the arrays; take one square root of the total sum of squares.":
                float(sum(np.linalg.norm(g) for g in grads)),
            "You returned the sum of squares; take the square root.": total ** 2,
            "You returned the norm after clipping; return the norm of the gradients before clipping.":
                total * min(1.0, max_norm / (total + 1e-6))}


def clipping_cases(seed: int, max_norm: float) -> list[dict]:
    import torch

    cases = []
    for name, scale, with_none in (("large gradients", 3.0, True), ("small gradients", 0.01, False)):
        make = lambda s=scale, w=with_none: _params(seed, s, w)                       # noqa: E731
        reference = make()
        norm = float(torch.nn.utils.clip_grad_norm_(reference, max_norm))
        per_tensor = make()
        for p in per_tensor:
            if p.grad is not None:
                torch.nn.utils.clip_grad_norm_([p], max_norm)
        always = make()
        total = float(_flat(always).norm())
        for p in always:
            if p.grad is not None:
                p.grad.mul_(max_norm / (total + 1e-6))
        clamped = make()
        for p in clamped:
            if p.grad is not None:
                p.grad.clamp_(-max_norm, max_norm)
        mistakes = {}
        for message, params in (
            ("Each tensor was clipped on its own: compute ONE norm over all gradients together and scale them all "
             "by the same factor.", per_tensor),
            ("The gradients were rescaled although their norm was already below max_norm: only scale when the norm "
             "is larger.", always),
            ("Each entry was clamped to [-max_norm, max_norm], which changes the direction of the gradient: "
             "rescale the whole vector instead.", clamped),
        ):
            if not torch.allclose(_flat(params), _flat(reference), rtol=1e-5, atol=1e-7):
                mistakes[message] = _flat(params)
        cases.append({"name": name, "parameters": make, "max_norm": max_norm, "norm": norm,
                      "expected": _flat(reference), "mistakes": mistakes,
                      "norm_mistakes": norm_mistakes([p.grad for p in make()], max_norm)})
    return cases
