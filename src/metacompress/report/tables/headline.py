"""Table 5, headline lines: the maxima across the cells of the other tables, each naming its
cell ("MORPH student, Devign, ALERT: +285.0 %").

Claims, each the largest value of one column over the student rows where it is defined:
- ``drop_increase``: robustness, a student's relative drop against the teacher's,
  100 (d_S - d_T) / d_T;
- ``induced``: metamorphic, the induced violation rate on a pooled set (transformations or
  attacks) - the behaviour gap the follow-ups cause;
- ``violation``: metamorphic, the follow-up violation rate on a pooled set;
- ``transfer``: transfer, the rate at which adversarial inputs moved between teacher and
  student still fool the target.
Values are read from the tables, never computed again; a tie names the first cell in table
order and counts the others.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from metacompress.report.tables.metamorphic import POOL
from metacompress.report.tables.study import TEACHER
from metacompress.report.tables.table import Column, Table, format_value

NAME = "headline"
COLUMNS = (
    Column("claim", "Claim"),
    Column("line", "Headline"),
    Column("value", "Value", "number", interval=True),
    Column("table", "Table"),
    Column("task", "Task"),
    Column("dataset", "Data"),
    Column("model", "Model"),
    Column("method", "Method"),
    Column("where", "Cell"),
    Column("ties", "Ties", "int"),
)
CAPTION = "Headline numbers: the maxima across the cells, each with the cell it comes from"

Row = Mapping[str, Any]


def model_label(row: Row) -> str:
    """'MORPH student' for a student of method MORPH (over k seeds when grouped)."""
    method = str(row.get("method") or row.get("model"))
    label = method if method.lower().endswith("student") else f"{method} student"
    seeds = row.get("seeds") or 1
    return label + (f" (median of {seeds} seeds)" if seeds > 1 else "")


#: claim -> (table, value column, unit kind, which rows count, the cell's own words)
CLAIMS: dict[str, tuple[str, str, str, Callable[[Row], bool], Callable[[Row], str]]] = {
    "drop_increase": ("robustness", "drop_increase", "percent",
                      lambda r: r["role"] != TEACHER, lambda r: str(r["attack"])),
    "induced": ("metamorphic", "induced", "rate", lambda r: r["set_kind"] == POOL,
                lambda r: f"{r['relation']} on {r['set']} (induced)"),
    "violation": ("metamorphic", "rate", "rate", lambda r: r["set_kind"] == POOL,
                  lambda r: f"{r['relation']} on {r['set']}"),
    "transfer": ("transfer", "rate", "rate", lambda r: True,
                 lambda r: f"{r['attack']}, {r['source']} -> {r['target']}"),
}  # fmt: skip


def _line(row: Row, kind: str, where: str, column: str) -> str:
    value, low, high = row[column], row.get(f"{column}_low"), row.get(f"{column}_high")
    unit = " %"
    text = f"{model_label(row)}, {row['dataset']}, {where}: {format_value(value, kind)}{unit}"
    if low is not None and high is not None:
        text += f" [{format_value(low, kind)}, {format_value(high, kind)}]"
    return text


def headline(tables: Sequence[Table]) -> Table:
    """The headline lines of `tables` (any of robustness, metamorphic, transfer; merged ones
    too). A claim whose table is absent or has no defined cell is left out."""
    by_name = {t.name: t for t in tables}
    rows = []
    for claim, (name, column, kind, counts, where) in CLAIMS.items():
        table = by_name.get(name)
        if table is None:
            continue
        cells = [r for r in table.rows if r.get(column) is not None and counts(r)]
        if not cells:
            continue
        best = max(r[column] for r in cells)
        top = [r for r in cells if r[column] == best]
        row = top[0]
        scale = 100.0 if kind == "rate" else 1.0
        low, high = row.get(f"{column}_low"), row.get(f"{column}_high")
        rows.append({
            "claim": claim, "line": _line(row, kind, where(row), column), "table": name,
            "value": scale * best, "value_low": None if low is None else scale * low,
            "value_high": None if high is None else scale * high, "task": row["task"],
            "dataset": row["dataset"], "model": row["model"], "method": row["method"],
            "where": where(row), "ties": len(top) - 1,
        })  # fmt: skip
    notes = ("Values in percent. Intervals are those of the cell (95 %; min-max over seeds "
             "for a row grouped over seeds).",)  # fmt: skip
    return Table.build(NAME, CAPTION, COLUMNS, rows, notes)
