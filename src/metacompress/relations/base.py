"""The relation protocol, its registry and the two values it works on.

A metamorphic relation compares a teacher and a student on a (source, follow-up) pair of
inputs. It is a frozen dataclass whose fields are its thresholds; `check(pair)` takes the saved
outputs of both models on n such pairs (`OutputPair`) and returns a `RelationResult`:

- `applicable[i]`: the relation says something about pair i (else `reason[i]` says why not);
- `score[i]`: the number the verdict is read from (NaN where not applicable);
- `holds[i]`: the verdict, always equal to `holds_at(score, threshold)`; a pair the relation does
  not apply to holds vacuously, so `violations = applicable & ~holds`;
- `set_level`: numbers about the whole set (means, ECE, CKA, a set-level verdict);
- `details`: extra per-pair columns for the per-example tables;
- `level`: "input" (one verdict per pair) or "set" (one verdict for the whole set).

Because `holds` is a pure function of `score` and one threshold, every violation rate can be
recomputed at other thresholds from saved scores without running a model (`sweep`).

A relation that judges the set as a whole (level "set", a `SetRelation`) leaves the per-pair
arrays not applicable and reports its verdict in `set_level` under "applicable", "score" and
"holds". Its score is also available with the pairs weighted (`set_score(pair, weights)`,
weight w_i = row i counted w_i times), which is how its bootstrap interval over examples is
drawn without copying rows.

Conventions shared by every relation: the predicted label is the argmax of the probability
vector with ties broken towards the lower class index (class 0 wins an exact 0.5/0.5 tie), and
the confidence is the largest probability.
"""

from __future__ import annotations

import abc
import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np

from metacompress.registry import Registry

RELATIONS: Registry[type[Relation]] = Registry("relation", packages=("metacompress.relations",))

#: The `level` of a relation judging each (source, follow-up) pair, and of one judging the set.
INPUT_LEVEL = "input"
SET_LEVEL = "set"


def _probs(name: str, value: object) -> np.ndarray:
    array = np.asarray(value, dtype=float)
    if array.ndim != 2 or array.shape[1] < 2:
        raise ValueError(f"{name} must be an (n, k) array with k >= 2 classes, got {array.shape}")
    return array


def _hidden(name: str, value: object, n: int) -> np.ndarray | None:
    if value is None:
        return None
    array = np.asarray(value, dtype=float)
    if array.ndim != 2 or array.shape[0] != n:
        raise ValueError(f"{name} must be an ({n}, d) array or None, got {array.shape}")
    return array


@dataclass(frozen=True, eq=False)
class OutputPair:
    """Outputs of teacher and student on n (source, follow-up) input pairs.

    Row i of every array belongs to the same pair. Probability arrays are (n, k) with k >= 2
    (column 1 = positive class); `labels` is (n,) with -1 where the label is unknown (the label
    of a follow-up is its source's label: the transformations preserve semantics); hidden
    representations are (n, d) pooled vectors (d may differ between the models) or None where a
    model does not expose them. A row with non-finite probabilities is bad input: the relations
    mark it not applicable with a reason instead of failing.
    """

    teacher_source: np.ndarray
    student_source: np.ndarray
    teacher_followup: np.ndarray
    student_followup: np.ndarray
    labels: np.ndarray | None = None
    teacher_hidden_source: np.ndarray | None = None
    student_hidden_source: np.ndarray | None = None
    teacher_hidden_followup: np.ndarray | None = None
    student_hidden_followup: np.ndarray | None = None

    def __post_init__(self) -> None:
        names = ("teacher_source", "student_source", "teacher_followup", "student_followup")
        arrays = [_probs(name, getattr(self, name)) for name in names]
        shapes = {a.shape for a in arrays}
        if len(shapes) != 1:
            raise ValueError(f"probability arrays must share one shape, got {sorted(shapes)}")
        for name, array in zip(names, arrays, strict=True):
            object.__setattr__(self, name, array)
        n = arrays[0].shape[0]
        labels = np.full(n, -1) if self.labels is None else np.asarray(self.labels)
        if labels.shape != (n,):
            raise ValueError(f"labels must be an ({n},) array, got {labels.shape}")
        k = arrays[0].shape[1]
        if np.any((labels < -1) | (labels >= k)):
            raise ValueError(f"labels must be -1 (unknown) or a class index in 0..{k - 1}")
        object.__setattr__(self, "labels", labels.astype(int))
        for name in (
            "teacher_hidden_source",
            "student_hidden_source",
            "teacher_hidden_followup",
            "student_hidden_followup",
        ):
            object.__setattr__(self, name, _hidden(name, getattr(self, name), n))

    def __len__(self) -> int:
        return self.teacher_source.shape[0]

    def subset(self, rows: np.ndarray) -> OutputPair:
        """The pairs selected by a boolean mask or an index array, in that order."""
        changes = {}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            changes[f.name] = None if value is None else value[rows]
        return OutputPair(**changes)


@dataclass(frozen=True, eq=False)
class RelationResult:
    """The verdicts of one relation on n pairs (see the module docstring)."""

    applicable: np.ndarray
    holds: np.ndarray
    score: np.ndarray
    set_level: dict[str, float] = field(default_factory=dict)
    details: dict[str, np.ndarray] = field(default_factory=dict)
    reason: np.ndarray | None = None
    level: str = INPUT_LEVEL

    def __post_init__(self) -> None:
        n = len(self.applicable)
        if self.reason is None:
            object.__setattr__(self, "reason", np.full(n, "", dtype=object))
        for name in ("holds", "score", "reason"):
            if len(getattr(self, name)) != n:
                raise ValueError(f"{name} has {len(getattr(self, name))} rows, expected {n}")

    @property
    def violations(self) -> np.ndarray:
        """Pairs the relation applies to and does not hold on."""
        return self.applicable & ~self.holds

    @property
    def n_applicable(self) -> int:
        return int(self.applicable.sum())

    @property
    def n_violations(self) -> int:
        return int(self.violations.sum())

    @property
    def violation_rate(self) -> float:
        """violations / applicable pairs; NaN when the relation applies to none."""
        return self.n_violations / self.n_applicable if self.n_applicable else float("nan")


@dataclass(frozen=True)
class Relation(abc.ABC):
    """Base of every metamorphic relation between a teacher and a student.

    Subclasses set `higher_is_better` (holds iff score >= threshold, else score <= threshold),
    name the field that holds the threshold in `threshold_param` (None for a relation on labels
    alone, whose score is 1.0 where it holds and 0.0 where not, read at `fixed_threshold`), and
    implement `_evaluate(pair) -> Evaluation`. A relation that reads hidden representations sets
    `needs_hidden`.
    """

    name: ClassVar[str] = ""
    description: ClassVar[str] = ""
    level: ClassVar[str] = INPUT_LEVEL
    higher_is_better: ClassVar[bool] = True
    threshold_param: ClassVar[str | None] = None
    fixed_threshold: ClassVar[float] = 1.0
    #: Whether `check` reads the hidden representations (so a runner computes them only then).
    needs_hidden: ClassVar[bool] = False

    @property
    def threshold(self) -> float:
        """The threshold `holds` is read at."""
        if self.threshold_param is None:
            return self.fixed_threshold
        return float(getattr(self, self.threshold_param))

    def holds_at(self, score: np.ndarray, threshold: float) -> np.ndarray:
        """Verdicts at `threshold`: score >= threshold (or <=, see `higher_is_better`).

        NaN scores (pairs the relation does not apply to) hold vacuously.
        """
        score = np.asarray(score, dtype=float)
        with np.errstate(invalid="ignore"):
            ok = score >= threshold if self.higher_is_better else score <= threshold
        return ok | np.isnan(score)

    def check(self, pair: OutputPair) -> RelationResult:
        """Evaluate the relation on every pair of `pair`."""
        evaluation = self._evaluate(pair)
        applicable = np.asarray(evaluation.applicable, dtype=bool)
        score = np.where(applicable, np.asarray(evaluation.score, dtype=float), np.nan)
        set_level = dict(evaluation.set_level)
        if self.level == SET_LEVEL and set_level.get("applicable"):
            set_level["holds"] = float(
                self.holds_at(np.array([set_level["score"]]), self.threshold)[0]
            )
        return RelationResult(
            applicable=applicable,
            holds=self.holds_at(score, self.threshold),
            score=score,
            set_level=set_level,
            details=dict(evaluation.details),
            reason=np.where(applicable, "", np.asarray(evaluation.reason, dtype=object)),
            level=self.level,
        )

    @abc.abstractmethod
    def _evaluate(self, pair: OutputPair) -> Evaluation:
        """Applicability, scores, reasons and set-level numbers of this relation on `pair`."""


@dataclass(frozen=True, eq=False)
class Evaluation:
    """What a relation computes; `Relation.check` turns it into a `RelationResult`."""

    applicable: np.ndarray
    score: np.ndarray
    reason: np.ndarray
    set_level: dict[str, float] = field(default_factory=dict)
    details: dict[str, np.ndarray] = field(default_factory=dict)


class SetRelation(Relation):
    """A relation judging the whole set of pairs at once (see the module docstring).

    Subclasses implement `set_score(pair, weights)`, the set's score with pair i counted
    weights[i] times (NaN where the score is undefined), and report the unweighted score in
    `_evaluate`'s set_level under "score".
    """

    level: ClassVar[str] = SET_LEVEL

    @abc.abstractmethod
    def set_score(self, pair: OutputPair, weights: np.ndarray | None = None) -> float:
        """The set-level score with pair i counted weights[i] times (all once when None)."""

    def set_scorer(
        self, pair: OutputPair, clusters: np.ndarray | None = None,
        shared: dict | None = None,
    ) -> Callable[[np.ndarray], float]:  # fmt: skip
        """weights -> `set_score(pair, weights)`, for many weightings of one pair (a
        bootstrap); `clusters` (one id per pair) promises weights constant within each
        cluster. A subclass may precompute what every weighting shares, and keep in `shared`
        (a memo by content, for the scorers of several pairs with one model in common) what
        other scorers can reuse."""
        return lambda weights: self.set_score(pair, weights)


def relation(name: str, description: str):
    """Class decorator: register a Relation under `name`."""

    def decorate(cls: type[Relation]) -> type[Relation]:
        cls.name = name
        cls.description = description
        return RELATIONS.register(name, description, level=cls.level)(cls)

    return decorate


def finite_rows(*arrays: np.ndarray) -> np.ndarray:
    """Rows where every given (n, k) array is finite."""
    if not arrays:
        raise ValueError("finite_rows needs at least one array")
    mask = np.ones(arrays[0].shape[0], dtype=bool)
    for array in arrays:
        mask &= np.isfinite(array).all(axis=1)
    return mask


def masked_probs(probs: np.ndarray, ok: np.ndarray) -> np.ndarray:
    """`probs` with the rows outside `ok` replaced by the uniform vector, so that row-wise maths
    on bad rows neither warns nor leaks NaN; those rows are reported not applicable anyway."""
    return np.where(ok[:, None], probs, 1.0 / probs.shape[1])


#: The reason given for a pair whose probabilities hold NaN or infinity.
NON_FINITE = "non-finite probabilities"

#: The per-pair reason of a set-level relation that applied to the set.
JUDGED_AS_SET = "judged on the whole set (see set_level)"
