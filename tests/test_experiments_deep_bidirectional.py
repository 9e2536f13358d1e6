"""The looking-ahead experiment of the deep/bidirectional chapter, tiny configurations."""
import numpy as np
import torch

from rnncourse.experiments import deep_bidirectional as exp


def test_offset_task_targets_are_the_shifted_symbols():
    X, y = exp.offset_task(4, 6, (-1, 0, 2), 3, np.random.default_rng(0))
    tokens = X.argmax(-1)                                   # (T, n)
    assert X.shape == (6, 4, 3) and y.shape == (3, 6, 4)
    np.testing.assert_array_equal(y[1], tokens)
    np.testing.assert_array_equal(y[0, 1:], tokens[:-1])
    assert np.all(y[0, 0] == exp.IGNORE)
    np.testing.assert_array_equal(y[2, :-2], tokens[2:])
    assert np.all(y[2, -2:] == exp.IGNORE)


def test_tagger_shapes_and_meta_device():
    model = exp.OffsetTagger(4, 3, hidden_size=5, bidirectional=True)
    assert model(torch.randn(6, 2, 4)).shape == (6, 2, 3, 4)
    meta = model.to("meta")
    out = meta(torch.empty(6, 2, 4, device="meta"))
    assert out.device.type == "meta" and out.shape == (6, 2, 3, 4)


def test_unidirectional_cannot_see_the_future_bidirectional_can(one_thread):
    acc = exp.compare_directions(offsets=(0, 2), n_symbols=2, T=8, hidden_size=16, steps=120, seed=0)
    uni, bi = acc["unidirectional"], acc["bidirectional"]
    assert uni[0] > 0.9 and bi[0] > 0.9                     # the present: both
    assert uni[1] < 0.65                                    # the future: chance is 0.5
    assert bi[1] > 0.9
