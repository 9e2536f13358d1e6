"""Probes of assignment 10_text_classification: each test cell's function, called on the grader's own inputs.

Token sequences are random for every grading run; they cover the cases the hidden tests cover
(a batch of one, sequences of one token, another pad id). final_states and classify take torch
modules, which the probes do not send, so only the kernel's tests check them.
"""


def probes(rng):
    def batch(B):
        return [[int(v) for v in rng.integers(4, 50, size=int(rng.integers(1, 11)))] for _ in range(B)]

    def pad(B, pad_id):
        sequences = batch(B)
        if B > 1:
            sequences[int(rng.integers(B))] = [int(rng.integers(4, 50))]
        return ("pad_batch_ids", (sequences, pad_id))

    return {
        "test_pad_batch_ids_visible": [pad(int(rng.integers(2, 5)), 0)],
        "test_pad_batch_ids_hidden": [pad(1, 0), pad(int(rng.integers(2, 10)), 0), pad(int(rng.integers(2, 10)), 3)],
    }
