"""The training loop and its practices: clipping, early stopping, checkpoints, schedules, seeding."""
import math

import pytest
import torch
from torch import nn

from rnncourse.device import available_devices
from rnncourse.train import (Checkpoint, EarlyStopping, clip_gradients, evaluate, fit, gradient_norm,
                             minibatches, seed_everything)


def _regression_data(seed=0, n=64):
    g = torch.Generator().manual_seed(seed)
    X = torch.randn(n, 3, generator=g)
    y = X @ torch.tensor([1.0, -2.0, 0.5]) + 0.1 * torch.randn(n, generator=g)
    return X, y.unsqueeze(-1)


def _mse(model, batch):
    X, y = batch
    return nn.functional.mse_loss(model(X), y), len(y)


def _train_once(seed, epochs=3):
    seed_everything(seed)
    model = nn.Sequential(nn.Linear(3, 8), nn.Tanh(), nn.Linear(8, 1))
    X, y = _regression_data()
    history = fit(model, lambda epoch: minibatches(X, y, batch_size=16, seed=seed + epoch), [(X, y)], _mse,
                  optimizer=torch.optim.SGD(model.parameters(), lr=0.05), epochs=epochs, progress=False)
    return history, model


def test_fit_lowers_the_loss():
    history, _ = _train_once(0, epochs=15)
    assert history.train_loss[-1] < 0.5 * history.train_loss[0]
    assert history.val_loss[-1] < history.val_loss[0]


def test_same_seed_same_run_other_seed_other_run():
    a, model_a = _train_once(1)
    b, model_b = _train_once(1)
    c, _ = _train_once(2)
    assert a.train_loss == b.train_loss
    assert all(torch.equal(p, q) for p, q in zip(model_a.parameters(), model_b.parameters()))
    assert a.train_loss != c.train_loss


def test_clip_gradients_matches_torch_and_returns_the_norm_before():
    torch.manual_seed(0)
    a = nn.Linear(4, 3)
    b = nn.Linear(4, 3)
    b.load_state_dict(a.state_dict())
    x = torch.randn(5, 4) * 10
    for m in (a, b):
        m(x).pow(2).sum().backward()
    before = gradient_norm(a.parameters())
    got = clip_gradients(a.parameters(), 1.0)
    expected = nn.utils.clip_grad_norm_(b.parameters(), 1.0)
    assert got == pytest.approx(float(expected), rel=1e-6) and got == pytest.approx(before)
    assert before > 1.0
    for p, q in zip(a.parameters(), b.parameters()):
        torch.testing.assert_close(p.grad, q.grad)
    assert gradient_norm(a.parameters()) == pytest.approx(1.0, rel=1e-5)
    # below the threshold nothing changes
    grads = [p.grad.clone() for p in a.parameters()]
    clip_gradients(a.parameters(), 10.0)
    assert all(torch.equal(g, p.grad) for g, p in zip(grads, a.parameters()))


def test_clipping_bounds_the_sgd_step():
    model = nn.Linear(2, 1, bias=False)
    with torch.no_grad():
        model.weight.zero_()
    X = torch.tensor([[100.0, 100.0]])
    y = torch.tensor([[1000.0]])
    before = model.weight.detach().clone()
    history = fit(model, [(X, y)], [(X, y)], _mse, optimizer=torch.optim.SGD(model.parameters(), lr=0.1),
                  epochs=1, max_grad_norm=2.0, progress=False, restore_best=False)
    step = (model.weight.detach() - before).norm()
    assert float(step) == pytest.approx(0.1 * 2.0, rel=1e-4)    # lr * clipped norm
    assert history.grad_norm[0] > 1000                          # the norm before clipping is recorded


def test_early_stopping_counts_patience():
    stopper = EarlyStopping(patience=2, min_delta=0.01)
    flags = [stopper.step(v, e) for e, v in enumerate([1.0, 0.8, 0.795, 0.9])]
    assert flags == [True, True, False, False]
    assert stopper.should_stop and stopper.best == 0.8 and stopper.best_epoch == 1


class _Scripted:
    """A loss whose validation value follows a script; records the weight seen at each validation."""

    def __init__(self, script):
        self.script, self.seen = list(script), []

    def __call__(self, model, batch):
        out = model(batch)
        if model.training:
            return out.pow(2).mean() + 1.0, 1
        self.seen.append(model.weight.detach().clone())
        return torch.tensor(self.script[len(self.seen) - 1]), 1


def test_fit_stops_early_and_restores_the_best_checkpoint(tmp_path):
    torch.manual_seed(0)
    model = nn.Linear(2, 2)
    loss_fn = _Scripted([5.0, 3.0, 2.0, 2.5, 2.4, 2.6, 1.0, 0.5])
    path = tmp_path / "best.pt"
    history = fit(model, [torch.ones(4, 2)], [torch.ones(1, 2)], loss_fn,
                  optimizer=torch.optim.SGD(model.parameters(), lr=0.1), epochs=8, patience=3,
                  checkpoint_path=path, progress=False)
    assert history.stopped_early and len(history.val_loss) == 6      # epochs 3, 4, 5 did not improve
    assert history.best_epoch == 2 and history.best_val_loss == 2.0
    torch.testing.assert_close(model.weight.detach(), loss_fn.seen[2])   # parameters of the best epoch
    other = nn.Linear(2, 2)
    Checkpoint(path).restore(other)                                     # the file holds the same
    torch.testing.assert_close(other.weight, loss_fn.seen[2])


def test_checkpoint_without_save_refuses_to_restore():
    with pytest.raises(RuntimeError):
        Checkpoint().restore(nn.Linear(1, 1))


def test_scheduler_steps_once_per_epoch():
    model = nn.Linear(3, 1)
    X, y = _regression_data()
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
    history = fit(model, [(X, y)], [(X, y)], _mse, optimizer=opt, epochs=5, scheduler=sched, progress=False)
    assert history.lr == pytest.approx([0.1, 0.1, 0.05, 0.05, 0.025])


def test_plateau_scheduler_gets_the_validation_loss():
    model = nn.Linear(2, 2)
    opt = torch.optim.SGD(model.parameters(), lr=1.0)
    sched = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, patience=0, factor=0.1)
    fit(model, [torch.ones(4, 2)], [torch.ones(1, 2)], _Scripted([1.0, 2.0, 3.0]),
        optimizer=opt, epochs=3, scheduler=sched, progress=False)
    assert opt.param_groups[0]["lr"] == pytest.approx(0.01)


def test_evaluate_weights_batches_by_item_count():
    model = nn.Linear(1, 1, bias=False)
    with torch.no_grad():
        model.weight.fill_(0.0)
    batches = [(torch.zeros(3, 1), torch.ones(3, 1)), (torch.zeros(1, 1), 5 * torch.ones(1, 1))]
    assert evaluate(model, batches, _mse) == pytest.approx((3 * 1 + 1 * 25) / 4)


def test_minibatches_cover_rows_once():
    a = torch.arange(10)
    batches = minibatches(a, a * 2, batch_size=4, seed=0)
    rows = torch.cat([b[0] for b in batches])
    assert sorted(rows.tolist()) == list(range(10)) and rows.tolist() != list(range(10))
    assert all(torch.equal(b[1], 2 * b[0]) for b in batches)
    with pytest.raises(ValueError):
        minibatches(a, a[:3], batch_size=2)


@pytest.mark.parametrize("device", available_devices(), ids=str)
def test_fit_runs_on_every_device(device):
    seed_everything(0)
    model = nn.Linear(3, 1).to(device)
    X, y = _regression_data()
    history = fit(model, [(X, y)], [(X, y)], _mse, optimizer=torch.optim.Adam(model.parameters(), lr=0.1),
                  epochs=3, device=device, max_grad_norm=1.0, progress=False)
    assert all(math.isfinite(v) for v in history.val_loss)
    assert next(model.parameters()).device.type == torch.device(device).type


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_fit_on_cuda_matches_cpu():
    results = []
    for device in ("cpu", "cuda"):
        seed_everything(0)
        model = nn.Linear(3, 1).double().to(device)
        X, y = (t.double() for t in _regression_data())
        fit(model, [(X, y)], [(X, y)], _mse, optimizer=torch.optim.SGD(model.parameters(), lr=0.1),
            epochs=3, device=device, max_grad_norm=1.0, progress=False)
        results.append(model.weight.detach().cpu())
    torch.testing.assert_close(results[0], results[1])


def test_static_page_progress_is_one_line_with_the_true_epoch_count(monkeypatch, capsys):
    """In the built book (RNNCOURSE_TEXT_PROGRESS set) a training loop prints one line when it
    ends, counting the epochs that really ran, not one line per refresh of a bar."""
    monkeypatch.setenv("RNNCOURSE_TEXT_PROGRESS", "1")
    seed_everything(0)
    model = nn.Linear(3, 1)
    X, y = _regression_data()
    # The validation loss of a wrong target never improves: early stopping after patience + 1.
    history = fit(model, [(X, y)], [(X, -100 * y)], _mse, optimizer=torch.optim.SGD(model.parameters(), lr=0.05),
                  epochs=20, patience=2, desc="toy")
    lines = capsys.readouterr().out.splitlines()
    run = len(history.val_loss)
    assert history.stopped_early and run < 20
    assert len(lines) == 1 and "\r" not in lines[0], lines
    assert lines[0].startswith(f"toy (stopped early): {run}/20 epochs in "), lines[0]
    assert f"val={history.val_loss[-1]:.4f}" in lines[0]


def test_progress_false_prints_nothing(monkeypatch, capsys):
    monkeypatch.setenv("RNNCOURSE_TEXT_PROGRESS", "1")
    _train_once(0, epochs=2)
    assert capsys.readouterr().out == ""
