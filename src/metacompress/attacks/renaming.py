"""Building blocks shared by the identifier-renaming attacks (MHM, ALERT, WIR-Random).

- `RenamingAttack`: prepares a `RenameSurface` per attacked example, and the data set's
  identifier vocabulary (`vocabulary_of`).
- `Tracker`: the best state a search has reached, and its success / failure outcomes.
- `ask`: one request to the engine; tells whether the budget cut it short.
- `importance`: identifiers ranked by importance, as in ALERT and WIR: the importance of an
  identifier is the drop of P(true label) when all its occurrences are replaced by a neutral
  placeholder name (ALERT masks each occurrence with `<unk>` and sums over occurrences; a
  placeholder identifier keeps every query a valid program, and one query per identifier
  replaces one per occurrence). Importance queries only measure: a placeholder that happens to
  flip the prediction is not reported as an adversarial example.
- `greedy`: ALERT's greedy substitution, used by ALERT and WIR-Random: identifiers in order of
  importance; for each, every substitute is tried on the current state; a flip is a success,
  otherwise the substitute with the largest drop of P(true label) is kept if the drop is > 0.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from metacompress.attacks.base import ERROR, FAILED, SUCCESS, Attack, flipped, true_prob
from metacompress.attacks.engine import Outcome, Request
from metacompress.attacks.identifiers import (
    Ident,
    RenameSurface,
    Rendered,
    identifier_vocabulary,
    padded_vocabulary,
)
from metacompress.data.types import Example

BUDGET_EXHAUSTED = "query budget exhausted"
RENAME_STEP = "rename"

Probe = Generator[Request, np.ndarray, Any]


def ask(request: Request) -> Probe:
    """Send `request`; returns (probs, complete) where complete is False when the budget cut
    the answer short (then only the first len(probs) inputs were answered)."""
    probs = yield request
    return probs, len(probs) == len(request)


@dataclass
class Tracker:
    """The best (lowest P(true label)) state a search has seen, and its outcomes."""

    surface: RenameSurface
    label: int
    p0: float
    best_p: float = 2.0
    best: Rendered | None = None
    best_probs: np.ndarray | None = None

    def observe(self, rendered: Rendered, row: np.ndarray) -> None:
        p = float(true_prob(row, self.label)[0])
        if p < self.best_p and p < self.p0:
            self.best_p, self.best, self.best_probs = p, rendered, np.asarray(row)

    def first_flip(self, candidates: Sequence[Rendered], probs: np.ndarray) -> Outcome | None:
        """Observe every answered candidate; the success outcome of the first that flips."""
        for rendered, row in zip(candidates, probs, strict=False):
            self.observe(rendered, row)
        hits = np.flatnonzero(flipped(probs, self.label))
        if len(hits):
            return self.outcome(SUCCESS, "", candidates[hits[0]], probs[hits[0]])
        return None

    def outcome(
        self, status: str, reason: str, rendered: Rendered | None, row: np.ndarray | None
    ) -> Outcome:
        if rendered is None:
            return Outcome(status, reason)
        return Outcome(
            status,
            reason,
            inputs=rendered.inputs,
            probs=None if row is None else np.asarray(row),
            edits=rendered.edits,
            steps=(RENAME_STEP,),
            renamings=rendered.renamings,
        )

    def failure(self, reason: str) -> Outcome:
        return self.outcome(FAILED, reason, self.best, self.best_probs)


def importance(
    surface: RenameSurface, tracker: Tracker, idents: Sequence[Ident] | None = None
) -> Probe:
    """`idents` (default: all of the surface's) sorted by importance, descending, ties in the
    order given. Returns (ranked identifiers, scores, complete)."""
    idents = surface.idents if idents is None else tuple(idents)
    placeholders = {side: surface.placeholder(side) for side in surface.parsed}
    probes: list[tuple[Ident, Rendered]] = []
    for ident in idents:
        rendered = surface.render({ident: placeholders[ident[0]]})
        if rendered is not None:
            probes.append((ident, rendered))
    if not probes:
        return list(idents), {}, True
    probs, complete = yield from ask([r.inputs for _, r in probes])
    scores = {
        ident: tracker.p0 - float(p)
        for (ident, _), p in zip(probes, true_prob(probs, tracker.label), strict=False)
    }
    ranked = sorted(scores, key=lambda ident: -scores[ident])
    ranked += [ident for ident in idents if ident not in scores]
    return ranked, scores, complete


SubstituteFn = Callable[[Ident, dict[Ident, str]], list[str]]


def greedy(
    surface: RenameSurface, tracker: Tracker, order: Sequence[Ident], substitutes: SubstituteFn
) -> Probe:
    """ALERT's greedy substitution (see the module docstring).

    Returns (outcome or None, state): an outcome when the search ended (success or budget),
    else None and the greedy state (identifier -> kept substitute)."""
    state: dict[Ident, str] = {}
    p_current = tracker.p0
    for ident in order:
        candidates: list[tuple[str, Rendered]] = []
        for name in substitutes(ident, state):
            if not surface.can_use(ident, name, state):
                continue
            rendered = surface.render({**state, ident: name})
            if rendered is not None:
                candidates.append((name, rendered))
        if not candidates:
            continue
        probs, complete = yield from ask([r.inputs for _, r in candidates])
        found = tracker.first_flip([r for _, r in candidates], probs)
        if found is not None:
            return found, state
        if not complete:
            return tracker.failure(BUDGET_EXHAUSTED), state
        p = true_prob(probs, tracker.label)
        best = int(np.argmin(p))
        if p_current - p[best] > 0:
            state[ident] = candidates[best][0]
            p_current = float(p[best])
    return None, state


def sample_names(
    vocabulary: Sequence[str],
    count: int,
    rng: random.Random,
    accept: Callable[[str], bool],
    attempts: int = 50,
) -> list[str]:
    """Up to `count` distinct names drawn uniformly from `vocabulary` that `accept` admits,
    giving up after `attempts * count` draws."""
    names: list[str] = []
    for _ in range(attempts * count):
        if len(names) >= count or not vocabulary:
            break
        name = vocabulary[rng.randrange(len(vocabulary))]
        if name not in names and accept(name):
            names.append(name)
    return names


@dataclass(frozen=True)
class RenamingAttack(Attack):
    """An attack whose states are identifier renamings of the original input."""

    def prepare(
        self, examples: Sequence[Example], lang: str, seed: int, corpus: Sequence[Example]
    ) -> list[Any]:
        return [self._surface(example, lang) for example in examples]

    def _surface(self, example: Example, lang: str) -> RenameSurface | str:
        """The example's surface, or why there is none (an input the code layer cannot analyse
        is recorded, never fatal to the run)."""
        try:
            return RenameSurface.build(example, lang, self.sides(example))
        except Exception as error:  # noqa: BLE001 - one bad input must not end the run
            return f"{ERROR}: {type(error).__name__}: {error}"

    def tracker(self, surface: RenameSurface, probs0: np.ndarray) -> Tracker:
        label = int(surface.example.label)  # type: ignore[arg-type]
        return Tracker(surface, label, float(true_prob(probs0, label)[0]))


def vocabulary_of(corpus: Sequence[Example], lang: str, minimum: int, seed: int) -> list[str]:
    """The data set's identifier vocabulary, padded to at least `minimum` names."""
    return padded_vocabulary(identifier_vocabulary(corpus, lang), lang, minimum, seed)
