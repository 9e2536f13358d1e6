"""Stored cases of assignment 01_why_recurrent (see autograder/cases/__init__.py)."""
import numpy as np

from autograder.cases import case
from rnncourse.grading.counting import break_even_mistakes
from rnncourse.grading.readout import readout_step_mistakes


def cases(solution):
    rng = np.random.default_rng(1)
    X = np.arange(24, dtype=float).reshape(4, 3, 2)       # T=4, B=3, D=2
    T, B, D, H = 5, 2, 3, 4
    Xr = rng.normal(size=(T, B, D))
    W_xh, W_hh, b_h = rng.normal(size=(H, D)), 0.5 * rng.normal(size=(H, H)), rng.normal(size=H)
    no_recurrence = np.zeros((B, H))
    for t in range(T):
        no_recurrence = np.tanh(Xr[t] @ W_xh.T + b_h)
    seqs = [np.ones((2, 3)), 2 * np.ones((4, 3)), 3 * np.ones((1, 3))]
    padded, _ = solution.pad_batch(seqs)
    sizes = [(3, 16, 1), (4, 12, 5), (2, 7, 3)]           # D divides H in the second
    N, M = 6, 3
    readout = (rng.normal(size=M), 0.3, rng.normal(size=(N, M)), np.array([1.0, 0.0, 0.0, 1.0, 1.0, 0.0]), 0.5)
    return {
        "mean_pool": case(solution.mean_pool, X, mistakes={
            "You summed over time instead of averaging: divide by T.": X.sum(axis=0)}),
        "recurrent_summary": case(solution.recurrent_summary, Xr, W_xh, W_hh, b_h, mistakes={
            "The result equals a network without the W_hh h_{t-1} term: each step must use the previous state.":
                no_recurrence,
            "You returned the state after the first step; return the state after the last step, h_T.":
                np.tanh(Xr[0] @ W_xh.T + b_h)}),
        "count_parameters": case(solution.count_parameters, 10, 3, 16, 1),
        "pad_batch": case(solution.pad_batch, seqs, mistakes={
            "X is batch-first (B, T_max, D); the course's convention is time-major (T_max, B, D).":
                padded.transpose(1, 0, 2)}),
        "break_even_length": case(lambda sizes: [solution.break_even_length(*s) for s in sizes], sizes,
                                  mistakes=[break_even_mistakes(*s) for s in sizes]),
        "readout_step": case(solution.readout_step, *readout, mistakes=readout_step_mistakes(*readout)),
    }
