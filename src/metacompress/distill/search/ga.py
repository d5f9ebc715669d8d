"""Compressor's genetic algorithm (Shi et al., ASE 2022; `searcher.py` of its replication package).

A genome holds one grid value per gene. One run:
1. the initial population is `population` random genomes, duplicates re-mutated;
2. each generation draws two parents uniformly at random from the population until
   `population` children exist: with probability `cross_chance` (0.6) a single-point crossover
   swaps the genes after a random cut (cut in 1..n-1), otherwise both parents are copied and
   mutated; mutation picks a random locus and redraws every gene from it to the end with a
   different grid value;
3. children that duplicate a member are re-mutated; parents and children are pooled, ranked by
   fitness, and the best `population` survive (elitist truncation).
The best genome over `restarts` independent runs is returned (the package runs 10).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from metacompress.distill.search.space import SearchSpace
from metacompress.progress import progress

MAX_DEDUP_TRIES = 50


@dataclass
class GAResult:
    """Every distinct genome evaluated, with its fitness, and where it was first seen."""

    genomes: list[tuple[float, ...]]
    fitness: list[float]
    first_seen: list[tuple[int, int]]
    best_per_generation: list[tuple[int, int, float]]


def _mutate(space: SearchSpace, genome: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    out = genome.copy()
    locus = int(rng.integers(len(space.genes)))
    for j in range(locus, len(space.genes)):
        gene = space.genes[j]
        if gene.size > 1:
            k_now = int(round((out[j] - gene.low) / gene.step))
            k = int(rng.integers(gene.size - 1))
            out[j] = gene.low + (k if k < k_now else k + 1) * gene.step
    return space.repair(out)


def _unique(
    space: SearchSpace, genome: np.ndarray, seen: set[tuple], rng: np.random.Generator
) -> np.ndarray:
    for _ in range(MAX_DEDUP_TRIES):
        if tuple(genome) not in seen:
            break
        genome = _mutate(space, genome, rng)
    return genome


def run_ga(
    space: SearchSpace,
    fitness: Callable[[np.ndarray], float],
    population: int,
    generations: int,
    rng: np.random.Generator,
    restarts: int = 1,
    cross_chance: float = 0.6,
) -> GAResult:
    """Maximise `fitness` over `space` (see the module docstring)."""
    cache: dict[tuple, float] = {}
    first_seen: dict[tuple, tuple[int, int]] = {}
    best: list[tuple[int, int, float]] = []

    def score(genome: np.ndarray, restart: int, generation: int) -> float:
        key = tuple(genome)
        if key not in cache:
            cache[key] = float(fitness(genome))
            first_seen[key] = (restart, generation)
        return cache[key]

    n = len(space.genes)
    for restart in progress(range(restarts), desc="genetic search", total=restarts):
        members: list[np.ndarray] = []
        for genome in space.sample(rng, population):
            members.append(_unique(space, genome, {tuple(m) for m in members}, rng))
        for generation in range(generations):
            children: list[np.ndarray] = []
            while len(children) < population:
                i, j = rng.choice(len(members), size=2, replace=False)
                a, b = members[i], members[j]
                if rng.random() < cross_chance and n > 1:
                    cut = int(rng.integers(1, n))
                    children += [
                        space.repair(np.concatenate([a[:cut], b[cut:]])),
                        space.repair(np.concatenate([b[:cut], a[cut:]])),
                    ]
                else:
                    children += [_mutate(space, a, rng), _mutate(space, b, rng)]
            taken = {tuple(m) for m in members}
            for child in children:
                child = _unique(space, child, taken, rng)
                taken.add(tuple(child))
                members.append(child)
            scores = [score(m, restart, generation) for m in members]
            order = np.argsort(-np.asarray(scores), kind="stable")[:population]
            members = [members[k] for k in order]
            best.append((restart, generation, scores[order[0]]))
    keys = list(cache)
    return GAResult(
        genomes=keys,
        fitness=[cache[k] for k in keys],
        first_seen=[first_seen[k] for k in keys],
        best_per_generation=best,
    )
