"""ALERT: naturalness-aware identifier substitution (Yang et al., ICSE 2022).

1. Substitutes: for every renamable identifier, natural substitutes from a masked language
   model (`metacompress.attacks.substitutes.MLMSubstitutes`: top-`top_k` = 60 predictions per
   occurrence, ranked by contextual cosine similarity, the most similar half kept), filtered to
   valid unused identifiers, at most `n_substitutes` = 30 per identifier, most similar first.
2. Greedy (ALERT's "greedy attack"): identifiers with substitutes, ranked by importance
   (`renaming.importance`); each in turn, every substitute is tried on the current state; a
   flip is a success; otherwise the substitute with the largest drop of P(true label) is kept
   if the drop is positive (`renaming.greedy`).
3. Genetic algorithm when greedy fails (ALERT's "GA attack", seeded with greedy's choices):
   a chromosome assigns each identifier its original name or one of its substitutes. The
   initial population is the identity plus, per identifier, the identity with that
   identifier set to greedy's choice. Fitness = P0(true label) - P(true label). Each
   generation breeds `ga_children` (ALERT: eval_batch_size = 64) children: two parents
   uniformly at random; with probability `crossover_probability` (0.7) one-point crossover
   (child = first r genes of parent 2 + the rest of parent 1, r uniform), mutating parent 1
   instead when the parents are equal or the child equals a parent; otherwise mutation (one
   uniformly chosen gene set to a uniformly chosen substitute). A child that flips the
   prediction is a success; otherwise each child replaces the least fit member when it is
   fitter. Generations: max(`generations_factor` * population size, `min_generations`) =
   max(5 * |population|, 10) as in the authors' code. Children that would give two
   identifiers of one input the same name are invalid and not queried.

The masked LM (`mlm`) is any Hugging Face MLM folder (AutoModelForMaskedLM + AutoTokenizer),
or a teacher folder from `train-teacher` holding one in `mlm/`.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from metacompress.attacks.base import FAILED, attack, true_prob
from metacompress.attacks.engine import Outcome, Search
from metacompress.attacks.identifiers import Ident, RenameSurface, Rendered
from metacompress.attacks.renaming import (
    BUDGET_EXHAUSTED,
    Probe,
    RenamingAttack,
    Tracker,
    ask,
    greedy,
    importance,
)
from metacompress.attacks.substitutes import MLMSubstitutes, SubstituteRequest
from metacompress.data.types import Example
from metacompress.errors import ConfigError
from metacompress.registry import check_range

NO_SUBSTITUTES = "no valid substitutes from the masked language model"

Chromosome = tuple[str, ...]


@attack("alert", "Naturalness-aware substitutes from a masked LM, greedy then GA (ALERT)")
@dataclass(frozen=True)
class ALERT(RenamingAttack):
    """ALERT with the published defaults (see the module docstring)."""

    mlm: str | None = None
    top_k: int = 60
    n_substitutes: int = 30
    bpe_width: int = 4
    mlm_batch_size: int = 16
    mlm_max_length: int = 512
    context_window: int = 0
    device: str = "cpu"
    ga_children: int = 64
    crossover_probability: float = 0.7
    generations_factor: int = 5
    min_generations: int = 10

    def __post_init__(self) -> None:
        super().__post_init__()
        check_range("top_k", self.top_k, 1)
        check_range("n_substitutes", self.n_substitutes, 1)
        check_range("bpe_width", self.bpe_width, 1)
        check_range("mlm_batch_size", self.mlm_batch_size, 1)
        check_range("mlm_max_length", self.mlm_max_length, 8)
        check_range("context_window", self.context_window, 0)
        check_range("ga_children", self.ga_children, 1)
        check_range("crossover_probability", self.crossover_probability, 0.0, 1.0)
        check_range("generations_factor", self.generations_factor, 0)
        check_range("min_generations", self.min_generations, 0)

    def generator(self) -> MLMSubstitutes:
        if self.mlm is None:
            raise ConfigError(
                "alert needs a masked language model: pass mlm=PATH (a Hugging Face MLM folder, "
                "or a teacher folder from train-teacher, which keeps one in mlm/)"
            )
        return _generator(
            self.mlm,
            self.top_k,
            self.top_k // 2,
            self.bpe_width,
            self.mlm_batch_size,
            self.mlm_max_length,
            self.context_window,
            self.device,
        )

    def prepare(
        self, examples: Sequence[Example], lang: str, seed: int, corpus: Sequence[Example]
    ) -> list[Any]:
        surfaces = super().prepare(examples, lang, seed, corpus)
        jobs = [
            (i, side)
            for i, s in enumerate(surfaces)
            if isinstance(s, RenameSurface)
            for side in s.parsed
        ]
        if not jobs:
            return surfaces
        requests = []
        for i, side in jobs:
            surface = surfaces[i]
            spans = {
                name: surface.occurrences[(s, name)] for s, name in surface.idents if s == side
            }
            requests.append(SubstituteRequest(surface.inputs[side], spans))
        generated = self.generator().generate(requests)
        substitutes: list[dict[Ident, list[str]]] = [{} for _ in surfaces]
        for (i, side), per_name in zip(jobs, generated, strict=True):
            surface = surfaces[i]
            for name, names in per_name.items():
                valid = [n for n in names if n != name and surface.is_new_name(side, n)]
                if valid:
                    substitutes[i][(side, name)] = valid[: self.n_substitutes]
        return [
            s if isinstance(s, str) else (s, subs)
            for s, subs in zip(surfaces, substitutes, strict=True)
        ]

    def search(self, context: Any, probs0: np.ndarray, rng: random.Random) -> Search:
        surface, substitutes = context
        tracker = self.tracker(surface, probs0)
        if not substitutes:
            return Outcome(FAILED, NO_SUBSTITUTES)
        ranked, _, complete = yield from importance(surface, tracker, sorted(substitutes))
        if not complete:
            return tracker.failure(BUDGET_EXHAUSTED)
        outcome, state = yield from greedy(
            surface, tracker, ranked, lambda ident, _state: substitutes[ident]
        )
        if outcome is not None:
            return outcome
        return (yield from self._genetic(surface, tracker, substitutes, state, rng))

    def _genetic(
        self,
        surface: RenameSurface,
        tracker: Tracker,
        substitutes: dict[Ident, list[str]],
        initial: dict[Ident, str],
        rng: random.Random,
    ) -> Probe:
        keys = sorted(substitutes)
        identity: Chromosome = tuple(name for _, name in keys)
        seeded = [
            identity[:g] + (initial.get(key, key[1]),) + identity[g + 1 :]
            for g, key in enumerate(keys)
        ]
        scored = yield from self._evaluate(surface, tracker, keys, seeded)
        if isinstance(scored, Outcome):
            return scored
        population = [identity] + [c for c, _ in scored]
        fitness = [0.0] + [f for _, f in scored]
        generations = max(self.generations_factor * len(population), self.min_generations)
        for _ in range(generations):
            children = [
                self._child(population, keys, substitutes, rng) for _ in range(self.ga_children)
            ]
            scored = yield from self._evaluate(surface, tracker, keys, children)
            if isinstance(scored, Outcome):
                return scored
            for child, value in scored:
                weakest = int(np.argmin(fitness))
                if value > fitness[weakest]:
                    population[weakest], fitness[weakest] = child, value
        return tracker.failure(
            f"no flip after greedy substitution and {generations} GA generations"
        )

    def _child(
        self,
        population: list[Chromosome],
        keys: list[Ident],
        substitutes: dict[Ident, list[str]],
        rng: random.Random,
    ) -> Chromosome:
        p = rng.random()
        first = population[rng.randrange(len(population))]
        second = population[rng.randrange(len(population))]
        if p < self.crossover_probability and first != second:
            cut = rng.randrange(len(keys))
            child = second[:cut] + first[cut:]
            if child not in (first, second):
                return child
        gene = rng.randrange(len(keys))
        options = substitutes[keys[gene]]
        return first[:gene] + (options[rng.randrange(len(options))],) + first[gene + 1 :]

    def _evaluate(
        self,
        surface: RenameSurface,
        tracker: Tracker,
        keys: list[Ident],
        chromosomes: list[Chromosome],
    ) -> Probe:
        """Query the valid chromosomes; an Outcome on a flip or when the budget ran out, else
        [(chromosome, fitness)]."""
        valid: list[tuple[Chromosome, Rendered]] = []
        for chromosome in chromosomes:
            rendered = surface.render(dict(zip(keys, chromosome, strict=True)))
            if rendered is not None:
                valid.append((chromosome, rendered))
        if not valid:
            return []
        probs, complete = yield from ask([r.inputs for _, r in valid])
        found = tracker.first_flip([r for _, r in valid], probs)
        if found is not None:
            return found
        if not complete:
            return tracker.failure(BUDGET_EXHAUSTED)
        p = true_prob(probs, tracker.label)
        return [(c, tracker.p0 - float(q)) for (c, _), q in zip(valid, p, strict=True)]


_GENERATORS: dict[tuple, MLMSubstitutes] = {}


def _generator(spec: str, *params: Any) -> MLMSubstitutes:
    """One substitute generator (and its memo) per MLM and settings, shared by runs, so the
    teacher and the student are attacked with the same substitutes computed once."""
    key = (spec, *params)
    if key not in _GENERATORS:
        top_k, keep, bpe_width, batch_size, max_length, window, device = params
        _GENERATORS[key] = MLMSubstitutes(
            spec,
            top_k=top_k,
            keep=keep,
            bpe_width=bpe_width,
            batch_size=batch_size,
            max_length=max_length,
            context_window=window,
            device=device,
        )
    return _GENERATORS[key]
