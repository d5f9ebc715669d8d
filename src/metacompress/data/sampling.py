"""Seeded stratified sampling of examples (`--limit`).

Rule: with n examples, limit k < n and n_c examples of label c (None counts as its own class),
class c gets floor(k * n_c / n) places, and the k - sum(floors) places left go one each to the
classes with the largest remainders k * n_c / n - floor(...) (ties: the larger class, then the
label order 0, 1, None). Within a class the examples are a uniform random subset drawn with
`random.Random(seed)`, one generator per class seeded from (seed, label), so the draw of one
class does not depend on the others. The result keeps file order. With k >= n every example is
returned in file order.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence

from metacompress.data.types import Example
from metacompress.errors import ConfigError


def _label_key(label: int | None) -> tuple[bool, int]:
    return (label is None, label if label is not None else 0)


def allocate(sizes: dict[int | None, int], limit: int) -> dict[int | None, int]:
    """Places per class by the largest-remainder rule of the module docstring."""
    total = sum(sizes.values())
    quotas = {label: limit * n / total for label, n in sizes.items()}
    places = {label: math.floor(q) for label, q in quotas.items()}
    left = limit - sum(places.values())
    order = sorted(sizes, key=lambda c: (-(quotas[c] - places[c]), -sizes[c], *_label_key(c)))
    for label in order[:left]:
        places[label] += 1
    return places


def check_limit(limit: int | None) -> None:
    """Raise ConfigError unless `limit` is None or a positive integer."""
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 1):
        raise ConfigError(f"limit must be a positive integer or None, got {limit!r}")


def stratified_sample(examples: Sequence[Example], limit: int | None, seed: int) -> list[Example]:
    """At most `limit` examples keeping the label ratio, deterministic under `seed`."""
    check_limit(limit)
    if limit is None or limit >= len(examples):
        return list(examples)
    by_label: dict[int | None, list[int]] = {}
    for position, example in enumerate(examples):
        by_label.setdefault(example.label, []).append(position)
    places = allocate({label: len(p) for label, p in by_label.items()}, limit)
    chosen: list[int] = []
    for label, positions in by_label.items():
        rng = random.Random(f"{seed}/{label}")
        chosen.extend(rng.sample(positions, places[label]))
    return [examples[i] for i in sorted(chosen)]
