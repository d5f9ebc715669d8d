import csv
import io

import pyarrow.parquet as pq

from metacompress.report.tables.table import Column, Table
from metacompress.report.tables.writers import (
    latex_escape,
    to_csv,
    to_latex,
    to_markdown,
    write_tables,
)

COLUMNS = (Column("task", "Task"), Column("model", "Model"), Column("seed", "Seed", "int"),
           Column("n", "n", "int"), Column("rate", "Rate (%)", "rate", interval=True))  # fmt: skip
ROWS = [
    {"task": "vulnerability", "model": "a_b & c|d", "rate": 0.1 + 0.2, "rate_low": 0.25,
     "rate_high": 0.35, "n": 5},
    {"task": "vulnerability", "model": "100% #1", "rate": None, "n": 5},
]  # fmt: skip


def table():
    return Table.build("demo", "Rates of 95 % intervals", COLUMNS, ROWS, ["Some_note."])


def test_csv_keeps_exact_values_and_empty_cells():
    rows = list(csv.reader(io.StringIO(to_csv(table()))))
    assert rows[0] == ["task", "model", "seed", "n", "rate", "rate_low", "rate_high"]
    assert float(rows[1][4]) == 0.1 + 0.2  # repr round-trips
    assert rows[2][4] == "" and rows[1][2] == ""


def test_latex_is_booktabs_escaped_and_moves_constant_columns_to_the_caption():
    text = to_latex(table())
    assert "\\toprule" in text and "\\midrule" in text and "\\bottomrule" in text
    assert "\\label{tab:demo}" in text
    assert "(Task: vulnerability)" in text
    assert "Seed" not in text  # no value at all
    assert "a\\_b \\& c|d" in text and "100\\% \\#1" in text
    assert "30.0 [25.0, 35.0]" in text and "n/a" in text
    assert "\\begin{tabular}{lrr}" in text  # a constant number stays in the table
    assert "Model & n & Rate" in text
    assert latex_escape("\\x^2") == "\\textbackslash{}x\\textasciicircum{}2"


def test_markdown_escapes_pipes_and_lists_notes():
    text = to_markdown(table())
    assert "| Model | n | Rate (%) |" in text
    assert "a\\_b \\& c\\|d" in text  # literal text: no emphasis, entity or cell break
    assert "30.0 \\[25.0, 35.0\\]" in text
    assert "- Some\\_note." in text


def test_files_are_byte_identical_across_writes(tmp_path):
    first = write_tables([table()], tmp_path / "a")
    second = write_tables([table()], tmp_path / "b")
    names = sorted(p.relative_to(tmp_path / "a").as_posix() for p in first)
    assert names == ["demo.csv", "demo.md", "demo.parquet", "demo.tex"]
    for a, b in zip(sorted(first), sorted(second), strict=True):
        assert a.read_bytes() == b.read_bytes()
    read = pq.read_table(tmp_path / "a" / "demo.parquet")
    assert read.column("model").to_pylist() == ["a_b & c|d", "100% #1"]
