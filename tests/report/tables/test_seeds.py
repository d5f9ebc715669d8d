from metacompress.report.tables.seeds import group_seeds
from metacompress.report.tables.table import Column, Table

COLUMNS = (Column("task", "Task"), Column("model", "Model"), Column("method", "Method"),
           Column("seed", "Seed", "int"), Column("seeds", "Seeds", "int"),
           Column("n", "n", "int"), Column("rate", "Rate", "rate", interval=True))  # fmt: skip


def row(model, method, seed, n, rate):
    return {"task": "clone", "model": model, "method": method, "seed": seed, "seeds": 1, "n": n,
            "rate": rate, "rate_low": rate - 0.1, "rate_high": rate + 0.1}  # fmt: skip


def test_seeds_of_one_method_become_median_and_min_max():
    table = Table.build("t", "", COLUMNS, [
        row("morph-s1", "MORPH", 1, 10, 0.2), row("avatar", "AVATAR", 3, 7, 0.5),
        row("morph-s2", "MORPH", 2, 12, 0.6), row("morph-s3", "MORPH", 3, 11, 0.3),
    ])  # fmt: skip
    grouped = group_seeds(table)
    assert [r["model"] for r in grouped.rows] == ["MORPH", "avatar"]
    morph = grouped.rows[0]
    assert (morph["rate"], morph["rate_low"], morph["rate_high"]) == (0.3, 0.2, 0.6)
    assert morph["n"] == 11 and morph["seeds"] == 3 and morph["seed"] is None
    assert grouped.rows[1] == table.rows[1]
    assert "median" in grouped.notes[-1]


def test_a_table_without_repeated_methods_is_unchanged():
    table = Table.build("t", "", COLUMNS, [row("a", "A", 1, 1, 0.5), row("b", "B", 1, 1, 0.5)])
    assert group_seeds(table) is table


def test_a_row_read_twice_counts_once():
    same = row("teacher", "teacher", None, 5, 0.9)
    table = Table.build("t", "", COLUMNS, [same, dict(same), row("a", "A", 1, 1, 0.5)])
    grouped = group_seeds(table)
    assert grouped.rows == (table.rows[0], table.rows[2])
    assert grouped.notes == table.notes
