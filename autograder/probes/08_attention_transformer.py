"""Probes of assignment 08_attention_transformer: each test's functions, called on the grader's own inputs.

Shapes, lengths and values come from the grader's seed; they cover what the hidden tests check
(S = 1, a batch of one, large scores that overflow a naive softmax, padded steps, L != S without
a mask, T = 1 with the causal mask), and name the classic mistakes with the generators of
``rnncourse.grading.attention`` and ``rnncourse.grading.attention_backward``. The lookup
experiment runs on a split of the census names drawn from the seed and is judged by its log-loss
at a small, a middle and a large scale. The torch function also runs on the ``meta`` device in
float32, where a hard-coded device or dtype shows.
"""
import numpy as np

from autograder.probes import Call
from autograder.probes.judge import (META_ERROR, Feedback, array_check, component_check, fields, meta_check,
                                     same_array, tuple_check)
from autograder.probes.wire import Tensor
from rnncourse.data.name_gender import name_gender_split
from rnncourse.grading.attention import attention_weight_mistakes, context_mistakes, sdpa_mistakes
from rnncourse.grading.attention_backward import (attention_vote_mistakes, log_loss, sdpa_backward_mistakes,
                                                  softmax_jacobian_mistakes)
from rnncourse.grading.gradient_flow import distinct

HIDDEN = {
    "test_attention_weights_hidden": "attention_weights on random shapes, lengths of 1 and full length, and very large scores.",
    "test_context_vector_hidden": "context_vector on random shapes, including S = 1 and B = 1.",
    "test_sdpa_hidden": "scaled_dot_product_attention on random shapes (L != S without mask, T = 1 with mask).",
    "test_softmax_jacobian_hidden": "softmax_jacobian on random scores of other shapes (n = 1 included) and very large scores.",
    "test_sdpa_backward_hidden": "sdpa_backward on random shapes (T = 1 with the mask, T_q != S without it).",
    "test_attention_vote_hidden": "attention_vote on another split of the census names: the log-loss at a small, "
                                  "a middle and a large scale.",
    "test_causal_attention_torch_hidden": "causal_attention_torch on random shapes (T = 1 included) on CPU in "
                                          "float64, and on the meta device in float32.",
}
WEIGHTS = array_check("alpha", attention_weight_mistakes, hint="with large scores, subtract the maximum score before np.exp.")
CONTEXT = array_check("context_vector(alpha, Hs)", lambda alpha, Hs: distinct(np.einsum("bs,sbh->bh", alpha, Hs),
                                                                           context_mistakes(alpha, Hs)))
JACOBIAN = array_check("softmax_jacobian(z)", softmax_jacobian_mistakes,
                       hint="dp_i/dz_j = p_i (delta_ij - p_j); with large scores, subtract the row's maximum before np.exp.")
BACKWARD = tuple_check(("dQ", "dK", "dV"), mistakes=sdpa_backward_mistakes)
CAUSAL_MASKED = "softmax(Q K^T / sqrt(d_k)) V with the scores of keys j > i set to -inf before the softmax."


DIAGONAL_MASKED = ("O is wrong. The first query's row is NaN: the mask hides the diagonal too (np.triu(..., k=0)), so "
                   "query 0 sees no key at all; forbid only j > i (k=1).")


def _sdpa(got, want, args):
    O, A = fields("scaled_dot_product_attention", got, 2)
    Q, K, V, causal = args
    O_ = np.asarray(O, dtype=float) if isinstance(O, np.ndarray) else None
    if causal and O_ is not None and O_.shape == want[0].shape and np.all(np.isnan(O_[:, 0])) \
            and np.all(np.isfinite(O_[:, 1:])):
        named = Feedback(DIAGONAL_MASKED)
        named.names_cause = True
        raise named
    same_array("O", O, want[0], mistakes=sdpa_mistakes(*args))
    scores = Q @ np.swapaxes(K, -1, -2) / np.sqrt(Q.shape[-1])
    same_array("A", A, want[1], mistakes={
        "A holds the scores, not the attention weights: return the softmax of the scores, whose rows sum to 1.": scores,
        "A holds the scores shifted by their maximum, not the attention weights: return the softmax, whose rows sum "
        "to 1.": scores - scores.max(axis=-1, keepdims=True)})


def _vote(query_labels):
    """A check judged first by the log-loss the lookup reaches on the query names (the experiment's
    property), then by the values."""
    def check(got, want, args):
        if not isinstance(got, np.ndarray) or got.shape != want.shape:
            raise Feedback(f"attention_vote should return an array of shape {want.shape} (queries, classes).")
        mistakes = attention_vote_mistakes(*args)
        got_loss, want_loss = log_loss(got, query_labels), log_loss(want, query_labels)
        if not abs(got_loss - want_loss) <= 0.01:
            named = [m for m, wrong in mistakes.items() if np.allclose(got, wrong, rtol=1e-6, atol=1e-8)]
            raise Feedback(f"At scale {args[4]:g} your lookup's log-loss on the query names is {got_loss:.3f}; "
                           f"attention over the keys reaches {want_loss:.3f} there. "
                           + (named[0] if named else "Return the output O of your scaled_dot_product_attention "
                              "with the queries times scale and the one-hot labels as values."))
        same_array("attention_vote(...)", got, want, mistakes=mistakes)
    return check


def _causal_torch(got, want, args):
    same_array("O", got, want, mistakes=sdpa_mistakes(*(a.value for a in args), True), hint=CAUSAL_MASKED,
               float64_reason="the inputs are float64 tensors and the result keeps their dtype")


def probes(rng):
    def size(low=1, high=6):
        return int(rng.integers(low, high + 1))

    def weights(S, B, H, scale=1.0):
        lengths = rng.integers(1, S + 1, size=B).astype(np.int64)
        lengths[0] = S
        if B > 1 and S > 1:               # at least one padded sequence, so masking matters
            lengths[-1] = rng.integers(1, S)
        return ("attention_weights", (rng.normal(size=(B, H)), scale * rng.normal(size=(S, B, H)), lengths))

    def context(S, B, H):
        scores = rng.normal(size=(B, S))
        alpha = np.exp(scores - scores.max(axis=1, keepdims=True))
        return ("context_vector", (alpha / alpha.sum(axis=1, keepdims=True), rng.normal(size=(S, B, H))))

    def sdpa(B, L, S, d, dv, causal):
        return ("scaled_dot_product_attention",
                (rng.normal(size=(B, L, d)), rng.normal(size=(B, S, d)), rng.normal(size=(B, S, dv)), causal))

    def jacobian(shape, scale=2.0):
        return ("softmax_jacobian", (scale * rng.normal(size=shape),))

    def backward(B, L, S, d, dv, causal):
        return ("sdpa_backward", (rng.normal(size=(B, L, d)), rng.normal(size=(B, S, d)), rng.normal(size=(B, S, dv)),
                                  rng.normal(size=(B, L, dv)), causal))

    def hidden(case, check, label=""):
        return Call(case[0], case[1], check, label)

    def backward_calls(case, label):
        """sdpa_backward, after the student's scaled_dot_product_attention on the inputs it hands it."""
        Q, K, V, dO, causal = case[1]
        return [Call("scaled_dot_product_attention", (Q, K, V, causal),
                     component_check("sdpa_backward", "scaled_dot_product_attention", _sdpa),
                     "as sdpa_backward calls it"), hidden(case, BACKWARD, label)]

    def votes(seed=None, scales=None):      # the log-loss is the grader's own, on the student's lookups
        keys, key_labels, queries, query_labels, _ = name_gender_split(seed=int(rng.integers(1, 2**31)) if seed is None
                                                                       else seed)
        values = np.eye(2)[key_labels]
        component = Call("scaled_dot_product_attention", (queries[None, :40], keys[None, :120], values[None, :120], False),
                         component_check("attention_vote", "scaled_dot_product_attention", _sdpa),
                         "one-hot label values, as attention_vote calls it")
        return [component] + [Call("attention_vote", (queries, keys, key_labels, 2, float(scale)), _vote(query_labels),
                                   f"census names, scale {scale:g}")
                              for scale in scales or (0.01, float(rng.uniform(60, 150)), 3000.0)]

    def torch_calls(B, T, d, dv):
        args = tuple(Tensor(rng.normal(size=s)) for s in ((B, T, d), (B, T, d), (B, T, dv)))
        label = f"B={B}, T={T}, d={d}, d_v={dv}"
        return [Call("causal_attention_torch", args, _causal_torch, f"{label}, CPU float64"),
                Call("causal_attention_torch", args, meta_check("(B, T, d_v)"), f"{label}, meta device float32",
                     driver="meta", on_error=META_ERROR)]

    T = size(2, 6)
    small = rng.normal(size=(3, 4))
    return {
        "test_attention_weights_visible": [weights(size(2, 6), size(2, 4), size())],
        "test_attention_weights_hidden": [hidden(weights(1, 1, 1), WEIGHTS, "S=1, B=1, H=1"),
                                          hidden(weights(size(2, 8), size(2, 6), size(2, 6)), WEIGHTS),  # H >= 2: scores over sqrt(H) differ
                                          hidden(weights(size(2, 7), size(2, 5), size(4, 8), 100.0), WEIGHTS, "large scores")],
        "test_context_vector_visible": [context(size(2, 6), size(2, 4), size())],
        "test_context_vector_hidden": [hidden(context(1, 1, 1), CONTEXT, "S=1, B=1, H=1"),
                                       hidden(context(size(2, 9), size(), size()), CONTEXT),
                                       hidden(context(size(2, 5), 1, size()), CONTEXT, "B=1")],
        "test_sdpa_visible": [sdpa(size(), T, T, size(), size(), False), sdpa(size(), T, T, size(), size(), True)],
        "test_sdpa_hidden": [hidden(sdpa(1, 1, 1, 1, 1, True), _sdpa, "T=1, causal"),
                             hidden(sdpa(size(), size(2, 6), size(7, 9), size(), size(), False), _sdpa, "L != S"),
                             hidden(sdpa(size(), T, T, size(4, 16), size(), True), _sdpa, "causal")],
        "test_softmax_jacobian_visible": [jacobian((size(2, 6),))],
        "test_softmax_jacobian_hidden": [hidden(jacobian((1,)), JACOBIAN, "n=1"),
                                         hidden(jacobian((size(2, 4), size(2, 7))), JACOBIAN, "a batch of rows"),
                                         hidden(jacobian((2, size(2, 3), size(3, 6))), JACOBIAN, "three axes"),
                                         hidden(jacobian((size(2, 4), size(3, 6)), 300.0), JACOBIAN, "large scores")],
        "test_sdpa_backward_visible": [backward(size(2, 3), size(2, 4), size(5, 7), size(2, 4), size(2, 3), False)],
        "test_sdpa_backward_hidden": (backward_calls(backward(1, 1, 1, 1, 1, True), "T=1, causal")
                                      + backward_calls(backward(size(2, 3), size(2, 4), size(5, 8), size(2, 5), size(2, 4),
                                                                False), "T_q != S")
                                      + backward_calls(backward(size(2, 3), T, T, size(2, 5), size(2, 4), True), "causal")),
        "test_attention_vote_visible": [("attention_vote", (small, rng.normal(size=(5, 4)), np.array([0, 1, 2, 1, 0]),
                                                            3, 2.0))] + votes(0, (0.01, 30.0)),   # the notebook's split
        "test_attention_vote_hidden": votes(),
        "test_causal_attention_torch_visible": [Call("causal_attention_torch",
                                                     tuple(Tensor(rng.normal(size=s)) for s in ((2, T, 3), (2, T, 3),
                                                                                                (2, T, 2))))],
        "test_causal_attention_torch_hidden": torch_calls(1, 1, 1, 1) + torch_calls(size(2, 3), size(3, 7), size(2, 5),
                                                                                    size(1, 4)),
    }
