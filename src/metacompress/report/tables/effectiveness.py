"""Table 1, effectiveness: the teacher and each student on the clean inputs.

Per model: accuracy, precision, recall and F1 on the labelled clean inputs with their intervals
(`stats.classification.score_intervals`); size in MB and parameters; compression ratio =
teacher size / model size (MB); CPU latency (ms per input) and throughput (inputs per second)
as the run measured them; the exact McNemar test of the model's correctness against the
teacher's on the examples both scored (`stats.tests.mcnemar_exact`; b = teacher right and
model wrong, c = the reverse).
"""

from __future__ import annotations

import numpy as np

from metacompress.report.tables.common import (
    MODEL_COLUMNS,
    STUDY_COLUMNS,
    cell_seed,
    interval_cells,
    model_cells,
    study_cells,
)
from metacompress.report.tables.study import ModelRecord, StudyResults
from metacompress.report.tables.table import Column, Table
from metacompress.stats.classification import SCORES, score_intervals
from metacompress.stats.tests import mcnemar_exact

NAME = "effectiveness"
COLUMNS = (
    *STUDY_COLUMNS,
    *MODEL_COLUMNS,
    Column("labelled", "n", "int"),
    Column("accuracy", "Acc. (%)", "rate", interval=True),
    Column("precision", "Prec. (%)", "rate", interval=True),
    Column("recall", "Rec. (%)", "rate", interval=True),
    Column("f1", "F1 (%)", "rate", interval=True),
    Column("size_mb", "Size (MB)", "number"),
    Column("parameters", "Params", "int"),
    Column("compression", "Compr. (x)", "number"),
    Column("latency_ms", "Latency (ms)", "number"),
    Column("throughput", "Thr. (/s)", "number"),
    Column("mcnemar_b", "b", "int"),
    Column("mcnemar_c", "c", "int"),
    Column("mcnemar_p", "McNemar p", "p"),
)
CAPTION = (
    "Effectiveness on the clean inputs: scores with 95 % intervals, size, compression, "
    "CPU speed, and the exact McNemar test against the teacher"
)


def _row(study: StudyResults, model: ModelRecord) -> dict:
    labels = np.asarray(study.labels, dtype=int)
    predicted = np.asarray(model.predicted, dtype=int)
    scores = score_intervals(
        labels, predicted, n_boot=max(study.n_boot, 1), confidence=study.confidence,
        seed=cell_seed(study, NAME, model.name),
    )  # fmt: skip
    row = {**study_cells(study), **model_cells(model)}
    row["labelled"] = int(np.sum((labels >= 0) & (predicted >= 0)))
    for name in SCORES:
        s = scores[name]
        row.update(interval_cells(name, s.rate, s.low, s.high))
    teacher = study.teacher
    row.update(size_mb=model.size_mb, parameters=model.parameters, latency_ms=model.latency_ms,
               throughput=model.throughput)  # fmt: skip
    if model.size_mb and teacher.size_mb:
        row["compression"] = teacher.size_mb / model.size_mb
    if model is not teacher:
        reference = np.asarray(teacher.predicted, dtype=int)
        both = (labels >= 0) & (predicted >= 0) & (reference >= 0)
        test = mcnemar_exact(reference[both] == labels[both], predicted[both] == labels[both])
        row.update(mcnemar_b=test.b, mcnemar_c=test.c, mcnemar_p=test.p_value)
    return row


def effectiveness(study: StudyResults) -> Table:
    """Table 1 of one study: the teacher first, then the students in study order."""
    rows = [_row(study, model) for model in (study.teacher, *study.students)]
    notes = (
        "Intervals: percentile bootstrap over examples, exact Clopper-Pearson at 0 or 100 % "
        "or under 30 examples.",
        "McNemar: b = teacher right and model wrong, c = the reverse; exact two-sided p.",
    )
    return Table.build(NAME, CAPTION, COLUMNS, rows, notes)
