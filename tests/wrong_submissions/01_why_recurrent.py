"""Classic mistakes in the pilot assignment and the feedback each must produce."""

CASES = [
    dict(
        name="sum_instead_of_mean",
        answers={"mean_pool": "def mean_pool(X):\n    return X.sum(axis=0)\n"},
        failing={"test_mean_pool_visible": "divide by T", "test_mean_pool_hidden": "divide by T"},
    ),
    dict(
        name="mean_over_batch_axis",
        answers={"mean_pool": "def mean_pool(X):\n    return X.mean(axis=1)\n"},
        failing={"test_mean_pool_visible": "averaged over the batch axis",
                 "test_mean_pool_hidden": "averaged over the batch axis"},
        composed={"test_order_experiment_visible", "test_order_experiment_hidden"},
    ),
    dict(
        name="recurrence_forgotten",
        answers={"recurrent_summary": (
            "def recurrent_summary(X, W_xh, W_hh, b_h):\n"
            "    h = np.zeros((X.shape[1], W_hh.shape[0]))\n"
            "    for t in range(X.shape[0]):\n"
            "        h = np.tanh(X[t] @ W_xh.T + b_h)\n"
            "    return h\n")},
        failing={"test_recurrent_summary_visible": "leaves out the recurrent term",
                 "test_recurrent_summary_hidden": "recurrent_summary"},
        composed={"test_order_experiment_visible", "test_order_experiment_hidden"},
    ),
    dict(
        name="returns_every_state",
        answers={"recurrent_summary": (
            "def recurrent_summary(X, W_xh, W_hh, b_h):\n"
            "    h = np.zeros((X.shape[1], W_hh.shape[0]))\n"
            "    states = []\n"
            "    for t in range(X.shape[0]):\n"
            "        h = np.tanh(X[t] @ W_xh.T + h @ W_hh.T + b_h)\n"
            "        states.append(h)\n"
            "    return np.stack(states)\n")},
        failing={"test_recurrent_summary_visible": "extra leading axis",
                 "test_recurrent_summary_hidden": "extra leading axis"},
        composed={"test_order_experiment_visible", "test_order_experiment_hidden"},
    ),
    dict(
        name="biases_not_counted",
        answers={"count_parameters": (
            "def count_parameters(T, D, H, K):\n"
            "    return T * D * H + H * K, H * D + H * H + H * K\n")},
        failing={"test_count_parameters_visible": "biases", "test_count_parameters_hidden": "feedforward count"},
    ),
    dict(
        name="batch_first_padding",
        answers={"pad_batch": (
            "def pad_batch(sequences):\n"
            "    lengths = np.array([len(s) for s in sequences])\n"
            "    X = np.zeros((len(sequences), lengths.max(), sequences[0].shape[1]))\n"
            "    for b, s in enumerate(sequences):\n"
            "        X[b, :len(s)] = s\n"
            "    return X, lengths\n")},
        failing={"test_pad_batch_visible": "batch-first", "test_pad_batch_hidden": "X is batch-first"},
    ),
    dict(
        name="break_even_forgets_input_weights",
        answers={"break_even_length": (
            "def break_even_length(D, H, K):\n"
            "    return H // D + 1\n")},
        failing={"test_break_even_length_visible": "also has W_xh", "test_break_even_length_hidden": "also has W_xh"},
    ),
    dict(
        name="readout_gradient_summed",
        answers={"readout_step": (
            "def readout_step(w, b, F, y, lr):\n"
            "    z = F @ w + b\n"
            "    dz = 1 / (1 + np.exp(-z)) - y\n"
            "    return float(np.mean(np.logaddexp(0, z) - y * z)), w - lr * F.T @ dz, float(b - lr * dz.sum())\n")},
        failing={"test_readout_step_visible": "instead of averaging", "test_readout_step_hidden": "instead of averaging"},
        composed={"test_order_experiment_visible", "test_order_experiment_hidden"},
    ),
    dict(
        name="readout_loss_from_saturated_sigmoid",
        answers={"readout_step": (
            "def readout_step(w, b, F, y, lr):\n"
            "    p = 1 / (1 + np.exp(-(F @ w + b)))\n"
            "    loss = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))\n"
            "    dz = (p - y) / len(y)\n"
            "    return float(loss), w - lr * F.T @ dz, float(b - lr * dz.sum())\n")},
        failing={"test_readout_step_hidden": "saturated scores"},
    ),
    dict(
        name="experiment_accuracy_on_training_set",
        answers={"order_experiment": (
            "def order_experiment(X_train, y_train, X_test, y_test, W_xh, W_hh, b_h, steps, lr):\n"
            "    out = {}\n"
            "    for name, f in ((\"bag\", mean_pool), (\"rnn\", lambda X: recurrent_summary(X, W_xh, W_hh, b_h))):\n"
            "        F = f(X_train)\n"
            "        w, b = np.zeros(F.shape[1]), 0.0\n"
            "        for _ in range(steps):\n"
            "            loss, w, b = readout_step(w, b, F, y_train, lr)\n"
            "        out[name + \"_loss\"], out[name + \"_accuracy\"] = loss, float(np.mean((F @ w + b > 0) == y_train))\n"
            "    return out\n")},
        failing={"test_order_experiment_visible": "share of the test set", "test_order_experiment_hidden": "Measure it on X_test"},
    ),
]
