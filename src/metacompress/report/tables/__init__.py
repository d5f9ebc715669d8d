"""The paper's comparison tables, computed from studies' per-example results.

`paper_tables(studies)` gives, for one study or several merged ones (one row set per study,
students of one method over several seeds grouped by `seeds.group_seeds`):

1. `effectiveness` - the teacher and each student on the clean inputs;
2. `robustness` - each attack against each model, each student's drop against the teacher's;
3. `metamorphic` - each relation per student: source, follow-up and induced rates;
4. `transfer` - adversarial inputs moved between teacher and students;
5. `headline` - the maxima across those cells, naming the cell.

Each is a pure function of `study.StudyResults` values (built by `collect` from a run
directory) that asks the module defining each number; `writers.write_tables` writes them as
CSV, Parquet, booktabs LaTeX and Markdown; `Table.to_arrow()` / `to_pandas()` give them to
Python.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from metacompress.report.tables.effectiveness import effectiveness
from metacompress.report.tables.headline import headline
from metacompress.report.tables.metamorphic import metamorphic
from metacompress.report.tables.robustness import robustness
from metacompress.report.tables.seeds import group_seeds
from metacompress.report.tables.study import StudyResults
from metacompress.report.tables.table import Column, Table
from metacompress.report.tables.transfer import transfer
from metacompress.report.tables.writers import write_tables

BUILDERS: dict[str, Callable[[StudyResults], Table]] = {
    "effectiveness": effectiveness,
    "robustness": robustness,
    "metamorphic": metamorphic,
    "transfer": transfer,
}
NAMES = (*BUILDERS, "headline")

__all__ = ["NAMES", "Column", "StudyResults", "Table", "paper_tables", "write_tables"]


def paper_tables(
    studies: Sequence[StudyResults], notes: Sequence[str] = (), group: bool = True
) -> list[Table]:
    """The tables of `NAMES` over `studies` (rows in study order); `notes` are added to each
    table (e.g. the differences `compare --allow-mismatch` accepted). With `group`, students
    of one method over several seeds become one row (`seeds.group_seeds`)."""
    if not studies:
        raise ValueError("paper_tables needs at least one study")
    tables = []
    for name, build in BUILDERS.items():
        parts = [build(study) for study in studies]
        first = parts[0]
        table = Table.build(name, first.caption, first.columns,
                            [row for part in parts for row in part.rows], first.notes)  # fmt: skip
        tables.append(group_seeds(table) if group else table)
    tables.append(headline(tables))
    return [t.with_notes(notes) for t in tables]
