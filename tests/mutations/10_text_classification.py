"""Classic mistakes in assignment 10 (text classification): padding ids, final states of a packed run, the head."""
from mutations import edit

MUTANTS = [
    edit("pad_batch_ids", "batch_first", ("torch.full((int(lengths.max()), len(sequences))", "ids[: len(s), b]"),
         ("torch.full((len(sequences), int(lengths.max()))", "ids[b, : len(s)]"), "named:batch-first"),
    edit("pad_batch_ids", "pads_in_front", "ids[: len(s), b]", "ids[int(lengths.max()) - len(s):, b]"),
    edit("pad_batch_ids", "pad_with_zero", "pad_id, dtype=torch.long)", "0, dtype=torch.long)"),
    edit("final_states", "not_packed", "packed = pack_padded_sequence(embedded, lengths.cpu(), enforce_sorted=False)",
         "packed = embedded", "named:did not pack the batch"),
    edit("final_states", "directions_swapped", "torch.cat([h_n[-2], h_n[-1]], dim=-1)", "torch.cat([h_n[-1], h_n[-2]], dim=-1)",
         "named:wrong order"),
    edit("final_states", "bidirectional_last_only", "return torch.cat([h_n[-2], h_n[-1]], dim=-1)", "return h_n[-1]"),
    # h_n[0] for h_n[-1] is no mistake here: final_states receives a one-layer network, whose h_n has one entry.
    edit("final_states", "output_at_last_padded_step", "_, state = rnn(packed)\n", "out, state = rnn(embedded)\n    state = out[-1:]\n",
         "named:did not pack the batch"),
    edit("final_states", "cell_state", "h_n = state[0] if isinstance(state, tuple) else state",
         "h_n = state[1] if isinstance(state, tuple) else state"),
    edit("classify", "logits", "return torch.softmax(out(u), dim=-1)", "return out(u)", "named:apply the softmax"),
    edit("classify", "softmax_over_batch", "torch.softmax(out(u), dim=-1)", "torch.softmax(out(u), dim=0)", "named:over the batch axis"),
    edit("classify", "no_relu", "u = torch.relu(dense(h))", "u = dense(h)", "named:ReLU of the dense layer is missing"),
    edit("classify", "sigmoid_for_softmax", "torch.softmax(out(u), dim=-1)", "torch.sigmoid(out(u))"),
]
