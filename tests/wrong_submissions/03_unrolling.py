"""Classic mistakes in the assignment on unrolling (backward passes) and the feedback each must produce."""

_LOOP_HEAD = (
    "def rnn_backward(dHs, X, Hs, h0, W_xh, W_hh):\n"
    "    grads = {'dX': np.zeros(X.shape), 'dW_xh': np.zeros(W_xh.shape), 'dW_hh': np.zeros(W_hh.shape),\n"
    "             'db_h': np.zeros(W_hh.shape[0])}\n"
    "    dh_next = np.zeros_like(h0)\n"
    "    for t in reversed(range(X.shape[0])):\n"
    "        h_prev = Hs[t - 1] if t > 0 else h0\n"
)

CASES = [
    dict(
        name="slope_tanh_of_the_output",
        answers={"rnn_step_backward": (
            "def rnn_step_backward(dh_t, x_t, h_prev, h_t, W_xh, W_hh):\n"
            "    da = dh_t * (1 - np.tanh(h_t) ** 2)\n"
            "    return {'dx_t': da @ W_xh, 'dh_prev': da @ W_hh, 'dW_xh': da.T @ x_t,\n"
            "            'dW_hh': da.T @ h_prev, 'db_h': da.sum(axis=0)}\n")},
        failing={"test_rnn_step_backward_visible": "1 - tanh(h_t)**2",
                 "test_rnn_step_backward_hidden": "1 - tanh(h_t)**2"},
    ),
    dict(
        name="transposed_recurrent_weights",
        answers={"rnn_step_backward": (
            "def rnn_step_backward(dh_t, x_t, h_prev, h_t, W_xh, W_hh):\n"
            "    da = dh_t * (1 - h_t ** 2)\n"
            "    return {'dx_t': da @ W_xh, 'dh_prev': da @ W_hh.T, 'dW_xh': da.T @ x_t,\n"
            "            'dW_hh': da.T @ h_prev, 'db_h': da.sum(axis=0)}\n")},
        failing={"test_rnn_step_backward_visible": "W_hh transposed",
                 "test_rnn_step_backward_hidden": "W_hh transposed"},
    ),
    dict(
        name="weight_gradient_wrong_shape",
        answers={"rnn_step_backward": (
            "def rnn_step_backward(dh_t, x_t, h_prev, h_t, W_xh, W_hh):\n"
            "    da = dh_t * (1 - h_t ** 2)\n"
            "    return {'dx_t': da @ W_xh, 'dh_prev': da @ W_hh, 'dW_xh': x_t.T @ da,\n"
            "            'dW_hh': da.T @ h_prev, 'db_h': da.sum(axis=0)}\n")},
        failing={"test_rnn_step_backward_visible": "looks transposed",
                 "test_rnn_step_backward_hidden": "dW_xh"},
    ),
    dict(
        name="dh_next_forgotten_in_the_terms",
        answers={"step_contributions": (
            "def step_contributions(dHs, X, Hs, h0, W_xh, W_hh):\n"
            "    terms = np.zeros((X.shape[0],) + W_hh.shape)\n"
            "    for t in range(X.shape[0]):\n"
            "        h_prev = Hs[t - 1] if t > 0 else h0\n"
            "        terms[t] = (dHs[t] * (1 - Hs[t] ** 2)).T @ h_prev\n"
            "    return terms\n")},
        failing={"test_step_contributions_visible": "dh_next",
                 "test_step_contributions_hidden": "dh_next"},
        composed={"test_gradient_reach_visible", "test_gradient_reach_hidden"},
    ),
    dict(
        name="gradient_not_accumulated",
        answers={"rnn_backward": _LOOP_HEAD + (
            "        da = (dHs[t] + dh_next) * (1 - Hs[t] ** 2)\n"
            "        grads['dX'][t] = da @ W_xh\n"
            "        grads['dW_xh'] = da.T @ X[t]\n"
            "        grads['dW_hh'] = da.T @ h_prev\n"
            "        grads['db_h'] = da.sum(axis=0)\n"
            "        dh_next = da @ W_hh\n"
            "    grads['dh0'] = dh_next\n"
            "    return grads\n")},
        failing={"test_rnn_backward_visible": "overwritten at every step",
                 "test_rnn_backward_hidden": "overwritten at every step"},
        composed={"test_gradient_reach_visible", "test_gradient_reach_hidden"},
    ),
    dict(
        name="slope_of_the_preactivation",
        answers={"rnn_backward": _LOOP_HEAD + (
            "        a_t = np.arctanh(Hs[t])\n"
            "        da = (dHs[t] + dh_next) * (1 - a_t ** 2)\n"
            "        grads['dX'][t] = da @ W_xh\n"
            "        grads['dW_xh'] += da.T @ X[t]\n"
            "        grads['dW_hh'] += da.T @ h_prev\n"
            "        grads['db_h'] += da.sum(axis=0)\n"
            "        dh_next = da @ W_hh\n"
            "    grads['dh0'] = dh_next\n"
            "    return grads\n")},
        failing={"test_rnn_backward_visible": "1 - a_t**2",
                 "test_rnn_backward_hidden": "1 - a_t**2"},
        composed={"test_gradient_reach_visible", "test_gradient_reach_hidden"},
    ),
    dict(
        name="dh_next_forgotten",
        answers={"rnn_backward": _LOOP_HEAD + (
            "        da = dHs[t] * (1 - Hs[t] ** 2)\n"
            "        grads['dX'][t] = da @ W_xh\n"
            "        grads['dW_xh'] += da.T @ X[t]\n"
            "        grads['dW_hh'] += da.T @ h_prev\n"
            "        grads['db_h'] += da.sum(axis=0)\n"
            "        dh_next = da @ W_hh\n"
            "    grads['dh0'] = dh_next\n"
            "    return grads\n")},
        failing={"test_rnn_backward_visible": "dh_next",
                 "test_rnn_backward_hidden": "dh_next"},
        composed={"test_gradient_reach_visible", "test_gradient_reach_hidden"},
    ),
    dict(
        name="scalar_rnn_last_use_of_w_only",
        answers={"linear_rnn_gradients": (
            "def linear_rnn_gradients(x, w, u):\n"
            "    T = len(x)\n"
            "    lags = T - 1 - np.arange(T)\n"
            "    h_before_last = sum(w ** (T - 2 - t) * u * x[t] for t in range(T - 1))\n"
            "    return {'dx': u * w ** lags, 'du': float(np.sum(w ** lags * x)), 'dw': float(h_before_last)}\n")},
        failing={"test_linear_rnn_gradients_visible": "LAST use of w",
                 "test_linear_rnn_gradients_hidden": "LAST use of w"},
    ),
    dict(
        name="scalar_rnn_powers_reversed",
        answers={"linear_rnn_gradients": (
            "def linear_rnn_gradients(x, w, u):\n"
            "    T = len(x)\n"
            "    lags = T - 1 - np.arange(T)\n"
            "    dw = sum(k * w ** (k - 1) * u * x_t for k, x_t in zip(lags, x) if k > 0)\n"
            "    return {'dx': u * w ** np.arange(T), 'du': float(np.sum(w ** lags * x)), 'dw': float(dw)}\n")},
        failing={"test_linear_rnn_gradients_visible": "wrong way", "test_linear_rnn_gradients_hidden": "wrong way"},
    ),
    dict(
        name="reach_loss_on_every_step",
        answers={"gradient_reach": (
            "def gradient_reach(X, W_xh, W_hh, b_h):\n"
            "    h0, Hs = np.zeros((X.shape[1], len(b_h))), []\n"
            "    for x_t in X:\n"
            "        Hs.append(np.tanh(x_t @ W_xh.T + (Hs[-1] if Hs else h0) @ W_hh.T + b_h))\n"
            "    Hs = np.array(Hs)\n"
            "    dHs = np.ones_like(Hs)\n"
            "    dX = rnn_backward(dHs, X, Hs, h0, W_xh, W_hh)['dX']\n"
            "    terms = step_contributions(dHs, X, Hs, h0, W_xh, W_hh)\n"
            "    return {'dX_norms': np.linalg.norm(dX, axis=-1).mean(axis=1),\n"
            "            'dW_hh_norms': np.linalg.norm(terms.reshape(len(terms), -1), axis=1)}\n")},
        failing={"test_gradient_reach_visible": "EVERY step", "test_gradient_reach_hidden": "a loss on EVERY step"},
    ),
]
