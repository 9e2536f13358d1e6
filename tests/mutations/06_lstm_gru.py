"""Classic mistakes in assignment 06 (LSTM and GRU cells): forward, each backward derivative, gate order."""
from mutations import edit

MUTANTS = [
    # lstm_cell_forward
    edit("lstm_cell_forward", "i_f_swapped", ("i = sigmoid(A[:, :H])", "f = sigmoid(A[:, H:2 * H])"),
         ("f = sigmoid(A[:, :H])", "i = sigmoid(A[:, H:2 * H])"), "named:input and forget gates are exchanged"),
    edit("lstm_cell_forward", "forget_on_candidate", "c_t = f * c_prev + i * g", "c_t = i * c_prev + f * g",
         "named:input and forget gates are exchanged"),
    edit("lstm_cell_forward", "candidate_from_last_block", "g = np.tanh(A[:, 2 * H:3 * H])", "g = np.tanh(A[:, 3 * H:])",
         "named:gate blocks are in the wrong order"),
    edit("lstm_cell_forward", "sigmoid_candidate", "g = np.tanh(A[:, 2 * H:3 * H])", "g = sigmoid(A[:, 2 * H:3 * H])",
         "named:candidate g uses a sigmoid"),
    edit("lstm_cell_forward", "no_tanh_on_cell", "h_t = o * np.tanh(c_t)", "h_t = o * c_t", "named:tanh of the cell state is missing"),
    edit("lstm_cell_forward", "h_from_old_cell", "h_t = o * np.tanh(c_t)", "h_t = o * np.tanh(c_prev)", "named:NEW cell state"),
    edit("lstm_cell_forward", "no_hh_bias", "+ b_ih + b_hh", "+ b_ih", "named:bias b_hh is missing"),
    edit("lstm_cell_forward", "no_ih_bias", "+ b_ih + b_hh", "+ b_hh", "named:bias b_ih is missing"),
    edit("lstm_cell_forward", "tanh_output_gate", "o = sigmoid(A[:, 3 * H:])", "o = np.tanh(A[:, 3 * H:])",
         "named:output gate uses a tanh"),
    edit("lstm_cell_forward", "no_output_gate", "h_t = o * np.tanh(c_t)", "h_t = np.tanh(c_t)", "named:lacks the output gate"),
    edit("lstm_cell_forward", "no_previous_cell", "c_t = f * c_prev + i * g", "c_t = i * g",
         "named:lacks the previous cell state"),
    edit("lstm_cell_forward", "cell_from_h", "c_t = f * c_prev + i * g", "c_t = f * h_prev + i * g",
         "named:c_t is built from h_prev"),
    # lstm_cell_backward: every derivative
    edit("lstm_cell_backward", "dc_without_h_path", "dc = dc_t + dh_t * o * (1.0 - tanh_c ** 2)", "dc = dc_t",
         "named:ignores the path through h_t"),
    edit("lstm_cell_backward", "dc_tanh_slope_not_squared", "(1.0 - tanh_c ** 2)", "(1.0 - tanh_c)", "named:missing its square"),
    edit("lstm_cell_backward", "di_no_sigmoid_slope", "dc * g * i * (1.0 - i)", "dc * g", "named:di lacks the sigmoid's slope"),
    edit("lstm_cell_backward", "df_with_c_t", "dc * c_prev * f * (1.0 - f)", "dc * (f * c_prev + i * g) * f * (1.0 - f)", "named:df uses the new cell state"),
    edit("lstm_cell_backward", "dg_sigmoid_slope", "dc * i * (1.0 - g ** 2)", "dc * i * g * (1.0 - g)", "named:dg uses the sigmoid's slope"),
    edit("lstm_cell_backward", "do_through_dc", "dh_t * tanh_c * o * (1.0 - o)", "dc * tanh_c * o * (1.0 - o)", "named:do uses the total cell gradient"),
    edit("lstm_cell_backward", "do_no_sigmoid_slope", "dh_t * tanh_c * o * (1.0 - o)", "dh_t * tanh_c", "named:do lacks the sigmoid's slope"),
    edit("lstm_cell_backward", "dc_prev_by_i", "dc * f, dA.T", "dc * i, dA.T", "named:multiplied by the input gate"),
    # dc_prev = dc_t * f stays zero along a chain that starts with dc_T = 0: the cell-state gradient is dropped, as said
    edit("lstm_cell_backward", "dc_prev_is_dc_t", "dc * f, dA.T", "dc_t * f, dA.T", "named:ignores the path through h_t",
         also=("cell-state gradient is dropped",)),
    edit("lstm_cell_backward", "gate_blocks_swapped", "dc * g * i * (1.0 - i),\n        dc * c_prev * f * (1.0 - f),",
         "dc * c_prev * f * (1.0 - f),\n        dc * g * i * (1.0 - i),", "named:blocks of i and f are exchanged"),
    edit("lstm_cell_backward", "dW_ih_transposed", "dA.T @ x_t", "x_t.T @ dA", "named:weight gradient is transposed"),
    edit("lstm_cell_backward", "db_mean", "dA.sum(axis=0)", "dA.mean(axis=0)", "named:db averages dA over the batch"),
    # gru_cell_forward
    edit("gru_cell_forward", "r_z_swapped", ("r = sigmoid(Gx[:, :H] + Gh[:, :H])", "z = sigmoid(Gx[:, H:2 * H] + Gh[:, H:2 * H])"),
         ("z = sigmoid(Gx[:, :H] + Gh[:, :H])", "r = sigmoid(Gx[:, H:2 * H] + Gh[:, H:2 * H])"), "named:r and z are exchanged"),
    edit("gru_cell_forward", "z_and_1_minus_z_swapped", "(1.0 - z) * n + z * h_prev", "z * n + (1.0 - z) * h_prev",
         "named:z and 1 - z are swapped"),
    edit("gru_cell_forward", "reset_before_product", "n = np.tanh(Gx[:, 2 * H:] + r * Gh[:, 2 * H:])",
         "n = np.tanh(Gx[:, 2 * H:] + (r * h_prev) @ W_hh[2 * H:].T + b_hh[2 * H:])", "named:reset gate was applied before the product"),
    edit("gru_cell_forward", "no_reset", "+ r * Gh[:, 2 * H:]", "+ Gh[:, 2 * H:]", "named:reset gate is missing"),
    edit("gru_cell_forward", "sigmoid_candidate", "n = np.tanh(", "n = sigmoid(", "named:uses a sigmoid"),
    edit("gru_cell_forward", "reset_outside_bias", "r * Gh[:, 2 * H:]", "r * (Gh[:, 2 * H:] - b_hh[2 * H:]) + b_hh[2 * H:]",
         "named:b_hn is outside the reset gate"),
    edit("gru_cell_forward", "chung_convention", ("n = np.tanh(Gx[:, 2 * H:] + r * Gh[:, 2 * H:])", "(1.0 - z) * n + z * h_prev"),
         ("n = np.tanh(Gx[:, 2 * H:] + (r * h_prev) @ W_hh[2 * H:].T + b_hh[2 * H:])", "(1.0 - z) * h_prev + z * n"),
         "named:reset-before-product GRU (Chung et al.'s form)"),
    # lstm_params_to_torch
    edit("lstm_params_to_torch", "dict_order", 'order = ["i", "f", "C", "o"]', 'order = ["f", "i", "C", "o"]',
         "named:dicts' order f, i, C, o"),
    edit("lstm_params_to_torch", "columns_swapped", ('"weight_ih_l0": stacked[:, H:].copy()', '"weight_hh_l0": stacked[:, :H].copy()'),
         ('"weight_ih_l0": stacked[:, :stacked.shape[1] - H].copy()', '"weight_hh_l0": stacked[:, stacked.shape[1] - H:].copy()'),
         "named:columns are split the wrong way round"),
    edit("lstm_params_to_torch", "bias_twice", '"bias_hh_l0": np.zeros_like(bias)', '"bias_hh_l0": bias', "named:ADDS its two biases"),
    edit("lstm_params_to_torch", "C_last", 'order = ["i", "f", "C", "o"]', 'order = ["i", "f", "o", "C"]',
         "named:candidate C is stacked last"),
]

INPUTS = "inputs = D if layer == 0 else directions * H"
BACKWARD_STEP = "_, dh, dc, _, _, _ = lstm_cell_backward(dh, dc, X[t - 1], h_prev, c_prev, W_ih, W_hh, b_ih, b_hh)"
GRU_GATES = ("r = torch.sigmoid(Gx[:, :H] + Gh[:, :H])", "z = torch.sigmoid(Gx[:, H:2 * H] + Gh[:, H:2 * H])")

MUTANTS += [
    edit("recurrent_parameter_count", "one_bias", "(inputs + H + 2)", "(inputs + H + 1)", "named:one bias vector per gate block"),
    edit("recurrent_parameter_count", "input_D_above", INPUTS, "inputs = D", "named:Every layer got the input size D"),
    edit("recurrent_parameter_count", "input_H_above", INPUTS, "inputs = D if layer == 0 else H", "named:got the input size H"),
    edit("recurrent_parameter_count", "one_direction", "total += directions * gates", "total += gates",
         "named:Only one direction is counted"),
    edit("lstm_gradient_norms_by_distance", "dc_dropped", BACKWARD_STEP,
         "_, dh, dc, _, _, _ = lstm_cell_backward(dh, np.zeros_like(dc), X[t - 1], h_prev, c_prev, W_ih, W_hh, b_ih, b_hh)",
         "named:cell-state gradient is dropped"),
    edit("lstm_gradient_norms_by_distance", "indexed_by_step", "return np.array(norms)", "return np.array(norms)[::-1]",
         "named:indexed by the step k"),
    edit("lstm_gradient_norms_by_distance", "cell_state_norms", ("norms = [np.linalg.norm(dh)]", "norms.append(np.linalg.norm(dh))"),
         ("norms = [np.linalg.norm(dc)]", "norms.append(np.linalg.norm(dc))"), "named:norms of the cell-state gradients"),
    edit("gru_layer_torch", "z_swapped", "h = (1 - z) * n + z * h", "h = z * n + (1 - z) * h", "named:z and 1 - z are swapped"),
    edit("gru_layer_torch", "reset_before_product", "n = torch.tanh(Gx[:, 2 * H:] + r * Gh[:, 2 * H:])",
         "n = torch.tanh(Gx[:, 2 * H:] + (r * h) @ W_hh[2 * H:].T + b_hh[2 * H:])",   # nn.GRU's z, not Chung et al.'s
         "named:before the product, (r * h_prev) @ W_hn.T; nn.GRU applies it after"),
    edit("gru_layer_torch", "h0_ignored", "if h0 is None else h0", "if True else h0", "named:given h0 is ignored"),
    edit("gru_layer_torch", "gate_order", GRU_GATES,
         ("r = torch.sigmoid(Gx[:, H:2 * H] + Gh[:, H:2 * H])", "z = torch.sigmoid(Gx[:, :H] + Gh[:, :H])"),
         "named:reset and update gates are exchanged"),
]
