"""WIR-Random: word-importance ranking with random substitutes (Zeng et al., ISSTA 2022).

The identifiers are ranked by importance (`metacompress.attacks.renaming.importance`); the
`max_identifiers` most important are attacked in that order with ALERT's greedy substitution
(`renaming.greedy`), each with `n_substitutes` names drawn uniformly at random from the data
set's identifier vocabulary (valid new names only). Defaults follow the reference
implementation used by the ALERT and CODA replication packages: the top 20 identifiers and 5
random substitutes each.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from metacompress.attacks.base import attack
from metacompress.attacks.engine import Search
from metacompress.attacks.identifiers import Ident, RenameSurface
from metacompress.attacks.renaming import (
    BUDGET_EXHAUSTED,
    RenamingAttack,
    greedy,
    importance,
    sample_names,
    vocabulary_of,
)
from metacompress.data.types import Example
from metacompress.registry import check_range


@attack("wir-random", "Importance-ranked identifiers, random vocabulary substitutes (WIR-Random)")
@dataclass(frozen=True)
class WIRRandom(RenamingAttack):
    """WIR-Random (see the module docstring)."""

    max_identifiers: int = 20
    n_substitutes: int = 5

    def __post_init__(self) -> None:
        super().__post_init__()
        check_range("max_identifiers", self.max_identifiers, 1)
        check_range("n_substitutes", self.n_substitutes, 1)

    def prepare(
        self, examples: Sequence[Example], lang: str, seed: int, corpus: Sequence[Example]
    ) -> list[Any]:
        surfaces = super().prepare(examples, lang, seed, corpus)
        if not any(isinstance(s, RenameSurface) for s in surfaces):
            return surfaces
        vocabulary = vocabulary_of(corpus, lang, self.n_substitutes * 4, seed)
        return [s if isinstance(s, str) else (s, vocabulary) for s in surfaces]

    def search(self, context: Any, probs0: np.ndarray, rng: random.Random) -> Search:
        surface, vocabulary = context
        tracker = self.tracker(surface, probs0)
        ranked, _, complete = yield from importance(surface, tracker)
        if not complete:
            return tracker.failure(BUDGET_EXHAUSTED)

        def substitutes(ident: Ident, state: dict[Ident, str]) -> list[str]:
            return sample_names(
                vocabulary,
                self.n_substitutes,
                rng,
                lambda name: surface.can_use(ident, name, state),
            )

        outcome, _ = yield from greedy(
            surface, tracker, ranked[: self.max_identifiers], substitutes
        )
        if outcome is not None:
            return outcome
        return tracker.failure(
            f"no flip after substituting the {min(len(ranked), self.max_identifiers)} "
            "most important identifiers"
        )
