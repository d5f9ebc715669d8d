"""The deviation-search protocol, its registry and the per-example result.

A deviation search looks, for one source (a function, or a pair of methods for clone detection)
and a teacher-student pair, for a semantics-preserving variant on which the two models' argmax
differ while they agreed on the source: a *triggering input*. Every search is a frozen dataclass
whose fields are its parameters, registered with `@search(name, description)`, and runs as

    results = SEARCHES.create("deviation", budget=500).run(examples, teacher, student, "c")

`run`:
1. every source is scored by both models (one query each, through the `PairEngine`);
2. sources on which the models already disagree are skipped ("models disagree on the source");
   labels are not needed: the search works with the *teacher's* label on the source;
3. each other source gets its search space (`space.Space`: the catalogue's transformations
   and, with `rename`, renamings to names of the data set's identifier vocabulary) and one
   step-wise search (`search`), and the engine drives all searches, pooling their queries.
Budgets count unique queries per source, one query being one input scored by both models, the
source included. A search stops at its first triggering input. A search that finds none
reports the input it asked about with the largest gap |T[c] - S[c]| between the two models'
probabilities of the teacher's label c (so its follow-ups are not selected by success), or
none when it asked about nothing. Every reported input is checked (`space.check_variant`)
first; a search that raises ends only its own source, recorded as skipped with the error.
"""

from __future__ import annotations

import abc
import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from metacompress.attacks.base import (
    PERTURB_MODES,
    SKIPPED,
    _guarded,
    _probs,
)
from metacompress.attacks.deviation.pair import PairEngine, split
from metacompress.attacks.deviation.result import DeviationResult
from metacompress.attacks.deviation.space import Space, State, catalogue_operators, check_variant
from metacompress.attacks.engine import Budget, Outcome, Search
from metacompress.data.types import Example
from metacompress.errors import ConfigError
from metacompress.hashing import derive_seed, input_key
from metacompress.models.base import Classifier
from metacompress.registry import Registry, check_choice, check_range

SEARCHES: Registry[type[DeviationSearch]] = Registry(
    "deviation search", packages=("metacompress.attacks.deviation",)
)

DISAGREE = "models disagree on the source"
NO_OPERATOR = "no operator applies"
#: Vocabulary names a renaming search draws from at least (a tiny data set is padded).
MIN_VOCABULARY = 60


def search(name: str, description: str):
    """Class decorator: register a DeviationSearch under `name`."""

    def decorate(cls: type[DeviationSearch]) -> type[DeviationSearch]:
        cls.name = name
        cls.description = description
        return SEARCHES.register(name, description)(cls)

    return decorate


@dataclass(frozen=True)
class Context:
    """What one search needs: the source, its space and the teacher's label on it."""

    example: Example
    space: Space
    label: int


@dataclass(frozen=True)
class DeviationSearch(abc.ABC):
    """Base of every deviation search (see the module docstring).

    Parameters shared by all: `budget` (unique queries per source, each scored by both models,
    the source included), `perturb` ("first" or "both" inputs of a clone pair), `transforms`
    (catalogue transformations to use, default all that are neither renamings nor
    combinators), `rename` (also rename identifiers to names of the data set's vocabulary),
    `max_iterations` (draws of a variant per source) and `stall` (draws in a row that made
    nothing new before a search gives up), `batch_size`, `max_active` and `memo` (the
    engine's settings, as for the attacks).
    """

    name: ClassVar[str] = ""
    description: ClassVar[str] = ""

    budget: int = 500
    perturb: str = "first"
    transforms: tuple[str, ...] = ()
    rename: bool = True
    max_iterations: int = 20_000
    stall: int = 200
    batch_size: int = 64
    max_active: int = 256
    memo: bool = True

    def __post_init__(self) -> None:
        check_range("budget", self.budget, 1)
        check_choice("perturb", self.perturb, PERTURB_MODES)
        check_choice("rename", self.rename, (True, False))
        check_range("max_iterations", self.max_iterations, 1)
        check_range("stall", self.stall, 1)
        check_range("batch_size", self.batch_size, 1)
        check_range("max_active", self.max_active, 1)
        check_choice("memo", self.memo, (True, False))
        if isinstance(self.transforms, str):
            raise ConfigError(f"transforms must be a list of names, got {self.transforms!r}")
        object.__setattr__(self, "transforms", tuple(self.transforms))

    def engine(self, teacher: Classifier, student: Classifier) -> PairEngine:
        return PairEngine(teacher, student, self.batch_size, self.max_active, self.memo)

    def run(
        self,
        examples: Sequence[Example],
        teacher: Classifier,
        student: Classifier,
        lang: str,
        seed: int = 0,
        engine: PairEngine | None = None,
        corpus: Sequence[Example] | None = None,
        done: Mapping[str, DeviationResult] | None = None,
        on_result: Callable[[DeviationResult], None] | None = None,
    ) -> list[DeviationResult]:
        """Search every source; one result per example, in order (see the module docstring).

        `engine` (default: `self.engine(teacher, student)`) may be given to read its
        statistics; `corpus` (default: `examples`) is where the renaming vocabulary comes from,
        e.g. every example of a run searched in shards. `done` maps example ids to results kept
        from an interrupted call (not scored or searched again; each search draws from its own
        example's seed), and `on_result(result)` is called as each new result becomes final.
        """
        if engine is None:
            engine = self.engine(teacher, student)
        elif engine.teacher is not teacher or engine.student is not student:
            raise ConfigError("the engine given was built for other models")
        done = done or {}
        results: dict[int, DeviationResult] = {}

        def keep(index: int, result: DeviationResult) -> None:
            results[index] = result
            if on_result is not None:
                on_result(result)

        for index, example in enumerate(examples):
            if example.id in done:
                results[index] = done[example.id]
        todo = [index for index in range(len(examples)) if index not in results]
        budgets = {index: Budget(self.budget) for index in todo}
        rows = dict(zip(todo, self._score_sources(engine, [examples[i] for i in todo]),
                        strict=True))  # fmt: skip
        contexts: list[tuple[int, Context]] = []
        agreeing = []
        for index in todo:
            example, row = examples[index], rows[index]
            budgets[index].admit([input_key(example.inputs)])
            teacher_probs, student_probs = split(row)
            label, other = int(np.argmax(teacher_probs[0])), int(np.argmax(student_probs[0]))
            if label != other:
                reason = f"{DISAGREE}: teacher predicts {label}, student {other}"
                keep(index, self._result(example, SKIPPED, reason, 1, row, label))
            else:
                agreeing.append(index)
        spaces = self.prepare([examples[i] for i in agreeing], lang, seed, corpus or examples)
        for index, space in zip(agreeing, spaces, strict=True):
            example, row = examples[index], rows[index]
            label = int(np.argmax(split(row)[0][0]))
            if isinstance(space, str):
                keep(index, self._result(example, SKIPPED, space, 1, row, label))
            else:
                contexts.append((index, Context(example, space, label)))
        searches = [
            (
                budgets[index],
                _guarded(
                    self.search(
                        context,
                        rows[index],
                        random.Random(derive_seed(seed, self.name, context.example.id)),
                    )
                ),
            )
            for index, context in contexts
        ]

        def finish(position: int, outcome: Any) -> None:
            index, context = contexts[position]
            keep(index, self._result(context.example, outcome.status, outcome.reason,
                                     budgets[index].queries, rows[index], context.label,
                                     outcome))  # fmt: skip

        engine.run(searches, finish)
        return [results[i] for i in range(len(examples))]

    def prepare(
        self, examples: Sequence[Example], lang: str, seed: int, corpus: Sequence[Example]
    ) -> list[Space | str]:
        """Per source, its search space, or why it has none (a str)."""
        from metacompress.attacks.renaming import vocabulary_of

        transforms = catalogue_operators(lang, self.transforms)
        vocabulary = vocabulary_of(corpus, lang, MIN_VOCABULARY, seed) if self.rename else []
        sides = (0,) if self.perturb == "first" else None
        spaces: list[Space | str] = []
        for example in examples:
            space = Space(lang, sides or range(len(example.inputs)), transforms, vocabulary)
            spaces.append(space if space.operators else f"{NO_OPERATOR}: none selected")
        return spaces

    @abc.abstractmethod
    def search(self, context: Context, row0: np.ndarray, rng: random.Random) -> Search:
        """The step-wise search for one source (see `metacompress.attacks.engine`); `row0` is
        the pair's answer on the source (teacher's two probabilities, then the student's)."""

    def outcome(
        self, context: Context, status: str, reason: str, state: State | None, row: Any
    ) -> Outcome:
        """The outcome reporting `state` (None: nothing to report), after checking that it is
        a valid follow-up of the source."""
        if state is None:
            return Outcome(status, reason)
        source = context.example.inputs
        problems = check_variant(source, state, context.space.lang)
        if problems:
            raise RuntimeError(f"invalid variant: {'; '.join(problems[:3])}")
        return Outcome(
            status,
            reason,
            inputs=state.inputs,
            probs=np.asarray(row, dtype=float),
            edits=state.edits(source),
            steps=state.operators,
            renamings=state.renamings,
        )

    def _score_sources(self, engine: PairEngine, examples: Sequence[Example]) -> list[np.ndarray]:
        rows: list[np.ndarray] = []
        for start in range(0, len(examples), engine.max_active):
            chunk = examples[start : start + engine.max_active]
            rows.extend(engine.score([example.inputs for example in chunk]))
        return rows

    def _result(
        self,
        example: Example,
        status: str,
        reason: str,
        queries: int,
        row0: np.ndarray,
        label: int,
        outcome: Outcome | None = None,
    ) -> DeviationResult:
        teacher0, student0 = split(row0)
        fields: dict[str, Any] = {}
        if outcome is not None and outcome.probs is not None:
            teacher, student = split(outcome.probs)
            fields = {
                "inputs": outcome.inputs,
                "edits": outcome.edits,
                "steps": outcome.steps,
                "renamings": outcome.renamings,
                "teacher_probs": _probs(teacher[0]),
                "student_probs": _probs(student[0]),
            }
        return DeviationResult(
            example_id=example.id,
            status=status,
            reason=reason,
            queries=queries,
            search=self.name,
            label=label,
            true_label=example.label,
            teacher_probs0=_probs(teacher0[0]),
            student_probs0=_probs(student0[0]),
            **fields,
        )
