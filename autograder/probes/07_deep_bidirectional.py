"""Probes of assignment 07_deep_bidirectional: each test's functions, called on the grader's own inputs.

Shapes, lengths and values come from the grader's seed; they cover what the hidden tests check
(T = 1, a batch of one, unsorted lengths, full-length and length-one sequences, extra trailing
feature dimensions, reversing twice), and name the classic mistakes with the generators of
``rnncourse.grading.ragged`` and ``rnncourse.grading.deep_rnn``. Lengths are sent as integer arrays.
The parameter count is asked for sizes where every classic slip gives another number, some too
large to build; the read-out experiment runs on the states of random layers over census names the
grader draws, and is judged by the accuracy it reaches; the torch layer also runs on the ``meta``
device in float32, where a hard-coded device or dtype shows.
"""
import numpy as np

from autograder.probes import Call
from autograder.probes.judge import (META_ERROR, Feedback, array_check, component_check, fields, meta_check, same_array,
                                    same_int)
from autograder.probes.wire import Tensor
from rnncourse.data.name_letters import names_batch
from rnncourse.grading.deep_rnn import (bidirectional_states, deep_bidirectional_mistakes, masked_states,
                                        parameter_count_mistakes, readout_mistakes)
from rnncourse.grading.ragged import (PADDING_CHANGED, bidirectional_mistakes, final_state_mistakes,
                                      last_real_step_mistakes, masked_rnn_state_mistakes, padding_changed,
                                      reverse_padded_mistakes)

HIDDEN = {
    "test_bidirectional_layer_hidden": "bidirectional_layer on random shapes (T = 1 included), as torch.nn.RNN(bidirectional=True) computes it.",
    "test_reverse_padded_hidden": "reverse_padded on random lengths and extra trailing axes, and applied twice gives X back.",
    "test_masked_rnn_hidden": "masked_rnn on random shapes, as torch.nn.RNN on a packed sequence computes it (outputs and final states).",
    "test_last_real_step_hidden": "last_real_step on random shapes, lengths of 1 and T.",
    "test_rnn_parameter_count_hidden": "rnn_parameter_count on other sizes, deep and bidirectional stacks and sizes "
                                       "too large to build.",
    "test_deep_bidirectional_rnn_hidden": "deep_bidirectional_rnn on random shapes, one to three layers, unsorted lengths, "
                                          "as torch.nn.RNN(bidirectional=True) computes it on a packed sequence.",
    "test_readout_accuracy_hidden": "readout_accuracy on the states of other random layers over other names "
                                    "(unidirectional and bidirectional): the accuracies the course's read-out reaches.",
    "test_bidirectional_rnn_torch_hidden": "bidirectional_rnn_torch on random shapes (T = 1 included) on CPU in float64, "
                                           "and on the meta device in float32.",
}
DEEP = array_check("deep_bidirectional_rnn(X, lengths, layers)", deep_bidirectional_mistakes,
                   hint="each layer: forward = masked_rnn(input); backward = reverse_padded(masked_rnn(reverse_padded("
                        "input))); input of the next layer = [forward; backward].")
TORCH_LAYER = "[forward states; backward states flipped back], each from h_0 = 0, as in part 1."


def _count(got, want, args):
    wrong = parameter_count_mistakes(*args)
    if isinstance(got, (int, np.integer)) and not isinstance(got, bool):
        named = [m for m, v in wrong.items() if int(got) == v]
        if named and int(got) != int(want):
            raise Feedback(f"rnn_parameter_count{tuple(args)} is {int(got)}, expected {int(want)}. {named[0]}")
    same_int(f"rnn_parameter_count{tuple(args)}", got, want,
             hint="per layer and direction: gates * H * (input size + H + 2); the input size of a layer above the "
                  "first is H times the number of directions.")


def _readout(got, want, args):
    if isinstance(got, bool) or not isinstance(got, (float, int, np.floating, np.integer)):
        raise Feedback("readout_accuracy should return one number, the accuracy.")
    if not abs(float(got) - float(want)) <= 0.005:
        named = [m for m, v in readout_mistakes(*args).items() if abs(float(got) - v) <= 0.002]
        raise Feedback(f"The read-out's accuracy is {float(got):.4f}; fitted as the task says, it is {float(want):.4f}. "
                       + (named[0] if named else "Fit w = (A^T A + ridge I)^-1 A^T y on the real steps of the first "
                          "n_train sequences, with a column of ones, and score the real steps of the others."))


def _torch_layer(got, want, args):
    X, *w = (a.value for a in args)
    same_array("the outputs", got, want, mistakes=bidirectional_mistakes(X, tuple(w[:3]), tuple(w[3:])),
               hint=TORCH_LAYER, float64_reason="the inputs are float64 tensors and the result keeps their dtype")

BIDIRECTIONAL = array_check("bidirectional_layer(X, ...)", bidirectional_mistakes)
REVERSED_VALUES = array_check("reverse_padded(X, lengths)", reverse_padded_mistakes)


def _reversed_check(got, want, args):
    try:
        REVERSED_VALUES(got, want, args)
    except Feedback:
        if padding_changed(got, *args):
            named = Feedback(f"reverse_padded(X, lengths) is wrong. {PADDING_CHANGED}")
            named.names_cause = True
            raise named from None
        raise
LAST = array_check("last_real_step(outputs, lengths)", last_real_step_mistakes)


def _twice(got, want, args):
    reversed_, back = fields("reverse_padded", got, 2)
    _reversed_check(reversed_, want[0], args)
    same_array("reverse_padded applied twice", back, args[0])


def _masked(got, want, args):
    X, lengths, W_xh, W_hh, b_h = args
    Hs, h_last = fields("masked_rnn", got, 2)
    same_array("Hs", Hs, want[0], mistakes=masked_rnn_state_mistakes(X, W_xh, W_hh, b_h, lengths))
    same_array("h_last", h_last, want[1], mistakes=final_state_mistakes(X, W_xh, W_hh, b_h, lengths))


def probes(rng):
    def size(low=1, high=6):
        return int(rng.integers(low, high + 1))

    def weights(D, H):
        return (rng.normal(size=(H, D)), 0.5 * rng.normal(size=(H, H)), rng.normal(size=H))

    def bidirectional(T, B, D, H):
        return ("bidirectional_layer", (rng.normal(size=(T, B, D)), weights(D, H), weights(D, H)))

    def lengths(T, B):
        values = rng.integers(1, T + 1, size=B)
        values[0] = T
        if B > 1:
            values[-1] = 1
        return rng.permutation(values).astype(np.int64)

    def reverse(T, B, tail):
        return ("reverse_padded", (rng.normal(size=(T, B) + tail), lengths(T, B)))

    def masked(T, B, D, H):
        return ("masked_rnn", (rng.normal(size=(T, B, D)), lengths(T, B)) + weights(D, H))

    def last(T, B, F):
        return ("last_real_step", (rng.normal(size=(T, B, F)), lengths(T, B)))

    def hidden(case, check, label="", **options):
        return Call(case[0], case[1], check, label, **options)

    def count(D, H, L, bidirectional, gates):
        return Call("rnn_parameter_count", (D, H, L, bidirectional, gates), _count,
                    f"D={D}, H={H}, {L} layers, {'bidirectional' if bidirectional else 'one direction'}, {gates} gates")

    def deep(T, B, D, H, L):
        sizes = [D] + [2 * H] * (L - 1)
        layers = [(weights(d, H), weights(d, H)) for d in sizes]
        return ("deep_bidirectional_rnn", (rng.normal(size=(T, B, D)), lengths(T, B), layers))

    def deep_calls(case, label=""):
        """deep_bidirectional_rnn, after its components on the first layer's inputs (the layers above read its
        own outputs)."""
        X, lens, layers = case[1]
        forward, backward = layers[0]
        return [Call("reverse_padded", (X, lens), component_check("deep_bidirectional_rnn", "reverse_padded", _reversed_check),
                     "as deep_bidirectional_rnn calls it"),
                Call("masked_rnn", (X, lens) + tuple(forward), component_check("deep_bidirectional_rnn", "masked_rnn", _masked),
                     "the first layer's forward direction, as deep_bidirectional_rnn calls it"),
                Call(case[0], case[1], DEEP, label)]

    def readouts(n=600, seed=None, n_train=400):    # the states are the grader's own, read out by the student's code
        X, name_lengths, targets = names_batch(n, seed=int(rng.integers(1, 2**31)) if seed is None else seed)

        def untrained(D, H):
            return rng.normal(size=(H, D)), rng.normal(size=(H, H)) / np.sqrt(H), 0.1 * rng.normal(size=H)

        one_way = masked_states(X, name_lengths, *untrained(26, 32))
        both_ways = bidirectional_states(X, name_lengths, untrained(26, 16), untrained(26, 16))
        return [Call("readout_accuracy", (F, targets, name_lengths.astype(np.int64), n_train), _readout, label)
                for F, label in ((one_way, "unidirectional states of census names"),
                                 (both_ways, "bidirectional states of census names"))]

    def torch_calls(T, B, D, H):
        args = tuple(Tensor(a) for a in (rng.normal(size=(T, B, D)), *weights(D, H), *weights(D, H)))
        label = f"T={T}, B={B}, D={D}, H={H}"
        return [Call("bidirectional_rnn_torch", args, _torch_layer, f"{label}, CPU float64"),
                Call("bidirectional_rnn_torch", args, meta_check("(T, B, 2H)"), f"{label}, meta device float32",
                     driver="meta", on_error=META_ERROR)]

    D, H = size(3, 9), size(10, 20)
    return {
        "test_rnn_parameter_count_visible": [count(size(2, 9), size(2, 9), size(1, 3), True, 4)],
        "test_rnn_parameter_count_hidden": [count(D, H, 1, False, 1), count(D, H, size(2, 4), True, 4),
                                            count(H, D, size(2, 4), True, 3), count(4096, 8192, 6, True, 4)],
        "test_deep_bidirectional_rnn_visible": [deep(size(2, 6), size(2, 4), size(), size(2, 4), 2)],
        "test_deep_bidirectional_rnn_hidden": (deep_calls(deep(1, 1, 1, 1, 1), "T=1, B=1, one layer")
                                               + deep_calls(deep(size(3, 8), size(2, 5), size(), size(2, 5), 2), "two layers")
                                               + deep_calls(deep(size(3, 7), size(2, 5), size(), size(2, 4), 3),
                                                            "three layers")),
        "test_readout_accuracy_hidden": readouts(),
        "test_bidirectional_rnn_torch_hidden": torch_calls(1, 1, 1, 1) + torch_calls(size(2, 7), size(2, 4), size(),
                                                                                     size(2, 5)),
        "test_bidirectional_layer_visible": [bidirectional(size(2, 6), size(), size(), size())],
        "test_bidirectional_layer_hidden": [hidden(bidirectional(1, 1, 1, 1), BIDIRECTIONAL, "T=1, B=1, D=1, H=1"),
                                            hidden(bidirectional(size(2, 9), size(), size(), size()), BIDIRECTIONAL)],
        "test_reverse_padded_visible": [reverse(size(2, 6), size(2, 4), (size(),))],
        "test_reverse_padded_hidden": [hidden(reverse(1, 1, (1,)), _reversed_check, "T=1, B=1"),
                                       hidden(reverse(size(2, 8), size(2, 6), (size(),)), _reversed_check),
                                       hidden(reverse(size(2, 6), size(2, 5), (size(1, 3), size(1, 3))), _reversed_check,
                                              "two trailing axes"),
                                       hidden(reverse(size(2, 7), size(2, 5), (size(),)), _twice, "applied twice",
                                              driver="twice")],
        "test_masked_rnn_visible": [masked(size(2, 6), size(2, 4), size(), size())],
        "test_masked_rnn_hidden": [hidden(masked(1, 1, 1, 1), _masked, "T=1, B=1, D=1, H=1"),
                                   hidden(masked(size(3, 8), size(2, 6), size(), size(2, 6)), _masked)],  # T >= 3: a length-1 row has 2 padded steps; H >= 2: a transposed W_hh shows
        "test_last_real_step_visible": [last(size(2, 6), size(2, 4), size())],
        "test_last_real_step_hidden": [hidden(last(1, 1, 1), LAST, "T=1, B=1"),
                                       hidden(last(size(3, 9), size(2, 7), size()), LAST)],
        "test_readout_accuracy_visible": readouts(1000, 0, 700),      # the notebook's names
    }
