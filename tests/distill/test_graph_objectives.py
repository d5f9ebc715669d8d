"""GraphCodeBERT's edge prediction and node alignment targets on real data-flow graphs."""

from __future__ import annotations

import numpy as np
import torch

from metacompress.distill.graph_objectives import graph_targets, pair_loss
from metacompress.distill.tokenizer import TokenizerSpec, train_tokenizer
from metacompress.models.graphcodebert import GraphCodeBERTEncoder

from .conftest import vulnerability_examples


def encoded(n: int = 6):
    codes = [e.inputs[0] for e in vulnerability_examples(n, 9)]
    tokenizer = train_tokenizer(codes, TokenizerSpec("bpe", 400))
    encoder = GraphCodeBERTEncoder(
        tokenizer.backend_tokenizer, 96, 32, "c", arity=1, position_limit=200
    )
    items = encoder.encode_batch([(c,) for c in codes])
    return items, encoder.collate(items)["attention_mask"]


def test_hidden_edges_are_the_scored_positives_and_classes_are_balanced():
    items, mask = encoded()
    targets = graph_targets(items, mask, np.random.default_rng(0))
    assert len(targets.edges) and len(targets.align)
    for pairs in (targets.edges, targets.align):
        for r, i, j, label in pairs:
            if label:
                assert mask[r, i, j] or mask[r, j, i], "a positive is a real edge"
                assert not targets.attention_mask[r, i, j] and not targets.attention_mask[r, j, i]
        for r in np.unique(pairs[:, 0]):
            labels = pairs[pairs[:, 0] == r, 3]
            assert labels.sum() >= (labels == 0).sum() > 0
    for r, i, j, label in targets.align:
        graph = items[r].extra["graphs"][0]
        a, b = graph["to_code"][i - graph["n_code"]]
        assert (a <= j < b) == bool(label)
    assert targets.attention_mask.any(axis=2).all(), "every row sees at least itself"
    assert targets.attention_mask.sum() < mask.sum()


def test_targets_follow_the_generator():
    items, mask = encoded()
    a = graph_targets(items, mask, np.random.default_rng(1))
    b = graph_targets(items, mask, np.random.default_rng(1))
    c = graph_targets(items, mask, np.random.default_rng(2))
    assert np.array_equal(a.edges, b.edges) and np.array_equal(a.attention_mask, b.attention_mask)
    assert not np.array_equal(a.edges, c.edges)


def test_pair_loss_rewards_aligned_representations():
    states = torch.zeros(1, 3, 4)
    states[0, 0] = states[0, 1] = torch.tensor([3.0, 0, 0, 0])
    states[0, 2] = torch.tensor([-3.0, 0, 0, 0])
    pairs = np.array([[0, 0, 1, 1], [0, 0, 2, 0]])
    assert float(pair_loss(states, pairs)) < 0.01
    flipped = pairs.copy()
    flipped[:, 3] = 1 - flipped[:, 3]
    assert float(pair_loss(states, flipped)) > 5
    assert float(pair_loss(states, np.zeros((0, 4), dtype=np.int64))) == 0.0
