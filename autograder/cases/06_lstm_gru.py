"""Stored cases of assignment 06_lstm_gru (see autograder/cases/__init__.py)."""
import numpy as np

from autograder.cases import case
from rnncourse.data.synthetic import order_task
from rnncourse.grading.gated import (NOTES_ORDER, TORCH_ORDER, gru_layer_mistakes, lstm_distance_mistakes,
                                     parameter_count_mistakes)
from rnncourse.grading.gates import gru_mistakes, lstm_forward_mistakes


def sigmoid(a):
    return 1.0 / (1.0 + np.exp(-a))


def cases(solution):
    rng = np.random.default_rng(6)
    B, D, H = 3, 4, 5
    lstm = (rng.normal(size=(B, D)), rng.normal(size=(B, H)), rng.normal(size=(B, H)),
            rng.normal(size=(4 * H, D)), rng.normal(size=(4 * H, H)), rng.normal(size=4 * H), rng.normal(size=4 * H))

    x_t, h_prev, c_prev = rng.normal(size=(B, D)), rng.normal(size=(B, H)), rng.normal(size=(B, H))
    W_ih, W_hh = 0.5 * rng.normal(size=(4 * H, D)), 0.5 * rng.normal(size=(4 * H, H))
    b_ih, b_hh = rng.normal(size=4 * H), rng.normal(size=4 * H)
    dh_t, dc_t = rng.normal(size=(B, H)), rng.normal(size=(B, H))
    backward = (dh_t, dc_t, x_t, h_prev, c_prev, W_ih, W_hh, b_ih, b_hh)
    dc_prev = solution.lstm_cell_backward(*backward)[2]
    f = sigmoid((x_t @ W_ih.T + h_prev @ W_hh.T + b_ih + b_hh)[:, H:2 * H])

    gru = (rng.normal(size=(B, D)), rng.normal(size=(B, H)), rng.normal(size=(3 * H, D)), rng.normal(size=(3 * H, H)),
           rng.normal(size=3 * H), rng.normal(size=3 * H))

    D, H = 3, 2
    W = {k: rng.normal(size=(H, H + D)) for k in NOTES_ORDER}
    b = {k: rng.normal(size=H) for k in NOTES_ORDER}
    return {
        "lstm_cell_forward": case(solution.lstm_cell_forward, *lstm, mistakes=lstm_forward_mistakes(*lstm)),
        "lstm_cell_backward": case(solution.lstm_cell_backward, *backward, mistakes={"dc_prev": {
            "dc_prev ignores the path through h_t: c_t also reaches the loss via h_t = o * tanh(c_t), so add "
            "dh_t * o * (1 - tanh(c_t)^2) to dc_t before multiplying by f.": dc_t * f,
            "dc_prev must be multiplied by the forget gate: dc_t/dc_{t-1} = f_t.": dc_prev / f}}),
        "gru_cell_forward": case(solution.gru_cell_forward, *gru, mistakes=gru_mistakes(*gru)),
        "lstm_params_to_torch": case(solution.lstm_params_to_torch, W, b, mistakes={
            "weight_ih_l0": {"The gates are in the dicts' order f, i, C, o; nn.LSTM stacks them as i, f, g, o.":
                             np.concatenate([W[k][:, H:] for k in NOTES_ORDER])},
            "bias": {"nn.LSTM ADDS its two biases: put b in one of them and zeros in the other, not b in both.":
                     2 * np.concatenate([b[k] for k in TORCH_ORDER])}}),
        **gated_cases(solution),
    }


def gated_cases(solution):
    import torch

    rng = np.random.default_rng(66)
    counts = {name: case(solution.recurrent_parameter_count, *sizes, mistakes=parameter_count_mistakes(*sizes))
              for name, sizes in [("count_lstm", (3, 5, 1, 4, False)), ("count_gru_deep", (7, 4, 2, 3, False)),
                                  ("count_lstm_deep_bidirectional", (5, 3, 3, 4, True))]}
    T, B, H = 6, 3, 4
    X, _ = order_task(B, T, np.random.default_rng(6))
    lstm = (X, 0.5 * rng.normal(size=(B, H)), 0.5 * rng.normal(size=(B, H)), rng.normal(size=(4 * H, 3)),
            0.7 * rng.normal(size=(4 * H, H)), rng.normal(size=4 * H), rng.normal(size=4 * H), rng.normal(size=H))
    T, B, D, H = 5, 3, 4, 2
    gru = (rng.normal(size=(T, B, D)), rng.normal(size=(B, H)), rng.normal(size=(3 * H, D)), rng.normal(size=(3 * H, H)),
           rng.normal(size=3 * H), rng.normal(size=3 * H))

    def on_tensors(*args):
        return solution.gru_layer_torch(*(None if a is None else torch.from_numpy(a) for a in args))

    return {
        **counts,
        "lstm_gradient_norms_by_distance": case(solution.lstm_gradient_norms_by_distance, *lstm,
                                                mistakes=lstm_distance_mistakes(*lstm)),
        "gru_layer_torch": case(on_tensors, *gru, mistakes=gru_layer_mistakes(*gru),
                                from_zeros=on_tensors(gru[0], None, *gru[2:])),
    }
