"""Table 3, metamorphic: each relation between the teacher and each student, on the pooled
follow-up sets and per transformation family.

Sets: ``transformations`` (every transformation follow-up), ``attacks`` (every attack
follow-up of the pair: against the teacher and against this student), never pooled across
both (issue #14); then one set per family (the transformation's catalogue family, or the
attack). On each set, the rates of `relations.rates.followup_rates` over the set's pairs:
the source (clean-input) rate on the same examples, the follow-up rate, the induced rate
(violations among the pairs whose source pair holds) and the difference follow-up - source,
each with its interval. A set-level relation has one value per set, shown with the interval
the run stored.
"""

from __future__ import annotations

import numpy as np

from metacompress.relations.rates import followup_rates
from metacompress.report.tables.common import (
    MODEL_COLUMNS,
    STUDY_COLUMNS,
    cell_seed,
    interval_cells,
    model_cells,
    study_cells,
)
from metacompress.report.tables.study import POOLS, PairRecord, StudyResults
from metacompress.report.tables.table import Column, Table

NAME = "metamorphic"
POOL, FAMILY = "pooled", "family"
COLUMNS = (
    *STUDY_COLUMNS,
    Column("relation", "Relation"),
    *MODEL_COLUMNS,
    Column("set", "Follow-ups"),
    Column("set_kind", "Set"),
    Column("pairs", "Pairs", "int"),
    Column("examples", "Examples", "int"),
    Column("source_rate", "Source (%)", "rate", interval=True),
    Column("rate", "Follow-up (%)", "rate", interval=True),
    Column("induced", "Induced (%)", "rate", interval=True),
    Column("difference", "Diff. (pp)", "rate", interval=True),
    Column("value", "Set value", "number", interval=True),
)
CAPTION = (
    "Metamorphic relations between teacher and student: violation rates on the clean inputs "
    "(source), on the follow-ups, and induced by the follow-ups"
)


def study_sets(study: StudyResults, student: str) -> list[tuple[str, str, list[str]]]:
    """(set name, pooled | family, follow-up names) of the student's pair, in table order."""
    kinds = {f.name: f for f in study.followups}
    names = [p.followup for p in study.pairs if p.student == student and p.followup in kinds]
    names = list(dict.fromkeys(names))
    sets = [(POOLS[kind], POOL, [n for n in names if kinds[n].kind == kind]) for kind in POOLS]
    families = list(dict.fromkeys(kinds[n].family for n in names))
    sets += [(family, FAMILY, [n for n in names if kinds[n].family == family])
             for family in families]  # fmt: skip
    return [s for s in sets if s[2]]


def _concatenate(records: list[PairRecord]) -> tuple[np.ndarray, ...]:
    def cat(attribute: str, dtype: type) -> np.ndarray:
        return np.concatenate([np.asarray(getattr(r, attribute), dtype=dtype) for r in records])

    return (cat("applicable", bool), cat("violated", bool), cat("source_applicable", bool),
            cat("source_violated", bool), cat("example_ids", object))  # fmt: skip


def _rate_row(study: StudyResults, relation: str, student: str, set_name: str,
              records: list[PairRecord]) -> dict:  # fmt: skip
    applicable, violated, src_a, src_v, ids = _concatenate(records)
    rates = followup_rates(
        applicable, violated, src_a, src_v, ids, n_boot=max(study.n_boot, 1),
        confidence=study.confidence, seed=cell_seed(study, relation, set_name, student=student),
    )  # fmt: skip
    row = {"pairs": rates.n_pairs, "examples": rates.n_examples}
    for name, r in (("source_rate", rates.source), ("rate", rates.rate),
                    ("induced", rates.induced)):  # fmt: skip
        row.update(interval_cells(name, r.rate, r.low, r.high))
    d = rates.difference
    row.update(interval_cells("difference", d.estimate, d.low, d.high))
    return row


def metamorphic(study: StudyResults) -> Table:
    """Table 3 of one study: relations in study order, then students, then sets."""
    relations = list(dict.fromkeys([p.relation for p in study.pairs]
                                   + [s.relation for s in study.set_level]))  # fmt: skip
    rows = []
    for relation in relations:
        for student in study.students:
            base = {**study_cells(study), **model_cells(student), "relation": relation}
            pairs = {p.followup: p for p in study.pairs
                     if p.relation == relation and p.student == student.name}  # fmt: skip
            for set_name, kind, names in study_sets(study, student.name):
                chosen = [pairs[n] for n in names if n in pairs]
                if chosen:
                    rows.append({**base, "set": set_name, "set_kind": kind,
                                 **_rate_row(study, relation, student.name, set_name, chosen)})  # fmt: skip
            for value in study.set_level:
                if value.relation == relation and value.student == student.name:
                    rows.append({**base, "set": value.followup, "set_kind": POOL,
                                 **interval_cells("value", value.value, value.low, value.high)})  # fmt: skip
    notes = (
        "Induced: violations among the follow-up pairs whose clean-input (source) pair holds; "
        "Diff.: follow-up rate minus the source rate on the same examples, in percentage points "
        "(paired bootstrap over examples). Definitions: docs/relations.md.",
        "Transformations and attacks are pooled separately; the attack set of a student holds "
        "the attacks against the teacher and against that student.",
    )
    return Table.build(NAME, CAPTION, COLUMNS, rows, notes)
