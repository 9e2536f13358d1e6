"""Stored cases of assignment 01_why_recurrent (see autograder/cases/__init__.py)."""
import numpy as np

from autograder.cases import case
from rnncourse.grading.counting import break_even_mistakes, count_mistakes
from rnncourse.grading.pooling import mean_pool_mistakes, pad_batch_mistakes, summary_mistakes
from rnncourse.grading.readout import readout_step_mistakes


def cases(solution):
    rng = np.random.default_rng(1)
    X = np.arange(24, dtype=float).reshape(4, 3, 2)       # T=4, B=3, D=2
    T, B, D, H = 5, 2, 3, 4
    Xr = rng.normal(size=(T, B, D))
    W_xh, W_hh, b_h = rng.normal(size=(H, D)), 0.5 * rng.normal(size=(H, H)), rng.normal(size=H)
    seqs = [np.ones((2, 3)), 2 * np.ones((4, 3)), 3 * np.ones((1, 3))]
    sizes = [(3, 16, 1), (4, 12, 5), (2, 7, 3)]           # D divides H in the second
    N, M = 6, 3
    readout = (rng.normal(size=M), 0.3, rng.normal(size=(N, M)), np.array([1.0, 0.0, 0.0, 1.0, 1.0, 0.0]), 0.5)
    return {
        "mean_pool": case(solution.mean_pool, X, mistakes=mean_pool_mistakes(X)),
        "recurrent_summary": case(solution.recurrent_summary, Xr, W_xh, W_hh, b_h,
                                  mistakes=summary_mistakes(Xr, W_xh, W_hh, b_h)),
        "count_parameters": case(solution.count_parameters, 10, 3, 16, 1, mistakes=count_mistakes(10, 3, 16, 1)),
        "pad_batch": case(solution.pad_batch, seqs, mistakes=pad_batch_mistakes(seqs)),
        "break_even_length": case(lambda sizes: [solution.break_even_length(*s) for s in sizes], sizes,
                                  mistakes=[break_even_mistakes(*s) for s in sizes]),
        "readout_step": case(solution.readout_step, *readout, mistakes=readout_step_mistakes(*readout)),
    }
