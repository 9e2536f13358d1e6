"""Stored cases of assignment 08_attention_transformer (see autograder/cases/__init__.py)."""
import numpy as np

from autograder.cases import case
from rnncourse.grading.attention import attention_weight_mistakes, context_mistakes, sdpa_mistakes
from rnncourse.grading.attention_backward import (attention_vote_mistakes, sdpa_backward_mistakes,
                                                  softmax_jacobian_mistakes)


def cases(solution):
    rng = np.random.default_rng(8)
    S, B, H = 4, 3, 2
    weights = (rng.normal(size=(B, H)), rng.normal(size=(S, B, H)), np.array([4, 2, 1]))

    S, B, H = 3, 2, 4
    Hs = rng.normal(size=(S, B, H))
    one_hot = np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
    alpha = np.array([[0.2, 0.3, 0.5], [0.6, 0.4, 0.0]])

    B, T, d, dv = 2, 4, 3, 2
    Q, K, V = rng.normal(size=(B, T, d)), rng.normal(size=(B, T, d)), rng.normal(size=(B, T, dv))
    row, batch = np.array([1.0, 2.0, 0.5]), rng.normal(size=(2, 3, 4))
    plain = (rng.normal(size=(2, 3, 3)), rng.normal(size=(2, 4, 3)), rng.normal(size=(2, 4, 2)),
             rng.normal(size=(2, 3, 2)), False)
    causal = (rng.normal(size=(2, 4, 3)), rng.normal(size=(2, 4, 3)), rng.normal(size=(2, 4, 2)),
              rng.normal(size=(2, 4, 2)), True)
    vote = (rng.normal(size=(2, 3)), rng.normal(size=(4, 3)), np.array([0, 1, 1, 0]), 2, 5.0)
    return {
        "softmax_jacobian_row": case(solution.softmax_jacobian, row, mistakes=softmax_jacobian_mistakes(row)),
        "softmax_jacobian_batch": case(solution.softmax_jacobian, batch, mistakes=softmax_jacobian_mistakes(batch)),
        "sdpa_backward_plain": case(solution.sdpa_backward, *plain, mistakes=sdpa_backward_mistakes(*plain)),
        "sdpa_backward_causal": case(solution.sdpa_backward, *causal, mistakes=sdpa_backward_mistakes(*causal)),
        "attention_vote": case(solution.attention_vote, *vote, mistakes=attention_vote_mistakes(*vote)),
        "causal_attention_torch": case(lambda *a: solution.scaled_dot_product_attention(*a, True)[0], Q, K, V,
                                       mistakes=sdpa_mistakes(Q, K, V, True)),
        "attention_weights": case(solution.attention_weights, *weights, mistakes=attention_weight_mistakes(*weights)),
        "context_vector_one_hot": case(solution.context_vector, one_hot, Hs, mistakes=context_mistakes(one_hot, Hs)),
        "context_vector": case(solution.context_vector, alpha, Hs, mistakes=context_mistakes(alpha, Hs)),
        **{f"sdpa_causal_{causal}": case(solution.scaled_dot_product_attention, Q, K, V, causal,
                                         mistakes=sdpa_mistakes(Q, K, V, causal))
           for causal in (False, True)},
    }
