"""Reference answers and classic mistakes for the packed text classifier (assignment 10).

``reference_final_states(rnn, embedded, lengths)`` is each sequence's final state from a packed
run (both directions concatenated, forward first, for a bidirectional layer).
``final_state_mistakes`` returns what the classic mistakes produce, keyed by the feedback message.
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


@torch.no_grad()
def final_state_mistakes(rnn, embedded, lengths) -> dict[str, torch.Tensor]:
    lengths = torch.as_tensor(lengths)
    outputs, state = rnn(embedded)                                # unpacked: reads the padding
    h_n = _h(state)
    B = embedded.shape[1]
    gathered = outputs[lengths - 1, torch.arange(B)]              # output at each length - 1
    mistakes = {}
    if rnn.bidirectional:
        mistakes["You did not pack the batch: the final states include the padding. Use "
                   "pack_padded_sequence(embedded, lengths, enforce_sorted=False)."] = torch.cat([h_n[-2], h_n[-1]], -1)
        mistakes["The output at position length-1 is right for the forward direction only: the backward "
                   "direction's output there has read just one token. Take both directions from h_n of a packed run."] = gathered
        packed_h = _h(rnn(pack_padded_sequence(embedded, lengths, enforce_sorted=False))[1])
        mistakes["The two directions are concatenated in the wrong order: forward (h_n[-2]) first, then "
                   "backward (h_n[-1])."] = torch.cat([packed_h[-1], packed_h[-2]], -1)
    else:
        # Without packing, h_n[-1] and outputs[-1] are the same thing: the state after the last PADDED step.
        mistakes["You did not pack the batch: the final state of a short sequence also read its padding "
                   "(h_n or outputs[-1] of an unpacked run is the state after the last PADDED step). Use "
                   "pack_padded_sequence(embedded, lengths, enforce_sorted=False)."] = h_n[-1]
    return mistakes
