r"""Experiments of the chapter "Backpropagation through time".

- :func:`jacobian_product`: :math:`\partial h_t / \partial h_k` as the product of one-step
  Jacobians :math:`\mathrm{diag}(1 - h_i^2) W_{hh}`, and :func:`autograd_jacobian`, the same
  matrix from torch autograd.
- :func:`double_sum_gradient`: :math:`\partial L / \partial W_{hh}` evaluated literally as the
  double sum over t and k of the BPTT formula, and :func:`double_sum_terms`, the size of each term.
- :func:`echo_task` and :func:`train_truncated`: a task whose answer lies ``delay`` steps in the
  past, learnt with truncated BPTT of window k (what it cannot learn when k <= delay).
- :func:`activation_bytes`: bytes that autograd stores for the backward pass, measured.
"""
from __future__ import annotations

import numpy as np
import torch
from torch import nn

from ..numpy_ref.rnn import activation_derivative
from .threads import single_thread


def jacobian_product(Hs: np.ndarray, W_hh: np.ndarray, t: int, k: int, nonlinearity="tanh") -> np.ndarray:
    r""":math:`\partial h_t/\partial h_k = \prod_{i=t}^{k+1} \mathrm{diag}(\phi'(a_i)) W_{hh}` for ONE sequence.

    ``Hs`` (T+1, H) holds :math:`h_0, h_1, \dots, h_T` (row i is :math:`h_i`); ``t >= k``.
    Returns the (H, H) matrix whose entry (a, b) is :math:`\partial h_{t,a} / \partial h_{k,b}`.
    """
    J = np.eye(W_hh.shape[0])
    for i in range(k + 1, t + 1):  # later steps multiply from the left
        J = (activation_derivative(Hs[i], nonlinearity)[:, None] * W_hh) @ J  # diag(phi'_i) W_hh J
    return J


def autograd_jacobian(x: np.ndarray, h0: np.ndarray, W_xh, W_hh, b_h, t: int, k: int) -> np.ndarray:
    r""":math:`\partial h_t / \partial h_k` by torch autograd, for one sequence ``x`` (T, D), ``h0`` (H,)."""
    W_xh, W_hh, b_h = (torch.from_numpy(a) for a in (W_xh, W_hh, b_h))
    x = torch.from_numpy(x)
    h = torch.from_numpy(h0)
    for i in range(1, k + 1):  # run up to h_k
        h = torch.tanh(W_xh @ x[i - 1] + W_hh @ h + b_h)

    def from_k(h_k):
        for i in range(k + 1, t + 1):
            h_k = torch.tanh(W_xh @ x[i - 1] + W_hh @ h_k + b_h)
        return h_k

    return torch.autograd.functional.jacobian(from_k, h).numpy()


def double_sum_terms(x, h0, W_xh, W_hh, b_h, G) -> tuple[np.ndarray, np.ndarray]:
    r"""Every term of :math:`\frac{\partial L}{\partial W_{hh}} = \sum_{t}\sum_{k \le t}
    \frac{\partial L_t}{\partial h_t}\frac{\partial h_t}{\partial h_k}\frac{\partial^+ h_k}{\partial W_{hh}}`.

    One sequence: ``x`` (T, D), ``h0`` (H,), loss :math:`L = \sum_t G_t \cdot h_t` with ``G``
    (T, H). :math:`\partial^+ h_k/\partial W_{hh}` is the *immediate* derivative (h_{k-1} held
    fixed). Returns ``terms`` (T, T, H, H) with ``terms[t-1, k-1]`` the (t, k) term (zero for
    k > t), and ``Hs`` (T+1, H).
    """
    T = x.shape[0]
    Hs = [h0]
    for i in range(T):
        Hs.append(np.tanh(W_xh @ x[i] + W_hh @ Hs[-1] + b_h))
    Hs = np.stack(Hs)  # (T+1, H)
    H = W_hh.shape[0]
    terms = np.zeros((T, T, H, H))
    for t in range(1, T + 1):
        for k in range(1, t + 1):
            dL_dhk = G[t - 1] @ jacobian_product(Hs, W_hh, t, k)  # (H,) = dL_t/dh_t dh_t/dh_k
            delta = dL_dhk * (1.0 - Hs[k] ** 2)  # through tanh at step k
            terms[t - 1, k - 1] = np.outer(delta, Hs[k - 1])  # immediate dh_k/dW_hh
    return terms, Hs


def double_sum_gradient(x, h0, W_xh, W_hh, b_h, G) -> np.ndarray:
    """The sum of :func:`double_sum_terms`: dL/dW_hh computed literally from the formula (O(T^2) terms)."""
    terms, _ = double_sum_terms(x, h0, W_xh, W_hh, b_h, G)
    return terms.sum(axis=(0, 1))


def echo_task(n: int, T: int, delay: int, rng: np.random.Generator):
    """Inputs ``X`` (T, n, 1) of random signs; targets ``y`` (T, n) with ``y[t] = X[t - delay] > 0``.

    Steps t < delay have no target (``y = -1``, ignored by the loss). Nothing but memory of the
    input ``delay`` steps back can predict the target.
    """
    signs = rng.choice([-1.0, 1.0], size=(T, n))
    y = np.full((T, n), -1, dtype=np.int64)
    y[delay:] = (signs[:-delay] > 0).astype(np.int64)
    return signs[..., None], y


class EchoModel(nn.Module):
    """An Elman RNN with a linear read-out at every step (many-to-many), two classes."""

    def __init__(self, hidden_size: int = 24):
        super().__init__()
        self.rnn = nn.RNN(1, hidden_size)
        self.readout = nn.Linear(hidden_size, 2)

    def forward(self, X, h=None):
        out, h = self.rnn(X, h)  # (T, B, H), (1, B, H)
        return self.readout(out), h  # (T, B, 2)


def train_truncated(k: int | None, delay: int = 4, T: int = 40, batch: int = 32, steps: int = 150,
                    hidden_size: int = 24, seed: int = 0, device=None) -> float:
    """Train :class:`EchoModel` on the echo task with truncated BPTT of window ``k`` (``None``: full).

    Each batch is processed window by window; the state is carried into the next window but
    DETACHED, so no gradient crosses a window boundary; the weights are updated after every
    window. Returns the held-out accuracy on steps that have a target (chance is 0.5).
    """
    with single_thread():
        return _train_truncated(k, delay, T, batch, steps, hidden_size, seed, device)


def _train_truncated(k, delay, T, batch, steps, hidden_size, seed, device) -> float:
    device = torch.device("cpu") if device is None else device
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    model = EchoModel(hidden_size).to(device)
    optimiser = torch.optim.Adam(model.parameters(), lr=0.01)
    window = T if k is None else k
    for _ in range(steps):
        X, y = echo_task(batch, T, delay, rng)
        X = torch.tensor(X, dtype=torch.float32, device=device)
        y = torch.tensor(y, device=device)
        h = None
        for start in range(0, T, window):
            if h is not None:
                h = h.detach()  # carried forwards, cut from the graph
            logits, h = model(X[start:start + window], h)
            loss = nn.functional.cross_entropy(logits.reshape(-1, 2), y[start:start + window].reshape(-1),
                                               ignore_index=-1)
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
    with torch.no_grad():
        X, y = echo_task(500, T, delay, rng)
        logits, _ = model(torch.tensor(X, dtype=torch.float32, device=device))
        prediction = logits.argmax(-1).cpu().numpy()
    has_target = y >= 0
    return float((prediction[has_target] == y[has_target]).mean())


def activation_bytes(T: int, B: int = 32, D: int = 16, H: int = 128, window: int | None = None,
                     device=None) -> int:
    """Bytes of the tensors autograd saves for backward during a forward pass (one window).

    Counted with ``torch.autograd.graph.saved_tensors_hooks`` on a step-by-step RNN
    (``rnncourse.nn.RNN``), float32; the parameters themselves are not counted. With
    ``window=k`` only one truncated window of k steps is held at a time.
    """
    from ..nn import RNN  # local import: the experiment module stays light to import

    device = torch.device("cpu") if device is None else device
    torch.manual_seed(0)
    model = RNN(D, H).to(device)
    params = {p.data_ptr() for p in model.parameters()}
    X = torch.randn(T if window is None else window, B, D, device=device)
    seen: dict[tuple[int, int], int] = {}

    def pack(tensor):
        if tensor.data_ptr() not in params:  # each saved activation once (views: their own part)
            seen[(tensor.data_ptr(), tensor.numel())] = tensor.numel() * tensor.element_size()
        return tensor

    with single_thread(), torch.autograd.graph.saved_tensors_hooks(pack, lambda tensor: tensor):
        outputs, _ = model(X)
    del outputs
    return sum(seen.values())
