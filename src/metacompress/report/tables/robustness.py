"""Table 2, robustness: each attack against each model, and each student's drop against the
teacher's.

Every number is the one `attacks.summary` defines: the attack success rate over the examples
the victim got right (the correct ones not attacked counted in their own columns: no
identifier, errors), clean and adversarial accuracy (vulnerability) or F1 (clone), the
relative drop d = (clean - adversarial) / clean, mean queries per attacked example, with
`robustness_intervals`; for a student attacked by an attack the teacher was attacked with
too, 100 (d_S - d_T) / d_T and d_S / d_T with the paired `comparison_intervals`.
"""

from __future__ import annotations

from metacompress.attacks.summary import (
    comparison_intervals,
    drop_increase,
    drop_ratio,
    robustness_intervals,
    summarize,
)
from metacompress.report.tables.common import (
    MODEL_COLUMNS,
    STUDY_COLUMNS,
    cell_seed,
    interval_cells,
    model_cells,
    study_cells,
)
from metacompress.report.tables.study import TEACHER, AttackRecord, StudyResults
from metacompress.report.tables.table import Column, Table

NAME = "robustness"
COLUMNS = (
    *STUDY_COLUMNS,
    Column("attack", "Attack"),
    *MODEL_COLUMNS,
    Column("metric", "Metric"),
    Column("examples", "n", "int"),
    Column("correct", "Correct", "int"),
    Column("attacked", "Attacked", "int"),
    Column("succeeded", "Succ.", "int"),
    Column("no_identifier", "No ident.", "int"),
    Column("errors", "Errors", "int"),
    Column("success_rate", "ASR (%)", "rate", interval=True),
    Column("clean", "Clean (%)", "rate", interval=True),
    Column("adversarial", "Adv. (%)", "rate", interval=True),
    Column("relative_drop", "Drop (%)", "rate", interval=True),
    Column("drop_increase", "Drop vs T (%)", "percent", interval=True),
    Column("drop_ratio", "d_S/d_T", "number", interval=True),
    Column("mean_queries", "Queries", "number"),
)
CAPTION = (
    "Robustness under attack: success rate, clean and adversarial score, relative drop, and "
    "each student's drop against the teacher's"
)


def _row(study: StudyResults, record: AttackRecord) -> dict:
    options = {"n_boot": max(study.n_boot, 1), "confidence": study.confidence}
    summary = summarize(record.results, study.task)
    intervals = robustness_intervals(
        record.results, study.task, **options,
        seed=cell_seed(study, f"{record.attack}@{record.victim}"),
    )  # fmt: skip
    model = study.model(record.victim)
    row = {**study_cells(study), **model_cells(model), "attack": record.attack}
    row.update(metric=summary.metric, examples=summary.examples, correct=summary.correct,
               attacked=summary.attacked, succeeded=summary.succeeded,
               no_identifier=summary.no_identifier, errors=summary.errors,
               mean_queries=summary.mean_queries)  # fmt: skip
    for name, value in (("success_rate", summary.attack_success_rate), ("clean", summary.clean),
                        ("adversarial", summary.adversarial),
                        ("relative_drop", summary.relative_drop)):  # fmt: skip
        key = "attack_success_rate" if name == "success_rate" else name
        row.update(interval_cells(name, value, intervals[key].low, intervals[key].high))
    teacher = next(
        (a for a in study.attacks if a.attack == record.attack and a.victim == study.teacher.name),
        None,
    )
    if model.role != TEACHER and teacher is not None:
        reference = summarize(teacher.results, study.task)
        paired = comparison_intervals(
            teacher.results, record.results, study.task, **options,
            seed=cell_seed(study, record.attack, student=record.victim),
        )  # fmt: skip
        increase, ratio = paired["drop_increase_percent"], paired["drop_ratio"]
        row.update(interval_cells("drop_increase", drop_increase(reference, summary),
                                  increase.low, increase.high))  # fmt: skip
        row.update(interval_cells("drop_ratio", drop_ratio(reference, summary), ratio.low,
                                  ratio.high))  # fmt: skip
    return row


def robustness(study: StudyResults) -> Table:
    """Table 2 of one study: attacks in study order, the teacher first within each attack."""
    order = {m.name: i for i, m in enumerate(study.models)}
    attacks = list(dict.fromkeys(a.attack for a in study.attacks))
    records = sorted(study.attacks, key=lambda a: (attacks.index(a.attack), order[a.victim]))
    notes = (
        "ASR over the examples the victim classified correctly (ALERT's convention); correct "
        "examples that could not be attacked are counted under No ident. and Errors.",
        "Clean and Adv.: accuracy (vulnerability) or F1 (clone detection). Drop vs T = "
        "100 (d_S - d_T) / d_T; d_S/d_T the ratio of the relative drops (paired bootstrap "
        "over examples).",
    )
    return Table.build(NAME, CAPTION, COLUMNS, [_row(study, r) for r in records], notes)
