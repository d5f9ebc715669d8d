"""AVATAR's multi-objective genetic search (Shi et al., ICSE-SEIS 2024; `MOO.py` of its package).

Objectives, all minimised: |size - target| in MB, -predicted accuracy, GFLOPs.
1. The initial population is built by adaptive random testing: starting from one random
   configuration, each next member is, of `population` fresh random candidates, the one
   farthest (Euclidean, on coordinates scaled to [0, 1]) from its nearest chosen member.
2. Each generation replaces the population by offspring: parents come from tournaments of
   `tournament` random members (the winner is a member that Pareto-dominates another one of
   the tournament, else the first drawn); with probability 0.6 a single-point crossover mixes
   two parents (the package uses a partially-mapped crossover, which is meant for
   permutations; a cut-and-swap keeps every gene inside its own domain); each gene is then
   redrawn uniformly with probability 0.1 (boundary-random mutation); offspring are repaired.
3. An archive keeps every non-dominated configuration ever evaluated; it is the Pareto front.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from metacompress.distill.search.space import SearchSpace
from metacompress.progress import progress


def dominates(a: np.ndarray, b: np.ndarray) -> bool:
    """a Pareto-dominates b (minimisation): no worse in every objective, better in one."""
    return bool(np.all(a <= b) and np.any(a < b))


def adaptive_random_population(
    space: SearchSpace, size: int, rng: np.random.Generator
) -> np.ndarray:
    """`size` configurations spread by adaptive random testing (see the module docstring)."""
    span = np.where(space.upper > space.lower, space.upper - space.lower, 1.0)
    chosen = [space.sample(rng, 1)[0]]
    while len(chosen) < size:
        candidates = space.sample(rng, size)
        scaled = (np.array(chosen) - space.lower) / span
        distances = [
            np.min(np.linalg.norm(scaled - (c - space.lower) / span, axis=1)) for c in candidates
        ]
        chosen.append(candidates[int(np.argmax(distances))])
    return np.array(chosen)


@dataclass
class MOGAResult:
    """The archive (Pareto front) and every evaluation, in order."""

    front_x: np.ndarray
    front_f: np.ndarray
    evaluated_x: list[np.ndarray]
    evaluated_f: list[np.ndarray]
    generation: list[int]


def run_moga(
    space: SearchSpace,
    objectives: Callable[[np.ndarray], np.ndarray],
    initial: np.ndarray,
    generations: int,
    rng: np.random.Generator,
    tournament: int = 10,
    cross_chance: float = 0.6,
    mutation_rate: float = 0.1,
) -> MOGAResult:
    """Run the search from `initial`; `objectives(X)` returns an (n, m) array to minimise."""
    population = np.array([space.repair(x) for x in initial])
    size = len(population)
    evaluated_x: list[np.ndarray] = []
    evaluated_f: list[np.ndarray] = []
    generation_of: list[int] = []
    archive_x: list[np.ndarray] = []
    archive_f: list[np.ndarray] = []

    def evaluate(xs: np.ndarray, generation: int) -> np.ndarray:
        fs = np.asarray(objectives(xs), dtype=float)
        for x, f in zip(xs, fs, strict=True):
            evaluated_x.append(x)
            evaluated_f.append(f)
            generation_of.append(generation)
            if any(
                dominates(a, f) or (np.array_equal(ax, x))
                for ax, a in zip(archive_x, archive_f, strict=True)
            ):
                continue
            keep = [k for k, a in enumerate(archive_f) if not dominates(f, a)]
            archive_x[:] = [archive_x[k] for k in keep] + [x]
            archive_f[:] = [archive_f[k] for k in keep] + [f]
        return fs

    scores = evaluate(population, 0)
    n = len(space.genes)
    for generation in progress(range(1, generations + 1), desc="multi-objective search"):
        children: list[np.ndarray] = []
        while len(children) < size:
            a = _tournament(population, scores, tournament, rng)
            b = _tournament(population, scores, tournament, rng)
            if rng.random() <= cross_chance and n > 1:
                cut = int(rng.integers(1, n))
                a, b = np.concatenate([a[:cut], b[cut:]]), np.concatenate([b[:cut], a[cut:]])
            children += [
                _mutate(space, a, mutation_rate, rng),
                _mutate(space, b, mutation_rate, rng),
            ]
        population = np.array(children[:size])
        scores = evaluate(population, generation)
    return MOGAResult(
        np.array(archive_x), np.array(archive_f), evaluated_x, evaluated_f, generation_of
    )


def _tournament(
    population: np.ndarray, scores: np.ndarray, size: int, rng: np.random.Generator
) -> np.ndarray:
    drawn = rng.integers(len(population), size=min(size, len(population)))
    best = drawn[0]
    for i in drawn:
        if any(dominates(scores[i], scores[j]) for j in drawn):
            best = i
    return population[best].copy()


def _mutate(space: SearchSpace, x: np.ndarray, rate: float, rng: np.random.Generator) -> np.ndarray:
    out = x.copy()
    for j, gene in enumerate(space.genes):
        if rng.random() < rate:
            out[j] = gene.sample(rng)
    return space.repair(out)
