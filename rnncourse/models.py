"""Application models built on ``torch.nn.RNN``/``LSTM``/``GRU`` (time-major, like the whole course).

The course's scratch modules in :mod:`rnncourse.nn` compute the same functions (they are tested
equal to these layers with copied weights); the applications use PyTorch's fused layers
because they train several times faster on a CPU.

Shapes: ``T`` time steps, ``B`` batch, ``V`` vocabulary, ``E`` embedding size, ``H`` hidden size.

========================  ==================================  ==========================
model                     input                               output
========================  ==================================  ==========================
``CharLM``                ids (T, B), state                   logits (T, B, V), state
``TextClassifier``        ids (T, B), lengths (B,)            logits (B, C)
``BagOfWords``            ids (T, B), lengths (B,)            logits (B, C)
``Forecaster``            window (T, B, 1)                    forecasts (B, horizon)
========================  ==================================  ==========================
"""
from __future__ import annotations

import math

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence

RNN_LAYERS = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}


def _recurrent(cell: str, input_size: int, hidden_size: int, num_layers: int = 1,
               dropout: float = 0.0, bidirectional: bool = False) -> nn.Module:
    if cell not in RNN_LAYERS:
        raise ValueError(f"cell must be one of {sorted(RNN_LAYERS)}, got {cell!r}")
    return RNN_LAYERS[cell](input_size, hidden_size, num_layers=num_layers,
                            dropout=dropout if num_layers > 1 else 0.0, bidirectional=bidirectional)


# --------------------------------------------------------------------------- language model
class CharLM(nn.Module):
    """Character language model: embedding -> LSTM -> dropout -> linear scores of the next character."""

    def __init__(self, vocab_size: int, embed_size: int = 32, hidden_size: int = 128,
                 num_layers: int = 1, dropout: float = 0.0, cell: str = "lstm"):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, embed_size)
        self.rnn = _recurrent(cell, embed_size, hidden_size, num_layers, dropout)
        self.drop = nn.Dropout(dropout)
        self.head = nn.Linear(hidden_size, vocab_size)

    def forward(self, ids: torch.Tensor, state=None):
        outputs, state = self.rnn(self.embed(ids), state)     # (T, B, H)
        return self.head(self.drop(outputs)), state            # (T, B, V)


def detach_state(state):
    """Cut the graph behind a carried state (truncated BPTT): values kept, history forgotten."""
    if state is None:
        return None
    if isinstance(state, tuple):
        return tuple(s.detach() for s in state)
    return state.detach()


class CarriedStateLoss:
    """Next-character cross-entropy for :func:`rnncourse.train.fit` that carries the state.

    Between consecutive chunks of the same streams the state is passed on (detached, so
    gradients flow back at most one chunk: truncated BPTT); ``start_pass`` resets it.
    """

    def __init__(self):
        self.state = None

    def start_pass(self):
        self.state = None

    def __call__(self, model, batch):
        x, y = batch                                            # (T, B) each
        logits, state = model(x, self.state)
        self.state = detach_state(state)
        loss = nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1))
        return loss, y.numel()


@torch.no_grad()
def bits_per_character(model: nn.Module, chunks, device: torch.device | str = "cpu") -> float:
    """Average negative log2-probability of each next character, state carried across chunks."""
    model.eval()
    loss_fn, total, count = CarriedStateLoss(), 0.0, 0
    for x, y in chunks:
        loss, n = loss_fn(model, (x.to(device), y.to(device)))
        total += float(loss) * n
        count += n
    return total / count / math.log(2)


def sample_next(logits: torch.Tensor, temperature: float = 1.0, generator: torch.Generator | None = None) -> torch.Tensor:
    """Draw one id per row of ``logits`` (B, V) from ``softmax(logits / temperature)``.

    Temperature below 1 sharpens the distribution (safer, more repetitive text), above 1
    flattens it (more varied, more mistakes); ``temperature == 0`` means greedy argmax.
    """
    if temperature < 0:
        raise ValueError(f"temperature must be >= 0, got {temperature}")
    if temperature == 0:
        return logits.argmax(dim=-1)
    probs = torch.softmax(logits / temperature, dim=-1)                # (B, V)
    return torch.multinomial(probs, 1, generator=generator).squeeze(-1)


@torch.no_grad()
def sample_text(model: CharLM, vocab, prefix: str = "\n", max_len: int = 20, temperature: float = 1.0,
                stop: str | None = "\n", generator: torch.Generator | None = None) -> str:
    """Generate text after ``prefix`` (which primes the state; not part of the result)."""
    model.eval()
    device = next(model.parameters()).device
    ids = torch.tensor(vocab.encode(prefix), device=device).unsqueeze(1)   # (T, 1)
    logits, state = model(ids)
    out = []
    for _ in range(max_len):
        next_id = sample_next(logits[-1], temperature, generator)            # (1,)
        char = vocab.itos[int(next_id)]
        if stop is not None and char == stop:
            break
        out.append(char)
        logits, state = model(next_id.view(1, 1), state)
    return "".join(out)


# --------------------------------------------------------------------------- text classification
class TextClassifier(nn.Module):
    """Embedding -> (bi)directional RNN/LSTM/GRU over the packed sequence -> dense -> class scores.

    The design of seed question 10: word (here character) vectors, a recurrent layer that reads
    them, a dense layer, and a softmax over classes (inside the cross-entropy loss; apply
    ``torch.softmax`` to the logits for probabilities). Padding never reaches the RNN: the
    batch is packed, so the final state of each sequence is taken at its own last real token.
    """

    def __init__(self, vocab_size: int, num_classes: int = 2, embed_size: int = 64, hidden_size: int = 64,
                 cell: str = "lstm", bidirectional: bool = False, dense_size: int = 64,
                 dropout: float = 0.0, padding_idx: int = 0):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, embed_size, padding_idx=padding_idx)
        self.rnn = _recurrent(cell, embed_size, hidden_size, bidirectional=bidirectional)
        self.dense = nn.Linear(hidden_size * (2 if bidirectional else 1), dense_size)
        self.drop = nn.Dropout(dropout)
        self.out = nn.Linear(dense_size, num_classes)

    def encode(self, ids: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        """The last hidden state of each sequence (B, H), both directions concatenated (B, 2H)."""
        emb = self.drop(self.embed(ids))                                       # (T, B, E)
        packed = pack_padded_sequence(emb, lengths.cpu(), enforce_sorted=False)
        _, state = self.rnn(packed)
        h_n = state[0] if isinstance(state, tuple) else state                  # (layers*dirs, B, H)
        if self.rnn.bidirectional:
            return torch.cat([h_n[-2], h_n[-1]], dim=-1)                       # forward end, backward end
        return h_n[-1]

    def forward(self, ids: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        hidden = torch.relu(self.dense(self.encode(ids, lengths)))
        return self.out(self.drop(hidden))                                     # (B, C) logits


class BagOfWords(nn.Module):
    """Order-blind baseline: the mean of the token embeddings, then a linear layer."""

    def __init__(self, vocab_size: int, num_classes: int = 2, embed_size: int = 64, padding_idx: int = 0):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, embed_size, padding_idx=padding_idx)
        self.out = nn.Linear(embed_size, num_classes)

    def forward(self, ids: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        summed = self.embed(ids).sum(dim=0)                                    # padding embeds to 0
        return self.out(summed / lengths.to(summed.device, summed.dtype).unsqueeze(-1))


def classification_loss(model, batch):
    """Cross-entropy (log-softmax + negative log-likelihood) of a batch ``(ids, lengths, labels)``."""
    ids, lengths, labels = batch
    return nn.functional.cross_entropy(model(ids, lengths), labels), labels.numel()


@torch.no_grad()
def accuracy(model: nn.Module, batches, device: torch.device | str = "cpu") -> float:
    model.eval()
    right = total = 0
    for ids, lengths, labels in batches:
        predicted = model(ids.to(device), lengths).argmax(dim=-1).cpu()
        right += int((predicted == labels).sum())
        total += labels.numel()
    return right / total


# --------------------------------------------------------------------------- forecasting
class Forecaster(nn.Module):
    """Read a window (T, B, 1) with an RNN and map its last hidden state to ``horizon`` values."""

    def __init__(self, hidden_size: int = 32, horizon: int = 1, cell: str = "lstm", num_layers: int = 1,
                 dropout: float = 0.0, input_size: int = 1):
        super().__init__()
        self.rnn = _recurrent(cell, input_size, hidden_size, num_layers, dropout)
        self.head = nn.Linear(hidden_size, horizon)

    def forward(self, window: torch.Tensor) -> torch.Tensor:
        outputs, _ = self.rnn(window)                                          # (T, B, H)
        return self.head(outputs[-1])                                          # (B, horizon)


def as_time_major(rows: torch.Tensor) -> torch.Tensor:
    """Windows stored one per row (B, T) -> the time-major input (T, B, 1) the RNNs read."""
    return rows.t().unsqueeze(-1)


def regression_loss(model, batch):
    """Mean squared error of a batch ``(windows (B, T), targets (B, horizon))``."""
    rows, target = batch
    return nn.functional.mse_loss(model(as_time_major(rows)), target), target.shape[0]
