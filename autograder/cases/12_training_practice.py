"""Stored cases of assignment 12_training_practice (see autograder/cases/__init__.py)."""
import numpy as np
import torch

from autograder.cases import case
from rnncourse.data.timeseries import load_sunspots
from rnncourse.grading.clipping import clipping_cases
from rnncourse.grading.exploding import clipped_step_mistakes, linear_rnn_gradient_mistakes


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

    x = np.array([0.5, -1.0, 2.0, 0.3, -0.7])
    rng = np.random.default_rng(12)
    theta = rng.normal(size=(3, 2))
    steps = {size: (theta, scale * rng.normal(size=(3, 2)), 0.1, 1.0) for size, scale in (("large", 3.0), ("small", 0.1))}
    step = lambda theta, grad, lr, max_norm: solution.clipped_sgd_step(
        torch.from_numpy(theta), torch.from_numpy(grad), lr, max_norm).numpy()
    _, sunspots = load_sunspots()
    return {
        "linear_rnn_weight_gradient": case(solution.linear_rnn_weight_gradient, 1.2, x,
                                           mistakes=linear_rnn_gradient_mistakes(1.2, x)),
        **{f"clipped_sgd_step_{size}": case(step, *args, mistakes=clipped_step_mistakes(*args)) for size, args in steps.items()},
        "clipping_experiment": {"args": [(sunspots - sunspots.mean()) / sunspots.std(), 1.0, 1.0, 60, 0]},
        **clipping,
        **{f"should_stop_{n}": case(solution.should_stop, losses, patience)
           for n, (losses, patience) in enumerate(histories)},
    }
