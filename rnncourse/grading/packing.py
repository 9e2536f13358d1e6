"""Reference answers and classic mistakes for the packed text classifier (assignment 10).

``reference_final_states(rnn, embedded, lengths)`` is each sequence's final state from a packed
run (both directions concatenated, forward first, for a bidirectional layer).
``final_state_mistakes`` returns what the classic mistakes produce, keyed by the feedback message;
``padding_mistakes`` the same for the padded ids of ``pad_batch_ids`` (time-major, (T_max, B)).
"""
from __future__ import annotations

import torch
from torch.nn.utils.rnn import pack_padded_sequence


def _h(state):
    return state[0] if isinstance(state, tuple) else state      # LSTM returns (h_n, c_n)


def reference_final_states(rnn, embedded, lengths):
    packed = pack_padded_sequence(embedded, torch.as_tensor(lengths).cpu(), enforce_sorted=False)
    _, state = rnn(packed)
    h_n = _h(state)                                               # (layers * directions, B, H)
    if rnn.bidirectional:
        return torch.cat([h_n[-2], h_n[-1]], dim=-1)              # (B, 2H)
    return h_n[-1]                                                # (B, H)


def padding_mistakes(sequences, pad_id=0) -> dict[str, torch.Tensor]:
    """Wrong (T_max, B) ids of a batch of id lists padded with ``pad_id``."""
    T, B = max(len(s) for s in sequences), len(sequences)

    def padded(value, in_front=False):
        ids = torch.full((T, B), value, dtype=torch.long)
        for b, s in enumerate(sequences):
            start = T - len(s) if in_front else 0
            ids[start:start + len(s), b] = torch.tensor(s, dtype=torch.long)
        return ids

    mistakes = {"The padding is in front of the ids: each sequence starts at step 0, ids[:len(s), b], and the padding "
                "follows it.": padded(pad_id, in_front=True)}
    if pad_id != 0:
        mistakes["The padding is 0 where the pad id is given: fill with pad_id."] = padded(0)
    return mistakes


@torch.no_grad()
def final_state_mistakes(rnn, embedded, lengths) -> dict[str, torch.Tensor]:
    lengths = torch.as_tensor(lengths)
    outputs, state = rnn(embedded)                                # unpacked: reads the padding
    h_n = _h(state)
    B = embedded.shape[1]
    gathered = outputs[lengths - 1, torch.arange(B)]              # output at each length - 1
    packed_state = rnn(pack_padded_sequence(embedded, lengths.cpu(), enforce_sorted=False))[1]
    packed_h = _h(packed_state)
    mistakes = {}
    if isinstance(packed_state, tuple):                           # an LSTM: (h_n, c_n)
        c_n = packed_state[1]
        mistakes["This is the LSTM's cell state c_n: the final state is h_n, the first item of (h_n, c_n)."] = \
            torch.cat([c_n[-2], c_n[-1]], -1) if rnn.bidirectional else c_n[-1]
    if rnn.bidirectional:
        mistakes["You did not pack the batch: the final states include the padding. Use "
                   "pack_padded_sequence(embedded, lengths, enforce_sorted=False)."] = torch.cat([h_n[-2], h_n[-1]], -1)
        mistakes["The output at position length-1 is right for the forward direction only: the backward "
                   "direction's output there has read just one token. Take both directions from h_n of a packed run."] = gathered
        mistakes["The two directions are concatenated in the wrong order: forward (h_n[-2]) first, then "
                   "backward (h_n[-1])."] = torch.cat([packed_h[-1], packed_h[-2]], -1)
        mistakes["This is the backward direction alone (h_n[-1]): a bidirectional layer's final state is both "
                 "directions side by side, torch.cat([h_n[-2], h_n[-1]], dim=-1)."] = packed_h[-1]
        mistakes["This is the forward direction alone (h_n[-2]): a bidirectional layer's final state is both "
                 "directions side by side, torch.cat([h_n[-2], h_n[-1]], dim=-1)."] = packed_h[-2]
    else:
        # Without packing, h_n[-1] and outputs[-1] are the same thing: the state after the last PADDED step.
        mistakes["You did not pack the batch: the final state of a short sequence also read its padding "
                   "(h_n or outputs[-1] of an unpacked run is the state after the last PADDED step). Use "
                   "pack_padded_sequence(embedded, lengths, enforce_sorted=False)."] = h_n[-1]
    return mistakes
