"""`metacompress data synth` and `metacompress data inspect`."""

from __future__ import annotations

import json

import pytest

from metacompress.cli import main
from metacompress.data import load_examples
from metacompress.data.synth import generate


@pytest.mark.parametrize(
    ("task", "fields"),
    [("vulnerability", {"idx", "func", "target"}), ("clone", {"id", "func1", "func2", "label"})],
)
def test_synth_writes_codexglue_like_jsonl_that_loads_back(tmp_path, capsys, task, fields):
    out = tmp_path / "synth" / f"{task}.jsonl"
    assert (
        main(["data", "synth", "--task", task, "--n", "12", "--seed", "4", "--out", str(out)]) == 0
    )
    assert "wrote 12" in capsys.readouterr().out
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(rows) == 12 and all(fields <= set(row) for row in rows)
    assert sum(row["target" if task == "vulnerability" else "label"] for row in rows) == 6
    assert load_examples(out, task).examples == generate(task, 12, seed=4)


def test_synth_compressed_output(tmp_path):
    out = tmp_path / "v.jsonl.xz"
    assert main(["data", "synth", "--task", "vulnerability", "--n", "4", "--out", str(out)]) == 0
    assert len(load_examples(out, "vulnerability").examples) == 4


def test_inspect_reports_counts_and_skipped_rows(tmp_path, capsys):
    path = tmp_path / "mixed.jsonl"
    path.write_text(
        '{"idx": 1, "func": "int f(void) { return 0; }", "target": 0}\n'
        '{"idx": 2, "func": "", "target": 1}\n'
        "{broken\n"
        '{"idx": 3, "func": "int g(void) { return 1; }", "target": 1}\n'
    )
    assert main(["data", "inspect", str(path), "--task", "vulnerability"]) == 0
    out = capsys.readouterr().out
    assert "format:   devign" in out and "examples: 2" in out and "labels:   0: 1, 1: 1" in out
    assert "1  empty code" in out and "1  malformed JSON" in out
    assert f"skipped {path}:2: empty code" in out


def test_inspect_with_column_mapping_and_limit(tmp_path, capsys):
    path = tmp_path / "mine.csv"
    rows = "".join(f'r{i},"int f{i}(void) {{ return {i}; }}",{i % 2}\n' for i in range(10))
    path.write_text("name,src,bug\n" + rows)
    args = ["data", "inspect", str(path), "--task", "vulnerability", "--column", "code=src"]
    args += ["--column", "label=bug", "--column", "id=name", "--limit", "4", "--seed", "1"]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "examples: 4 (sampled from 10)" in out and "labels:   0: 2, 1: 2" in out


def test_usage_errors_exit_2(tmp_path, capsys):
    assert main(["data", "inspect", str(tmp_path / "none.jsonl"), "--task", "clone"]) == 2
    assert "data file not found" in capsys.readouterr().err
    assert main(["data", "inspect", "x.jsonl", "--task", "clone", "--column", "code1"]) == 2
    assert "ROLE=NAME" in capsys.readouterr().err
    assert main(["data", "synth", "--task", "clone", "--n", "-2", "--out", "x.jsonl"]) == 2
    assert main(["data"]) == 2
