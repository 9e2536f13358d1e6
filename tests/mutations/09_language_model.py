"""Classic mistakes in assignment 09 (language models): temperature, inverse-CDF sampling, the generation loop."""
from mutations import edit

MUTANTS = [
    edit("temperature_softmax", "multiplies_by_temperature", "dtype=float) / temperature", "dtype=float) * temperature", "named:multiplied the scores by the temperature"),
    edit("temperature_softmax", "not_normalised", "return e / e.sum(axis=-1, keepdims=True)", "return e", "named:not normalised"),
    edit("temperature_softmax", "temperature_after_softmax",
         ("scaled = np.asarray(logits, dtype=float) / temperature", "return e / e.sum(axis=-1, keepdims=True)"),
         ("scaled = np.asarray(logits, dtype=float)", "return e / e.sum(axis=-1, keepdims=True) / temperature")),
    edit("temperature_softmax", "no_max_subtraction", "scaled = scaled - scaled.max(axis=-1, keepdims=True)", "pass"),
    edit("temperature_softmax", "normalised_over_first_axis", "e.sum(axis=-1, keepdims=True)", "e.sum(axis=0, keepdims=True)",
         "named:you normalised over the first axis"),
    edit("sample_index", "argmax", "index = (cdf <= u[:, None]).sum(axis=1)", "index = probs.argmax(axis=1)",
         "named:argmax"),
    edit("sample_index", "one_u_for_all_rows", "u = rng.random(probs.shape[0])", "u = np.full(probs.shape[0], rng.random())"),
    # (cdf < u) for (cdf <= u) is no mistake: the two differ only when u equals a cumulative sum exactly, an
    # event of probability zero for u uniform on [0, 1).
    edit("sample_index", "off_by_one", "return np.minimum(index, probs.shape[1] - 1)", "return np.minimum(index + 1, probs.shape[1] - 1)"),
    edit("sample_index", "u_per_entry", "u = rng.random(probs.shape[0])", "u = rng.random(probs.shape[::-1])[0]"),
    edit("generate", "state_not_carried", "logits, state = step(current, state)", "logits, _ = step(current, state)",
         "named:does not carry the state"),
    edit("generate", "stop_id_kept", "if nxt == stop_id:\n            break\n        out.append(nxt)", "out.append(nxt)\n        if nxt == stop_id:\n            break"),
    edit("generate", "greedy_always", "if temperature == 0:", "if True:"),
    edit("generate", "feeds_start_again", "current = nxt", "current = start_id"),
    edit("generate", "one_short", "for _ in range(max_len):", "for _ in range(max_len - 1):"),
]
