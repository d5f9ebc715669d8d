"""Stage 6: the numbers of a run, from its per-example tables (relation rates: `rates`;
robustness under attack: `robustness`). A run has one teacher and one or more students; the
numbers that compare two models are computed for every teacher-student pair.

- Accuracy and F1 of each model on each set's labelled inputs it scored (``source`` = the
  clean scores, each follow-up set, each pool), the label of a follow-up being its source's.
- Teacher vs student correctness per set and pair: the exact McNemar test on the source and on each
  follow-up set (one pair per example, `stats.tests.mcnemar_exact`); on the pools, where
  several pairs come from one example, Obuchowski's clustered test
  (`stats.tests.mcnemar_clustered`).
- Side by side (`relations.gap.behaviour_gap`): the clean accuracy gap teacher - student with
  its paired bootstrap interval, the F1 gap, the tests on sources and on all follow-ups, beside
  the behaviour gap: each relation's induced rate on each pool.

Each bootstrap is seeded by `hashing.bootstrap_seed(seed, ...)`, so no number depends on the
order in which things were computed.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from metacompress.hashing import bootstrap_seed
from metacompress.pipeline.rates import Rate, Verdicts, finite, input_rate, set_rate, union_rate
from metacompress.pipeline.robustness import (
    Robustness,
    RobustnessGap,
    attack_results,
    robustness_gap,
    robustness_row,
)
from metacompress.rundir import queries
from metacompress.rundir.layout import POOLED, POOLS, SOURCE, STUDENT, TEACHER
from metacompress.stats.metrics import accuracy, f1
from metacompress.stats.tests import mcnemar_clustered, mcnemar_exact


@dataclass(frozen=True)
class Score:
    """A row of the `scores` table."""

    model: str
    followup: str
    n: int
    labelled: int
    accuracy: float | None
    f1: float | None

    def row(self) -> tuple:
        return tuple(asdict(self).values())


def model_scores(model: str, followup: str, predicted: np.ndarray, labels: np.ndarray) -> Score:
    """Accuracy and F1 of one model's predictions on the labelled rows (label >= 0)."""
    predicted = np.asarray(predicted, dtype=int)
    labels = np.asarray(labels, dtype=int)
    known = labels >= 0
    if not known.any():
        return Score(model, followup, len(labels), 0, None, None)
    y, p = labels[known], predicted[known]
    return Score(model, followup, len(labels), int(known.sum()), accuracy(y, p), f1(y, p))


@dataclass(frozen=True)
class McNemar:
    """A row of the `mcnemar` table: test "exact" (statistic = min(b, c)) or "obuchowski"
    (statistic = the clustered chi-square)."""

    followup: str
    test: str
    n: int
    clusters: int
    teacher_only: int
    student_only: int
    statistic: float | None
    p_value: float | None
    student: str = STUDENT

    def row(self) -> tuple:
        return tuple(asdict(self).values())


EXACT, CLUSTERED = "exact", "obuchowski"


def mcnemar_row(
    followup: str,
    teacher_pred: np.ndarray,
    student_pred: np.ndarray,
    labels: np.ndarray,
    clusters: np.ndarray | None = None,
    student: str = STUDENT,
) -> McNemar:
    """Teacher vs `student` correctness on the labelled rows: the exact McNemar test, or with
    `clusters` (the example of each row, for a pool) Obuchowski's clustered test."""
    labels = np.asarray(labels, dtype=int)
    known = labels >= 0
    test = EXACT if clusters is None else CLUSTERED
    if not known.any():
        return McNemar(followup, test, 0, 0, 0, 0, None, None, student)
    y = labels[known]
    teacher_right = np.asarray(teacher_pred)[known] == y
    student_right = np.asarray(student_pred)[known] == y
    if clusters is None:
        result = mcnemar_exact(teacher_right, student_right)
        return McNemar(followup, test, int(known.sum()), int(known.sum()), result.b, result.c,
                       float(min(result.b, result.c)), result.p_value, student)  # fmt: skip
    clustered = mcnemar_clustered(teacher_right, student_right, np.asarray(clusters)[known])
    return McNemar(followup, test, int(known.sum()), clustered.n_clusters, clustered.b,
                   clustered.c, finite(clustered.statistic), finite(clustered.p_value),
                   student)  # fmt: skip


def _comparison(comparison: Any) -> dict[str, Any] | None:
    if comparison is None:
        return None
    return {
        "n": comparison.n,
        "left_out": comparison.n_left_out,
        "teacher_accuracy": finite(comparison.teacher_accuracy),
        "student_accuracy": finite(comparison.student_accuracy),
        "mcnemar": {
            "teacher_only": comparison.mcnemar.b,
            "student_only": comparison.mcnemar.c,
            "p_value": finite(comparison.mcnemar.p_value),
        },
    }


def gaps(
    source: Any, followups: Any, rates: Sequence[Any], *, n_boot: int, confidence: float,
    seed: int, student: str = STUDENT,
) -> dict[str, Any]:  # fmt: skip
    """The accuracy gap (clean, teacher - student) beside each relation's behaviour gap.

    `source` and `followups` are `verdicts.FollowupOutputs` of the source set and of all
    follow-ups pooled; `rates` the `rates.Rate` rows. The behaviour gap of a relation on a pool
    is its induced rate there (its value, for a set-level relation).
    """
    from metacompress.relations.gap import behaviour_gap

    behaviour: dict[str, dict[str, Any]] = {}
    for r in rates:
        if r.followup in POOLS:
            number, low, high = (
                (r.value, r.value_low, r.value_high) if r.level == "set"
                else (r.induced, r.induced_low, r.induced_high)
            )  # fmt: skip
            behaviour.setdefault(r.followup, {})[r.relation] = {
                "induced" if r.level != "set" else "value": number, "low": low, "high": high,
                "applicable": r.induced_applicable if r.level != "set" else r.applicable,
            }  # fmt: skip
    if not len(source):
        return {"accuracy_gap": None, "f1_gap": None, "behaviour_gap": behaviour}
    gap = behaviour_gap(
        source.teacher_source, source.student_source, source.labels,
        followups.teacher_followup, followups.student_followup, followups.labels,
        followup_clusters=np.asarray(followups.example_ids, dtype=object),
        n_boot=max(n_boot, 1), confidence=confidence,
        seed=bootstrap_seed(seed, "gap", student=student),
    )  # fmt: skip
    interval = gap.accuracy_gap
    return {
        "accuracy_gap": {
            "value": finite(interval.estimate),
            "low": finite(interval.low) if n_boot else None,
            "high": finite(interval.high) if n_boot else None,
        },
        "f1_gap": finite(gap.f1_gap),
        "teacher_f1": finite(gap.teacher_f1),
        "student_f1": finite(gap.student_f1),
        "source": _comparison(gap.source),
        "followups": _comparison(gap.followup),
        "behaviour_gap": behaviour,
    }


@dataclass(frozen=True)
class Aggregate:
    """What stage 6 computes: the rows of each result table, and the gaps of each pair (by
    student) for summary.json."""

    rows: dict[str, list[Any]]
    gaps: dict[str, dict[str, Any]]


def aggregate(
    store: Any, config: Any, relations: Sequence[tuple[str, Any]], hidden: bool
) -> Aggregate:
    """Every number of the run from its tables: rates and tests of each pair, scores of each
    model, robustness of each victim, gaps of each pair."""
    from metacompress.pipeline.verdicts import followup_outputs, pooled_outputs

    sets = {SOURCE: [SOURCE], **{f.name: [f.name] for f in config.followups}, **config.pools()}
    options = {"n_boot": config.bootstrap, "confidence": config.confidence, "seed": config.seed}
    students = [s.name for s in config.students]
    rates_of: dict[str, list[Rate]] = {student: [] for student in students}
    shared: dict = {}  # the teacher's half of the set-level precomputations, per set
    streams = [(student, relation_rates(store, config, relations, sets, hidden, student, shared))
               for student in students]  # fmt: skip
    for _ in sets:  # every student on one set before the next: the teacher's part is shared
        shared.clear()
        for student, stream in streams:
            rates_of[student] += next(stream)
    rates: list[Rate] = []
    tests: list[McNemar] = []
    pair_gaps: dict[str, dict[str, Any]] = {}
    for student in students:
        pair_rates = rates_of[student]
        rates += pair_rates
        tests += pair_tests(store, sets, student)
        pair_gaps[student] = gaps(
            followup_outputs(store, SOURCE, False, student)[0],
            pooled_outputs(store, POOLED, sets[POOLED], False, student), pair_rates,
            **options, student=student,
        )  # fmt: skip
    robustness, robustness_gaps = robustness_tables(store, config)
    return Aggregate(
        rows={"rates": rates, "scores": set_scores(store, sets, config.model_names),
              "mcnemar": tests, "robustness": robustness, "robustness_gaps": robustness_gaps},
        gaps=pair_gaps,
    )  # fmt: skip


def relation_rates(
    store: Any,
    config: Any,
    relations: Sequence[tuple[str, Any]],
    sets: Mapping[str, Sequence[str]],
    hidden: bool,
    student: str = STUDENT,
    shared: dict | None = None,
) -> Iterator[list[Rate]]:
    """The ``rates`` rows of every relation (and ``any-paper-relation``) between the teacher
    and `student`, one list per set of `sets`, the source set first, whose verdicts every
    follow-up set is read against. `shared`: the set-level scorers' memo of what the pairs
    have in common (`SetRelation.set_scorer`), for the scorers of every student on one set."""
    from metacompress.pipeline.verdicts import is_set_level, pooled_outputs
    from metacompress.relations.union import ANY_PAPER_RELATION, PAPER_RELATIONS

    options = {"n_boot": config.bootstrap, "confidence": config.confidence, "seed": config.seed,
               "student": student}  # fmt: skip
    union_ids: dict[str, str] = {}
    for spec in config.relations:
        if spec.name in PAPER_RELATIONS:
            union_ids.setdefault(spec.name, spec.id)
    sources: dict[str, Verdicts | None] = {}
    # sets of the same members (the pools `transformations` and `all` of a run without attacks)
    # share their outputs and set-level scorers; each keeps its own name and bootstrap seed
    repeated = {k for k, n in Counter(tuple(m) for m in sets.values()).items() if n > 1}
    pooled: dict[tuple[str, ...], tuple[Any, dict[str, Any]]] = {}
    for name, members in sets.items():
        rates: list[Rate] = []
        per_relation: dict[str, Verdicts] = {}
        outputs = None
        for relation_id, relation in relations:
            if is_set_level(relation):
                if outputs is None:
                    read, scorers = pooled.get(tuple(members)) or (
                        pooled_outputs(store, name, members, hidden, student), {})
                    if tuple(members) in repeated:
                        pooled[tuple(members)] = (read, scorers)
                    outputs = dataclasses.replace(read, followup=name)
                values = queries.set_level_values(store, relation_id, name, student)
                rates.append(set_rate(relation_id, name, relation, values, outputs, **options,
                                      scorers=scorers, shared=shared))  # fmt: skip
                continue
            verdicts = Verdicts.from_rows(
                queries.relation_verdicts(store, relation_id, members, student)
            )
            per_relation[relation_id] = verdicts
            rates.append(input_rate(relation_id, name, verdicts,
                                    None if name == SOURCE else sources.get(relation_id),
                                    **options))  # fmt: skip
            if name == SOURCE:
                sources[relation_id] = verdicts
        members_of_union = {n: per_relation.get(i) for n, i in union_ids.items()}
        row, union = union_rate(name, members_of_union,
                                None if name == SOURCE else sources.get(ANY_PAPER_RELATION),
                                **options)  # fmt: skip
        rates.append(row)
        if name == SOURCE:
            sources[ANY_PAPER_RELATION] = union
        yield rates


def set_scores(
    store: Any, sets: Mapping[str, Sequence[str]], models: Sequence[str]
) -> list[Score]:
    """Accuracy/F1 of each model per set, on the inputs it scored. Each follow-up set is read
    as two integer columns per model (label, prediction), so memory holds integers, not rows;
    a pool concatenates its members' columns (the scores are counts, so row order does not
    matter)."""
    scores = []
    for model in models:
        columns = {
            name: queries.model_predictions(store, name, model)
            for name, members in sets.items() if list(members) == [name]
        }  # fmt: skip
        for name, members in sets.items():
            parts = [columns[m] for m in members]
            labels, predicted = (
                np.concatenate([c[i] for c in parts]) if parts else np.zeros(0, dtype=int)
                for i in range(2)
            )
            scores.append(model_scores(model, name, predicted, labels))
    return scores


def pair_tests(store: Any, sets: Mapping[str, Sequence[str]], student: str) -> list[McNemar]:
    """The paired test of teacher vs `student` per set, on the inputs both scored: exact on
    one set, clustered by example on a pool (read as integer columns, like `set_scores`)."""
    columns = {
        name: queries.prediction_columns(store, name, student)
        for name, members in sets.items() if list(members) == [name]
    }  # fmt: skip
    tests = []
    for name, members in sets.items():
        parts = [columns[m] for m in members]
        labels, teacher, predicted, examples = (
            np.concatenate([c[i] for c in parts]) if parts else np.zeros(0, dtype=int)
            for i in range(4)
        )
        pooled = list(members) != [name]
        tests.append(mcnemar_row(name, teacher, predicted, labels, examples if pooled else None,
                                 student))  # fmt: skip
    return tests


def robustness_tables(store: Any, config: Any) -> tuple[list[Robustness], list[RobustnessGap]]:
    """The robustness row of every attack follow-up and the teacher-student gap of every
    attack run against the teacher and a student."""
    options = {"n_boot": config.bootstrap, "confidence": config.confidence, "seed": config.seed}
    rows, results_of = [], {}
    for spec in config.followups:
        if spec.kind != "attack":
            continue
        results = attack_results(queries.attack_results(store, spec.name), spec.component)
        results_of[spec.name] = (spec.victim, results)
        rows.append(robustness_row(spec.name, spec.victim, results, config.task, **options))
    gap_rows = []
    for name, (victim, results) in results_of.items():
        if victim != TEACHER:
            continue
        for student in (s.name for s in config.students):
            other = name.rsplit("@", 1)[0] + f"@{student}"
            if other in results_of:
                gap_rows.append(robustness_gap(name, other, results, results_of[other][1],
                                               config.task, **options))  # fmt: skip
    return rows, gap_rows
