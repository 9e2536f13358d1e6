"""The pilot chapter's data and experiment."""
import numpy as np
import pytest
import torch

from rnncourse import pick_device
from rnncourse.data.synthetic import A, B, order_task
from rnncourse.device import available_devices
from rnncourse.experiments import why_recurrent as exp
from rnncourse.numpy_ref.rnn import rnn_forward, rnn_step_forward


def test_order_task_has_one_a_and_one_b_and_correct_labels():
    X, y = order_task(200, 9, np.random.default_rng(0))
    assert X.shape == (9, 200, 3) and y.shape == (200,)
    tokens = X.argmax(axis=2)
    assert np.all((tokens == A).sum(0) == 1) and np.all((tokens == B).sum(0) == 1)
    assert np.array_equal((tokens == A).argmax(0) < (tokens == B).argmax(0), y == 1)
    assert 0.35 < y.mean() < 0.65


def test_order_task_classes_have_identical_time_averages():
    X, y = order_task(500, 7, np.random.default_rng(1))
    means = X.mean(axis=0)
    assert np.allclose(means[y == 1].mean(0), means[y == 0].mean(0))
    with pytest.raises(ValueError, match="T >= 2"):
        order_task(3, 1, np.random.default_rng(0))


def test_bag_of_inputs_is_order_blind_and_rnn_is_not():
    bag, rnn = exp.make_models(hidden_size=8, seed=0)
    X = torch.randn(6, 4, 3)
    flipped = X.flip(0)
    assert torch.allclose(bag(X), bag(flipped), atol=1e-6)
    assert not torch.allclose(rnn(X), rnn(flipped), atol=1e-6)


def test_the_rnn_learns_the_order_task_and_the_bag_cannot():
    bag, rnn = exp.make_models(hidden_size=16, seed=0)
    assert exp.train(rnn, steps=300, seed=0).accuracy[-1] > 0.95
    assert abs(exp.train(bag, steps=100, seed=0).accuracy[-1] - 0.5) < 0.06


@pytest.mark.parametrize("device", available_devices(), ids=str)
def test_models_run_on_every_device(device):
    bag, rnn = exp.make_models(hidden_size=4)
    for model in (bag.to(device), rnn.to(device)):
        assert model(torch.zeros(5, 2, 3, device=device)).device.type == device.type


def test_models_propagate_shapes_on_the_meta_device():
    bag, rnn = exp.make_models(hidden_size=4)
    for model in (bag.to("meta"), rnn.to("meta")):
        out = model(torch.empty(5, 2, 3, device="meta"))
        assert out.shape == (2,) and out.device.type == "meta"


def test_pick_device():
    assert pick_device("cpu") == torch.device("cpu")
    assert pick_device().type == ("cuda" if torch.cuda.is_available() else "cpu")


def test_numpy_forward_matches_torch_rnn():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(5, 3, 4))
    rnn = torch.nn.RNN(4, 6).double()
    W_xh, W_hh = rnn.weight_ih_l0.detach().numpy(), rnn.weight_hh_l0.detach().numpy()
    b = (rnn.bias_ih_l0 + rnn.bias_hh_l0).detach().numpy()
    expected, _ = rnn(torch.from_numpy(X))
    assert np.allclose(rnn_forward(X, None, W_xh, W_hh, b), expected.detach().numpy(), atol=1e-12)
    assert np.allclose(rnn_step_forward(X[0], np.zeros((3, 6)), W_xh, W_hh, b), expected[0].detach().numpy())
