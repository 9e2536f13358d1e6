"""Stored cases of assignment 10_text_classification (see autograder/cases/__init__.py)."""
import torch
from torch import nn

from autograder.cases import case
from rnncourse.grading.packing import final_state_mistakes


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
    return {
        "pad_batch_ids": case(solution.pad_batch_ids, [[5, 6, 7], [8], [9, 4]], 0, mistakes={
            "ids is batch-first (B, T_max); the course's convention is time-major (T_max, B).": ids.T}),
        "final_states": {"gru": parameters(gru), "embedded": embedded, "lengths": lengths, "expected": final,
                         "mistakes": wrong_final},
        "classify": {"embedding": parameters(embedding), "lstm": parameters(lstm), "dense": parameters(dense),
                     "out": parameters(out), "ids": text_ids, "lengths": text_lengths, "final_states": h, "expected": probs,
                     "mistakes": {
                         "These are the scores (logits): apply the softmax over the classes to get probabilities.": scores,
                         "The softmax ran over the batch axis (dim=0): each TEXT's probabilities must sum to 1, use "
                         "dim=-1.": torch.softmax(scores, 0),
                         "The ReLU of the dense layer is missing: u = relu(dense(h)).": no_relu}},
    }
