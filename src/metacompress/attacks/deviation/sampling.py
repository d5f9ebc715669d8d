"""`deviation-random`: random sampling from the deviation search's space (the baseline).

The same space as `deviation` (`space.Space`), the same budget and the same success rule, with
no guidance. Each query is one variant drawn as follows:
- `walk=False` (default, independent samples): draw a length L uniformly from
  1..`max_steps`, then apply L operators to the source, each drawn uniformly among the
  operators and redrawn (up to `ATTEMPTS` times per step) when it does not apply;
- `walk=True` (a random walk): one uniformly drawn operator applied to the previous variant
  (the source at first); every mutant is kept, whatever the models say.
A variant already scored is not asked again (no query). The search ends at the first input on
which the two models' argmax differ, when the budget is spent, after `max_iterations` draws,
or when `stall` draws in a row made nothing new.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import numpy as np

from metacompress.attacks.deviation.base import Context, DeviationSearch, search
from metacompress.attacks.deviation.space import Space, State
from metacompress.attacks.deviation.walk import Walk, ask
from metacompress.attacks.engine import Search
from metacompress.registry import check_choice, check_range

#: Operators drawn for one step before the step is given up.
ATTEMPTS = 20


def random_step(space: Space, state: State, rng: random.Random) -> State | None:
    """`state` mutated by a uniformly drawn operator that applies, or None."""
    for _ in range(ATTEMPTS):
        operator = space.operators[rng.randrange(len(space.operators))]
        child = space.mutate(state, operator, rng)
        if child is not None:
            return child
    return None


@search("deviation-random", "Random sampling from the deviation search's space (the baseline)")
@dataclass(frozen=True)
class RandomDeviation(DeviationSearch):
    """The random baseline (see the module docstring)."""

    max_steps: int = 8
    walk: bool = False

    def __post_init__(self) -> None:
        super().__post_init__()
        check_range("max_steps", self.max_steps, 1)
        check_choice("walk", self.walk, (True, False))

    def draw(self, space: Space, root: State, previous: State, rng: random.Random) -> State | None:
        """The next variant to ask about, or None when the draw made none."""
        if self.walk:
            return random_step(space, previous, rng)
        state = root
        for _ in range(rng.randint(1, self.max_steps)):
            child = random_step(space, state, rng)
            if child is None:
                break
            state = child
        return None if state is root else state

    def search(self, context: Context, row0: np.ndarray, rng: random.Random) -> Search:
        root = previous = State(context.example.inputs)
        walk = Walk(context, self.stall)
        for _ in range(self.max_iterations):
            child = self.draw(context.space, root, previous, rng)
            previous = previous if child is None else child
            if not walk.admit(child):
                if walk.stalled:
                    return walk.failure(self, f"no new variant in {self.stall} draws")
                continue
            outcome, _ = yield from ask(self, walk, child)
            if outcome is not None:
                return outcome
        return walk.failure(self, f"no deviation in {self.max_iterations} draws")
