"""One writer per format for the paper tables: CSV and Parquet (every flat column, exact
values), booktabs LaTeX and Markdown (rendered cells, ready to paste).

CSV: a header of the flat column names, None as an empty cell, floats by repr (which
round-trips exactly), text a spreadsheet would run as a formula quoted
(`metacompress.escaping.csv_cell`). Parquet: `Table.to_arrow()` with zstd compression, caption and notes in
the schema metadata. Both are byte-identical for the same table.

LaTeX and Markdown show what a reader needs: a context column (`Column.is_context`) whose
cells are the same in every row (the task of a one-task study) moves into a line under the
caption ("Task: vulnerability"), a column with no value at all is left out, and an interval
column shows "value [low, high]". LaTeX is a `table` float with `\\caption`, `\\label{tab:NAME}`
and a booktabs `tabular` (needs ``\\usepackage{booktabs}``); every string is escaped.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path

from metacompress.atomic import atomic_path, write_atomic
from metacompress.escaping import csv_cell, markdown_text
from metacompress.report.tables.table import NOT_AVAILABLE, Column, Table

_LATEX_ESCAPES = {
    "\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
    "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
    "<": r"\textless{}", ">": r"\textgreater{}",
}  # fmt: skip


def latex_escape(text: str) -> str:
    return "".join(_LATEX_ESCAPES.get(ch, ch) for ch in text)


def _atomic(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    return write_atomic(path, data)


def to_csv(table: Table) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    names = table.flat_names
    writer.writerow(names)
    writer.writerows([["" if row[n] is None else csv_cell(row[n]) for n in names]
                      for row in table.rows])  # fmt: skip
    return out.getvalue()


def write_parquet(table: Table, path: Path) -> Path:
    import pyarrow.parquet as pq

    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(path) as tmp:
        pq.write_table(table.to_arrow(), tmp, compression="zstd")
    return path


def shown(table: Table) -> tuple[list[Column], list[str]]:
    """The columns a rendered table shows, and 'Label: value' for each constant column."""
    columns, constants = [], []
    for column in table.columns:
        if not column.shown:
            continue
        cells = [table.cell(row, column) for row in table.rows]
        if not cells or all(c == NOT_AVAILABLE for c in cells):
            continue
        if column.is_context and len(table.rows) > 1 and len(set(cells)) == 1:
            constants.append(f"{column.label}: {cells[0]}")
            continue
        columns.append(column)
    return columns, constants


def to_latex(table: Table) -> str:
    columns, constants = shown(table)
    spec = "".join("l" if c.kind == "text" else "r" for c in columns)
    lines = [
        "\\begin{table}[t]",
        "\\centering",
        "\\small",
        f"\\caption{{{latex_escape(table.caption)}"
        + (f" ({latex_escape('; '.join(constants))})" if constants else "")
        + "}",
        f"\\label{{tab:{table.name}}}",
        f"\\begin{{tabular}}{{{spec}}}",
        "\\toprule",
        " & ".join(latex_escape(c.label) for c in columns) + " \\\\",
        "\\midrule",
    ]
    for row in table.rows:
        lines.append(" & ".join(latex_escape(table.cell(row, c)) for c in columns) + " \\\\")
    lines += ["\\bottomrule", "\\end{tabular}"]
    if table.notes:
        lines.append("\\par\\footnotesize " + latex_escape(" ".join(table.notes)))
    lines.append("\\end{table}")
    return "\n".join(lines) + "\n"




def to_markdown(table: Table) -> str:
    columns, constants = shown(table)
    lines = [f"**{markdown_text(table.caption)}**", ""]
    if constants:
        lines += [markdown_text("; ".join(constants)), ""]
    if columns:
        lines.append("| " + " | ".join(markdown_text(c.label) for c in columns) + " |")
        lines.append("|" + "|".join("---" if c.kind == "text" else "---:" for c in columns) + "|")
        for row in table.rows:
            lines.append("| " + " | ".join(markdown_text(table.cell(row, c)) for c in columns) + " |")
    else:
        lines.append("(no rows)")
    lines += [""] + [f"- {markdown_text(note)}" for note in table.notes]
    return "\n".join(lines) + "\n"


FORMATS = ("csv", "parquet", "tex", "md")


def write_tables(
    tables: Sequence[Table], folder: Path, formats: Sequence[str] = FORMATS
) -> list[Path]:
    """Write each table as FOLDER/NAME.csv, .parquet, .tex and .md (those of `formats`); a run
    writes them to tables/paper/ (beside the per-example exports of tables/)."""
    unknown = sorted(set(formats) - set(FORMATS))
    if unknown:
        raise ValueError(f"unknown table formats {unknown}; expected some of {list(FORMATS)}")
    written = []
    for table in tables:
        if "csv" in formats:
            written.append(_atomic(folder / f"{table.name}.csv", to_csv(table).encode("utf-8")))
        if "parquet" in formats:
            written.append(write_parquet(table, folder / f"{table.name}.parquet"))
        if "tex" in formats:
            text = to_latex(table).encode("utf-8")
            written.append(_atomic(folder / f"{table.name}.tex", text))
        if "md" in formats:
            text = to_markdown(table).encode("utf-8")
            written.append(_atomic(folder / f"{table.name}.md", text))
    return written
