"""Honest variants of the sampling assignment (format: see tests/honest_variants/__init__.py)."""

VARIANTS = [
    dict(name="logsumexp_searchsorted_while_loop", answers={
        "temperature_softmax": '''
def temperature_softmax(logits, temperature):
    z = np.asarray(logits, dtype=float) / temperature
    m = np.max(z, axis=-1, keepdims=True)
    log_total = m + np.log(np.sum(np.exp(z - m), axis=-1, keepdims=True))
    return np.exp(z - log_total)
''',
        "sample_index": '''
def sample_index(probs, rng):
    probs = np.asarray(probs, dtype=float)
    u = rng.random(len(probs))
    picks = [min(int(np.searchsorted(np.cumsum(row), ub, side="right")), len(row) - 1) for row, ub in zip(probs, u)]
    return np.array(picks, dtype=np.int64)
''',
        "generate": '''
def generate(step, start_id, stop_id, temperature, rng, max_len=20):
    symbols, state, current = [], None, start_id
    while len(symbols) < max_len:
        logits, state = step(current, state)
        if temperature == 0:
            current = int(np.argmax(logits))
        else:
            current = int(sample_index(temperature_softmax(logits, temperature).reshape(1, -1), rng)[0])
        if current == stop_id:
            return symbols
        symbols.append(current)
    return symbols
'''}),
]
