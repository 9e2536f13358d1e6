"""Application models: language model, sampling, classifier with packing, bag of words, forecaster."""
import math

import pytest
import torch
from torch import nn

from rnncourse.data.text import Vocab, pad_sequences
from rnncourse.device import available_devices
from rnncourse.models import (BagOfWords, CarriedStateLoss, CharLM, Forecaster, TextClassifier, as_time_major,
                              bits_per_character, classification_loss, regression_loss, sample_next, sample_text)


def test_charlm_shapes_and_state_carry_equals_one_long_pass():
    torch.manual_seed(0)
    model = CharLM(vocab_size=7, embed_size=4, hidden_size=5).eval()
    ids = torch.randint(0, 7, (6, 3))
    logits, (h, c) = model(ids)
    assert logits.shape == (6, 3, 7) and h.shape == c.shape == (1, 3, 5)
    first, state = model(ids[:4])
    second, _ = model(ids[4:], state)
    torch.testing.assert_close(torch.cat([first, second]), logits)


def test_uniform_model_has_log2_V_bits_per_character():
    model = CharLM(vocab_size=8, embed_size=3, hidden_size=4)
    with torch.no_grad():
        model.head.weight.zero_()
        model.head.bias.zero_()
    chunks = [(torch.randint(0, 8, (5, 2)), torch.randint(0, 8, (5, 2))) for _ in range(3)]
    assert bits_per_character(model, chunks) == pytest.approx(3.0)


def test_carried_state_loss_resets_and_detaches():
    torch.manual_seed(0)
    model = CharLM(vocab_size=5, embed_size=3, hidden_size=4)
    loss_fn = CarriedStateLoss()
    x = torch.randint(0, 5, (3, 2))
    loss, n = loss_fn(model, (x, x))
    assert n == 6 and loss_fn.state is not None
    assert all(not s.requires_grad for s in loss_fn.state)
    loss_fn.start_pass()
    assert loss_fn.state is None


def test_sample_next_temperature():
    logits = torch.tensor([[0.0, 1.0, 3.0]])
    assert sample_next(logits, 0).tolist() == [2]
    g = torch.Generator().manual_seed(0)
    draws = torch.stack([sample_next(logits.expand(4000, 3), 1.0, g) for _ in range(5)]).flatten()
    freq = torch.bincount(draws, minlength=3).double() / draws.numel()
    torch.testing.assert_close(freq, torch.softmax(logits[0].double(), 0), atol=0.01, rtol=0)
    cold = sample_next(logits.expand(2000, 3), 0.1, g)
    assert (cold == 2).float().mean() > 0.99
    hot = sample_next(logits.expand(4000, 3), 100.0, g)
    assert (torch.bincount(hot, minlength=3).double() / 4000).min() > 0.28     # nearly uniform
    with pytest.raises(ValueError):
        sample_next(logits, -1.0)


def test_sample_text_stops_at_separator_and_is_reproducible():
    vocab = Vocab("ab\n", specials=())
    torch.manual_seed(0)
    model = CharLM(len(vocab), 3, 4)
    a = sample_text(model, vocab, max_len=30, temperature=1.0, generator=torch.Generator().manual_seed(1))
    b = sample_text(model, vocab, max_len=30, temperature=1.0, generator=torch.Generator().manual_seed(1))
    assert a == b and "\n" not in a and set(a) <= {"a", "b"} and len(a) <= 30


def _manual_last_states(model, seqs):
    """Run each sequence alone, unpadded, and take the state after its own last token."""
    rows = []
    for seq in seqs:
        ids = torch.tensor(seq).unsqueeze(1)                # (T, 1)
        _, state = model.rnn(model.embed(ids))
        h = state[0] if isinstance(state, tuple) else state
        rows.append(torch.cat([h[-2], h[-1]], -1) if model.rnn.bidirectional else h[-1])
    return torch.cat(rows)


@pytest.mark.parametrize("cell, bidirectional", [("rnn", False), ("lstm", False), ("gru", False), ("lstm", True)])
def test_classifier_packing_ignores_padding(cell, bidirectional):
    torch.manual_seed(0)
    model = TextClassifier(vocab_size=10, embed_size=4, hidden_size=5, cell=cell, bidirectional=bidirectional,
                           dense_size=6).double().eval()
    seqs = [[3, 4, 5, 6, 7], [2], [8, 9, 3]]
    ids, lengths = pad_sequences(seqs)
    encoded = model.encode(ids, lengths)
    assert encoded.shape == (3, 10 if bidirectional else 5)
    torch.testing.assert_close(encoded, _manual_last_states(model, seqs))
    logits = model(ids, lengths)
    assert logits.shape == (3, 2)
    # more padding (a longer neighbour) changes nothing
    ids2, lengths2 = pad_sequences(seqs + [[1] * 9])
    torch.testing.assert_close(model(ids2, lengths2)[:3], logits)


def test_classifier_without_packing_would_read_the_padding():
    """The reason for packing: the last *padded* step differs from the last real step."""
    torch.manual_seed(0)
    model = TextClassifier(vocab_size=10, embed_size=4, hidden_size=5, cell="gru").double().eval()
    ids, lengths = pad_sequences([[3, 4, 5, 6, 7], [2]])
    _, h_padded = model.rnn(model.embed(ids))
    assert not torch.allclose(h_padded[-1][1], model.encode(ids, lengths)[1])


def test_bag_of_words_ignores_order_and_padding():
    torch.manual_seed(0)
    model = BagOfWords(vocab_size=10).double()
    ids, lengths = pad_sequences([[3, 4, 5], [5, 3, 4]])
    logits = model(ids, lengths)
    torch.testing.assert_close(logits[0], logits[1])
    ids2, lengths2 = pad_sequences([[3, 4, 5], [1, 1, 1, 1, 1, 1]])
    torch.testing.assert_close(model(ids2, lengths2)[0], logits[0])


def test_classification_loss_is_cross_entropy_of_softmax():
    torch.manual_seed(0)
    model = TextClassifier(vocab_size=6, embed_size=3, hidden_size=4, dense_size=4)
    ids, lengths = pad_sequences([[1, 2], [3, 4, 5]])
    labels = torch.tensor([0, 1])
    loss, n = classification_loss(model, (ids, lengths, labels))
    probs = torch.softmax(model(ids, lengths), -1)
    expected = -torch.log(probs[torch.arange(2), labels]).mean()
    assert n == 2 and loss.item() == pytest.approx(expected.item(), rel=1e-5)


def test_forecaster_shapes_and_loss():
    torch.manual_seed(0)
    model = Forecaster(hidden_size=6, horizon=4)
    rows = torch.randn(5, 12)                                  # 5 windows of 12 steps
    assert as_time_major(rows).shape == (12, 5, 1)
    assert torch.equal(as_time_major(rows)[:, 2, 0], rows[2])
    out = model(as_time_major(rows))
    assert out.shape == (5, 4)
    loss, n = regression_loss(model, (rows, torch.zeros(5, 4)))
    assert n == 5 and loss.item() == pytest.approx(out.pow(2).mean().item(), rel=1e-6)


def test_models_propagate_shapes_on_meta_device():
    """No tensor is created on a fixed device: everything follows the parameters to 'meta'."""
    lm = CharLM(11, 4, 6).to("meta")
    logits, (h, c) = lm(torch.zeros(5, 2, dtype=torch.long, device="meta"))
    assert logits.device.type == "meta" and logits.shape == (5, 2, 11) and h.device.type == "meta"
    fc = Forecaster(hidden_size=3, horizon=2).to("meta")
    out = fc(torch.zeros(7, 4, 1, device="meta"))
    assert out.device.type == "meta" and out.shape == (4, 2)
    bow = BagOfWords(9).to("meta")
    out = bow(torch.zeros(3, 2, dtype=torch.long, device="meta"), torch.tensor([3, 2]))
    assert out.device.type == "meta" and out.shape == (2, 2)


@pytest.mark.parametrize("device", available_devices(), ids=str)
def test_models_run_on_every_device(device):
    torch.manual_seed(0)
    clf = TextClassifier(vocab_size=10, embed_size=4, hidden_size=5, bidirectional=True).to(device)
    ids, lengths = pad_sequences([[3, 4, 5], [2]])
    logits = clf(ids.to(device), lengths.to(device))           # lengths may arrive on the device
    assert logits.device.type == torch.device(device).type
    vocab = Vocab("xyz\n", specials=())
    lm = CharLM(len(vocab), 3, 4).to(device)
    text = sample_text(lm, vocab, max_len=5, generator=torch.Generator(device=device).manual_seed(0))
    assert isinstance(text, str) and len(text) <= 5
