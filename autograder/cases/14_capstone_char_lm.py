"""Stored cases of assignment 14_capstone_char_lm (see autograder/cases/__init__.py)."""
import numpy as np
import torch

from autograder.cases import case
from rnncourse.grading.char_lm import clip_mistakes, cross_entropy_mistakes, forward_mistakes, loss_mistakes


def _model(rng, V, D, H):
    return {"embed": rng.normal(size=(V, D)), "W_xh": rng.normal(size=(H, D)) / np.sqrt(D),
            "W_hh": rng.normal(size=(H, H)) / np.sqrt(H), "b_h": 0.1 * rng.normal(size=H),
            "W_hy": rng.normal(size=(V, H)), "b_y": 0.1 * rng.normal(size=V)}


def cases(solution):
    rng = np.random.default_rng(14)
    logits, targets = rng.normal(size=(4, 3)), np.array([2, 0, 1, 2])
    large = 1000.0 * rng.normal(size=(3, 4)), np.array([1, 3, 0])
    V, D, H, T, B = 5, 3, 4, 6, 2
    params = _model(rng, V, D, H)
    x = np.array([[0, 1], [2, 2], [1, 3], [4, 1], [1, 0], [3, 4]])     # (T, B): characters repeat
    y = np.array([[1, 2], [1, 3], [4, 1], [1, 0], [3, 4], [0, 2]])
    h0 = 0.5 * rng.normal(size=(B, H))
    grads = {key: rng.normal(size=value.shape) for key, value in params.items()}
    grads["W_hy"] *= 10.0                                              # one array dominates the global norm
    small = {key: 0.01 * g for key, g in grads.items()}
    sampler = _model(rng, V, D, H)
    X = np.eye(V)[x]                                                   # (T, B, V) one-hot
    weights = tuple(params[key] for key in ("embed", "W_xh", "W_hh", "b_h", "W_hy", "b_y"))

    def scores(X, h0):
        tensors = [torch.from_numpy(a) for a in weights]
        return solution.rnn_lm_torch(torch.from_numpy(X), None if h0 is None else torch.from_numpy(h0), *tensors)

    def sampled(temperature, seed, n=12):
        return {"args": [sampler, 0, n, temperature], "seed": seed,
                "expected": solution.sample(sampler, 0, n, temperature, np.random.default_rng(seed))}

    return {
        "cross_entropy": case(solution.softmax_cross_entropy, logits, targets,
                              mistakes=cross_entropy_mistakes(logits, targets)),
        "cross_entropy_large": case(solution.softmax_cross_entropy, *large, mistakes=cross_entropy_mistakes(*large)),
        "rnn_lm_forward": case(solution.rnn_lm_forward, params, x, h0, mistakes=forward_mistakes(params, x, h0)),
        "rnn_lm_loss": case(solution.rnn_lm_loss, params, x, y, h0, mistakes=loss_mistakes(params, x, y, h0)),
        # max_norm 2 is below every array's own norm (2.4 and more), so that clipping each array on its own
        # changes every array and cannot pass for gradients left unscaled
        "clip_above": case(solution.clip_gradients, grads, 2.0, mistakes=clip_mistakes(grads, 2.0)),
        "clip_below": case(solution.clip_gradients, small, 5.0, mistakes=clip_mistakes(small, 5.0)),
        "sample_greedy": sampled(0, 0),
        "sample_warm": sampled(1.0, 3),
        "sample_cool": sampled(0.5, 4),
        "rnn_lm_torch": {"args": [X, h0, *weights], "expected": scores(X, h0),
                         "mistakes": forward_mistakes(params, x, h0)["logits"]},
        "rnn_lm_torch_no_state": {"expected": scores(X, None)},
    }
