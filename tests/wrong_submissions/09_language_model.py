"""Classic mistakes in the sampling assignment and the feedback each must produce."""

_SOFTMAX_OK = (
    "def temperature_softmax(logits, temperature):\n"
    "    s = np.asarray(logits, dtype=float) / temperature\n"
    "    e = np.exp(s - s.max(axis=-1, keepdims=True))\n"
    "    return e / e.sum(axis=-1, keepdims=True)\n")

CASES = [
    dict(
        name="multiplies_by_temperature",
        answers={"temperature_softmax": (
            "def temperature_softmax(logits, temperature):\n"
            "    s = np.asarray(logits, dtype=float) * temperature\n"
            "    e = np.exp(s - s.max(axis=-1, keepdims=True))\n"
            "    return e / e.sum(axis=-1, keepdims=True)\n")},
        failing={"test_temperature_softmax_visible": "divide them",
                 "test_temperature_softmax_hidden": "does not match"},
        composed={"test_generate_hidden"},   # generate runs the student's own temperature_softmax
    ),
    dict(
        name="unstable_softmax",
        answers={"temperature_softmax": (
            "def temperature_softmax(logits, temperature):\n"
            "    e = np.exp(np.asarray(logits, dtype=float) / temperature)\n"
            "    return e / e.sum(axis=-1, keepdims=True)\n")},
        failing={"test_temperature_softmax_visible": "NaN or infinity"},
    ),
    dict(
        name="normalised_over_first_axis",
        answers={"temperature_softmax": (
            "def temperature_softmax(logits, temperature):\n"
            "    s = np.asarray(logits, dtype=float) / temperature\n"
            "    e = np.exp(s - s.max())\n"
            "    return e / e.sum(axis=0, keepdims=True)\n")},
        failing={"test_temperature_softmax_hidden": "normalised over the first axis"},
    ),
    dict(
        name="greedy_instead_of_sampling",
        answers={"sample_index": (
            "def sample_index(probs, rng):\n"
            "    return np.asarray(probs).argmax(axis=1)\n")},
        failing={"test_sample_index_visible": "greedy decoding", "test_sample_index_hidden": "argmax"},
        composed={"test_generate_hidden"},   # generate runs the student's own sample_index
    ),
    dict(
        name="state_not_carried",
        answers={"generate": (
            "def generate(step, start_id, stop_id, temperature, rng, max_len=20):\n"
            "    current, out = start_id, []\n"
            "    for _ in range(max_len):\n"
            "        logits, _ = step(current, None)\n"
            "        if temperature == 0:\n"
            "            nxt = int(np.argmax(logits))\n"
            "        else:\n"
            "            nxt = int(sample_index(temperature_softmax(logits, temperature)[None, :], rng)[0])\n"
            "        if nxt == stop_id:\n"
            "            break\n"
            "        out.append(nxt)\n"
            "        current = nxt\n"
            "    return out\n")},
        failing={"test_generate_visible": "carry the state", "test_generate_hidden": "does not carry the state"},
    ),
    dict(
        name="stop_symbol_appended",
        answers={"generate": (
            "def generate(step, start_id, stop_id, temperature, rng, max_len=20):\n"
            "    state, current, out = None, start_id, []\n"
            "    for _ in range(max_len):\n"
            "        logits, state = step(current, state)\n"
            "        if temperature == 0:\n"
            "            nxt = int(np.argmax(logits))\n"
            "        else:\n"
            "            nxt = int(sample_index(temperature_softmax(logits, temperature)[None, :], rng)[0])\n"
            "        out.append(nxt)\n"
            "        if nxt == stop_id:\n"
            "            break\n"
            "        current = nxt\n"
            "    return out\n")},
        failing={"test_generate_visible": "stop (without appending)", "test_generate_hidden": "generate on a random model"},
    ),
]
