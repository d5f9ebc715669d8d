"""`deviation`: DFlare's search (Tian et al., TOSEM 2023) over code transformations.

DFlare finds inputs on which a compressed model departs from its original. Here the mutation
operators are the search space's (`space.Space`: catalogue transformations and identifier
renamings) and the two models are the teacher T and the student S; c is T's label on the
source x0, where T and S agree. One iteration:

1. *Operator choice by Metropolis-Hastings.* Operators are ranked by their success rate (the
   share of their uses whose mutant became the current input; Beta(1, 1)-smoothed,
   (accepted + 1) / (used + 2), so an untried operator ranks between a useful and a useless
   one); equal rates share a rank (rank = 1 + the number of operators with a higher rate).
   The target distribution is geometric over the ranks, P(m) = p (1 - p)^(rank(m) - 1). From
   the previous operator m1 a proposal m2 is drawn uniformly and accepted with probability
   min(1, P(m2) / P(m1)) = min(1, (1 - p)^(rank(m2) - rank(m1))); as in DFlare, proposals
   are drawn until one is accepted, so the next operator is m2 with probability
   proportional to that acceptance probability.
2. *Mutation.* m is applied to the current input x (a step from x, so mutations accumulate).
   An operator that does not apply, or whose mutant was scored before, counts as a use
   without success and costs no query.
3. *Query.* The mutant x' is scored by both models (one query). If argmax T(x') != argmax
   S(x'), x' is a triggering input and the search ends.
4. *Fitness and selection.*

       fitness(x') = |T(x')[c] - S(x')[c]| + novelty * [ (b(T(x')[c]), b(S(x')[c])) unseen ]

   where b(q) = min(floor(q * bins), bins - 1) discretises a probability and the set of seen
   pairs of discretised probability vectors starts with the source's. If fitness(x') >=
   fitness(x), x' becomes the current input and the operator's use counts as a success. The
   current input's pair has been seen, so fitness(x) is its gap: a mutant with an unseen pair
   is always taken, another when its gap is no smaller (so the search also drifts across
   plateaus where the outputs do not move).

The search ends at the first triggering input, when the budget is spent, after
`max_iterations` iterations, or when `stall` iterations in a row asked nothing new (no
operator made an unseen input). Defaults are ours (DFlare's operators are image mutations):
p = 0.1, novelty 1, 10 bins.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import numpy as np

from metacompress.attacks.deviation.base import Context, DeviationSearch, search
from metacompress.attacks.deviation.space import State
from metacompress.attacks.deviation.walk import Walk, ask, gap
from metacompress.attacks.engine import Search
from metacompress.registry import check_range


def ranks(rates: dict[str, float]) -> dict[str, int]:
    """Rank of each operator by rate, highest first; equal rates share a rank."""
    return {op: 1 + sum(other > rate for other in rates.values()) for op, rate in rates.items()}


@dataclass
class Novelty:
    """The pairs of discretised probabilities of the teacher's label seen so far."""

    bins: int
    seen: set[tuple[int, int]]

    def bucket(self, q: float) -> int:
        return min(int(q * self.bins), self.bins - 1)

    def observe(self, teacher_q: float, student_q: float) -> bool:
        """Record the pair; whether it was unseen."""
        key = (self.bucket(teacher_q), self.bucket(student_q))
        if key in self.seen:
            return False
        self.seen.add(key)
        return True


@search(
    "deviation",
    "DFlare (TOSEM 2023): Metropolis-Hastings over transformations and renamings, fitness on "
    "the teacher-student gap and unseen output pairs; finds inputs where they disagree",
)
@dataclass(frozen=True)
class DFlare(DeviationSearch):
    """DFlare's search over code transformations (see the module docstring)."""

    p: float = 0.1
    novelty: float = 1.0
    bins: int = 10

    def __post_init__(self) -> None:
        super().__post_init__()
        check_range("p", self.p, 1e-6, 1.0 - 1e-6)
        check_range("novelty", self.novelty, 0.0)
        check_range("bins", self.bins, 1)

    def select(
        self, previous: str, used: dict[str, int], accepted: dict[str, int], rng: random.Random
    ) -> str:
        """The next operator by Metropolis-Hastings over the success-rate ranks."""
        rank = ranks({op: (accepted[op] + 1) / (used[op] + 2) for op in used})
        operators = list(used)
        while True:
            proposal = operators[rng.randrange(len(operators))]
            if rng.random() < (1.0 - self.p) ** (rank[proposal] - rank[previous]):
                return proposal

    def search(self, context: Context, row0: np.ndarray, rng: random.Random) -> Search:
        space, label = context.space, context.label
        novelty = Novelty(self.bins, set())
        current = State(context.example.inputs)
        current_gap, t0, s0 = gap(row0, label)
        novelty.observe(t0, s0)
        used = dict.fromkeys(space.operators, 0)
        accepted = dict.fromkeys(space.operators, 0)
        operator = space.operators[rng.randrange(len(space.operators))]
        walk = Walk(context, self.stall)
        for _ in range(self.max_iterations):
            operator = self.select(operator, used, accepted, rng)
            child = space.mutate(current, operator, rng)
            used[operator] += 1
            if not walk.admit(child):
                if walk.stalled:
                    return walk.failure(self, f"no new variant in {self.stall} iterations")
                continue
            outcome, row = yield from ask(self, walk, child)
            if outcome is not None:
                return outcome
            value, t, s = gap(row, label)
            if value + (self.novelty if novelty.observe(t, s) else 0.0) >= current_gap:
                current, current_gap = child, value
                accepted[operator] += 1
        return walk.failure(self, f"no deviation in {self.max_iterations} iterations")
