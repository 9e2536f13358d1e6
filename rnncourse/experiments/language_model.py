"""Character-level language model on US census first names (chapter "A character language model").

The names are split (by name, with a fixed seed) into training, validation and test sets; each
set becomes one stream ``"mary\\npatricia\\n..."``. An LSTM reads the stream in chunks of
``bptt`` characters with its state carried between chunks (truncated BPTT) and is scored in
bits per character on the held-out test names. Two count-based baselines set the scale: a
unigram model (character frequencies) and a bigram model (next character given the current
one), both with add-one smoothing.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np
import torch

from ..data.text import Vocab, encode_stream, lm_stream_batches, load_names, split_indices
from ..models import CarriedStateLoss, CharLM, bits_per_character
from ..train import History, fit, seed_everything


@dataclass
class LMConfig:
    embed_size: int = 32
    hidden_size: int = 128
    num_layers: int = 1
    dropout: float = 0.1
    batch_size: int = 32
    bptt: int = 32
    epochs: int = 20
    lr: float = 3e-3
    max_grad_norm: float = 1.0
    patience: int = 4
    seed: int = 0
    max_names: int | None = None       # a smaller corpus for quick tests


@dataclass
class NameCorpus:
    vocab: Vocab
    train: np.ndarray
    val: np.ndarray
    test: np.ndarray
    test_names: list[str]
    train_names: list[str]


def load_corpus(seed: int = 0, max_names: int | None = None) -> NameCorpus:
    names = load_names()
    if max_names is not None:
        names = names[:max_names]
    train_i, val_i, test_i = split_indices(len(names), (0.8, 0.1, 0.1), seed=seed)
    pick = lambda index: [names[i] for i in index]                                  # noqa: E731
    vocab = Vocab("\n" + "".join(names), specials=())     # 26 letters and the name separator
    return NameCorpus(vocab, *(encode_stream(pick(i), vocab) for i in (train_i, val_i, test_i)),
                      test_names=pick(test_i), train_names=pick(train_i))


def ngram_bits_per_character(train: np.ndarray, test: np.ndarray, vocab_size: int, order: int) -> float:
    """Cross-entropy (bits/char) on ``test`` of an add-one-smoothed unigram (order 1) or bigram (order 2)."""
    if order == 1:
        counts = np.bincount(train, minlength=vocab_size) + 1.0
        probs = counts / counts.sum()
        return float(-np.log2(probs[test]).mean())
    if order == 2:
        counts = np.ones((vocab_size, vocab_size))
        np.add.at(counts, (train[:-1], train[1:]), 1.0)
        probs = counts / counts.sum(axis=1, keepdims=True)
        return float(-np.log2(probs[test[:-1], test[1:]]).mean())
    raise ValueError("order must be 1 or 2")


def train_language_model(config: LMConfig, corpus: NameCorpus | None = None, device="cpu",
                         progress: bool = True) -> tuple[CharLM, History, NameCorpus]:
    corpus = corpus or load_corpus(config.seed, config.max_names)
    seed_everything(config.seed)
    model = CharLM(len(corpus.vocab), config.embed_size, config.hidden_size, config.num_layers,
                   config.dropout).to(device)
    chunks = lambda ids: list(lm_stream_batches(ids, config.batch_size, config.bptt))   # noqa: E731
    optimizer = torch.optim.Adam(model.parameters(), lr=config.lr)
    history = fit(model, chunks(corpus.train), chunks(corpus.val), CarriedStateLoss(), optimizer=optimizer,
                  epochs=config.epochs, device=device, max_grad_norm=config.max_grad_norm,
                  patience=config.patience, progress=progress, desc="character LM")
    return model, history, corpus


def evaluate_bpc(model: CharLM, ids: np.ndarray, device="cpu") -> float:
    """Bits per character on a stream, read as one column (every character in order, state carried)."""
    return bits_per_character(model, lm_stream_batches(ids, batch_size=1, bptt=256), device)


def run(config: LMConfig | None = None, device="cpu", progress: bool = True) -> dict:
    config = config or LMConfig()
    model, history, corpus = train_language_model(config, device=device, progress=progress)
    V = len(corpus.vocab)
    return {
        "config": asdict(config),
        "model": model, "history": history, "corpus": corpus,
        "bpc": {
            "uniform": math.log2(V),
            "unigram": ngram_bits_per_character(corpus.train, corpus.test, V, 1),
            "bigram": ngram_bits_per_character(corpus.train, corpus.test, V, 2),
            "lstm": evaluate_bpc(model, corpus.test, device),
        },
    }
