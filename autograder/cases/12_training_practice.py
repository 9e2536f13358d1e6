"""Stored cases of assignment 12_training_practice (see autograder/cases/__init__.py)."""
import torch

from autograder.cases import case
from rnncourse.grading.clipping import clipping_cases


def flat_grads(params):
    return torch.cat([p.grad.flatten() for p in params if p.grad is not None])


def cases(solution):
    clipping = {}
    for spec in clipping_cases(seed=0, max_norm=1.0):
        params = spec["parameters"]()
        stored = {"data": [p.detach().numpy().copy() for p in params],
                  "grads": [None if p.grad is None else p.grad.numpy().copy() for p in params]}
        norm = solution.clip_grad_norm(params, spec["max_norm"])
        clipping[f"clip_grad_norm_{spec['name'].replace(' ', '_')}"] = {
            "name": spec["name"], "max_norm": spec["max_norm"], **stored, "norm": norm, "expected": flat_grads(params),
            "mistakes": spec["mistakes"], "norm_mistakes": spec["norm_mistakes"]}
    histories = [([3.0, 2.0, 1.0], 2), ([2.0, 3.0, 2.5], 2), ([3.0, 2.0, 2.5, 2.4], 2), ([3.0, 2.0], 2)]
    return {
        **clipping,
        **{f"should_stop_{n}": case(solution.should_stop, losses, patience)
           for n, (losses, patience) in enumerate(histories)},
    }
