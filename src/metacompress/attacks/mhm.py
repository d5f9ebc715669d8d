"""MHM: Metropolis-Hastings sampling over identifier renamings (Zhang et al., AAAI 2020).

One iteration, as in the authors' code (`MHM.mcmc`, `_replaceUID` in "random" mode):
1. pick an identifier uniformly at random;
2. draw `n_candidates` names uniformly without replacement from the data set's identifier
   vocabulary, dropping those that are not valid new names for the input (in use, reserved,
   or already given to another identifier);
3. query the current state and every candidate renaming (the current state is the memo's);
4. if a candidate flips the prediction, the attack succeeds with the first such candidate;
5. else the candidate with the lowest P(true label) is proposed, with acceptance ratio on the
   objective 1 - P(true label):
       alpha = (1 - p_candidate + 1e-10) / (1 - p_current + 1e-10),
   and it is rejected when u > alpha (u ~ U(0, 1)) or alpha < `acceptance_threshold`, accepted
   (the identifier takes the candidate's name) otherwise.
Defaults are the published ones: n_candi = 30, max_iter = 100, prob_threshold = 0.95. The run
stops at the first success, after `max_iterations`, or when the query budget is spent.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from metacompress.attacks.base import attack, true_prob
from metacompress.attacks.engine import Search
from metacompress.attacks.identifiers import Ident, RenameSurface, Rendered
from metacompress.attacks.renaming import BUDGET_EXHAUSTED, RenamingAttack, ask, vocabulary_of
from metacompress.data.types import Example
from metacompress.registry import check_range

EPSILON = 1e-10


@attack("mhm", "Metropolis-Hastings sampling over identifier renamings (Zhang et al., AAAI 2020)")
@dataclass(frozen=True)
class MHM(RenamingAttack):
    """MHM with the published defaults (see the module docstring)."""

    n_candidates: int = 30
    max_iterations: int = 100
    acceptance_threshold: float = 0.95

    def __post_init__(self) -> None:
        super().__post_init__()
        check_range("n_candidates", self.n_candidates, 1)
        check_range("max_iterations", self.max_iterations, 1)
        check_range("acceptance_threshold", self.acceptance_threshold, 0.0, 1.0)

    def prepare(
        self, examples: Sequence[Example], lang: str, seed: int, corpus: Sequence[Example]
    ) -> list[Any]:
        surfaces = super().prepare(examples, lang, seed, corpus)
        if not any(isinstance(s, RenameSurface) for s in surfaces):
            return surfaces
        vocabulary = vocabulary_of(corpus, lang, self.n_candidates * 2, seed)
        return [s if isinstance(s, str) else (s, vocabulary) for s in surfaces]

    def search(self, context: Any, probs0: np.ndarray, rng: random.Random) -> Search:
        surface, vocabulary = context
        tracker = self.tracker(surface, probs0)
        state: dict[Ident, str] = {}
        current: Rendered | None = None
        p_current = tracker.p0
        for _ in range(self.max_iterations):
            ident = surface.idents[rng.randrange(len(surface.idents))]
            pool = rng.sample(vocabulary, min(self.n_candidates, len(vocabulary)))
            names = [name for name in pool if surface.can_use(ident, name, state)]
            candidates: list[tuple[str, Rendered]] = []
            for name in names:
                rendered = surface.render({**state, ident: name})
                if rendered is not None:
                    candidates.append((name, rendered))
            if not candidates:
                continue
            base = surface.inputs if current is None else current.inputs
            probs, complete = yield from ask([base] + [r.inputs for _, r in candidates])
            answered = probs[1:]
            found = tracker.first_flip([r for _, r in candidates], answered)
            if found is not None:
                return found
            if not complete:
                return tracker.failure(BUDGET_EXHAUSTED)
            p = true_prob(answered, tracker.label)
            best = int(np.argmin(p))
            alpha = (1.0 - p[best] + EPSILON) / (1.0 - p_current + EPSILON)
            if rng.uniform(0.0, 1.0) > alpha or alpha < self.acceptance_threshold:
                continue
            state[ident] = candidates[best][0]
            current, p_current = candidates[best][1], float(p[best])
        return tracker.failure(f"no flip in {self.max_iterations} iterations")
