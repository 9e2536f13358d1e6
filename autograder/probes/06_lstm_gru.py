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
from autograder.probes.judge import (Feedback, component_check, fields, keys, meta_check, same_array, same_int,
                                    tuple_check)
from autograder.probes.wire import Tensor
from rnncourse.data.synthetic import order_task
from rnncourse.grading.gated import (gru_layer_mistakes, lstm_distance_mistakes, lstm_mapping_mistakes,
                                     parameter_count_mistakes)
from rnncourse.grading.gates import gru_mistakes, lstm_backward_mistakes, lstm_forward_mistakes

HIDDEN = {
    "test_lstm_cell_forward_hidden": "lstm_cell_forward on random shapes (B = 1, H = 1 included), as torch.nn.LSTMCell computes it.",
    "test_lstm_cell_backward_hidden": "lstm_cell_backward on random shapes, as torch autograd through nn.LSTMCell computes it.",
    "test_gru_cell_forward_hidden": "gru_cell_forward on random shapes, as torch.nn.GRUCell computes it.",
    "test_lstm_params_to_torch_hidden": "nn.LSTM loaded with lstm_params_to_torch's arrays computes the per-gate LSTM equations.",
    "test_recurrent_parameter_count_hidden": "recurrent_parameter_count for random sizes, layers, gate counts and "
                                             "directions, against PyTorch's modules.",
    "test_lstm_gradient_norms_by_distance_hidden": "lstm_gradient_norms_by_distance on the order task of other lengths "
                                                   "and sizes (T = 1 included).",
    "test_gru_layer_torch_hidden": "gru_layer_torch on random shapes against torch.nn.GRU on CPU in float64 (h0 given "
                                   "and None), and on the meta device in float32.",
}
FIXED = ("Make every new tensor from the inputs (X.new_zeros, device=X.device, dtype=X.dtype), never on a fixed "
         "device or with a fixed dtype.")
ZERO_STATE = ("With h0 = None the state starts as zeros made like the inputs (X.new_zeros(B, H)); torch.zeros(B, H) "
              "is float32 on the CPU and does not mix with float64 inputs.")
GRU_STATES = "gates r, z, n; n = tanh(Gx_n + r * Gh_n); h_t = (1 - z) * n + z * h_prev, carried from step to step."
GATES = "c_t = f * c_prev + i * g, gates in the order i, f, g, o."


def _lstm(got, want, args):
    """c_t first (the gates show there), then h_t."""
    h_t, c_t = fields("lstm_cell_forward", got, 2)
    wrong = lstm_forward_mistakes(*args)
    same_array("c_t", c_t, want[1], mistakes=wrong["c_t"], hint=GATES)
    same_array("h_t", h_t, want[0], mistakes=wrong["h_t"], hint="h_t = o * tanh(c_t).")


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
               mistakes=lambda: lstm_mapping_mistakes(W, b, X),
               hint="gate order i, f, g, o; columns [:H] of each W[k] are W_hh, [H:] are W_ih; one bias set to zero.")


def _count(got, want, args):
    D, H, layers, gates, bidirectional = args
    module = {1: "RNN", 3: "GRU", 4: "LSTM"}[gates]
    wrong = parameter_count_mistakes(*args)
    if isinstance(got, (int, np.integer)) and not isinstance(got, bool):
        for message, value in wrong.items():
            if int(got) == value != int(want):
                raise Feedback(f"recurrent_parameter_count is wrong. {message}")
    same_int(f"The parameter count of nn.{module}({D}, {H}, num_layers={layers}, bidirectional={bidirectional})",
             got, _torch_count(*args), hint="count per layer and per direction: what does each gate block hold, and what is the input "
                  "size of a layer above the first?")


def _torch_count(D, H, layers, gates, bidirectional):
    import torch

    module = {1: torch.nn.RNN, 3: torch.nn.GRU, 4: torch.nn.LSTM}[gates](D, H, num_layers=layers, bidirectional=bidirectional)
    return sum(p.numel() for p in module.parameters())


def _lstm_distance(got, want, args):
    same_array("lstm_gradient_norms_by_distance", got, want, mistakes=lstm_distance_mistakes(*args),
               hint="run your cell forward over all steps, then your cell backward from step T, passing dh_prev and "
                    "dc_prev of step t as dh_t and dc_t of step t - 1.")


def _gru_states(got, want, args):
    """Against torch.nn.GRU itself, run in the grader's process."""
    import torch

    X, h0, W_ih, W_hh, b_ih, b_hh = (None if a is None else a.value for a in args)
    gru = torch.nn.GRU(X.shape[2], W_hh.shape[1]).double()
    gru.load_state_dict({"weight_ih_l0": torch.from_numpy(W_ih), "weight_hh_l0": torch.from_numpy(W_hh),
                         "bias_ih_l0": torch.from_numpy(b_ih), "bias_hh_l0": torch.from_numpy(b_hh)})
    with torch.no_grad():
        out = gru(torch.from_numpy(X), None if h0 is None else torch.from_numpy(h0)[None])[0].numpy()
    same_array("the states", got, out, mistakes=gru_layer_mistakes(X, h0, W_ih, W_hh, b_ih, b_hh), hint=GRU_STATES,
               float64_reason="the inputs are float64 tensors and the result keeps their dtype")


_on_meta = meta_check("(T, B, H)", FIXED)


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

    def count(H, layers, gates, bidirectional):
        D = H + size(1, 4)                               # D not H nor 2H: the classic slips then give different counts
        D += D == 2 * H
        args = (D, H, layers, gates, bidirectional)
        return Call("recurrent_parameter_count", args, _count, f"D={D}, H={H}, layers={layers}, gates={gates}, "
                                                               f"bidirectional={bidirectional}")

    def lstm_run(T, B, H):
        X, _ = order_task(B, T, np.random.default_rng(int(rng.integers(2**31)))) if T >= 2 else (np.eye(3)[rng.integers(3, size=(1, B))], None)
        bound = 1.0 / np.sqrt(H)
        return (X, 0.5 * rng.normal(size=(B, H)), 0.5 * rng.normal(size=(B, H))) + params(4, 3, H)[:2] + \
            (rng.uniform(-bound, bound, size=4 * H) + np.repeat([0.0, 2.0, 0.0, 0.0], H), rng.uniform(-bound, bound, size=4 * H),
             rng.normal(size=H))

    def gru_torch(T, B, D, H):
        X, h0 = rng.normal(size=(T, B, D)), rng.normal(size=(B, H))
        weights = params(3, D, H)
        label = f"T={T}, B={B}, D={D}, H={H}"
        given = (Tensor(X), Tensor(h0)) + tuple(Tensor(a) for a in weights)
        zeros = (Tensor(X), None) + tuple(Tensor(a) for a in weights)
        on_error = "Meta tensors have no values: a tensor on a fixed device, NumPy, .numpy() and .item() fail there. " + FIXED
        return [Call("gru_layer_torch", given, _gru_states, f"{label}, CPU float64"),
                Call("gru_layer_torch", zeros, _gru_states, f"{label}, h0 = None, CPU float64", on_error=ZERO_STATE),
                Call("gru_layer_torch", given, _on_meta, f"{label}, meta device float32", driver="meta", on_error=on_error),
                Call("gru_layer_torch", zeros, _on_meta, f"{label}, h0 = None, meta device float32", driver="meta",
                     on_error=on_error)]

    def distance_calls(args, label):
        """lstm_gradient_norms_by_distance, after the student's cell forward and backward on inputs it hands them."""
        X, h0, c0, *weights, w = args
        as_called = "as lstm_gradient_norms_by_distance calls it"
        return [Call("lstm_cell_forward", (X[0], h0, c0, *weights),
                     component_check("lstm_gradient_norms_by_distance", "lstm_cell_forward", _lstm), as_called),
                Call("lstm_cell_backward", (np.tile(w, (X.shape[1], 1)), rng.normal(size=c0.shape), X[0], h0, c0, *weights),
                     component_check("lstm_gradient_norms_by_distance", "lstm_cell_backward", BACKWARD), as_called),
                Call("lstm_gradient_norms_by_distance", args, _lstm_distance, label)]

    def hidden(name, make, check, sizes):
        return [Call(name, make(*s), check, "B={}, D={}, H={}".format(*s)) for s in sizes]

    return {
        "test_lstm_cell_forward_visible": [("lstm_cell_forward", lstm(size(2, 5), size(), size(2, 6)))],
        "test_lstm_cell_forward_hidden": hidden("lstm_cell_forward", lstm, _lstm, [(1, 1, 1), (size(2, 6), size(), size(2, 6))]),
        "test_lstm_cell_backward_visible": [("lstm_cell_backward", lstm_backward(size(2, 5), size(), size(2, 5)))],
        "test_lstm_cell_backward_hidden": hidden("lstm_cell_backward", lstm_backward, BACKWARD,
                                                 [(1, 1, 1), (size(2, 6), size(), size(2, 6))]),
        "test_gru_cell_forward_visible": [("gru_cell_forward", gru(size(2, 5), size(), size(2, 6)))],
        "test_gru_cell_forward_hidden": hidden("gru_cell_forward", gru, _gru, [(1, 1, 1), (size(2, 6), size(), size(2, 6))]),
        "test_lstm_params_to_torch_hidden": [notes(1, 1), notes(size(2, 5), size(2, 5))],
        "test_recurrent_parameter_count_visible": [("recurrent_parameter_count", (size(), size(2, 8), 2, 4, True))],
        "test_recurrent_parameter_count_hidden": [count(size(2, 9), 1, 1, False), count(size(2, 9), size(2, 4), 3, False),
                                                  count(size(2, 9), size(2, 4), 4, True), count(size(2, 9), size(2, 3), 1, True)],
        "test_lstm_gradient_norms_by_distance_visible": [("lstm_gradient_norms_by_distance", lstm_run(6, 3, 4))],
        "test_lstm_gradient_norms_by_distance_hidden": distance_calls(lstm_run(1, 2, 2), "T=1")
                                                       + distance_calls(lstm_run(size(8, 20), size(2, 6), size(2, 6)), ""),
        "test_gru_layer_torch_visible": [Call("gru_layer_torch", tuple(Tensor(a) for a in (rng.normal(size=(4, 2, 3)),
                                                                                          rng.normal(size=(2, 3)))
                                                                       + params(3, 3, 3)))],
        "test_gru_layer_torch_hidden": gru_torch(1, 1, 1, 2) + gru_torch(size(3, 7), size(2, 5), size(1, 4), size(2, 5)),
    }
