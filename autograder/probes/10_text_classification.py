"""Probes of assignment 10_text_classification: each test's functions, called on the grader's own inputs.

Token sequences, layers and weights come from the grader's seed; they cover what the hidden tests
check (a batch of one, sequences of one token, another pad id; RNN, LSTM, GRU, bidirectional
LSTM and GRU on unsorted padded batches; a classifier with a GRU and with a bidirectional LSTM).
The kernel builds the ``torch.nn`` layers from the grader's weights; the grader rebuilds the same
layers to name the classic mistakes (``rnncourse.grading.packing``). classify runs the student's
own final_states, names_experiment their pad_batch_ids, final_states and classify: when such a
component is wrong on the grader's inputs, the composed function's feedback says so.

The newer tasks: classifier_parameter_count for every cell and both directions on sizes too large
to build, compared exactly (an int), the classic counting slips of ``rnncourse.grading.text_model``
named where they differ; masked_mean_pool on padded batches whose padded steps hold large values,
T_max different from B, on CPU in float64 and on the ``meta`` device in float32; names_experiment
with the grader's seed, judged by properties (majority about one half, bag of characters above it,
the recurrent classifier above the bag).
"""
from dataclasses import replace

import numpy as np

from autograder.probes import Call
from autograder.probes.judge import Feedback, fields, keys, same_array
from autograder.probes.wire import Module, Tensor
from rnncourse.grading.packing import final_state_mistakes, padding_mistakes, reference_final_states
from rnncourse.grading.text_model import masked_mean_pool_mistakes, parameter_count_mistakes

HIDDEN = {
    "test_pad_batch_ids_hidden": "pad_batch_ids on random batches, another pad id, and a batch of one.",
    "test_final_states_hidden": "final_states for RNN, LSTM, GRU and bidirectional LSTM/GRU on random padded batches.",
    "test_classify_hidden": "classify with a GRU and with a bidirectional LSTM, on random weights and batches.",
    "test_classifier_parameter_count_hidden": "classifier_parameter_count for every cell, one and two directions, on "
                                              "other sizes.",
    "test_masked_mean_pool_hidden": "masked_mean_pool on random padded batches (a batch of one included) on CPU in "
                                    "float64, and on the meta device in float32.",
    "test_names_experiment_hidden": "names_experiment with other seeds: the recurrent classifier beats the bag of "
                                    "characters, which beats the majority guess.",
}
FIXED = ("Build the mask with torch.arange(T_max, device=outputs.device) and keep the dtype of outputs; no NumPy, "
         "no .item(), nothing on a fixed device or dtype.")


def _count(got, want, args):
    what = f"classifier_parameter_count{tuple(args)}"
    if isinstance(got, bool) or not isinstance(got, (int, np.integer)):
        raise Feedback(f"{what} should be an int.")
    if int(got) != int(want):
        named = [message for message, wrong in parameter_count_mistakes(*args).items() if wrong == int(got)]
        raise Feedback(f"{what} is {int(got)}, expected {int(want)}. " + (named[0] if len(named) == 1 else
                       "Count each layer's weights and biases from the shapes PyTorch gives them."))


def _pooled(got, want, args):
    same_array("the means", got, want, mistakes=masked_mean_pool_mistakes(args[0].value, args[1].value),
               float64_reason="the outputs are float64 tensors and the result keeps their dtype")


def _pooled_on_meta(got, want, args):
    is_tensor, shape, on_meta, float32 = fields("the result on the meta device", got, 4)
    if is_tensor is not True:
        raise Feedback("On inputs on the meta device the function did not return a torch tensor.")
    if on_meta is not True or float32 is not True:
        raise Feedback("On float32 inputs on the meta device the result changed device or dtype. " + FIXED)
    if list(shape) != list(want[1]):
        raise Feedback(f"On the meta device the result has shape {tuple(shape)}, expected {tuple(want[1])} (B, F).")


def _names(got, want, args):
    got = keys("names_experiment", got, ("recurrent", "bag_of_characters", "majority"))
    values = {}
    for key in ("recurrent", "bag_of_characters", "majority"):
        value = got[key]
        if isinstance(value, bool) or not isinstance(value, (int, float, np.floating, np.integer)) or not 0 <= value <= 1:
            raise Feedback(f'result["{key}"] should be an accuracy: one number between 0 and 1.')
        values[key] = float(value)
    if not 0.4 <= values["majority"] <= 0.6:
        raise Feedback(f"The majority guess is right {values['majority']:.3f} of the time on balanced classes: take the "
                       "most frequent class of the training labels and count how often the test labels equal it.")
    if not values["bag_of_characters"] > values["majority"] + 0.08:
        raise Feedback(f"The bag of characters reaches {values['bag_of_characters']:.3f}, hardly more than the majority "
                       "guess: count each letter of the name (not the padding) and train the linear layer on the counts.")
    if not values["recurrent"] > values["bag_of_characters"] + 0.03:
        raise Feedback(f"Your recurrent classifier reaches {values['recurrent']:.3f} against {values['bag_of_characters']:.3f} "
                       "for the bag of characters with seed " f"{args[0]}, while your pad_batch_ids, final_states and "
                       "classify are right on the grader's inputs: train it as specified (Adam, lr 0.01, 8 epochs, "
                       "batches of 32).")



def _layer(spec: Module):
    import torch

    module = getattr(torch.nn, spec.name)(**spec.kwargs).double()
    module.load_state_dict({k: torch.from_numpy(v) for k, v in spec.state.items()})
    return module.eval()


def _padded(got, want, args):
    ids, lengths = fields("pad_batch_ids", got, 2)
    sequences, pad_id = args[0], (args[1] if len(args) > 1 else None)
    padding = np.arange(want[0].shape[0])[:, None] >= np.array([len(s) for s in sequences])[None, :]   # (T_max, B)
    values = np.asarray(ids)[padding] if np.shape(ids) == want[0].shape else np.array([])
    if pad_id is None and values.size and np.all(values == values[0]) and values[0] != 0 and \
            np.array_equal(np.asarray(ids)[~padding], want[0][~padding]):
        raise Feedback(f"Called without pad_id, pad_batch_ids pads with {values[0]}: the default pad_id is 0.")
    mistakes = {"ids is batch-first; use time-major (T_max, B).": want[0].T,
                **{m: v.numpy() for m, v in padding_mistakes(sequences, 0 if pad_id is None else pad_id).items()}}
    same_array("ids", ids, want[0], mistakes=mistakes)
    same_array("lengths", lengths, want[1])


def _final(got, want, args):
    import torch

    rnn, embedded, lengths = _layer(args[0]), torch.from_numpy(args[1].value), torch.from_numpy(args[2].value)
    with torch.no_grad():
        mistakes = {k: v.numpy() for k, v in final_state_mistakes(rnn, embedded, lengths).items()}
    same_array(f"final_states for {args[0].name}(bidirectional={args[0].kwargs['bidirectional']})", got, want,
               mistakes=mistakes)


SIGMOID = ("These are sigmoids of the scores, one per class: the softmax over the classes makes each text's "
           "probabilities sum to 1.")


def _classified(got, want, args):
    import torch

    embedding, rnn, dense, out = (_layer(spec) for spec in args[:4])
    ids, lengths = torch.from_numpy(args[4].value), torch.from_numpy(args[5].value)
    with torch.no_grad():
        scores = out(torch.relu(dense(reference_final_states(rnn, embedding(ids), lengths))))
    same_array(f"classify with a {args[1].name}", got, want, mistakes={
        "These are the scores: apply the softmax over the classes.": scores.numpy(),
        "The softmax ran over the batch axis: use dim=-1.": torch.softmax(scores, 0).numpy(),
        SIGMOID: torch.sigmoid(scores).numpy()})


def probes(rng):
    def batch(B, low=1):
        return [[int(v) for v in rng.integers(4, 50, size=int(rng.integers(low, 11)))] for _ in range(B)]

    def pad(B, pad_id, check=None, label=""):
        sequences = batch(B)
        if B > 1:
            sequences[int(rng.integers(B))] = [int(rng.integers(4, 50))]
        args = (sequences,) if pad_id is None else (sequences, pad_id)     # None: the default pad id, 0
        return Call("pad_batch_ids", args, check, label)

    def module(name, shapes, **kwargs):
        """A torch.nn layer with uniform random weights of the given parameter shapes."""
        return Module(name, kwargs, {k: rng.uniform(-0.5, 0.5, size=s) for k, s in shapes.items()})

    def recurrent(name, E, H, bidirectional):
        gates = {"RNN": 1, "LSTM": 4, "GRU": 3}[name]
        shapes = {}
        for suffix in ("", "_reverse") if bidirectional else ("",):
            shapes |= {f"weight_ih_l0{suffix}": (gates * H, E), f"weight_hh_l0{suffix}": (gates * H, H),
                       f"bias_ih_l0{suffix}": (gates * H,), f"bias_hh_l0{suffix}": (gates * H,)}
        return module(name, shapes, input_size=E, hidden_size=H, bidirectional=bidirectional)

    def padded_batch(T, B, E):
        lengths = rng.integers(1, T + 1, size=B).astype(np.int64)
        lengths[rng.integers(B)] = T
        embedded = rng.normal(size=(T, B, E))
        for b in range(B):
            embedded[lengths[b]:, b] = 0.0
        return Tensor(embedded), Tensor(lengths)

    def final(name, bidirectional):
        E, H, B = int(rng.integers(2, 5)), int(rng.integers(2, 6)), int(rng.integers(2, 7))
        return Call("final_states", (recurrent(name, E, H, bidirectional),) + padded_batch(int(rng.integers(2, 8)), B, E),
                    _final, f"{name}, bidirectional={bidirectional}")

    def classify(name, bidirectional):
        V, E, H, Dd, C = 20, 4, 5, 6, 3
        sequences = batch(int(rng.integers(2, 6)))
        lengths = np.array([len(s) for s in sequences], dtype=np.int64)
        ids = np.zeros((lengths.max(), len(sequences)), dtype=np.int64)
        for b, s in enumerate(sequences):
            ids[: len(s), b] = np.array(s) % V
        layers = (module("Embedding", {"weight": (V, E)}, num_embeddings=V, embedding_dim=E),
                  recurrent(name, E, H, bidirectional),
                  module("Linear", {"weight": (Dd, H * (1 + bidirectional)), "bias": (Dd,)}, in_features=H * (1 + bidirectional),
                         out_features=Dd),
                  module("Linear", {"weight": (C, Dd), "bias": (C,)}, in_features=Dd, out_features=C))
        label = f"{name}, bidirectional={bidirectional}"
        embedded = Tensor(layers[0].state["weight"][ids])                     # what embedding(ids) gives
        return [Call("final_states", (layers[1], embedded, Tensor(lengths)), _final, label, component=True),
                Call("classify", layers + (Tensor(ids), Tensor(lengths)), _classified, label)]

    def count(cell, bidirectional):
        sizes = [int(rng.integers(1000, 50001)), int(rng.integers(50, 301)), int(rng.integers(50, 301)),
                 int(rng.integers(16, 129)), int(rng.integers(2, 11))]
        return Call("classifier_parameter_count", (*sizes, cell, bidirectional), _count, f"{cell}, bidirectional={bidirectional}")

    def pool(T, B, F):
        lengths = rng.integers(1, T + 1, size=B).astype(np.int64)
        lengths[rng.integers(B)] = T
        if B > 1:
            lengths[(int(np.argmax(lengths)) + 1) % B] = int(rng.integers(1, T))     # at least one padded sequence
        outputs = rng.normal(size=(T, B, F))
        outputs[np.arange(T)[:, None] >= lengths[None, :]] = rng.uniform(50, 100)
        args, label = (Tensor(outputs), Tensor(lengths)), f"T_max={T}, B={B}, F={F}"
        return [Call("masked_mean_pool", args, _pooled, f"{label}, CPU float64"),
                Call("masked_mean_pool", args, _pooled_on_meta, f"{label}, meta device float32", driver="meta",
                     on_error="Meta tensors have no values: NumPy, .item() and tensors on a fixed device fail there. " + FIXED)]

    T_pool = int(rng.integers(3, 8))
    return {
        "test_classifier_parameter_count_hidden": [count(cell, bidirectional) for cell in ("RNN", "GRU", "LSTM")
                                                   for bidirectional in (False, True)],
        "test_masked_mean_pool_hidden": pool(T_pool, 1, int(rng.integers(1, 4))) + pool(T_pool, T_pool + int(rng.integers(1, 4)),
                                                                                        int(rng.integers(2, 5))),
        "test_names_experiment_hidden": ([replace(call, component=True) for call in
                                          [pad(int(rng.integers(2, 10)), 0, _padded)] + classify("GRU", False)]
                                         + [Call("names_experiment", (int(rng.integers(1, 10_000)),), _names)]),
        "test_pad_batch_ids_visible": [pad(int(rng.integers(2, 5)), 0)],
        "test_pad_batch_ids_hidden": [pad(1, 0, _padded, "a batch of one"), pad(int(rng.integers(2, 10)), None, _padded,
                                                                                   "the default pad id"),
                                      pad(int(rng.integers(2, 10)), 3, _padded, "pad_id=3")],
        "test_final_states_hidden": [final("RNN", False), final("LSTM", False), final("LSTM", True), final("GRU", True)],
        "test_classify_hidden": classify("GRU", False) + classify("LSTM", True),
    }
