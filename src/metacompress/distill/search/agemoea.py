"""AGE-MOEA (Panichella, GECCO 2019) for pymoo, in plain numpy.

pymoo 0.6 ships AGE-MOEA, but its module needs numba at import time, which MetaCompress does
not depend on; this is the same algorithm written with numpy only, plugged into pymoo's
`GeneticAlgorithm` (mating, repair and duplicate elimination stay pymoo's).

Survival of N out of the pooled parents and offspring (objectives minimised):
1. Non-dominated sorting; whole fronts survive while they fit, the last one is cut.
2. The first front is translated so its ideal point (column minima) is the origin; its corner
   solutions (for each objective, the point nearest the axis) span a hyperplane whose axis
   intercepts normalise every objective (column maxima when the plane is degenerate).
3. The front's geometry is estimated as the L_p unit sphere through the point nearest the
   diagonal: p = ln(M) / ln(1 / mean(x)), at most 20 (p = 1 when undefined or at most 0.1).
4. Survival score, first front: corner solutions get +inf; then repeatedly, among the
   remaining points, the one whose two smallest L_p distances to the selected points (each
   divided by the point's L_p norm, its proximity to the ideal point) have the largest sum is
   selected and scored with that sum (diversity over proximity).
5. Survival score, later fronts: 1 / (L_p norm of the normalised point).
6. The last front keeps its highest-scoring points. `rank` and `crowding` (the score) feed the
   binary tournament of the next mating.
"""

from __future__ import annotations

import numpy as np

P_MIN, P_MAX = 0.1, 20.0


def _line_distance(points: np.ndarray, direction: np.ndarray) -> np.ndarray:
    """Squared distance of each point to the line through the origin along `direction`."""
    t = points @ direction / (direction @ direction)
    return np.sum((points - t[:, None] * direction) ** 2, axis=1)


def corner_solutions(front: np.ndarray) -> np.ndarray:
    """Index of the point nearest each objective axis (distinct points)."""
    m, n = front.shape
    if m <= n:
        return np.arange(m)
    chosen = np.zeros(m, dtype=bool)
    corners = np.zeros(n, dtype=int)
    for axis in range(n):
        direction = np.full(n, 1e-6)
        direction[axis] = 1.0 + 1e-6
        distance = _line_distance(front, direction)
        distance[chosen] = np.inf
        corners[axis] = int(np.argmin(distance))
        chosen[corners[axis]] = True
    return corners


def normalise(front: np.ndarray, corners: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Divide by the intercepts of the corners' hyperplane (column maxima as the fallback)."""
    n = front.shape[1]
    scale = np.max(front, axis=0)
    if len(np.unique(corners)) == n:
        try:
            plane = np.linalg.solve(front[corners], np.ones(n))
            if np.all(np.isfinite(plane)) and np.all(plane > 0):
                scale = 1.0 / plane
        except np.linalg.LinAlgError:
            pass
    scale = np.where((scale == 0) | ~np.isfinite(scale), 1.0, scale)
    return front / scale, scale


def estimate_p(front: np.ndarray, corners: np.ndarray) -> float:
    """The L_p norm whose unit sphere fits the normalised front (see the module docstring)."""
    n = front.shape[1]
    distance = _line_distance(front, np.ones(n))
    distance[corners] = np.inf
    centre = front[int(np.argmin(distance))]
    with np.errstate(divide="ignore", invalid="ignore"):
        p = np.log(n) / np.log(1.0 / np.mean(centre))
    if not np.isfinite(p) or p <= P_MIN:
        return 1.0
    return float(min(p, P_MAX))


def first_front_scores(front: np.ndarray) -> tuple[np.ndarray, float, np.ndarray]:
    """Scores of the first front, the estimated p and the normalisation scale."""
    m, n = front.shape
    scores = np.zeros(m)
    if m < n:
        return scores, 1.0, np.where(np.max(front, axis=0) == 0, 1.0, np.max(front, axis=0))
    corners = corner_solutions(front)
    front, scale = normalise(front, corners)
    scores[corners] = np.inf
    p = estimate_p(front, corners)
    norms = np.sum(np.abs(front) ** p, axis=1) ** (1.0 / p)
    norms[norms < 1e-8] = 1.0
    diff = np.abs(front[:, None, :] - front[None, :, :])
    distances = np.sum(diff**p, axis=2) ** (1.0 / p)
    distances[distances < 1e-8] = 1e-8
    distances = distances / norms[:, None]
    selected = np.zeros(m, dtype=bool)
    selected[corners] = True
    while not selected.all():
        remaining = np.flatnonzero(~selected)
        to_selected = distances[np.ix_(remaining, np.flatnonzero(selected))]
        k = min(2, to_selected.shape[1])
        diversity = np.sort(to_selected, axis=1)[:, :k].sum(axis=1)
        best = int(np.argmax(diversity))
        scores[remaining[best]] = diversity[best]
        selected[remaining[best]] = True
    return scores, p, scale


def agemoea_select(F: np.ndarray, n_survive: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Indices of the survivors, and every point's front rank and survival score."""
    from pymoo.util.nds.non_dominated_sorting import NonDominatedSorting

    fronts = NonDominatedSorting().do(F, n_stop_if_ranked=n_survive)
    rank = np.full(len(F), len(fronts), dtype=int)
    for i, front in enumerate(fronts):
        rank[front] = i
    score = np.zeros(len(F))
    ideal = F[fronts[0]].min(axis=0)
    score[fronts[0]], p, scale = first_front_scores(F[fronts[0]] - ideal)
    for front in fronts[1:]:
        points = (F[front] - ideal) / scale
        norm = np.sum(np.abs(points) ** p, axis=1) ** (1.0 / p)
        score[front] = 1.0 / np.maximum(norm, 1e-12)
    survivors: list[int] = []
    for front in fronts:
        if len(survivors) + len(front) <= n_survive:
            survivors.extend(int(i) for i in front)
            continue
        order = np.argsort(-score[front], kind="stable")
        survivors.extend(int(i) for i in front[order[: n_survive - len(survivors)]])
        break
    return np.array(survivors, dtype=int), rank, score


def make_algorithm(pop_size: int, sampling, crossover, mutation, repair):
    """A pymoo GeneticAlgorithm whose survival is AGE-MOEA's."""
    from pymoo.algorithms.base.genetic import GeneticAlgorithm
    from pymoo.algorithms.moo.nsga2 import binary_tournament
    from pymoo.core.survival import Survival
    from pymoo.operators.selection.tournament import TournamentSelection
    from pymoo.util.display.multi import MultiObjectiveOutput

    class AGEMOEASurvival(Survival):
        def __init__(self) -> None:
            super().__init__(filter_infeasible=True)

        def _do(self, problem, pop, *args, n_survive=None, **kwargs):
            keep, rank, score = agemoea_select(pop.get("F"), n_survive)
            pop.set("rank", rank)
            pop.set("crowding", score)
            return pop[keep]

    class AGEMOEA(GeneticAlgorithm):
        def __init__(self) -> None:
            super().__init__(
                pop_size=pop_size,
                sampling=sampling,
                selection=TournamentSelection(func_comp=binary_tournament),
                crossover=crossover,
                mutation=mutation,
                survival=AGEMOEASurvival(),
                repair=repair,
                eliminate_duplicates=True,
                output=MultiObjectiveOutput(),
                advance_after_initial_infill=True,
            )
            self.tournament_type = "comp_by_rank_and_crowding"

        def _set_optimum(self, **kwargs):
            from pymoo.util.misc import has_feasible

            if not has_feasible(self.pop):
                self.opt = self.pop[[np.argmin(self.pop.get("CV"))]]
            else:
                self.opt = self.pop[self.pop.get("rank") == 0]

    return AGEMOEA()
