"""The attention mistake generators: every classic mistake differs from the right answer."""
import numpy as np
from conftest import assert_mistakes_differ

from rnncourse.grading import Feedback, check_array
from rnncourse.grading.attention import attention_weight_mistakes, context_mistakes, sdpa_mistakes
from rnncourse.numpy_ref.attention import attention_context, causal_mask, dot_attention, scaled_dot_product_attention


def test_each_mistake_is_wrong_and_is_named_by_check_array():
    rng = np.random.default_rng(0)
    S, B, H = 6, 3, 4
    Hs, s, lengths = rng.normal(size=(S, B, H)), rng.normal(size=(B, H)), np.array([6, 3, 2])
    alpha, _ = dot_attention(s, Hs, np.arange(S)[:, None] < lengths[None, :])
    mistakes = attention_weight_mistakes(s, Hs, lengths)
    assert_mistakes_differ(alpha, mistakes)
    for message, wrong in mistakes.items():
        try:
            check_array("alpha", wrong, alpha, mistakes=mistakes)
        except Feedback as feedback:
            assert message in str(feedback)
        else:
            raise AssertionError(f"not caught: {message}")

    a, _ = attention_context(rng.normal(size=(S, B)), Hs)
    assert_mistakes_differ(np.einsum("bs,sbh->bh", a, Hs), context_mistakes(a, Hs))

    Q, K, V = rng.normal(size=(2, 5, 8)), rng.normal(size=(2, 5, 8)), rng.normal(size=(2, 5, 3))
    for causal in (False, True):
        O, _ = scaled_dot_product_attention(Q, K, V, causal_mask(5) if causal else None)
        assert_mistakes_differ(O, sdpa_mistakes(Q, K, V, causal))
