"""A paper table as plain values: typed columns, rows, notes; Arrow and pandas views.

A `Column` has a kind that says how its numbers read: ``text``, ``int``, ``rate`` (a fraction
in [0, 1], shown in percent), ``percent`` (already in percent, shown signed), ``number`` and
``p`` (a p-value). A column with ``interval=True`` carries its interval beside it: the row holds
``NAME``, ``NAME_low`` and ``NAME_high`` (flat columns in CSV, Parquet and Arrow), and the
rendered table shows one cell "value [low, high]". A missing number is None (NaN is turned
into None), shown as "n/a".

Rows are dicts in the order the builder gives; builders sort them, so a table is the same for
the same inputs.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

KINDS = ("text", "int", "rate", "percent", "number", "p")
NOT_AVAILABLE = "n/a"


@dataclass(frozen=True)
class Column:
    """One column: its name in the data, its header, its kind, whether it has an interval,
    whether rendered tables show it (`shown` False: data only, e.g. a fingerprint), and whether
    it is context (`context`; text columns by default): a context column with one value in
    every row is said once under the caption instead of repeated in every row."""

    name: str
    label: str
    kind: str = "text"
    interval: bool = False
    shown: bool = True
    context: bool | None = None

    @property
    def is_context(self) -> bool:
        return self.kind == "text" if self.context is None else self.context

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"column kind must be one of {KINDS}, got {self.kind!r}")

    @property
    def flat(self) -> tuple[str, ...]:
        """The names this column takes in the flat data."""
        if self.interval:
            return (self.name, f"{self.name}_low", f"{self.name}_high")
        return (self.name,)


def clean(value: Any) -> Any:
    """`value` as a table cell: numpy scalars as Python values, NaN and infinity as None."""
    if value is None or isinstance(value, str | bool):
        return value
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def format_value(value: Any, kind: str) -> str:
    """The text of one number of `kind` (see the module docstring)."""
    if value is None:
        return NOT_AVAILABLE
    if kind == "text":
        return str(value)
    if kind == "int":
        return str(int(value))
    if kind == "rate":
        return f"{100 * value:.1f}"
    if kind == "percent":
        return f"{value:+.1f}"
    if kind == "p":
        return "<0.001" if value < 0.001 else f"{value:.3f}"
    return f"{value:.3g}" if abs(value) < 1e4 else f"{value:,.0f}"


@dataclass(frozen=True)
class Table:
    """A named table: columns, rows (dicts keyed by the flat names), a caption and notes."""

    name: str
    caption: str
    columns: tuple[Column, ...]
    rows: tuple[dict[str, Any], ...]
    notes: tuple[str, ...] = field(default=())

    @classmethod
    def build(
        cls,
        name: str,
        caption: str,
        columns: Sequence[Column],
        rows: Sequence[Mapping[str, Any]],
        notes: Sequence[str] = (),
    ) -> Table:
        """A table whose rows hold exactly the flat names of `columns`, cleaned."""
        names = [n for c in columns for n in c.flat]
        checked = []
        for row in rows:
            unknown = sorted(set(row) - set(names))
            if unknown:
                raise ValueError(f"table {name}: row has unknown columns {unknown}")
            checked.append({n: clean(row.get(n)) for n in names})
        return cls(name, caption, tuple(columns), tuple(checked), tuple(notes))

    @property
    def flat_names(self) -> list[str]:
        return [n for c in self.columns for n in c.flat]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    def with_notes(self, notes: Sequence[str]) -> Table:
        return Table(self.name, self.caption, self.columns, self.rows, (*self.notes, *notes))

    def cell(self, row: Mapping[str, Any], column: Column) -> str:
        """The rendered text of `column` in `row` ("value [low, high]" for an interval)."""
        text = format_value(row.get(column.name), column.kind)
        if column.interval and row.get(column.name) is not None:
            low, high = row.get(f"{column.name}_low"), row.get(f"{column.name}_high")
            if low is not None and high is not None:
                text += f" [{format_value(low, column.kind)}, {format_value(high, column.kind)}]"
        return text

    def arrow_schema(self) -> Any:
        import pyarrow as pa

        types = {"text": pa.string(), "int": pa.int64()}
        return pa.schema(
            [(n, types.get(c.kind, pa.float64())) for c in self.columns for n in c.flat]
        )

    def to_arrow(self) -> Any:
        """The table as a `pyarrow.Table` (flat columns), notes and caption in its metadata."""
        import json

        import pyarrow as pa

        schema = self.arrow_schema()
        arrays = [pa.array([row[f.name] for row in self.rows], type=f.type) for f in schema]
        meta = {"caption": self.caption, "notes": json.dumps(list(self.notes))}
        return pa.Table.from_arrays(arrays, schema=schema.with_metadata(meta))

    def to_pandas(self) -> Any:
        """The table as a `pandas.DataFrame` (needs pandas); notes in `DataFrame.attrs`."""
        frame = self.to_arrow().to_pandas()
        frame.attrs.update({"caption": self.caption, "notes": list(self.notes)})
        return frame
