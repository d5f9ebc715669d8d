"""The attack protocol, its registry and the per-example result.

An attack searches, for one example and one victim, for a semantics-preserving variant that
flips the victim's prediction within a query budget. Every attack here is a frozen dataclass
whose fields are its parameters, registered with `@attack(name, description)`, and runs as

    results = ATTACKS.create("mhm", budget=500).run(examples, victim, lang="c", seed=0)

`run` follows the literature's protocol:
1. examples without a label are skipped ("unlabelled");
2. every labelled example's original input is scored (one query each);
3. examples the victim already gets wrong are skipped ("misclassified"), only the others are
   attacked;
4. the attack prepares each attacked example (`prepare`: parse, identifiers, substitutes) and
   builds one step-wise search per example (`search`), and the engine drives all searches,
   pooling their queries (see `metacompress.attacks.engine`). Examples are prepared
   `PREPARE_CHUNK` at a time, when the engine has room for their searches, so what is held in
   memory (parsed code, substitutes) is that of at most `PREPARE_CHUNK` + `max_active`
   examples, whatever the number of examples; the results are what grows with it.

Clone pairs: with `perturb="first"` (default) only the first method is changed, with
`perturb="both"` both are.
"""

from __future__ import annotations

import abc
import random
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from metacompress.attacks.engine import Budget, Engine, Outcome, Search
from metacompress.code.edits import Edit
from metacompress.data.types import Example
from metacompress.errors import ConfigError
from metacompress.hashing import derive_seed, input_key
from metacompress.models.base import Classifier
from metacompress.registry import Registry, check_choice, check_range

ATTACKS: Registry[type[Attack]] = Registry("attack", packages=("metacompress.attacks",))

SUCCESS, FAILED, SKIPPED = "success", "failed", "skipped"
STATUSES = (SUCCESS, FAILED, SKIPPED)
PERTURB_MODES = ("first", "both")

#: Skip reasons; a reason may carry details after ": ", summaries group by the part before it.
UNLABELLED = "unlabelled"
MISCLASSIFIED = "misclassified"
NO_IDENTIFIERS = "no renamable identifiers"
ERROR = "error"
#: Examples prepared together (see step 4 above).
PREPARE_CHUNK = 256


def attack(name: str, description: str):
    """Class decorator: register an Attack under `name`."""

    def decorate(cls: type[Attack]) -> type[Attack]:
        cls.name = name
        cls.description = description
        return ATTACKS.register(name, description)(cls)

    return decorate


def _probs(values: Any) -> tuple[float, ...] | None:
    return None if values is None else tuple(float(v) for v in np.asarray(values).ravel())


@dataclass(frozen=True)
class AttackResult:
    """The outcome of one attack on one example.

    `status` is "success" (the victim's prediction flipped), "failed" (no flip within the
    budget or the search space) or "skipped" (not attacked; `reason` says why). `queries` is
    the number of unique victim queries spent on this example, the original input included.
    `adversarial_inputs` is the adversarial input on success, the best input reached on failure
    (None when nothing was changed); `edits` holds one tuple of edits per input relative to the
    original input, so `apply_edits(original, edits[i]) == adversarial_inputs[i]`.
    `original_probs` and `final_probs` are (P(0), P(1)) of the original and final inputs.
    """

    example_id: str
    status: str
    reason: str = ""
    queries: int = 0
    identifiers_changed: int = 0
    adversarial_inputs: tuple[str, ...] | None = None
    edits: tuple[tuple[Edit, ...], ...] = ()
    original_probs: tuple[float, ...] | None = None
    final_probs: tuple[float, ...] | None = None
    label: int | None = None
    attack: str = ""
    steps: tuple[str, ...] = ()
    renamings: tuple[tuple[int, str, str], ...] = ()

    def __post_init__(self) -> None:
        check_choice("status", self.status, STATUSES)

    @property
    def original_prediction(self) -> int | None:
        return None if self.original_probs is None else int(np.argmax(self.original_probs))

    @property
    def final_prediction(self) -> int | None:
        return None if self.final_probs is None else int(np.argmax(self.final_probs))

    @property
    def edit_count(self) -> int:
        return sum(len(edits) for edits in self.edits)

    def to_dict(self) -> dict[str, Any]:
        return {
            "example_id": self.example_id,
            "attack": self.attack,
            "status": self.status,
            "reason": self.reason,
            "label": self.label,
            "queries": self.queries,
            "identifiers_changed": self.identifiers_changed,
            "renamings": [list(r) for r in self.renamings],
            "steps": list(self.steps),
            "original_probs": None if self.original_probs is None else list(self.original_probs),
            "final_probs": None if self.final_probs is None else list(self.final_probs),
            "adversarial_inputs": (
                None if self.adversarial_inputs is None else list(self.adversarial_inputs)
            ),
            "edits": [[edit.to_dict() for edit in side] for side in self.edits],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AttackResult:
        inputs = data.get("adversarial_inputs")
        return cls(
            example_id=str(data["example_id"]),
            status=str(data["status"]),
            reason=str(data.get("reason", "")),
            queries=int(data.get("queries", 0)),
            identifiers_changed=int(data.get("identifiers_changed", 0)),
            adversarial_inputs=None if inputs is None else tuple(inputs),
            edits=tuple(
                tuple(Edit.from_dict(edit) for edit in side) for side in data.get("edits", [])
            ),
            original_probs=_probs(data.get("original_probs")),
            final_probs=_probs(data.get("final_probs")),
            label=data.get("label"),
            attack=str(data.get("attack", "")),
            steps=tuple(data.get("steps", ())),
            renamings=tuple((int(i), str(a), str(b)) for i, a, b in data.get("renamings", [])),
        )


@dataclass(frozen=True)
class Attack(abc.ABC):
    """Base of every attack (see the module docstring).

    Parameters shared by all attacks: `budget` (unique victim queries per example, the
    original input included), `perturb` ("first" or "both" inputs of a clone pair),
    `batch_size` (inputs per victim call), and the engine settings `max_active` (searches
    advanced together) and `memo` (never re-query an input within a run).
    """

    name: ClassVar[str] = ""
    description: ClassVar[str] = ""

    budget: int = 2000
    perturb: str = "first"
    batch_size: int = 64
    max_active: int = 256
    memo: bool = True

    def __post_init__(self) -> None:
        check_range("budget", self.budget, 1)
        check_choice("perturb", self.perturb, PERTURB_MODES)
        check_range("batch_size", self.batch_size, 1)
        check_range("max_active", self.max_active, 1)
        check_choice("memo", self.memo, (True, False))

    def sides(self, example: Example) -> tuple[int, ...]:
        """Indices of the inputs this attack may change."""
        return (0,) if self.perturb == "first" else tuple(range(len(example.inputs)))

    def engine(self, victim: Classifier) -> Engine:
        return Engine(victim, self.batch_size, self.max_active, self.memo)

    def run(
        self,
        examples: Sequence[Example],
        victim: Classifier,
        lang: str,
        seed: int = 0,
        engine: Engine | None = None,
        done: Mapping[str, AttackResult] | None = None,
        on_result: Callable[[AttackResult], None] | None = None,
    ) -> list[AttackResult]:
        """Attack every example; one result per example, in order (see the module docstring).

        `engine` (default: `self.engine(victim)`) may be given to read its statistics after.
        `done` maps example ids to results kept from an interrupted run: those examples are
        neither scored nor searched again (each search draws from its own example's seed and
        the substitute pool is still all of `examples`, so the others come out the same).
        `on_result(result)` is called as each new result becomes final, in the order found.
        """
        if engine is None:
            engine = self.engine(victim)
        elif engine.victim is not victim:
            raise ConfigError("the engine given was built for another victim")
        done = done or {}
        results: dict[int, AttackResult] = {}

        def keep(index: int, result: AttackResult) -> None:
            results[index] = result
            if on_result is not None:
                on_result(result)

        labelled = []
        for index, example in enumerate(examples):
            if example.id in done:
                results[index] = done[example.id]
            elif example.label is None:
                keep(index, self._result(example, SKIPPED, UNLABELLED))
            else:
                labelled.append(index)
        budgets = {i: Budget(self.budget) for i in labelled}
        scored = self._score_originals(engine, [examples[i] for i in labelled])
        originals = dict(zip(labelled, scored, strict=True))
        attacked: list[int] = []
        for index in labelled:
            example, probs = examples[index], originals[index]
            budgets[index].admit([input_key(example.inputs)])
            predicted = int(np.argmax(probs))
            if predicted != example.label:
                reason = f"{MISCLASSIFIED}: victim predicts {predicted}, label {example.label}"
                keep(index, self._result(example, SKIPPED, reason, 1, probs))
            else:
                attacked.append(index)
        searched: list[int] = []

        def searches() -> Iterator[tuple[Budget, Search]]:
            """The searches, prepared `PREPARE_CHUNK` examples at a time as the engine asks."""
            for start in range(0, len(attacked), PREPARE_CHUNK):
                chunk = attacked[start : start + PREPARE_CHUNK]
                contexts = self.prepare([examples[i] for i in chunk], lang, seed, examples)
                for index, context in zip(chunk, contexts, strict=True):
                    example = examples[index]
                    if isinstance(context, str):
                        keep(index, self._result(example, SKIPPED, context, 1, originals[index]))
                        continue
                    rng = random.Random(derive_seed(seed, self.name, example.id))
                    searched.append(index)
                    search = _guarded(self.search(context, originals[index], rng))
                    yield budgets[index], search
                del contexts  # the active searches hold what they need

        def finish(position: int, outcome: Outcome) -> None:
            index = searched[position]
            keep(index, self._outcome_result(examples[index], outcome, budgets[index].queries,
                                             originals[index]))  # fmt: skip

        engine.run(searches(), finish)
        return [results[i] for i in range(len(examples))]

    def _outcome_result(
        self, example: Example, outcome: Outcome, queries: int, original: np.ndarray
    ) -> AttackResult:
        """The result of a search that ended with `outcome` after `queries` unique queries."""
        if outcome.status == SKIPPED:
            return self._result(example, SKIPPED, outcome.reason, queries, original)
        return AttackResult(
            example_id=example.id,
            status=outcome.status,
            reason=outcome.reason,
            queries=queries,
            identifiers_changed=sum(1 for _, old, new in outcome.renamings if old != new),
            adversarial_inputs=outcome.inputs,
            edits=outcome.edits,
            original_probs=_probs(original),
            final_probs=_probs(outcome.probs if outcome.probs is not None else original),
            label=example.label,
            attack=self.name,
            steps=outcome.steps,
            renamings=outcome.renamings,
        )

    def _score_originals(self, engine: Engine, examples: Sequence[Example]) -> list[np.ndarray]:
        step = engine.max_active
        scored: list[np.ndarray] = []
        for start in range(0, len(examples), step):
            chunk = examples[start : start + step]
            scored.extend(engine.score([example.inputs for example in chunk]))
        return scored

    def _result(
        self,
        example: Example,
        status: str,
        reason: str,
        queries: int = 0,
        probs: np.ndarray | None = None,
    ) -> AttackResult:
        return AttackResult(
            example_id=example.id,
            status=status,
            reason=reason,
            queries=queries,
            original_probs=_probs(probs),
            final_probs=_probs(probs),
            label=example.label,
            attack=self.name,
        )

    @abc.abstractmethod
    def prepare(
        self, examples: Sequence[Example], lang: str, seed: int, corpus: Sequence[Example]
    ) -> list[Any]:
        """Per attacked example, the context its search needs, or a skip reason (a str).

        `corpus` is every example of the run (e.g. the source of an identifier vocabulary).
        """

    @abc.abstractmethod
    def search(self, context: Any, probs0: np.ndarray, rng: random.Random) -> Search:
        """The step-wise search for one example (see `metacompress.attacks.engine`)."""


def _guarded(search: Search) -> Search:
    """Run `search`; an exception inside it ends only this example, recorded as skipped."""
    try:
        return (yield from search)
    except Exception as error:  # noqa: BLE001 - one bad example must not end the run
        return Outcome(SKIPPED, f"{ERROR}: {type(error).__name__}: {error}")


def true_prob(probs: np.ndarray, label: int) -> np.ndarray:
    """P(true label) per row of an (n, 2) probability array."""
    return np.asarray(probs, dtype=float).reshape(-1, 2)[:, label]


def flipped(probs: np.ndarray, label: int) -> np.ndarray:
    """Rows whose predicted class differs from `label`."""
    return np.argmax(np.asarray(probs).reshape(-1, 2), axis=1) != label
