"""The bookkeeping every deviation search shares: what it asked, and how it asks.

- `gap(row, c)`: |T[c] - S[c]|, the distance between the two models' probabilities of the
  teacher's label c on one pair answer; `deviates(row)`: whether the two argmax differ;
- `Walk`: the inputs a search has asked about (each is asked once), how many draws in a row
  made nothing new (a search gives up after `stall`), and the asked input with the largest gap,
  which a search that found nothing reports;
- `ask`: one question to the pair engine, ending the search when the budget is spent or the
  answer is a triggering input.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING

import numpy as np

from metacompress.attacks.base import FAILED, SUCCESS
from metacompress.attacks.deviation.pair import split
from metacompress.attacks.deviation.space import State
from metacompress.attacks.engine import Outcome, Request
from metacompress.hashing import input_key

if TYPE_CHECKING:
    from metacompress.attacks.deviation.base import Context, DeviationSearch

BUDGET_EXHAUSTED = "query budget exhausted"


class Walk:
    """What a search has asked about: the inputs (each asked once), how many draws in a row
    made nothing new, and the asked input with the largest gap (reported if nothing is found)."""

    def __init__(self, context: Context, stall: int) -> None:
        self.context = context
        self.asked = {input_key(context.example.inputs)}
        self.stall = stall
        self.idle = 0
        self.best: tuple[float, State, np.ndarray] | None = None

    def admit(self, state: State | None) -> bool:
        """Whether `state` is an input not asked about yet (then it counts as asked)."""
        key = None if state is None else input_key(state.inputs)
        if key is None or key in self.asked:
            self.idle += 1
            return False
        self.idle = 0
        self.asked.add(key)
        return True

    @property
    def stalled(self) -> bool:
        return self.idle >= self.stall

    def observe(self, state: State, row: np.ndarray) -> None:
        """Record the pair's answer on `state`."""
        value = gap(row, self.context.label)[0]
        if self.best is None or value > self.best[0]:
            self.best = (value, state, np.asarray(row))

    def failure(self, search: DeviationSearch, reason: str) -> Outcome:
        """The failed outcome, reporting the asked input with the largest gap."""
        if self.best is None:
            return Outcome(FAILED, reason)
        _, state, row = self.best
        return search.outcome(self.context, FAILED, reason, state, row)


Asked = Generator[Request, np.ndarray, tuple[Outcome | None, np.ndarray | None]]


def ask(search: DeviationSearch, walk: Walk, state: State) -> Asked:
    """Ask the pair about `state`: (the search's outcome, None) when the budget is spent or
    `state` is a triggering input, else (None, the pair's answer)."""
    rows = yield [state.inputs]
    if len(rows) == 0:
        return walk.failure(search, BUDGET_EXHAUSTED), None
    if deviates(rows[0]):
        return search.outcome(walk.context, SUCCESS, "", state, rows[0]), None
    walk.observe(state, rows[0])
    return None, rows[0]


def gap(row: np.ndarray, label: int) -> tuple[float, float, float]:
    """(|T[c] - S[c]|, T[c], S[c]) of one pair answer, c = `label`."""
    teacher, student = split(row)
    t, s = float(teacher[0, label]), float(student[0, label])
    return abs(t - s), t, s


def deviates(row: np.ndarray) -> bool:
    """Whether the two models' argmax differ on one pair answer."""
    teacher, student = split(row)
    return int(np.argmax(teacher[0])) != int(np.argmax(student[0]))
