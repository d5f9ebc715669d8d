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
from collections import OrderedDict
from collections.abc import Callable, Generator, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from metacompress.hashing import input_key
from metacompress.models.base import Classifier, predict

Inputs = tuple[str, ...]
Request = list[Inputs]

#: Characters past the victim's visible window that must also agree for two inputs to count
#: as the same model input (tokenizer boundary effects stay well inside this margin).
WINDOW_SLACK = 64
#: Visible lengths remembered per search for the window memo (most recent kept).
MAX_ANCHOR_LENGTHS = 32


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


@dataclass
class Budget:
    """Unique-query accounting for one example: at most `limit` distinct inputs are queried."""

    limit: int
    seen: set[str] = field(default_factory=set)
    spent: int = 0  # queries of a closed budget (its `seen` set is released)

    @property
    def queries(self) -> int:
        return max(self.spent, len(self.seen))

    def close(self) -> set[str]:
        """End the accounting: keep the count, release and return the keys seen."""
        seen, self.spent, self.seen = self.seen, self.queries, set()
        return seen

    def admit(self, keys: Sequence[str]) -> int:
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
    searches (within budget), those answered from the memo (`memo_hits`) and, among them, those
    that differ from a scored input only where the victim does not look (`window_hits`)."""

    model_calls: int = 0
    model_inputs: int = 0
    memo_hits: int = 0
    window_hits: int = 0
    requested: int = 0

    def to_dict(self) -> dict[str, int]:
        return {
            "model_calls": self.model_calls,
            "model_inputs": self.model_inputs,
            "memo_hits": self.memo_hits,
            "window_hits": self.window_hits,
            "requested": self.requested,
        }


@dataclass
class _Task:
    budget: Budget
    search: Search
    request: Request | None = None
    keys: list[str] = field(default_factory=list)
    admitted: int = 0
    outcome: Outcome | None = None
    #: visible length V -> {hash of the first V + WINDOW_SLACK characters -> memo key}
    anchors: OrderedDict[int, dict[bytes, str]] = field(default_factory=OrderedDict)


def _prefix_hash(text: str, length: int) -> bytes:
    return hashlib.blake2b(text[:length].encode("utf-8"), digest_size=16).digest()


class Engine:
    """Drives searches against one victim (see the module docstring).

    `max_active` searches advance together; `memo=False` and `max_active=1` give the plain
    one-example-at-a-time loop without a cache (the baseline of the benchmark). An answer row
    has `columns` probabilities (the victim's two; a subclass may score several models).

    Window memo (with `memo=True`): a victim that reports how many characters of a
    single-input example it saw (`Prediction.visible_chars`, V < the input's length) was shown
    only a prefix. Another input of the same search that agrees with it on the first
    V + WINDOW_SLACK characters and is longer than that is the same model input (the model layer
    guarantees that an edit at or after V cannot change the output; the slack guards the
    tokenizer's boundary), so it is answered from the memo without running the victim. This is
    a saving of compute only: budgets still count it as a query, so searches decide the same.
    Pairs (clone detection) are excluded, since their truncation depends on both lengths.

    Memory: when a search ends, the inputs its example asked about leave the memo (and its
    budget keeps only the count), so the memo holds the inputs of the active searches only,
    at most `max_active` x budget entries whatever the number of examples. An input that two
    examples share (duplicated code) and that is asked again after the first example ended
    is scored again.
    """

    columns = 2

    def __init__(
        self, victim: Classifier, batch_size: int = 64, max_active: int = 256, memo: bool = True
    ) -> None:
        self.victim = victim
        self.batch_size = batch_size
        self.max_active = max_active
        self.memo_enabled = memo
        self._memo: dict[str, np.ndarray] = {}
        self._window: dict[str, tuple[int, bytes]] = {}
        self.stats = EngineStats()

    def score(self, batch: Sequence[Inputs]) -> np.ndarray:
        """Probabilities for `batch` (memoised, no budget): an (n, 2) array."""
        keys = [input_key(inputs) for inputs in batch]
        answers = self._evaluate([(None, dict(zip(keys, batch, strict=True)))])
        return np.array([answers[key] for key in keys]).reshape(len(batch), -1)

    def run(
        self,
        searches: Iterable[tuple[Budget, Search]],
        on_outcome: Callable[[int, Outcome], None] | None = None,
    ) -> list[Outcome]:
        """Drive every search to its end; outcomes in the order given. `searches` is read
        lazily, a search only when a place among the `max_active` frees, so a generator of
        searches keeps in memory only what the active ones need. `on_outcome(position,
        outcome)` is called as each search ends, so a caller can keep its result at once."""
        tasks: list[_Task] = []
        waiting = iter(searches)
        more = True
        active: list[_Task] = []
        position: dict[int, int] = {}
        while more or active:
            while more and len(active) < self.max_active:
                given = next(waiting, None)
                if given is None:
                    more = False
                    break
                task = _Task(*given)
                position[id(task)] = len(tasks)
                tasks.append(task)
                self._remember(task, task.budget.seen)
                self._advance(task, None)
                if task.outcome is None:
                    active.append(task)
                elif on_outcome is not None:
                    on_outcome(len(tasks) - 1, task.outcome)
            if not active:
                continue
            self._answer(active)
            if on_outcome is not None:
                for task in active:
                    if task.outcome is not None:
                        on_outcome(position.pop(id(task)), task.outcome)
            active = [task for task in active if task.outcome is None]
        return [task.outcome for task in tasks]  # type: ignore[misc]

    def _answer(self, active: list[_Task]) -> None:
        groups: list[tuple[_Task | None, dict[str, Inputs]]] = []
        for task in active:
            assert task.request is not None
            task.keys = [input_key(inputs) for inputs in task.request]
            task.admitted = task.budget.admit(task.keys)
            self.stats.requested += task.admitted
            admitted = task.keys[: task.admitted]
            groups.append((task, dict(zip(admitted, task.request[: task.admitted], strict=True))))
        answers = self._evaluate(groups)
        for task in active:
            admitted = task.keys[: task.admitted]
            self._remember(task, admitted)
            rows = [answers[key] for key in admitted]
            probs = np.array(rows, dtype=float).reshape(len(rows), self.columns)
            self._advance(task, probs)

    def _remember(self, task: _Task, keys: Iterable[str]) -> None:
        """Make the scored truncated inputs among `keys` anchors of `task`'s window memo."""
        if not self.memo_enabled:
            return
        for key in keys:
            window = self._window.get(key)
            if window is None:
                continue
            visible, prefix = window
            task.anchors.setdefault(visible, {})[prefix] = key
            task.anchors.move_to_end(visible)
            while len(task.anchors) > MAX_ANCHOR_LENGTHS:
                task.anchors.popitem(last=False)

    def _window_match(self, task: _Task | None, inputs: Inputs) -> str | None:
        """The memo key of a scored input the victim cannot tell from `inputs`, if any."""
        if task is None or len(inputs) != 1:
            return None
        text = inputs[0]
        for visible in reversed(task.anchors):
            length = visible + WINDOW_SLACK
            if len(text) > length:
                key = task.anchors[visible].get(_prefix_hash(text, length))
                if key is not None:
                    return key
        return None

    def _advance(self, task: _Task, probs: np.ndarray | None) -> None:
        partial = task.request is not None and probs is not None and len(probs) < len(task.request)
        try:
            request = next(task.search) if probs is None else task.search.send(probs)
        except StopIteration as stop:
            task.outcome = stop.value
            task.request = None
            self._forget(task)
            return
        if partial:
            task.search.close()
            raise RuntimeError("a search asked again after its query budget was exhausted")
        task.request = list(request)

    def _forget(self, task: _Task) -> None:
        """Drop a finished search's inputs from the memo (see the class docstring)."""
        for key in task.budget.close():
            self._memo.pop(key, None)
            self._window.pop(key, None)
        task.anchors.clear()

    def _evaluate(
        self, groups: list[tuple[_Task | None, dict[str, Inputs]]]
    ) -> dict[str, np.ndarray]:
        """Answer every key of every group; with the memo, each unique input is scored once
        and inputs the victim cannot tell from a scored one are not scored at all."""
        answers: dict[str, np.ndarray] = {}
        if self.memo_enabled:
            pending: dict[str, Inputs] = {}
            for task, group in groups:
                for key, inputs in group.items():
                    if key in self._memo:
                        answers[key] = self._memo[key]
                        self.stats.memo_hits += 1
                    elif key in pending:
                        self.stats.memo_hits += 1
                    else:
                        twin = self._window_match(task, inputs)
                        if twin is None:
                            pending[key] = inputs
                            continue
                        self._memo[key] = answers[key] = self._memo[twin]
                        self._window[key] = self._window[twin]
                        self.stats.memo_hits += 1
                        self.stats.window_hits += 1
            order = sorted(pending, key=lambda k: sum(len(text) for text in pending[k]))
            for start in range(0, len(order), self.batch_size):
                chunk = order[start : start + self.batch_size]
                batch = [pending[k] for k in chunk]
                probs, visible = self._call(batch)
                for i, key in enumerate(chunk):
                    self._memo[key] = answers[key] = probs[i]
                    self._note_window(key, batch[i], visible, i)
            return answers
        for _, group in groups:
            keys = list(group)
            for start in range(0, len(keys), self.batch_size):
                chunk = keys[start : start + self.batch_size]
                probs, _ = self._call([group[k] for k in chunk])
                for key, row in zip(chunk, probs, strict=True):
                    answers[key] = row
        return answers

    def _note_window(self, key: str, inputs: Inputs, visible: np.ndarray | None, row: int) -> None:
        if visible is None or len(inputs) != 1:
            return
        seen = int(visible[row][0])
        if len(inputs[0]) > seen + WINDOW_SLACK:
            self._window[key] = (seen, _prefix_hash(inputs[0], seen + WINDOW_SLACK))

    def _call(self, batch: list[Inputs]) -> tuple[np.ndarray, np.ndarray | None]:
        """The victim's probabilities for `batch` and, when it reports them, the characters of
        each input it saw."""
        prediction = predict(self.victim, batch)
        probs = np.asarray(prediction.probs, dtype=float)
        if probs.shape != (len(batch), 2):
            raise ValueError(
                f"victim returned probabilities of shape {probs.shape}, expected ({len(batch)}, 2)"
            )
        self.stats.model_calls += 1
        self.stats.model_inputs += len(batch)
        return probs, prediction.visible_chars
