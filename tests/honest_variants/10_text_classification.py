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
    dict(name="counted_layers_einsum_pooling_and_cross_entropy", answers={
        "classifier_parameter_count": '''
def classifier_parameter_count(V, E, H, D, C, cell, bidirectional):
    gates = 4 if cell == "LSTM" else 3 if cell == "GRU" else 1
    total = V * E
    for _ in range(2 if bidirectional else 1):
        total += gates * H * E + gates * H * H + gates * H + gates * H      # W_ih, W_hh, b_ih, b_hh
    summary = H * (2 if bidirectional else 1)
    total += summary * D + D
    total += D * C + C
    return int(total)
''',
        "masked_mean_pool": '''
def masked_mean_pool(outputs, lengths):
    T = outputs.size(0)
    keep = torch.arange(T, device=outputs.device).unsqueeze(1).lt(lengths.unsqueeze(0)).type_as(outputs)   # (T, B)
    return torch.einsum("tbf,tb->bf", outputs, keep) / keep.sum(0).unsqueeze(1)
''',
        "names_experiment": '''
def names_experiment(seed, epochs=8):
    (train_x, train_y), (test_x, test_y) = names_split(seed)
    torch.manual_seed(seed)
    layers = [nn.Embedding(27, 16, padding_idx=0), nn.GRU(16, 32), nn.Linear(32, 32), nn.Linear(32, 2)]
    bag = nn.Linear(27, 2)

    def counts(sequences):
        ids, _ = pad_batch_ids(sequences)                                    # (T, B)
        one_hot = torch.nn.functional.one_hot(ids, 27).sum(0).float()       # (B, 27)
        one_hot[:, 0] = 0.0
        return one_hot

    models = {"recurrent": (lambda s: classify(*layers, *pad_batch_ids(s)), [p for l in layers for p in l.parameters()]),
              "bag_of_characters": (lambda s: torch.softmax(bag(counts(s)), -1), list(bag.parameters()))}
    result = {}
    generator = np.random.default_rng(seed + 1)
    for name, (model, params) in models.items():
        opt = torch.optim.Adam(params, lr=0.01)
        for epoch in range(epochs):
            order = generator.permutation(len(train_x))
            for batch in np.array_split(order, int(np.ceil(len(order) / 32))):
                probs = model([train_x[i] for i in batch])
                loss = torch.nn.functional.nll_loss(torch.log(probs), torch.as_tensor(train_y[batch]))
                opt.zero_grad()
                loss.backward()
                opt.step()
        with torch.no_grad():
            result[name] = float((model(test_x).argmax(1) == torch.as_tensor(test_y)).float().mean())
    counts_train = np.bincount(train_y, minlength=2)
    result["majority"] = float(np.mean(test_y == np.argmax(counts_train)))
    return result
'''}),
]
