"""Probes of assignment 05_gradient_problems: each test cell's function, called on the grader's own inputs.

Shapes and values are random for every grading run; they cover the cases the hidden tests
cover (a single entry, several arrays of different shapes, clipping above and below the
threshold, 1x1 matrices, T = 1). Clipped gradients have norms above 1, so that the small
constant added to the norm stays far below the tolerance.
"""
import numpy as np


def probes(rng):
    def size(low=1, high=6):
        return int(rng.integers(low, high + 1))

    def grads(shapes, scale=1.0):
        return [scale * rng.normal(size=s) for s in shapes]

    def states(T, H):
        W_xh, W_hh, h, Hs = rng.normal(size=(H, 2)), rng.normal(size=(H, H)) / np.sqrt(H), np.zeros(H), []
        for x in rng.normal(size=(T, 2)):
            h = np.tanh(W_xh @ x + W_hh @ h)
            Hs.append(h)
        return W_hh, np.array(Hs)

    several = [(size(2, 5), size(2, 5)), (size(2, 6),), (size(), size(), 2)]
    return {
        "test_global_norm_visible": [("global_norm", (grads([(size(), size()), (size(),)]),))],
        "test_global_norm_hidden": [("global_norm", (grads([(1,)]),)), ("global_norm", (grads(several),))],
        "test_clip_by_global_norm_visible": [("clip_by_global_norm", (grads([(size(2, 4),), (size(2, 3), 2)], 3.0), 1.0)),
                                             ("clip_by_global_norm", (grads([(size(),)], 0.05), 1.0))],
        "test_clip_by_global_norm_hidden": [("clip_by_global_norm", (grads(several), 0.5)),
                                            ("clip_by_global_norm", (grads(several), 100.0)),
                                            ("clip_by_global_norm", (grads([(size(4, 7), size(4, 6))]), 1.0))],
        "test_clip_by_value_visible": [("clip_by_value", (grads([(size(),)], 3.0), 0.1))],
        "test_clip_by_value_hidden": [("clip_by_value", (grads([(size(), size()), (size(),)]), 0.5))],
        "test_spectral_radius_visible": [("spectral_radius", (0.9 * np.array([[0.0, -1.0], [1.0, 0.0]]),)),
                                         ("spectral_radius", (np.triu(rng.normal(size=(2, 2))),))],
        "test_spectral_radius_hidden": [("spectral_radius", (rng.normal(size=(1, 1)),)),
                                        ("spectral_radius", (rng.normal(size=(size(2, 16),) * 2),))],
        "test_jacobian_norms_visible": [("jacobian_norms", states(3, 2))],
        "test_jacobian_norms_hidden": [("jacobian_norms", states(1, 1)), ("jacobian_norms", states(size(5, 12), size(2, 7)))],
    }
