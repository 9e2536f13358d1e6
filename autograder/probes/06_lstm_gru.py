"""Probes of assignment 06_lstm_gru: each test's functions, called on the grader's own inputs.

Shapes and values come from the grader's seed; they cover what the hidden tests check (a batch
of one, one hidden unit, random sizes). Weights are drawn like PyTorch's initialisation, uniform
in [-1/sqrt(H), 1/sqrt(H)]. The expected values are the instructor's solution's (which the
course's own tests hold equal to torch's cells); the mapping of per-gate LSTM weights is
checked by running ``nn.LSTM`` with the student's arrays against the per-gate equations, in the
grader's process.
"""
import numpy as np

from autograder.probes import Call
from autograder.probes.judge import Feedback, fields, keys, same_array, tuple_check
from rnncourse.grading.gates import gru_mistakes, lstm_backward_mistakes

HIDDEN = {
    "test_lstm_cell_forward_hidden": "lstm_cell_forward on random shapes (B = 1, H = 1 included), as torch.nn.LSTMCell computes it.",
    "test_lstm_cell_backward_hidden": "lstm_cell_backward on random shapes, as torch autograd through nn.LSTMCell computes it.",
    "test_gru_cell_forward_hidden": "gru_cell_forward on random shapes, as torch.nn.GRUCell computes it.",
    "test_lstm_params_to_torch_hidden": "nn.LSTM loaded with lstm_params_to_torch's arrays computes the per-gate LSTM equations.",
}
GATES = "c_t = f * c_prev + i * g, gates in the order i, f, g, o."


def _lstm(got, want, args):
    """c_t first (the gates show there), then h_t."""
    h_t, c_t = fields("lstm_cell_forward", got, 2)
    same_array("c_t", c_t, want[1], hint=GATES)
    same_array("h_t", h_t, want[0], hint="h_t = o * tanh(c_t).")


BACKWARD = tuple_check(("dx", "dh_prev", "dc_prev", "dW_ih", "dW_hh", "db"), mistakes=lstm_backward_mistakes,
                       hints=dict.fromkeys(("dx", "dh_prev", "dc_prev", "dW_ih", "dW_hh", "db"),
                                           "c_t reaches the loss directly and through h_t = o * tanh(c_t); "
                                           "dc_t/dc_{t-1} = f_t."))
GRU = tuple_check(("h_t",), mistakes=lambda *args: {"h_t": gru_mistakes(*args)}, hints={"h_t": "gates in the order r, z, n; n = tanh(Gx_n + r * Gh_n); "
                                          "h_t = (1 - z) * n + z * h_prev."})
MAPPING_KEYS = ("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0")


def _gru(got, want, args):
    GRU((got,), (want,), args)


def _sigmoid(a):
    return 0.5 * (1.0 + np.tanh(0.5 * a))


def _mapping(got, want, args):
    """Run nn.LSTM with the student's arrays and compare with the per-gate equations."""
    import torch

    W, b, X = args
    got = keys("lstm_params_to_torch", got, MAPPING_KEYS)
    H, D = W["f"].shape[0], W["f"].shape[1] - W["f"].shape[0]
    lstm = torch.nn.LSTM(D, H).double()
    shapes = {"weight_ih_l0": (4 * H, D), "weight_hh_l0": (4 * H, H), "bias_ih_l0": (4 * H,), "bias_hh_l0": (4 * H,)}
    for name in MAPPING_KEYS:
        value = np.asarray(got[name], dtype=np.float64)
        if value.shape != shapes[name]:
            raise Feedback(f"{name} has shape {value.shape}, expected {shapes[name]}: the first H columns of each "
                           "W[k] act on h_{t-1}, the LAST D columns on x_t.")
    lstm.load_state_dict({name: torch.from_numpy(np.asarray(got[name], dtype=np.float64)) for name in MAPPING_KEYS})
    h, c, outs = np.zeros((X.shape[1], H)), np.zeros((X.shape[1], H)), []
    for x in X:
        hx = np.concatenate([h, x], axis=1)                      # [h_{t-1}, x_t]
        f, i = _sigmoid(hx @ W["f"].T + b["f"]), _sigmoid(hx @ W["i"].T + b["i"])
        C_tilde, o = np.tanh(hx @ W["C"].T + b["C"]), _sigmoid(hx @ W["o"].T + b["o"])
        c = f * c + i * C_tilde
        h = o * np.tanh(c)
        outs.append(h)
    with torch.no_grad():
        out, _ = lstm(torch.from_numpy(X))
    same_array(f"nn.LSTM's outputs with your weights (D={D}, H={H})", out.numpy(), np.stack(outs),
               hint="gate order i, f, g, o; columns [:H] of each W[k] are W_hh, [H:] are W_ih; one bias set to zero.")


def probes(rng):
    def size(low=1, high=6):
        return int(rng.integers(low, high + 1))

    def params(gates, D, H):
        bound = 1.0 / np.sqrt(H)
        return tuple(rng.uniform(-bound, bound, size=s) for s in ((gates * H, D), (gates * H, H), (gates * H,), (gates * H,)))

    def lstm(B, D, H):
        return (rng.normal(size=(B, D)), rng.normal(size=(B, H)), rng.normal(size=(B, H))) + params(4, D, H)

    def lstm_backward(B, D, H):
        return (rng.normal(size=(B, H)), rng.normal(size=(B, H))) + lstm(B, D, H)

    def gru(B, D, H):
        return (rng.normal(size=(B, D)), rng.normal(size=(B, H))) + params(3, D, H)

    def notes(D, H):
        W = {k: rng.normal(size=(H, H + D)) for k in ("f", "i", "C", "o")}
        b = {k: rng.normal(size=H) for k in ("f", "i", "C", "o")}
        return Call("lstm_params_to_torch", (W, b), lambda got, want, args, X=rng.normal(size=(6, 2, D)): _mapping(got, want, args + (X,)),
                    f"D={D}, H={H}")

    def hidden(name, make, check, sizes):
        return [Call(name, make(*s), check, "B={}, D={}, H={}".format(*s)) for s in sizes]

    return {
        "test_lstm_cell_forward_visible": [("lstm_cell_forward", lstm(size(2, 5), size(), size(2, 6)))],
        "test_lstm_cell_forward_hidden": hidden("lstm_cell_forward", lstm, _lstm, [(1, 1, 1), (size(2, 6), size(), size())]),
        "test_lstm_cell_backward_visible": [("lstm_cell_backward", lstm_backward(size(2, 5), size(), size(2, 5)))],
        "test_lstm_cell_backward_hidden": hidden("lstm_cell_backward", lstm_backward, BACKWARD,
                                                 [(1, 1, 1), (size(2, 6), size(), size())]),
        "test_gru_cell_forward_visible": [("gru_cell_forward", gru(size(2, 5), size(), size(2, 6)))],
        "test_gru_cell_forward_hidden": hidden("gru_cell_forward", gru, _gru, [(1, 1, 1), (size(2, 6), size(), size())]),
        "test_lstm_params_to_torch_hidden": [notes(1, 1), notes(size(2, 5), size(2, 5))],
    }
