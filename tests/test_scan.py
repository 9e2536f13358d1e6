"""The parallel scan of a linear recurrence equals the sequential loop."""
import pytest
import torch

from rnncourse.device import available_devices
from rnncourse.scan import linear_recurrence_chunked, linear_recurrence_loop, linear_recurrence_scan, scan_depth


@pytest.mark.parametrize("device", available_devices(), ids=str)
@pytest.mark.parametrize("T", [1, 2, 3, 7, 8, 33, 100])
def test_scan_equals_loop(device, T):
    g = torch.Generator().manual_seed(T)
    a = torch.rand(T, 3, 4, generator=g, dtype=torch.float64).to(device)   # decays in (0, 1)
    b = torch.randn(T, 3, 4, generator=g, dtype=torch.float64).to(device)
    h0 = torch.randn(3, 4, generator=g, dtype=torch.float64).to(device)
    for init in (None, h0):
        torch.testing.assert_close(linear_recurrence_scan(a, b, init), linear_recurrence_loop(a, b, init),
                                   rtol=1e-12, atol=1e-12)


def test_scan_against_closed_form_and_gradients():
    # constant a: h_t = sum_{k<=t} a^(t-k) b_k
    T = 10
    a = torch.full((T, 1), 0.5, dtype=torch.float64)
    b = torch.randn(T, 1, dtype=torch.float64)
    want = torch.stack([sum(0.5 ** (t - k) * b[k] for k in range(t + 1)) for t in range(T)])
    torch.testing.assert_close(linear_recurrence_scan(a, b), want, rtol=1e-12, atol=1e-12)
    # the scan is differentiable and gives the loop's gradients
    a = torch.rand(T, 2, dtype=torch.float64, requires_grad=True)
    b = torch.randn(T, 2, dtype=torch.float64, requires_grad=True)
    g1 = torch.autograd.grad(linear_recurrence_scan(a, b).pow(2).sum(), (a, b))
    g2 = torch.autograd.grad(linear_recurrence_loop(a, b).pow(2).sum(), (a, b))
    for x, y in zip(g1, g2):
        torch.testing.assert_close(x, y, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("T,chunk", [(1, None), (2, None), (7, None), (64, None), (100, None), (100, 7),
                                     (100, 1), (100, 100), (100, 300), (33, 32)])
def test_chunked_scan_equals_loop_with_gradients(T, chunk):
    """Every chunk size, whole chunks or a remainder, h0 or none: the loop's states and gradients."""
    g = torch.Generator().manual_seed(T)
    a = torch.rand(T, 3, 4, generator=g, dtype=torch.float64).requires_grad_()
    b = torch.randn(T, 3, 4, generator=g, dtype=torch.float64).requires_grad_()
    h0 = torch.randn(3, 4, generator=g, dtype=torch.float64).requires_grad_()
    weights = torch.randn(T, 3, 4, generator=g, dtype=torch.float64)
    for init in (None, h0):
        inputs = (a, b) if init is None else (a, b, h0)
        got = linear_recurrence_chunked(a, b, init, chunk)
        want = linear_recurrence_loop(a, b, init)
        torch.testing.assert_close(got, want, rtol=1e-12, atol=1e-12)
        for x, y in zip(torch.autograd.grad((got * weights).sum(), inputs),
                        torch.autograd.grad((want * weights).sum(), inputs)):
            torch.testing.assert_close(x, y, rtol=1e-12, atol=1e-12)


def test_chunked_scan_gradcheck():
    g = torch.Generator().manual_seed(0)
    a, b = (torch.rand(10, 2, generator=g, dtype=torch.float64).requires_grad_() for _ in range(2))
    h0 = torch.randn(2, generator=g, dtype=torch.float64).requires_grad_()
    assert torch.autograd.gradcheck(lambda a, b, h0: linear_recurrence_chunked(a, b, h0, 3), (a, b, h0))


def test_scan_depth_is_logarithmic():
    assert [scan_depth(T) for T in (1, 2, 3, 4, 5, 1024, 1025)] == [0, 1, 2, 2, 3, 10, 11]


@pytest.mark.parametrize("scan", [linear_recurrence_scan, linear_recurrence_chunked])
def test_scan_runs_on_meta_device(scan):
    a = torch.empty(16, 2, 5, device="meta")
    out = scan(a, a, torch.empty(2, 5, device="meta"))
    assert out.device.type == "meta" and out.shape == (16, 2, 5)


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA device")
def test_scan_parity_on_gpu():
    a = torch.rand(257, 8, dtype=torch.float64, device="cuda")
    b = torch.randn(257, 8, dtype=torch.float64, device="cuda")
    for scan in (linear_recurrence_scan, linear_recurrence_chunked):
        out = scan(a, b)
        assert out.device.type == "cuda"
        torch.testing.assert_close(out, linear_recurrence_loop(a, b), rtol=1e-12, atol=1e-12)
