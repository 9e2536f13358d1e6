"""Stored cases of assignment 10_text_classification (see autograder/cases/__init__.py)."""
import numpy as np
import torch
from torch import nn

from autograder.cases import case
from rnncourse.grading.packing import final_state_mistakes, padding_mistakes
from rnncourse.grading.text_model import masked_mean_pool_mistakes, parameter_count_mistakes


def parameters(module: nn.Module) -> dict:
    return {name: value.detach().numpy().copy() for name, value in module.state_dict().items()}


def cases(solution):
    ids, _ = solution.pad_batch_ids([[5, 6, 7], [8], [9, 4]], 0)

    torch.manual_seed(10)
    gru = nn.GRU(3, 4).double()
    embedded = torch.zeros(5, 2, 3, dtype=torch.float64)
    for b, length in enumerate((5, 2)):
        embedded[:length, b] = torch.randn(length, 3, dtype=torch.float64)
    lengths = torch.tensor([5, 2])

    embedding, lstm = nn.Embedding(10, 4, padding_idx=0).double(), nn.LSTM(4, 3).double()
    dense, out = nn.Linear(3, 5).double(), nn.Linear(5, 2).double()
    text_ids, text_lengths = torch.tensor([[1, 4], [2, 0], [3, 0]]), torch.tensor([3, 1])
    with torch.no_grad():
        final = solution.final_states(gru, embedded, lengths)
        wrong_final = final_state_mistakes(gru, embedded, lengths)
        probs = solution.classify(embedding, lstm, dense, out, text_ids, text_lengths)
        h = solution.final_states(lstm, embedding(text_ids), text_lengths)          # (B, H)
        scores = out(torch.relu(dense(h)))
        no_relu = torch.softmax(out(dense(h)), -1)
    counts = {"parameter_count_gru": (2000, 64, 64, 32, 2, "GRU", False),
              "parameter_count_bilstm": (2000, 64, 64, 32, 2, "LSTM", True)}
    rng = np.random.default_rng(10)
    lengths_pool = np.array([4, 1, 2])
    outputs = rng.normal(size=(4, 3, 2))
    outputs[np.arange(4)[:, None] >= lengths_pool[None, :]] = 100.0    # what a padded step may hold: never read it
    pool = lambda outputs, lengths: solution.masked_mean_pool(torch.from_numpy(outputs), torch.from_numpy(lengths)).numpy()
    return {
        **{name: case(solution.classifier_parameter_count, *args, mistakes=parameter_count_mistakes(*args))
           for name, args in counts.items()},
        "masked_mean_pool": case(pool, outputs, lengths_pool, mistakes=masked_mean_pool_mistakes(outputs, lengths_pool)),
        "pad_batch_ids": case(solution.pad_batch_ids, [[5, 6, 7], [8], [9, 4]], 0, mistakes={
            "ids is batch-first (B, T_max); the course's convention is time-major (T_max, B).": ids.T,
            **padding_mistakes([[5, 6, 7], [8], [9, 4]], 0)}),
        "final_states": {"gru": parameters(gru), "embedded": embedded, "lengths": lengths, "expected": final,
                         "mistakes": wrong_final},
        "classify": {"embedding": parameters(embedding), "lstm": parameters(lstm), "dense": parameters(dense),
                     "out": parameters(out), "ids": text_ids, "lengths": text_lengths, "final_states": h, "expected": probs,
                     "mistakes": {
                         "These are the scores (logits): apply the softmax over the classes to get probabilities.": scores,
                         "The softmax ran over the batch axis (dim=0): each TEXT's probabilities must sum to 1, use "
                         "dim=-1.": torch.softmax(scores, 0),
                         "The ReLU of the dense layer is missing: u = relu(dense(h)).": no_relu,
                         "These are sigmoids of the scores, one per class: the softmax over the classes makes each "
                         "text's probabilities sum to 1.": torch.sigmoid(scores)}},
    }
