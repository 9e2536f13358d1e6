"""Honest variants of the text-classification assignment (format: see tests/honest_variants/__init__.py)."""

VARIANTS = [
    dict(name="library_padding_and_sorted_packing", answers={
        "pad_batch_ids": '''
def pad_batch_ids(sequences, pad_id=0):
    from torch.nn.utils.rnn import pad_sequence
    tensors = [torch.as_tensor(s, dtype=torch.long) for s in sequences]
    return pad_sequence(tensors, padding_value=pad_id), torch.tensor([len(s) for s in sequences])
''',
        "final_states": '''
def final_states(rnn, embedded, lengths):
    order = torch.argsort(lengths, descending=True)              # pack sorted, then undo the sort
    packed = pack_padded_sequence(embedded[:, order], lengths[order].cpu())
    _, state = rnn(packed)
    h_n = state[0] if isinstance(state, tuple) else state
    last = torch.cat([h_n[-2], h_n[-1]], dim=1) if rnn.bidirectional else h_n[-1]
    restored = torch.empty_like(last)
    restored[order] = last
    return restored
''',
        "classify": '''
def classify(embedding, rnn, dense, out, ids, lengths):
    scores = out(torch.nn.functional.relu(dense(final_states(rnn, embedding(ids), lengths))))
    return torch.exp(scores - torch.logsumexp(scores, dim=1, keepdim=True))
'''}),
]
