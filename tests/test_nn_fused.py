"""The fused LSTM and GRU (rnncourse.nn.fused): hand-written backward passes against nn.LSTM / nn.GRU.

Every parity test runs twice, through the native (C++) time loop and through the Python one
(the ``loop`` fixture). Where a C++ compiler and ninja are on the PATH the native loop must
compile; without them its runs are skipped and the Python runs still check everything.
"""
from __future__ import annotations

import itertools
import os
import shutil

import pytest
import torch
from torch import nn

from rnncourse.nn import LSTM, fused_gemm, native
from rnncourse.nn.fused import FusedGRU, FusedLSTM, GRUFunction, LSTMFunction, native_available, native_status, use_native
from test_nn_lstm_gru import assert_same, make_pair, random_state, run

KINDS = {"lstm": (nn.LSTM, FusedLSTM), "gru": (nn.GRU, FusedGRU)}
CONFIGS = list(itertools.product(["lstm", "gru"], [True, False], [1, 2], [False, True]))
HAS_TOOLCHAIN = shutil.which("c++") is not None and shutil.which("ninja") is not None


@pytest.fixture(params=["native", "python"])
def loop(request):
    """Runs the test with the native time loop, then with the Python one."""
    if request.param == "native" and not native_available():
        pytest.skip(f"no native loop here: {native_status()}")
    with use_native(request.param == "native"):
        yield request.param


def compare(kind, num_layers, bias, bidirectional, device, T=6, B=3, D=4, H=5, with_state=True):
    reference, fused = make_pair(kind, D, H, num_layers, bias, bidirectional, device, classes=KINDS)
    dirs = 2 if bidirectional else 1
    generator = torch.Generator().manual_seed(1)
    X = torch.randn(T, B, D, dtype=torch.float64, generator=generator).to(device)
    state = random_state(kind, (num_layers * dirs, B, H), generator, device)
    weights_out = torch.randn(T, B, dirs * H, dtype=torch.float64, generator=generator).to(device)
    if not with_state:  # zeros, passed explicitly so that run() can read their gradients
        state = tuple(torch.zeros_like(s) for s in state) if kind == "lstm" else torch.zeros_like(state)
    result = run(fused, X, state, weights_out)
    assert result[0].device == X.device and result[0].shape == (T, B, dirs * H)
    assert_same(result, run(reference, X, state, weights_out))


@pytest.mark.parametrize("kind,bias,num_layers,bidirectional", CONFIGS)
def test_equal_to_torch(kind, bias, num_layers, bidirectional, loop):
    """Outputs, final states and the gradients of inputs, initial states and every weight equal
    nn.LSTM's / nn.GRU's in float64."""
    compare(kind, num_layers, bias, bidirectional, "cpu")


@pytest.mark.parametrize("kind", ["lstm", "gru"])
def test_single_step_and_zero_state(kind, loop):
    """T = 1 and a zero initial state: the edges of the backward recursion."""
    compare(kind, 1, True, False, "cpu", T=1, with_state=False)


def function_inputs(G, bias, T=3, B=2, D=3, H=2, seed=0):
    g = torch.Generator().manual_seed(seed)

    def rand(*shape):
        return torch.randn(*shape, dtype=torch.float64, generator=g).requires_grad_()

    X, h0, c0 = rand(T, B, D), rand(B, H), rand(B, H)
    W_ih, W_hh = rand(G * H, D), rand(G * H, H)
    b_ih, b_hh = (rand(G * H), rand(G * H)) if bias else (None, None)
    return X, h0, c0, W_ih, W_hh, b_ih, b_hh


@pytest.mark.parametrize("bias", [True, False])
def test_gradcheck_lstm_function(bias, loop):
    """The hand-written backward pass of one LSTM layer equals finite differences."""
    inputs = function_inputs(4, bias)
    assert torch.autograd.gradcheck(LSTMFunction.apply, inputs)


@pytest.mark.parametrize("bias", [True, False])
def test_gradcheck_gru_function(bias, loop):
    """The hand-written backward pass of one GRU layer equals finite differences."""
    X, h0, _, W_ih, W_hh, b_ih, b_hh = function_inputs(3, bias)
    assert torch.autograd.gradcheck(GRUFunction.apply, (X, h0, W_ih, W_hh, b_ih, b_hh))


@pytest.mark.parametrize("kind", ["lstm", "gru"])
def test_gradcheck_two_bidirectional_layers_with_initial_state(kind, loop):
    """Finite differences through the whole module: inputs, initial states and every weight."""
    torch.manual_seed(0)
    module = KINDS[kind][1](2, 2, num_layers=2, bidirectional=True).double()
    names = [name for name, _ in module.named_parameters()]
    params = tuple(p.detach().clone().requires_grad_() for p in module.parameters())
    g = torch.Generator().manual_seed(1)
    X = torch.randn(3, 2, 2, dtype=torch.float64, generator=g).requires_grad_()
    states = tuple(torch.randn(4, 2, 2, dtype=torch.float64, generator=g).requires_grad_()
                   for _ in range(2 if kind == "lstm" else 1))

    def outputs(X, *rest):
        state, weights = rest[:len(states)], rest[len(states):]
        out, final = torch.func.functional_call(module, dict(zip(names, weights)),
                                                (X, state if kind == "lstm" else state[0]))
        return (out, *final) if kind == "lstm" else (out, final)

    assert torch.autograd.gradcheck(outputs, (X, *states, *params))


def test_only_requested_gradients_are_computed(loop):
    """Inputs that need no gradient get none, and the others are still right."""
    X, h0, c0, W_ih, W_hh, b_ih, b_hh = function_inputs(4, True)
    X.requires_grad_(False)
    h0.requires_grad_(False)
    Hs, c_T = LSTMFunction.apply(X, h0, c0, W_ih, W_hh, b_ih, b_hh)
    (Hs.sum() + c_T.sum()).backward()
    assert X.grad is None and h0.grad is None
    assert all(p.grad is not None for p in (c0, W_ih, W_hh, b_ih, b_hh))


def test_equal_to_teaching_lstm_in_float32(loop):
    """In float32 the fused LSTM stays within rounding of the teaching one (the fused layer
    computes tanh through the logistic function, or, natively, both through its own exp)."""
    torch.manual_seed(3)
    teaching, fused = LSTM(8, 16), FusedLSTM(8, 16)
    fused.load_state_dict(teaching.state_dict())
    X = torch.randn(20, 4, 8) * 3
    torch.testing.assert_close(fused(X)[0], teaching(X)[0], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("kind", ["lstm", "gru"])
@pytest.mark.parametrize("dtype,tol", [(torch.float32, dict(rtol=1e-4, atol=1e-5)), (torch.float64, dict(rtol=1e-10, atol=1e-12))])
def test_saturated_gates_in_both_dtypes(kind, dtype, tol, loop):
    """Pre-activations from -700 to 700 (gates at exactly 0 or 1, exp at the ends of its range):
    outputs and gradients equal nn.LSTM's / nn.GRU's in float32 and float64."""
    reference, fused = KINDS[kind][0](3, 6), KINDS[kind][1](3, 6)
    torch.manual_seed(4)
    fused.load_state_dict(reference.state_dict())
    reference, fused = reference.to(dtype), fused.to(dtype)
    X = (torch.randn(7, 5, 3, dtype=dtype) * torch.logspace(-3, 2.5, 5, dtype=dtype).view(1, 5, 1)).requires_grad_()
    results = []
    for module in (fused, reference):
        out = module(X)[0]
        results.append((out, *torch.autograd.grad(out.square().sum(), [X, *module.parameters()])))
    for a, b in zip(*results, strict=True):
        assert a.isfinite().all()
        torch.testing.assert_close(a, b, **tol)


@pytest.mark.parametrize("kind", ["lstm", "gru"])
@pytest.mark.parametrize("onednn", [True, False])
def test_float32_with_and_without_onednn(kind, onednn, loop, monkeypatch):
    """In float32 the products run on oneDNN where it is present and they are large enough (here
    any size), else on torch.mm (here chosen by torch.backends.mkldnn): either way outputs and
    every gradient stay within float32 rounding of nn.LSTM / nn.GRU computed in float64."""
    if onednn and not fused_gemm.ONEDNN:
        pytest.skip("this PyTorch has no oneDNN")
    torch.manual_seed(5)
    reference = KINDS[kind][0](5, 7, num_layers=2, bidirectional=True).double()
    fused = KINDS[kind][1](5, 7, num_layers=2, bidirectional=True)
    fused.load_state_dict(reference.state_dict())
    X = torch.randn(9, 4, 5, dtype=torch.float64, requires_grad=True)
    monkeypatch.setattr(fused_gemm, "MIN_WORK", 0)
    monkeypatch.setattr(torch.backends.mkldnn, "enabled", onednn)
    assert fused_gemm.onednn_serves(X.float(), 1) == onednn
    out = fused(X.float())[0]
    result = (out, *torch.autograd.grad(out.square().sum(), [X, *fused.parameters()]))
    monkeypatch.undo()
    out = reference(X)[0]
    expected = (out, *torch.autograd.grad(out.square().sum(), [X, *reference.parameters()]))
    for a, b in zip(result, expected, strict=True):
        torch.testing.assert_close(a.double(), b, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_weight_gradients_split_one_product_by_columns(dtype, monkeypatch):
    """``weight_gradients`` gives dY^T Z_k for every given Z_k (None where none is given) and the
    bias gradient, in float32 through oneDNN where present; ``linear`` gives x W^T + b."""
    monkeypatch.setattr(fused_gemm, "MIN_WORK", 0)
    g = torch.Generator().manual_seed(2)
    dY, Z1, Z2 = (torch.randn(40, n, generator=g, dtype=dtype) for n in (6, 3, 5))
    (dW1, none, dW2), db = fused_gemm.weight_gradients(dY, [Z1, None, Z2], bias=True)
    assert none is None
    tol = dict(rtol=1e-5, atol=1e-5) if dtype == torch.float32 else {}
    torch.testing.assert_close(dW1, dY.T @ Z1, **tol)
    torch.testing.assert_close(dW2, dY.T @ Z2, **tol)
    torch.testing.assert_close(db, dY.sum(0), **tol)
    assert fused_gemm.weight_gradients(dY, [None], bias=False) == ([None], None)
    W_T, b = torch.randn(6, 4, generator=g, dtype=dtype), torch.randn(4, generator=g, dtype=dtype)
    torch.testing.assert_close(fused_gemm.linear(dY, W_T.T, b), dY @ W_T + b, **tol)  # W as a transposed view


def test_a_shared_buffer_is_one_memory_seen_two_ways(monkeypatch):
    """Where oneDNN serves float32, ``buffer`` gives a dense tensor and a oneDNN tensor over the
    same memory: what is written into one is read from the other, and the weight gradient read
    from the buffer equals the one from an ordinary tensor. Elsewhere (float64) it is a plain tensor."""
    monkeypatch.setattr(fused_gemm, "MIN_WORK", 0)
    like = torch.zeros(1)
    buf = fused_gemm.buffer(7, 12, like, work=1)
    assert buf.dense.shape == (7, 12) and buf.dense.is_contiguous()
    values = torch.randn(7, 12, generator=torch.Generator().manual_seed(3))
    buf.dense.copy_(values)
    if fused_gemm.SHARED:
        torch.testing.assert_close(buf.onednn.to_dense(), values, rtol=0, atol=0)
        Z = torch.randn(7, 5)
        (dW,), db = fused_gemm.weight_gradients(buf, [Z], bias=True)
        torch.testing.assert_close(dW, values.T @ Z, rtol=1e-5, atol=1e-5)
        torch.testing.assert_close(db, values.sum(0), rtol=1e-5, atol=1e-5)
    else:
        assert buf.onednn is None
    assert fused_gemm.buffer(7, 12, like.double(), work=1).onednn is None


@pytest.mark.skipif(not HAS_TOOLCHAIN, reason="no C++ compiler or ninja on the PATH")
@pytest.mark.skipif(os.environ.get("RNNCOURSE_NATIVE") == "0", reason="native loop switched off by RNNCOURSE_NATIVE=0")
def test_native_loop_compiles_and_runs_where_a_compiler_is():
    """With a compiler and ninja the C++ loop builds, and fused layers on CPU tensors use it."""
    assert native_available(), native_status()
    assert native_status() == "native"
    X = torch.randn(4, 2, 3, requires_grad=True)
    Hs, _ = LSTMFunction.apply(X, torch.zeros(2, 5), torch.zeros(2, 5), torch.randn(20, 3), torch.randn(20, 5), None, None)
    assert Hs.grad_fn.native  # the flag the backward pass follows


def test_without_a_compiler_the_python_loop_runs_and_says_why(monkeypatch):
    """A source that cannot be compiled (here: a missing file) is no error: the Python loop runs,
    gives the same result, and native_status() names the reason."""
    monkeypatch.setattr(native, "SOURCE", native.SOURCE.with_name("missing.cpp"))
    for key, value in {"ops": None, "tried": False, "enabled": True}.items():
        monkeypatch.setitem(native._state, key, value)
    assert not native_available()
    assert native_status().startswith("python (could not compile missing.cpp")
    torch.manual_seed(0)
    reference, fused = nn.GRU(3, 4).double(), FusedGRU(3, 4).double()
    fused.load_state_dict(reference.state_dict())
    X = torch.randn(5, 2, 3, dtype=torch.float64)
    torch.testing.assert_close(fused(X)[0], reference(X)[0])


@pytest.mark.parametrize("kind", ["lstm", "gru"])
@pytest.mark.parametrize("bidirectional", [False, True])
def test_meta_device(kind, bidirectional):
    """On the meta device every tensor stays on meta with the right shape, backward included."""
    module = KINDS[kind][1](3, 4, num_layers=2, bidirectional=bidirectional).to("meta")
    dirs = 2 if bidirectional else 1
    X = torch.empty(6, 2, 3, device="meta", requires_grad=True)
    state = torch.empty(2 * dirs, 2, 4, device="meta")
    outputs, final = module(X, (state, state) if kind == "lstm" else state)
    assert outputs.device.type == "meta" and outputs.shape == (6, 2, dirs * 4)
    for s in final if kind == "lstm" else (final,):
        assert s.device.type == "meta" and s.shape == (2 * dirs, 2, 4)
    outputs.sum().backward()
    assert X.grad.device.type == "meta" and X.grad.shape == X.shape
    assert all(p.grad.shape == p.shape for p in module.parameters())


def test_padded_batches_and_reset_before_gru_are_refused():
    with pytest.raises(ValueError, match="lengths"):
        FusedLSTM(3, 4)(torch.zeros(5, 2, 3), lengths=[5, 3])
    with pytest.raises(ValueError, match="lengths"):
        FusedGRU(3, 4)(torch.zeros(5, 2, 3), lengths=[5, 3])
    with pytest.raises(ValueError, match="convention"):
        FusedGRU(3, 4, convention="reset_before")


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
@pytest.mark.parametrize("kind", ["lstm", "gru"])
def test_cuda_parity(kind):
    """On CUDA: the fused module equals nn.LSTM / nn.GRU (float64), and its gradients pass gradcheck."""
    compare(kind, 2, True, True, "cuda")
    X, h0, c0, W_ih, W_hh, b_ih, b_hh = (t.detach().cuda().requires_grad_()
                                         for t in function_inputs(4 if kind == "lstm" else 3, True))
    if kind == "lstm":
        assert torch.autograd.gradcheck(LSTMFunction.apply, (X, h0, c0, W_ih, W_hh, b_ih, b_hh))
    else:
        assert torch.autograd.gradcheck(GRUFunction.apply, (X, h0, W_ih, W_hh, b_ih, b_hh))
