import math

import numpy as np
import pytest

from metacompress.report.tables.table import Column, Table, format_value

COLUMNS = (Column("model", "Model"), Column("n", "n", "int"),
           Column("rate", "Rate (%)", "rate", interval=True), Column("p", "p", "p"))  # fmt: skip


def test_rows_are_cleaned_and_checked():
    table = Table.build("t", "A table", COLUMNS, [
        {"model": "a", "n": np.int64(3), "rate": np.float64(0.25), "rate_low": 0.1,
         "rate_high": math.nan, "p": 0.0004},
    ])  # fmt: skip
    row = table.rows[0]
    assert type(row["n"]) is int and type(row["rate"]) is float
    assert row["rate_high"] is None  # NaN is missing, never a number
    assert table.cell(row, table.column("rate")) == "25.0"  # half an interval is not shown
    assert table.cell(row, table.column("p")) == "<0.001"
    with pytest.raises(ValueError, match="unknown columns"):
        Table.build("t", "", COLUMNS, [{"model": "a", "oops": 1}])


def test_interval_cells_and_missing_values_render():
    table = Table.build("t", "", COLUMNS, [
        {"model": "a", "rate": 0.5, "rate_low": 0.4, "rate_high": 0.61},
    ])  # fmt: skip
    row = table.rows[0]
    assert table.cell(row, table.column("rate")) == "50.0 [40.0, 61.0]"
    assert table.cell(row, table.column("n")) == "n/a"
    assert format_value(285.04, "percent") == "+285.0"


def test_arrow_view_has_flat_typed_columns_and_the_notes():
    table = Table.build("t", "cap", COLUMNS, [{"model": "a", "n": 2, "rate": 0.5}], ["note"])
    arrow = table.to_arrow()
    assert arrow.column_names == ["model", "n", "rate", "rate_low", "rate_high", "p"]
    assert str(arrow.schema.field("n").type) == "int64"
    assert arrow.column("rate").to_pylist() == [0.5]
    assert arrow.schema.metadata[b"notes"] == b'["note"]'


def test_unknown_column_kind_is_refused():
    with pytest.raises(ValueError, match="kind"):
        Column("x", "X", "percentage")
