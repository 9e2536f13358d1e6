"""Probes of assignment 09_language_model: each test cell's function, called on the grader's own inputs.

Logits and temperatures are random for every grading run; they cover the cases the hidden
tests cover (one row, batches of rows with more than two axes, large scores, temperatures from
0.01 to 2). As in the hidden tests, the scores divided by the temperature stay below exp's
overflow: only the visible tests check that the maximum is subtracted. sample_index and
generate draw from a random generator and call a step function, which the probes do not send,
so only the kernel's tests check them.
"""


def probes(rng):
    def size(low=1, high=6):
        return int(rng.integers(low, high + 1))

    def softmax(shape, temperature, scale=3.0, shift=0.0, bound=None):
        logits = rng.normal(scale=scale, size=shape)
        if bound is not None:
            logits = logits.clip(-bound, bound)
        return ("temperature_softmax", (shift + logits, float(temperature)))

    return {
        "test_temperature_softmax_visible": [softmax((size(2, 6),), rng.uniform(0.5, 2.0)),
                                             softmax((size(2, 4),), 1.0, scale=1.0, shift=1000.0)],
        "test_temperature_softmax_hidden": [softmax((size(2, 6), size(2, 9)), rng.uniform(0.2, 0.5)),
                                            softmax((size(), size(), size(2, 6)), rng.uniform(1.0, 2.0)),
                                            softmax((1, 2), 1.0),
                                            softmax((size(2, 8), size(10, 30)), 0.01, bound=6.5)],
    }
