"""Classic mistakes in the text-classification assignment and the feedback each must produce."""

# The experiment trains the student's own pad_batch_ids and classify (with their final_states).
_EXPERIMENT = {"test_names_experiment_visible", "test_names_experiment_hidden"}

CASES = [
    dict(
        name="batch_first_padding",
        answers={"pad_batch_ids": (
            "def pad_batch_ids(sequences, pad_id=0):\n"
            "    lengths = torch.tensor([len(s) for s in sequences])\n"
            "    ids = torch.full((len(sequences), int(lengths.max())), pad_id, dtype=torch.long)\n"
            "    for b, s in enumerate(sequences):\n"
            "        ids[b, :len(s)] = torch.tensor(s)\n"
            "    return ids, lengths\n")},
        failing={"test_pad_batch_ids_visible": "batch-first", "test_pad_batch_ids_hidden": "batch-first"},
        composed=_EXPERIMENT,
    ),
    dict(
        name="no_packing",
        answers={"final_states": (
            "def final_states(rnn, embedded, lengths):\n"
            "    _, state = rnn(embedded)\n"
            "    h_n = state[0] if isinstance(state, tuple) else state\n"
            "    if rnn.bidirectional:\n"
            "        return torch.cat([h_n[-2], h_n[-1]], dim=-1)\n"
            "    return h_n[-1]\n")},
        failing={"test_final_states_visible": "did not pack", "test_final_states_hidden": "did not pack"},
        composed={"test_classify_hidden"} | _EXPERIMENT,   # classify runs the student's own final_states
    ),
    dict(
        name="last_padded_output",
        answers={"final_states": (
            "def final_states(rnn, embedded, lengths):\n"
            "    outputs, _ = rnn(embedded)\n"
            "    return outputs[-1]\n")},
        failing={"test_final_states_visible": "last PADDED step", "test_final_states_hidden": "did not pack"},
        composed={"test_classify_hidden"} | _EXPERIMENT,
    ),
    dict(
        name="directions_swapped",
        answers={"final_states": (
            "def final_states(rnn, embedded, lengths):\n"
            "    packed = pack_padded_sequence(embedded, lengths.cpu(), enforce_sorted=False)\n"
            "    _, state = rnn(packed)\n"
            "    h_n = state[0] if isinstance(state, tuple) else state\n"
            "    if rnn.bidirectional:\n"
            "        return torch.cat([h_n[-1], h_n[-2]], dim=-1)\n"
            "    return h_n[-1]\n")},
        failing={"test_final_states_hidden": "wrong order"},
        composed={"test_classify_hidden"} | _EXPERIMENT,
    ),
    dict(
        name="softmax_over_batch",
        answers={"classify": (
            "def classify(embedding, rnn, dense, out, ids, lengths):\n"
            "    h = final_states(rnn, embedding(ids), lengths)\n"
            "    return torch.softmax(out(torch.relu(dense(h))), dim=0)\n")},
        failing={"test_classify_visible": "batch axis", "test_classify_hidden": "batch axis"},
        composed=_EXPERIMENT,
    ),
    dict(
        name="returns_logits",
        answers={"classify": (
            "def classify(embedding, rnn, dense, out, ids, lengths):\n"
            "    h = final_states(rnn, embedding(ids), lengths)\n"
            "    return out(torch.relu(dense(h)))\n")},
        failing={"test_classify_visible": "apply the softmax", "test_classify_hidden": "apply the softmax"},
        composed=_EXPERIMENT,
    ),
    dict(
        name="parameter_count_with_one_bias_per_block",
        answers={"classifier_parameter_count": (
            "def classifier_parameter_count(V, E, H, D, C, cell, bidirectional):\n"
            "    blocks = {'RNN': 1, 'GRU': 3, 'LSTM': 4}[cell]\n"
            "    directions = 2 if bidirectional else 1\n"
            "    return V * E + directions * blocks * (H * E + H * H + H) + directions * H * D + D + D * C + C\n")},
        failing={"test_classifier_parameter_count_visible": "TWO bias vectors",
                 "test_classifier_parameter_count_hidden": "TWO bias vectors"},
    ),
    dict(
        name="mean_pool_over_padding",
        answers={"masked_mean_pool": (
            "def masked_mean_pool(outputs, lengths):\n"
            "    return outputs.mean(0)\n")},
        failing={"test_masked_mean_pool_visible": "padded steps are averaged in",
                 "test_masked_mean_pool_hidden": "padded steps are averaged in"},
    ),
    dict(
        name="mean_pool_mask_on_the_cpu",
        answers={"masked_mean_pool": (
            "def masked_mean_pool(outputs, lengths):\n"
            "    mask = (torch.arange(outputs.shape[0])[:, None] < lengths[None, :]).double()\n"
            "    return (outputs * mask[..., None]).sum(0) / lengths[:, None]\n")},
        failing={"test_masked_mean_pool_visible": "meta device",
                 "test_masked_mean_pool_hidden": "meta device"},
    ),
]
