"""Classic mistakes in the gated cells (LSTM forward and backward, GRU forward), computed so that
feedback can name them; the grader's probes of the LSTM/GRU assignment use them.

LSTM step (PyTorch's gate order i, f, g, o; A = x W_ih^T + h_prev W_hh^T + b_ih + b_hh, (B, 4H))::

    i, f, g, o = s(A_i), s(A_f), tanh(A_g), s(A_o)
    c_t = f * c_prev + i * g,   h_t = o * tanh(c_t)

Each slip of :data:`FORWARD_SLIPS` changes one term of the forward step; :func:`lstm_forward_mistakes`
gives ``{"c_t": {message: wrong c_t}, "h_t": {message: wrong h_t}}`` (h_t only for slips that leave
c_t right, since c_t is checked first). Backward::

    dc  = dc_t + dh_t * o * (1 - tanh(c_t)^2)
    dA  = [dc g i(1-i), dc c_prev f(1-f), dc i (1-g^2), dh_t tanh(c_t) o(1-o)]
    dx = dA W_ih, dh_prev = dA W_hh, dc_prev = dc f, dW_ih = dA^T x, dW_hh = dA^T h_prev, db = sum_b dA

Each slip of :data:`SLIPS` changes one of these results; :func:`lstm_backward_mistakes` gives
``{result name: {message: wrong value}}`` for the six results. GRU (nn.GRU's form, order r, z, n)::

    r = s(Gx_r + Gh_r),  z = s(Gx_z + Gh_z),  n = tanh(Gx_n + r * Gh_n),  h_t = (1 - z) n + z h_prev

:func:`gru_mistakes` gives ``{message: wrong h_t}``: r and z exchanged, z and 1 - z swapped, the reset
gate missing, before the product (alone or in Chung et al.'s form, with z on the candidate) or with
b_hn outside it, a sigmoid candidate.
"""
from __future__ import annotations

import numpy as np

FORWARD_SLIPS = {
    # c_t
    "i_f": "c_t = i * c_prev + f * g: the input and forget gates are exchanged (the blocks i and f swapped, or f on "
           "the candidate instead of c_prev). PyTorch stacks i, f, g, o and c_t = f * c_prev + i * g.",
    "g_block": "The gate blocks are in the wrong order: PyTorch stacks i, f, g, o (the candidate g is the THIRD "
               "block, A[:, 2H:3H]).",
    "g_sigmoid": "The candidate g uses a sigmoid; it is a tanh, g = tanh(A_g), so that it can also lower the cell "
                 "state (values in (-1, 1), not (0, 1)).",
    "no_c_prev": "c_t lacks the previous cell state: the forget gate keeps part of it, c_t = f * c_prev + i * g.",
    "c_from_h": "c_t is built from h_prev; the forget gate scales the previous CELL state: c_t = f * c_prev + i * g.",
    "no_b_hh": "The bias b_hh is missing from the pre-activations: PyTorch adds both biases, A = x_t W_ih^T + b_ih + "
               "h_prev W_hh^T + b_hh.",
    "no_b_ih": "The bias b_ih is missing from the pre-activations: PyTorch adds both biases, A = x_t W_ih^T + b_ih + "
               "h_prev W_hh^T + b_hh.",
    # h_t (c_t right)
    "no_tanh_c": "h_t = o * tanh(c_t): the tanh of the cell state is missing.",
    "old_cell": "h_t should use the NEW cell state c_t, not c_prev: h_t = o * tanh(c_t).",
    "o_tanh": "The output gate uses a tanh; a gate is a sigmoid, o = sigmoid(A_o) in (0, 1), and h_t = o * tanh(c_t).",
    "no_o": "h_t lacks the output gate: h_t = o * tanh(c_t), o = sigmoid(A_o).",
}
CELL_SLIPS = ("i_f", "g_block", "g_sigmoid", "no_c_prev", "c_from_h", "no_b_hh", "no_b_ih")


def lstm_forward(x_t, h_prev, c_prev, W_ih, W_hh, b_ih, b_hh, slip=None) -> tuple:
    """``(h_t, c_t)`` of one LSTM step, with one of :data:`FORWARD_SLIPS` when ``slip`` names it."""
    H = h_prev.shape[1]
    A = x_t @ W_ih.T + h_prev @ W_hh.T + (0.0 if slip == "no_b_ih" else b_ih) + (0.0 if slip == "no_b_hh" else b_hh)
    i, f, o = _sigmoid(A[:, :H]), _sigmoid(A[:, H:2 * H]), _sigmoid(A[:, 3 * H:])
    A_g = A[:, 3 * H:] if slip == "g_block" else A[:, 2 * H:3 * H]
    g = _sigmoid(A_g) if slip == "g_sigmoid" else np.tanh(A_g)
    if slip == "i_f":
        i, f = f, i
    kept = 0.0 if slip == "no_c_prev" else f * (h_prev if slip == "c_from_h" else c_prev)
    c_t = kept + i * g                                                        # (B, H)
    if slip == "o_tanh":
        o = np.tanh(A[:, 3 * H:])
    squashed = c_t if slip == "no_tanh_c" else np.tanh(c_prev if slip == "old_cell" else c_t)
    return (squashed if slip == "no_o" else o * squashed), c_t


def lstm_forward_mistakes(x_t, h_prev, c_prev, W_ih, W_hh, b_ih, b_hh) -> dict[str, dict[str, np.ndarray]]:
    """``{"c_t": {message: wrong c_t}, "h_t": {message: wrong h_t}}`` for one LSTM step."""
    args = (x_t, h_prev, c_prev, W_ih, W_hh, b_ih, b_hh)
    out: dict[str, dict[str, np.ndarray]] = {"c_t": {}, "h_t": {}}
    for slip, message in FORWARD_SLIPS.items():
        h_t, c_t = lstm_forward(*args, slip=slip)
        out["c_t" if slip in CELL_SLIPS else "h_t"][message] = c_t if slip in CELL_SLIPS else h_t
    return out


RESULTS = ("dx", "dh_prev", "dc_prev", "dW_ih", "dW_hh", "db")
SLIPS = {
    "dc_path": "dc ignores the path through h_t: c_t also reaches the loss via h_t = o * tanh(c_t), so "
               "dc = dc_t + dh_t * o * (1 - tanh(c_t)**2).",
    "dc_slope": "the slope of tanh(c_t) in dc is 1 - tanh(c_t)**2 (squared); it is missing its square.",
    "di_slope": "di lacks the sigmoid's slope: dA_i = dc * g * i * (1 - i).",
    "df_cell": "df uses the new cell state c_t; the forget gate multiplies c_prev, so dA_f = dc * c_prev * f * (1 - f).",
    "dg_slope": "dg uses the sigmoid's slope g * (1 - g); the candidate is a tanh, so dA_g = dc * i * (1 - g**2).",
    "do_dc": "do uses the total cell gradient dc; the output gate reaches the loss only through h_t: "
             "dA_o = dh_t * tanh(c_t) * o * (1 - o).",
    "do_slope": "do lacks the sigmoid's slope: dA_o = dh_t * tanh(c_t) * o * (1 - o).",
    "dc_prev_gate": "dc_prev is multiplied by the input gate; dc_t/dc_{t-1} = f_t, the forget gate.",
    "order": "the gradient blocks of i and f are exchanged: dA is stacked in PyTorch's gate order i, f, g, o.",
    "transposed": "the weight gradient is transposed: a gradient has its weight's shape, dW_ih = dA^T x_t (4H, D) and "
                  "dW_hh = dA^T h_prev (4H, H).",
    "db_mean": "db averages dA over the batch; the batch's losses are summed, so db is the SUM of dA over the batch "
               "(as dW_ih and dW_hh sum over it).",
}


def _sigmoid(a):
    return 0.5 * (1.0 + np.tanh(0.5 * a))


def lstm_backward(dh_t, dc_t, x_t, h_prev, c_prev, W_ih, W_hh, b_ih, b_hh, slip=None) -> tuple:
    """The six gradients of one LSTM step, with one of :data:`SLIPS` when ``slip`` names it."""
    H = h_prev.shape[1]
    A = x_t @ W_ih.T + h_prev @ W_hh.T + b_ih + b_hh                       # (B, 4H)
    i, f, g, o = _sigmoid(A[:, :H]), _sigmoid(A[:, H:2 * H]), np.tanh(A[:, 2 * H:3 * H]), _sigmoid(A[:, 3 * H:])
    c_t = f * c_prev + i * g
    tanh_c = np.tanh(c_t)
    dc = dc_t + (0.0 if slip == "dc_path" else dh_t * o * ((1.0 - tanh_c) if slip == "dc_slope" else (1.0 - tanh_c ** 2)))
    blocks = [dc * g * (1.0 if slip == "di_slope" else i * (1.0 - i)),
              dc * (c_t if slip == "df_cell" else c_prev) * f * (1.0 - f),
              dc * i * (g * (1.0 - g) if slip == "dg_slope" else 1.0 - g ** 2),
              (dc if slip == "do_dc" else dh_t) * tanh_c * (1.0 if slip == "do_slope" else o * (1.0 - o))]
    if slip == "order":
        blocks[0], blocks[1] = blocks[1], blocks[0]
    dA = np.concatenate(blocks, axis=1)                                     # (B, 4H)
    dc_prev = dc * (i if slip == "dc_prev_gate" else f)
    dW_ih, dW_hh = dA.T @ x_t, dA.T @ h_prev                               # (4H, D), (4H, H)
    if slip == "transposed":
        dW_ih, dW_hh = dW_ih.T, dW_hh.T
    return dA @ W_ih, dA @ W_hh, dc_prev, dW_ih, dW_hh, (dA.mean if slip == "db_mean" else dA.sum)(axis=0)


def lstm_backward_mistakes(*args) -> dict[str, dict[str, np.ndarray]]:
    """``{result name: {message: wrong value}}`` for one LSTM step backward."""
    out: dict[str, dict[str, np.ndarray]] = {name: {} for name in RESULTS}
    for slip, message in SLIPS.items():
        for name, value in zip(RESULTS, lstm_backward(*args, slip=slip)):
            out[name][message] = value
    return out


def gru_mistakes(x_t, h_prev, W_ih, W_hh, b_ih, b_hh) -> dict[str, np.ndarray]:
    """``{message: wrong h_t}`` for one nn.GRU step."""
    H = h_prev.shape[1]
    Gx, Gh = x_t @ W_ih.T + b_ih, h_prev @ W_hh.T + b_hh                   # (B, 3H) each
    W_hn, b_hn = W_hh[2 * H:], b_hh[2 * H:]                                # (H, H), (H,)

    def step(r_block=0, z_block=1, candidate=np.tanh, reset="after", z_on_old=True):
        r = _sigmoid(Gx[:, r_block * H:(r_block + 1) * H] + Gh[:, r_block * H:(r_block + 1) * H])
        z = _sigmoid(Gx[:, z_block * H:(z_block + 1) * H] + Gh[:, z_block * H:(z_block + 1) * H])
        recurrent = {"after": r * Gh[:, 2 * H:], "none": Gh[:, 2 * H:], "before": (r * h_prev) @ W_hn.T + b_hn,
                     "bias_outside": r * (h_prev @ W_hn.T) + b_hn}[reset]
        n = candidate(Gx[:, 2 * H:] + recurrent)
        return (1.0 - z) * n + z * h_prev if z_on_old else z * n + (1.0 - z) * h_prev

    return {
        "The gates r and z are exchanged: nn.GRU stacks r, z, n (reset first, update second).": step(1, 0),
        "z and 1 - z are swapped: in nn.GRU, h_t = (1 - z) * n + z * h_prev (z close to 1 keeps the old state).":
            step(z_on_old=False),
        "The reset gate is missing from the candidate: n = tanh(Gx_n + r * (W_hn h_prev + b_hn)).": step(reset="none"),
        "The candidate n uses a sigmoid; it is a tanh: n = tanh(Gx_n + r * Gh_n).": step(candidate=_sigmoid),
        "The reset gate was applied before the product (r * h_prev) @ W_hn.T; nn.GRU applies it after: "
        "r * (h_prev @ W_hn.T + b_hn).": step(reset="before"),
        "The bias b_hn is outside the reset gate; nn.GRU puts it inside: n = tanh(Gx_n + r * (W_hn h_prev + b_hn)).":
            step(reset="bias_outside"),
        "This is the reset-before-product GRU (Chung et al.'s form), not nn.GRU's: apply the reset gate AFTER the "
        "product, r * (W_hn h_prev + b_hn), and let z weight the old state.": step(reset="before", z_on_old=False),
    }
