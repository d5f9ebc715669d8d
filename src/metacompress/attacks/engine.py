"""The query engine: many step-wise searches, one pooled model call per round, one memo per run.

A search is a generator. Each time it needs the victim's opinion it yields a *request*, a list
of input tuples, and receives the victim's probabilities for them (an (m, 2) array); when it is
done it returns an `Outcome`. The engine drives many searches at once:

    round:  every active search has one pending request
            -> the requests of all active searches are pooled
            -> inputs already in the run's memo are answered from it
            -> the remaining unique inputs are sorted by length and sent to the victim in
               batches of `batch_size` (so batches stay full and padding stays small)
            -> every search receives its answer and advances to its next request

Budgets count *unique queries per example*, as the literature counts model queries: the first
time an example asks about an input it pays one query; asking again about the same input is
free for that example. The count does not depend on the memo or on the other examples, so a
search makes the same decisions whether it runs alone without a cache or pooled with a memo.
When a request would exceed the budget, the search receives the answers for the longest prefix
that fits (m < len(request)) and must return after processing them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Generator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from metacompress.models.base import Classifier

Inputs = tuple[str, ...]
Request = list[Inputs]


@dataclass(frozen=True)
class Outcome:
    """What a search found: `status` "success" or "failed", the final inputs and their probs.

    `inputs` is the adversarial input on success and the best input reached on failure (None
    when the search changed nothing). `edits` holds one tuple of edits per input, relative to
    the original input; `renamings` lists (input index, old name, new name).
    """

    status: str
    reason: str = ""
    inputs: Inputs | None = None
    probs: np.ndarray | None = None
    edits: tuple[tuple[Any, ...], ...] = ()
    steps: tuple[str, ...] = ()
    renamings: tuple[tuple[int, str, str], ...] = ()


Search = Generator[Request, np.ndarray, Outcome]


def input_key(inputs: Inputs) -> bytes:
    """A 16-byte content hash of an input tuple (length-prefixed, so unambiguous)."""
    digest = hashlib.blake2b(digest_size=16)
    for text in inputs:
        data = text.encode("utf-8")
        digest.update(len(data).to_bytes(8, "little"))
        digest.update(data)
    return digest.digest()


@dataclass
class Budget:
    """Unique-query accounting for one example: at most `limit` distinct inputs are queried."""

    limit: int
    seen: set[bytes] = field(default_factory=set)

    @property
    def queries(self) -> int:
        return len(self.seen)

    def admit(self, keys: Sequence[bytes]) -> int:
        """Admit the longest prefix of `keys` that fits; repeats are free. Returns its length."""
        for position, key in enumerate(keys):
            if key in self.seen:
                continue
            if len(self.seen) >= self.limit:
                return position
            self.seen.add(key)
        return len(keys)


@dataclass
class EngineStats:
    """Work done by one engine: victim calls, inputs sent to the victim, inputs requested by
    searches (within budget) and those answered without a new evaluation (memo hits)."""

    model_calls: int = 0
    model_inputs: int = 0
    memo_hits: int = 0
    requested: int = 0

    def to_dict(self) -> dict[str, int]:
        return {
            "model_calls": self.model_calls,
            "model_inputs": self.model_inputs,
            "memo_hits": self.memo_hits,
            "requested": self.requested,
        }


@dataclass
class _Task:
    budget: Budget
    search: Search
    request: Request | None = None
    keys: list[bytes] = field(default_factory=list)
    admitted: int = 0
    outcome: Outcome | None = None


class Engine:
    """Drives searches against one victim (see the module docstring).

    `max_active` searches advance together; `memo=False` and `max_active=1` give the plain
    one-example-at-a-time loop without a cache (the baseline of the benchmark).
    """

    def __init__(
        self, victim: Classifier, batch_size: int = 64, max_active: int = 256, memo: bool = True
    ) -> None:
        self.victim = victim
        self.batch_size = batch_size
        self.max_active = max_active
        self.memo_enabled = memo
        self._memo: dict[bytes, np.ndarray] = {}
        self.stats = EngineStats()

    def score(self, batch: Sequence[Inputs]) -> np.ndarray:
        """Probabilities for `batch` (memoised, no budget): an (n, 2) array."""
        keys = [input_key(inputs) for inputs in batch]
        answers = self._evaluate([dict(zip(keys, batch, strict=True))])
        return np.array([answers[key] for key in keys]).reshape(len(batch), -1)

    def run(self, searches: Sequence[tuple[Budget, Search]]) -> list[Outcome]:
        """Drive every search to its end; outcomes in the order given."""
        tasks = [_Task(budget, search) for budget, search in searches]
        waiting = list(reversed(tasks))
        active: list[_Task] = []
        while waiting or active:
            while waiting and len(active) < self.max_active:
                task = waiting.pop()
                self._advance(task, None)
                if task.outcome is None:
                    active.append(task)
            if not active:
                continue
            self._answer(active)
            active = [task for task in active if task.outcome is None]
        return [task.outcome for task in tasks]  # type: ignore[misc]

    def _answer(self, active: list[_Task]) -> None:
        groups: list[dict[bytes, Inputs]] = []
        for task in active:
            assert task.request is not None
            task.keys = [input_key(inputs) for inputs in task.request]
            task.admitted = task.budget.admit(task.keys)
            self.stats.requested += task.admitted
            groups.append(
                dict(zip(task.keys[: task.admitted], task.request[: task.admitted], strict=True))
            )
        answers = self._evaluate(groups)
        for task in active:
            rows = [answers[key] for key in task.keys[: task.admitted]]
            probs = np.array(rows, dtype=float).reshape(len(rows), 2)
            self._advance(task, probs)

    def _advance(self, task: _Task, probs: np.ndarray | None) -> None:
        partial = task.request is not None and probs is not None and len(probs) < len(task.request)
        try:
            request = next(task.search) if probs is None else task.search.send(probs)
        except StopIteration as stop:
            task.outcome = stop.value
            task.request = None
            return
        if partial:
            task.search.close()
            raise RuntimeError("a search asked again after its query budget was exhausted")
        task.request = list(request)

    def _evaluate(self, groups: list[dict[bytes, Inputs]]) -> dict[bytes, np.ndarray]:
        """Answer every key of every group; with the memo, each unique input is scored once."""
        answers: dict[bytes, np.ndarray] = {}
        if self.memo_enabled:
            pending: dict[bytes, Inputs] = {}
            for group in groups:
                for key, inputs in group.items():
                    if key in self._memo:
                        answers[key] = self._memo[key]
                        self.stats.memo_hits += 1
                    elif key in pending:
                        self.stats.memo_hits += 1
                    else:
                        pending[key] = inputs
            order = sorted(pending, key=lambda k: sum(len(text) for text in pending[k]))
            for start in range(0, len(order), self.batch_size):
                chunk = order[start : start + self.batch_size]
                for key, row in zip(chunk, self._call([pending[k] for k in chunk]), strict=True):
                    self._memo[key] = answers[key] = row
            return answers
        for group in groups:
            keys = list(group)
            for start in range(0, len(keys), self.batch_size):
                chunk = keys[start : start + self.batch_size]
                for key, row in zip(chunk, self._call([group[k] for k in chunk]), strict=True):
                    answers[key] = row
        return answers

    def _call(self, batch: list[Inputs]) -> np.ndarray:
        probs = np.asarray(self.victim.predict_proba(batch), dtype=float)
        if probs.shape != (len(batch), 2):
            raise ValueError(
                f"victim returned probabilities of shape {probs.shape}, expected ({len(batch)}, 2)"
            )
        self.stats.model_calls += 1
        self.stats.model_inputs += len(batch)
        return probs
