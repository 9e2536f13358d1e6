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
        failing={"test_mean_pool_visible": "has shape (4, 2), expected (3, 2)",
                 "test_mean_pool_hidden": "expected"},
    ),
    dict(
        name="recurrence_forgotten",
        answers={"recurrent_summary": (
            "def recurrent_summary(X, W_xh, W_hh, b_h):\n"
            "    h = np.zeros((X.shape[1], W_hh.shape[0]))\n"
            "    for t in range(X.shape[0]):\n"
            "        h = np.tanh(X[t] @ W_xh.T + b_h)\n"
            "    return h\n")},
        failing={"test_recurrent_summary_visible": "without the W_hh h_{t-1} term",
                 "test_recurrent_summary_hidden": "recurrent_summary"},
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
        failing={"test_pad_batch_visible": "batch-first", "test_pad_batch_hidden": "X has shape"},
    ),
]
