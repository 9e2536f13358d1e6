"""Probes of assignment 12_training_practice: each test cell's function, called on the grader's own inputs.

Loss histories and patiences are random for every grading run, with repeated values so that
ties between the best earlier loss and a later one occur, and histories no longer than the
patience. clip_grad_norm and train_with_early_stopping take parameters, modules and optimisers,
which the probes do not send, so only the kernel's tests check them.
"""


def probes(rng):
    def history(low=1, high=12):
        return [float(v) for v in rng.integers(0, 6, size=int(rng.integers(low, high + 1)))]

    def stop(losses, patience):
        return ("should_stop", (losses, patience))

    return {
        "test_should_stop_visible": [stop(history(3, 6), 2), stop(history(1, 2), 2)],
        "test_should_stop_hidden": [stop(history(), int(rng.integers(1, 5))) for _ in range(40)],
    }
