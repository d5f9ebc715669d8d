"""Students of one method trained with different seeds, reported as one row: median, min-max.

Rows are grouped when they agree on every key column (the text columns that say what a row is
about: task, data, teacher, role, method, attack, relation, set, ...) and differ only in the
model they are about. A group of k > 1 rows becomes one row:
- a number: the median over the k rows; an interval column's bounds become the minimum and
  the maximum of the k values (the spread over seeds, not a confidence interval);
- a count (int): the lower median; `seeds` = the number of rows grouped, `seed` empty;
- `model`, and any other name that differs between the rows, becomes the method's name.
Rows that are equal in every column, the model's fingerprint included (one teacher read from
two runs of one config), count once.
A table with no such group is returned unchanged.
"""

from __future__ import annotations

import statistics
from typing import Any

from metacompress.report.tables.table import Table

#: Text columns that name a model rather than say what a row is about.
NAME_COLUMNS = ("model", "source", "target", "where", "line", "fingerprint")
NOTE = ("Rows over several seeds of one method show the median over the seeds, with [min, max] "
        "over the seeds in place of the interval.")  # fmt: skip


def _key(table: Table, row: dict[str, Any]) -> tuple:
    return tuple(
        row[c.name] for c in table.columns if c.kind == "text" and c.name not in NAME_COLUMNS
    )


def _merge(table: Table, rows: list[dict[str, Any]]) -> dict[str, Any]:
    merged = dict(rows[0])
    for column in table.columns:
        values = [r[column.name] for r in rows]
        if column.name == "seed":
            merged["seed"] = None
        elif column.name == "seeds":
            merged["seeds"] = sum(v or 1 for v in values)
        elif column.kind == "text":
            if len(set(values)) > 1:
                merged[column.name] = "" if column.name == "fingerprint" else rows[0]["method"]
        else:
            known = [v for v in values if v is not None]
            if column.kind == "int":
                merged[column.name] = statistics.median_low(known) if known else None
            else:
                merged[column.name] = statistics.median(known) if known else None
            if column.interval:
                merged[f"{column.name}_low"] = min(known) if known else None
                merged[f"{column.name}_high"] = max(known) if known else None
    return merged


def group_seeds(table: Table) -> Table:
    """`table` with each group of rows over seeds merged (see the module docstring), in the
    order of each group's first row."""
    groups: dict[tuple, list[dict[str, Any]]] = {}
    for row in table.rows:
        group = groups.setdefault(_key(table, row), [])
        if row not in group:
            group.append(row)
    if len(groups) == len(table.rows):
        return table
    rows = [rows[0] if len(rows) == 1 else _merge(table, rows) for rows in groups.values()]
    grouped = any(len(rows) > 1 for rows in groups.values())
    notes = (*table.notes, NOTE) if grouped else table.notes
    return Table.build(table.name, table.caption, table.columns, rows, notes)
