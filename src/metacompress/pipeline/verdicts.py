"""Stage 5: metamorphic relations on the saved outputs of one follow-up set.

For follow-up f, row i pairs example i's source input with its f-variant; the arrays of
`OutputPair` are the two models' probabilities on both, the label is the source's (-1 when
unknown) and the hidden arrays are filled only when a relation needs them and both models gave
them. For f = "source" the follow-up is the source itself: the baseline, where every relation
between the two models (agreement, divergence, confidence) is measured on the clean inputs.

A relation that raises is recorded (stage "relations") and the other relations still run.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from metacompress.pipeline.inference import OK, decode_hidden
from metacompress.rundir.layout import STUDENT, TEACHER
from metacompress.rundir.store import dumps

PROBABILITY_FIELDS = ("teacher_source", "student_source", "teacher_followup", "student_followup")
HIDDEN_FIELDS = (
    "teacher_hidden_source",
    "student_hidden_source",
    "teacher_hidden_followup",
    "student_hidden_followup",
)


@dataclass(frozen=True, eq=False)
class FollowupOutputs:
    """Saved outputs of both models on n (source, follow-up) pairs of one follow-up set."""

    followup: str
    variant_ids: list[str]
    example_ids: list[str]
    labels: np.ndarray
    teacher_source: np.ndarray
    student_source: np.ndarray
    teacher_followup: np.ndarray
    student_followup: np.ndarray
    hidden: dict[str, np.ndarray] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.variant_ids)

    @classmethod
    def concatenate(cls, followup: str, parts: Sequence[FollowupOutputs]) -> FollowupOutputs:
        """The rows of `parts` one after another, as the set `followup`; hidden arrays are
        kept where every part has them with one width."""
        arrays = {
            name: np.concatenate([getattr(p, name) for p in parts]) if parts else np.zeros((0, 2))
            for name in PROBABILITY_FIELDS
        }
        hidden = {}
        for name in HIDDEN_FIELDS:
            values = [p.hidden.get(name) for p in parts if len(p)]
            if (
                values
                and all(v is not None for v in values)
                and len({v.shape[1] for v in values}) == 1
            ):
                hidden[name] = np.concatenate(values)
        return cls(
            followup=followup,
            variant_ids=[v for p in parts for v in p.variant_ids],
            example_ids=[e for p in parts for e in p.example_ids],
            labels=np.concatenate([p.labels for p in parts]) if parts else np.zeros(0, dtype=int),
            hidden=hidden,
            **arrays,
        )

    def output_pair(self, with_hidden: bool) -> Any:
        from metacompress.relations.base import OutputPair

        hidden = self.hidden if with_hidden else {}
        return OutputPair(
            teacher_source=self.teacher_source,
            student_source=self.student_source,
            teacher_followup=self.teacher_followup,
            student_followup=self.student_followup,
            labels=self.labels,
            **{name: hidden.get(name) for name in HIDDEN_FIELDS},
        )


@dataclass
class RelationRows:
    """Rows for the `verdicts`, `set_level` and `errors` tables."""

    verdicts: list[tuple] = field(default_factory=list)
    set_level: list[tuple] = field(default_factory=list)
    errors: list[tuple] = field(default_factory=list)


def needs_hidden(relation: Any) -> bool:
    """Whether a relation reads hidden representations (its `needs_hidden` flag)."""
    return bool(getattr(relation, "needs_hidden", False))


def is_set_level(relation: Any) -> bool:
    """A relation judging the follow-up set as a whole (verdict in `set_level`, no rows)."""
    from metacompress.relations.base import SET_LEVEL

    return getattr(relation, "level", None) == SET_LEVEL


def _plain(value: Any) -> Any:
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _number(value: Any) -> float | None:
    number = float(value)
    return number if math.isfinite(number) else None


def evaluate_relations(
    outputs: FollowupOutputs, relations: Sequence[tuple[str, Any]], student: str = STUDENT
) -> Iterator[RelationRows]:
    """Run every (id, relation) on one follow-up set's outputs of the pair (teacher,
    `student`), yielding each relation's rows as soon as they are made, so a caller that stores
    them holds one relation's verdicts at a time. Never raises for a relation: a relation that
    raises yields an `errors` row (model column: the relation, @STUDENT for another student
    than the one of a run of one pair)."""
    if not len(outputs):
        return
    for relation_id, relation in relations:
        rows = RelationRows()
        try:
            result = relation.check(outputs.output_pair(needs_hidden(relation)))
        except Exception as error:  # a faulty relation must not stop the others
            reason = f"{type(error).__name__}: {error}"
            who = relation_id if student == STUDENT else f"{relation_id}@{student}"
            rows.errors.append(("relations", "", outputs.followup, who, "error", reason))
            yield rows
            continue
        for key in sorted(result.set_level):
            value = _number(result.set_level[key])
            rows.set_level.append((relation_id, outputs.followup, key, value, student))
        if not is_set_level(relation):
            rows.verdicts = _verdict_rows(outputs, relation_id, result, student)
        yield rows


def _verdict_rows(
    outputs: FollowupOutputs, relation_id: str, result: Any, student: str
) -> list[tuple]:
    details = {k: np.asarray(v) for k, v in sorted(result.details.items())}
    return [
        (
            variant,
            relation_id,
            outputs.example_ids[i],
            outputs.followup,
            int(bool(result.applicable[i])),
            int(bool(result.holds[i])),
            _number(result.score[i]),
            str(result.reason[i] or ""),
            dumps({k: _plain(v[i]) for k, v in details.items()}),
            student,
        )
        for i, variant in enumerate(outputs.variant_ids)
    ]


def pair_outputs(
    name: str, rows: Sequence[tuple[Any, ...]], hidden: bool, student: str = STUDENT
) -> tuple[FollowupOutputs, list[tuple]]:
    """The outputs of the teacher and `student` on the (source, follow-up) pairs of `name`,
    from the rows of `metacompress.rundir.queries.followup_pairs`; a pair a model has no output
    for is left out and becomes an ``errors`` row (stage relations, kind skipped, model column
    '' for the student of a run of one pair, else the student) saying which."""
    where = ("source", "source", "follow-up", "follow-up")
    kept, skipped = [], []
    for row in rows:
        statuses = row[5::4]
        bad = [
            f"{model} on the {w}" for model, w, s in
            zip((TEACHER, student) * 2, where, statuses, strict=True) if s != OK
        ]  # fmt: skip
        if bad:
            reason = "no output of the " + ", ".join(bad)
            who = "" if student == STUDENT else student
            skipped.append(("relations", row[1], name, who, "skipped", reason))
        else:
            kept.append(row)

    def probs(offset: int) -> np.ndarray:
        return np.array([[r[offset], r[offset + 1]] for r in kept], dtype=float).reshape(-1, 2)

    hidden_arrays: dict[str, np.ndarray] = {}
    if hidden and kept:
        for field_name, offset in zip(HIDDEN_FIELDS, (6, 10, 14, 18), strict=True):
            vectors = [decode_hidden(r[offset]) for r in kept]
            if all(v is not None for v in vectors) and len({len(v) for v in vectors}) == 1:
                hidden_arrays[field_name] = np.stack(vectors)
    outputs = FollowupOutputs(
        followup=name,
        variant_ids=[r[0] for r in kept],
        example_ids=[r[1] for r in kept],
        labels=np.array([-1 if r[2] is None else r[2] for r in kept], dtype=int),
        teacher_source=probs(3),
        student_source=probs(7),
        teacher_followup=probs(11),
        student_followup=probs(15),
        hidden=hidden_arrays,
    )
    return outputs, skipped


def followup_outputs(
    store: Any, name: str, hidden: bool, student: str = STUDENT
) -> tuple[FollowupOutputs, list[tuple]]:
    """The saved outputs of the teacher and `student` on the (source, follow-up) pairs of
    `name`, and the ``errors`` rows of the pairs left out (see `pair_outputs`)."""
    from metacompress.rundir import queries

    rows = queries.followup_pairs(store, name, student)
    return pair_outputs(name, rows, hidden, student)


def pooled_outputs(
    store: Any, pool: str, members: Sequence[str], hidden: bool, student: str = STUDENT
) -> FollowupOutputs:
    """The outputs of the follow-up sets `members`, concatenated, as the set `pool`."""
    return FollowupOutputs.concatenate(
        pool, [followup_outputs(store, m, hidden, student)[0] for m in members]
    )
