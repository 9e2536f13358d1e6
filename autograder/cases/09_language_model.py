"""Stored cases of assignment 09_language_model (see autograder/cases/__init__.py)."""
import numpy as np

from autograder.cases import case
from rnncourse.grading.toy_models import counting_step


def cases(solution):
    z = np.array([1.0, 2.0, 4.0])
    softmax = {}
    for tau in (1.0, 0.5, 2.0):
        e = np.exp(z / tau)
        softmax[f"temperature_softmax_{tau}"] = case(solution.temperature_softmax, z, tau, mistakes={
            "You multiplied the scores by the temperature; divide them: a small temperature must sharpen the "
            "distribution.": np.exp(z * tau) / np.exp(z * tau).sum(),
            "The values are not normalised: divide by the sum over the last axis so that they sum to 1.": e})
    probs = np.array([[0.1, 0.6, 0.3], [0.5, 0.0, 0.5]])

    def generate(temperature, seed, max_len):
        return solution.generate(counting_step, 0, 0, temperature, np.random.default_rng(seed), max_len)

    return {
        **softmax,
        "temperature_softmax_large": case(solution.temperature_softmax, np.array([1000.0, 999.0]), 1.0),
        "sample_index": {"args": [probs], "seed": 0,
                         "expected": solution.sample_index(probs, np.random.default_rng(0)), "mistakes": {}},
        "generate_greedy": {"temperature": 0, "seed": 0, "max_len": 10, "expected": generate(0, 0, 10)},
        "generate_short": {"temperature": 0, "seed": 0, "max_len": 2, "expected": generate(0, 0, 2)},
        "generate_sampled": {"temperature": 1.0, "seed": 3, "max_len": 10, "expected": generate(1.0, 3, 10)},
    }
