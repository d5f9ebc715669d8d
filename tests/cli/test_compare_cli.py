"""`metacompress compare`: one table set, headline lines printed, mismatches exit 2."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from metacompress.cli import main

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "report" / "tables"))
from runs import make_run  # noqa: E402


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    root = tmp_path_factory.mktemp("cli-compare")
    return (make_run(root / "a", student="compressor"),
            make_run(root / "b", task="clone", student="avatar"),
            make_run(root / "c", student="morph", relations=["prediction-agreement"]))  # fmt: skip


def test_compare_writes_the_tables_and_prints_the_headline(runs, tmp_path, capsys):
    out = tmp_path / "merged"
    assert main(["compare", str(runs[0]), str(runs[1]), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert f"tables written to {out}" in printed
    assert "student, " in printed  # a headline line names its cell
    for name in ("effectiveness", "robustness", "metamorphic", "transfer", "headline"):
        assert (out / f"{name}.csv").is_file() and (out / f"{name}.parquet").is_file()
        assert (out / f"{name}.tex").is_file() and (
            out / f"{name}.md"
        ).is_file()


def test_a_mismatch_is_exit_2_naming_it_unless_allowed(runs, tmp_path, capsys):
    args = ["compare", str(runs[0]), str(runs[2]), "--out", str(tmp_path / "m")]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "relation high-confidence is in" in err and str(runs[0]) in err
    assert main([*args, "--allow-mismatch"]) == 0
    notes = (tmp_path / "m" / "effectiveness.md").read_text()
    assert "Compared despite a difference: relation high-confidence" in notes


def test_an_unknown_format_is_exit_2(runs, tmp_path, capsys):
    assert main(["compare", str(runs[0]), "--out", str(tmp_path), "--format", "xlsx"]) == 2
    assert "xlsx" in capsys.readouterr().err
