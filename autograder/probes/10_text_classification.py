"""Probes of assignment 10_text_classification: each test's functions, called on the grader's own inputs.

Token sequences, layers and weights come from the grader's seed; they cover what the hidden tests
check (a batch of one, sequences of one token, another pad id; RNN, LSTM, GRU, bidirectional
LSTM and GRU on unsorted padded batches; a classifier with a GRU and with a bidirectional LSTM).
The kernel builds the ``torch.nn`` layers from the grader's weights; the grader rebuilds the same
layers to name the classic mistakes (``rnncourse.grading.packing``). classify runs the student's
own final_states.
"""
import numpy as np

from autograder.probes import Call
from autograder.probes.judge import fields, same_array
from autograder.probes.wire import Module, Tensor
from rnncourse.grading.packing import final_state_mistakes, reference_final_states

HIDDEN = {
    "test_pad_batch_ids_hidden": "pad_batch_ids on random batches, another pad id, and a batch of one.",
    "test_final_states_hidden": "final_states for RNN, LSTM, GRU and bidirectional LSTM/GRU on random padded batches.",
    "test_classify_hidden": "classify with a GRU and with a bidirectional LSTM, on random weights and batches.",
}


def _layer(spec: Module):
    import torch

    module = getattr(torch.nn, spec.name)(**spec.kwargs).double()
    module.load_state_dict({k: torch.from_numpy(v) for k, v in spec.state.items()})
    return module.eval()


def _padded(got, want, args):
    ids, lengths = fields("pad_batch_ids", got, 2)
    same_array("ids", ids, want[0], mistakes={"ids is batch-first; use time-major (T_max, B).": want[0].T})
    same_array("lengths", lengths, want[1])


def _final(got, want, args):
    import torch

    rnn, embedded, lengths = _layer(args[0]), torch.from_numpy(args[1].value), torch.from_numpy(args[2].value)
    with torch.no_grad():
        mistakes = {k: v.numpy() for k, v in final_state_mistakes(rnn, embedded, lengths).items()}
    same_array(f"final_states for {args[0].name}(bidirectional={args[0].kwargs['bidirectional']})", got, want,
               mistakes=mistakes)


def _classified(got, want, args):
    import torch

    embedding, rnn, dense, out = (_layer(spec) for spec in args[:4])
    ids, lengths = torch.from_numpy(args[4].value), torch.from_numpy(args[5].value)
    with torch.no_grad():
        scores = out(torch.relu(dense(reference_final_states(rnn, embedding(ids), lengths))))
    same_array(f"classify with a {args[1].name}", got, want, mistakes={
        "These are the scores: apply the softmax over the classes.": scores.numpy(),
        "The softmax ran over the batch axis: use dim=-1.": torch.softmax(scores, 0).numpy()})


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
        return Call("classify", layers + (Tensor(ids), Tensor(lengths)), _classified, f"{name}, bidirectional={bidirectional}")

    return {
        "test_pad_batch_ids_visible": [pad(int(rng.integers(2, 5)), 0)],
        "test_pad_batch_ids_hidden": [pad(1, 0, _padded, "a batch of one"), pad(int(rng.integers(2, 10)), None, _padded,
                                                                                   "the default pad id"),
                                      pad(int(rng.integers(2, 10)), 3, _padded, "pad_id=3")],
        "test_final_states_hidden": [final("RNN", False), final("LSTM", False), final("LSTM", True), final("GRU", True)],
        "test_classify_hidden": [classify("GRU", False), classify("LSTM", True)],
    }
