"""GraphCodeBERT's structure-aware pre-training tasks (Guo et al., ICLR 2021, section 3.3).

Both tasks hide part of the data-flow graph from the attention mask and ask the model to
recover it from the node representations; the probability of an edge between positions i and
j is sigmoid(h_i . h_j), trained with binary cross-entropy.

- Edge prediction: 20 % of the data-flow nodes are sampled (V_s); every node-to-node edge that
  touches a sampled node is removed from the attention mask (both directions). Candidates are
  the node pairs with at least one end in V_s; positives are the removed edges (node k and a
  node its value comes from), and as many negatives (candidate pairs without an edge) are
  drawn, so the two classes weigh the same, as in the paper.
- Node alignment: another 20 % of the nodes are sampled; the edges between each sampled node
  and the code pieces of its variable are removed from the mask (both directions). Positives
  are those (node, code piece) pairs; as many negatives are drawn from the node's other code
  pieces (between `<s>` and `</s>`).

A row that sees nothing after the removal sees itself (the rule of the model's own masks).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

SAMPLE_FRACTION = 0.2


@dataclass
class GraphTargets:
    """The masked attention and the scored position pairs: `edges` and `align` are (k, 4)
    int arrays of (row, i, j, label)."""

    attention_mask: np.ndarray
    edges: np.ndarray
    align: np.ndarray


def _sample(candidates: Sequence[int], rng: np.random.Generator) -> list[int]:
    if not len(candidates):
        return []
    k = max(1, int(round(SAMPLE_FRACTION * len(candidates))))
    return sorted(rng.choice(np.asarray(candidates), size=k, replace=False).tolist())


def _balanced(
    positives: list[tuple[int, int]], negatives: list[tuple[int, int]], rng: np.random.Generator
) -> list[tuple[int, int, int]]:
    """Every positive and as many negatives (all of them when there are fewer)."""
    if not positives:
        return []
    take = min(len(positives), len(negatives))
    drawn = rng.choice(len(negatives), size=take, replace=False) if take else []
    return [(i, j, 1) for i, j in positives] + [(*negatives[k], 0) for k in drawn]


def graph_targets(
    items: Sequence[Any], attention_mask: np.ndarray, rng: np.random.Generator
) -> GraphTargets:
    """Hide sampled edges of `attention_mask` (b, L, L; one graph row per item, as the
    GraphCodeBERT encoder collates it) and list the pairs to score; see the module docstring."""
    mask = attention_mask.copy()
    edges: list[tuple[int, int, int, int]] = []
    align: list[tuple[int, int, int, int]] = []
    for r, item in enumerate(items):
        graph = item.extra["graphs"][0]
        n_code = graph["n_code"]
        n_nodes = len(item.rows[0]) - n_code
        end = n_code + n_nodes
        sources = graph["to_nodes"]
        hidden = set(_sample(range(n_nodes), rng))
        positives, negatives = [], []
        linked = {(k, s) for k in range(n_nodes) for s in sources[k]}
        for k in range(n_nodes):
            for s in range(n_nodes):
                if k == s or (k not in hidden and s not in hidden):
                    continue
                (positives if (k, s) in linked else negatives).append((n_code + k, n_code + s))
        for v in hidden:
            mask[r, n_code + v, n_code:end] = False
            mask[r, n_code:end, n_code + v] = False
        edges.extend((r, i, j, y) for i, j, y in _balanced(positives, negatives, rng))
        spans = graph["to_code"]
        placed = [k for k in range(n_nodes) if spans[k][1] <= n_code - 1]
        for k in _sample(placed, rng):
            a, b = spans[k]
            node = n_code + k
            mask[r, node, 1 : n_code - 1] = False
            mask[r, 1 : n_code - 1, node] = False
            positives = [(node, t) for t in range(a, b)]
            negatives = [(node, t) for t in range(1, n_code - 1) if not a <= t < b]
            align.extend((r, i, j, y) for i, j, y in _balanced(positives, negatives, rng))
    lonely = ~mask.any(axis=2)
    rows, positions = np.nonzero(lonely)
    mask[rows, positions, positions] = True
    return GraphTargets(mask, _array(edges), _array(align))


def _array(pairs: list[tuple[int, int, int, int]]) -> np.ndarray:
    return np.asarray(pairs, dtype=np.int64).reshape(-1, 4)


def pair_loss(states: Any, pairs: np.ndarray) -> Any:
    """Binary cross-entropy of sigmoid(h_i . h_j) against the pairs' labels (0 when none)."""
    import torch
    import torch.nn.functional as F

    if not len(pairs):
        return states.sum() * 0.0
    index = torch.as_tensor(pairs)
    left = states[index[:, 0], index[:, 1]]
    right = states[index[:, 0], index[:, 2]]
    logits = (left * right).sum(-1)
    return F.binary_cross_entropy_with_logits(logits, index[:, 3].to(logits.dtype))
