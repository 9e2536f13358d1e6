"""Stored cases of assignment 09_language_model (see autograder/cases/__init__.py)."""
import numpy as np

from autograder.cases import case
from rnncourse.grading.lm_loss import cross_entropy_grad_mistakes, embedding_loss_mistakes, masked_nll_mistakes
from rnncourse.grading.sampling import generation_mistakes, sampling_mistakes, softmax_mistakes
from rnncourse.grading.toy_models import counting_step


def cases(solution):
    z = np.array([1.0, 2.0, 4.0])
    softmax = {f"temperature_softmax_{tau}": case(solution.temperature_softmax, z, tau, mistakes=softmax_mistakes(z, tau))
               for tau in (1.0, 0.5, 2.0)}
    probs = np.array([[0.1, 0.6, 0.3], [0.5, 0.0, 0.5]])

    def generate(temperature, seed, max_len):
        return solution.generate(counting_step, 0, 0, temperature, np.random.default_rng(seed), max_len)

    def generation(temperature, seed, max_len, named=True):
        """A generate case; ``named``: with the mistakes of the loop itself (greedy runs use no other function)."""
        return {"temperature": temperature, "seed": seed, "max_len": max_len, "expected": generate(temperature, seed, max_len),
                "mistakes": generation_mistakes(counting_step, 0, 0, temperature, seed, max_len) if named else {}}

    rng = np.random.default_rng(9)
    logits, targets = rng.normal(size=(4, 3)), np.array([0, 2, 2, 1])
    gradients = {f"cross_entropy_grad_{tau:g}": case(solution.cross_entropy_grad, logits, targets, tau,
                                                     mistakes=cross_entropy_grad_mistakes(logits, targets, tau))
                 for tau in (1.0, 0.5)}
    V, D = 4, 3
    embedding = (np.array([1, 3, 1, 0, 2]), np.array([3, 0, 2, 2, 1]), rng.normal(size=(V, D)), rng.normal(size=(V, D)),
                 rng.normal(size=V))
    T, B, V = 4, 3, 5
    mask = (np.arange(T)[:, None] < np.array([4, 2, 1])[None, :]).astype(float)
    sequence = (rng.normal(scale=2.0, size=(T, B, V)), np.eye(V)[rng.integers(0, V, size=(T, B))], mask)
    return {
        **softmax,
        "temperature_softmax_large": case(solution.temperature_softmax, np.array([1000.0, 999.0]), 1.0),
        "sample_index": {"args": [probs], "seed": 0,
                         "expected": solution.sample_index(probs, np.random.default_rng(0)),
                         "mistakes": sampling_mistakes(probs, 0)},
        "generate_greedy": generation(0, 0, 10),
        "generate_short": generation(0, 0, 2),
        "generate_sampled": generation(1.0, 3, 10, named=False),    # runs the student's softmax and sampler too
        **gradients,
        "embedding_softmax_loss": case(solution.embedding_softmax_loss, *embedding,
                                       mistakes=embedding_loss_mistakes(*embedding)),
        "sequence_nll_torch": case(_torch(solution.sequence_nll_torch), *sequence, mistakes=masked_nll_mistakes(*sequence)),
    }


def _torch(function):
    """function on torch tensors made from the arrays, its result as an array."""
    import torch

    return lambda *arrays: function(*(torch.from_numpy(a) for a in arrays)).numpy()
