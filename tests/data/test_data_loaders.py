"""Each loader on small files written in a temporary folder."""

from __future__ import annotations

import gzip
import json
import lzma
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from metacompress.data import load_examples
from metacompress.data.export import write_jsonl
from metacompress.data.loaders import detect_format
from metacompress.errors import ConfigError

C_FUNCS = [
    "int f(int a)\n{\n    return a + 1;\n}\n",
    "int g(char *p)\n{\n    return p[0];\n}\n",
    "void h(void)\n{\n    int x = 0;\n    x++;\n}\n",
    "long k(long n)\n{\n    return n * 2;\n}\n",
]
J_FUNCS = {
    "11": "int a(int x) { return x + 1; }",
    "12": "int b(int y) { return y + 1; }",
    "13": "int c(int z) { return z * 2; }",
}


def _write_jsonl(path: Path, records: list[dict], opener=open) -> Path:
    with opener(path, "wt", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record) + "\n")
    return path


def _devign_records() -> list[dict]:
    return [
        {"idx": 10 + i, "project": "qemu", "commit_id": f"c{i}", "target": i % 2, "func": f}
        for i, f in enumerate(C_FUNCS)
    ]


@pytest.mark.parametrize(
    ("name", "opener"), [("d.jsonl", open), ("d.jsonl.gz", gzip.open), ("d.jsonl.xz", lzma.open)]
)
def test_devign_jsonl_plain_and_compressed(tmp_path, name, opener):
    path = _write_jsonl(tmp_path / name, _devign_records(), opener)
    result = load_examples(path, "vulnerability")
    assert result.format == "devign"
    assert [e.id for e in result.examples] == ["10", "11", "12", "13"]
    assert [e.label for e in result.examples] == [0, 1, 0, 1]
    assert result.examples[1].inputs == (C_FUNCS[1],)
    meta = result.examples[2].meta
    assert meta["project"] == "qemu" and meta["commit_id"] == "c2" and meta["line"] == 3
    assert result.skipped == [] and result.flagged == []


def test_bigclonebench_pairs_resolve_ids(tmp_path):
    data = _write_jsonl(
        tmp_path / "data.jsonl", [{"func": f, "idx": i} for i, f in J_FUNCS.items()]
    )
    pairs = tmp_path / "test.txt"
    pairs.write_text("11\t12\t1\n11\t13\t0\n13\t12\n")
    result = load_examples(data, "clone", pairs=pairs)
    assert result.format == "bigclonebench"
    assert [e.id for e in result.examples] == ["11-12", "11-13", "13-12"]
    assert [e.label for e in result.examples] == [1, 0, None]
    assert result.examples[0].inputs == (J_FUNCS["11"], J_FUNCS["12"])
    assert result.examples[1].meta["idx2"] == "13"


def test_generic_csv_with_column_mapping_and_multiline_code(tmp_path):
    path = tmp_path / "mine.csv"
    rows = ["name,source,is_bug,repo"] + [
        f'fn{i},"{code}",{i % 2},r{i}' for i, code in enumerate(C_FUNCS)
    ]
    path.write_text("\n".join(rows) + "\n")
    columns = {"code": "source", "label": "is_bug", "id": "name"}
    result = load_examples(path, "vulnerability", columns=columns)
    assert result.format == "csv"
    assert [e.id for e in result.examples] == ["fn0", "fn1", "fn2", "fn3"]
    assert result.examples[2].inputs == (C_FUNCS[2],)
    assert [e.label for e in result.examples] == [0, 1, 0, 1]
    assert result.examples[3].meta["repo"] == "r3"
    assert result.examples[3].meta["line"] == 1 + sum(f.count("\n") for f in C_FUNCS[:3]) + 4


def test_tsv_is_tab_separated(tmp_path):
    path = tmp_path / "pairs.tsv"
    path.write_text("func1\tfunc2\tlabel\n" + f"{J_FUNCS['11']}\t{J_FUNCS['12']}\ttrue\n")
    result = load_examples(path, "clone")
    assert result.examples[0].label == 1 and result.examples[0].id == "row2"


def test_generic_jsonl_clone_rows_with_unlabelled_and_row_ids(tmp_path):
    records = [
        {"a": J_FUNCS["11"], "b": J_FUNCS["12"], "y": 1},
        {"a": J_FUNCS["11"], "b": J_FUNCS["13"], "y": None},
    ]
    path = _write_jsonl(tmp_path / "x.jsonl", records)
    result = load_examples(path, "clone", columns={"code1": "a", "code2": "b", "label": "y"})
    assert [(e.id, e.label) for e in result.examples] == [("row1", 1), ("row2", None)]
    no_labels = load_examples(path, "clone", columns={"code1": "a", "code2": "b", "label": None})
    assert [e.label for e in no_labels.examples] == [None, None]


def _hf_clone_table() -> pa.Table:
    return pa.table(
        {
            "id": pa.array([0, 1], pa.int32()),
            "id1": pa.array([11, 11], pa.int32()),
            "id2": pa.array([12, 13], pa.int32()),
            "func1": [J_FUNCS["11"], J_FUNCS["11"]],
            "func2": [J_FUNCS["12"], J_FUNCS["13"]],
            "label": [True, False],
        }
    )


def _hf_defect_table() -> pa.Table:
    return pa.table(
        {
            "id": pa.array(range(4), pa.int32()),
            "func": C_FUNCS,
            "target": [False, True, False, True],
            "project": ["FFmpeg"] * 4,
            "commit_id": ["abc"] * 4,
        }
    )


def test_parquet_export_of_hugging_face_clone_set(tmp_path):
    folder = tmp_path / "bcb" / "data"
    folder.mkdir(parents=True)
    pq.write_table(_hf_clone_table(), folder / "test-00000-of-00001.parquet")
    pq.write_table(_hf_clone_table().slice(0, 1), folder / "train-00000-of-00001.parquet")
    result = load_examples(tmp_path / "bcb", "clone", split="test")
    assert result.format == "parquet"
    assert [(e.id, e.label) for e in result.examples] == [("11-12", 1), ("11-13", 0)]
    single = load_examples(folder / "train-00000-of-00001.parquet", "clone")
    assert len(single.examples) == 1
    with pytest.raises(ConfigError, match="split 'valid'"):
        load_examples(tmp_path / "bcb", "clone", split="valid")


@pytest.mark.parametrize("stream", [True, False])
def test_arrow_export_of_hugging_face_defect_set(tmp_path, stream):
    path = tmp_path / "data-00000-of-00001.arrow"
    table = _hf_defect_table()
    writer_cls = pa.ipc.new_stream if stream else pa.ipc.new_file
    with pa.OSFile(str(path), "wb") as sink, writer_cls(sink, table.schema) as writer:
        writer.write_table(table)
    result = load_examples(path, "vulnerability")
    assert result.format == "arrow"
    assert [(e.id, e.label) for e in result.examples] == [("0", 0), ("1", 1), ("2", 0), ("3", 1)]
    assert result.examples[0].meta["project"] == "FFmpeg"
    folder = load_examples(tmp_path, "vulnerability")
    assert len(folder.examples) == 4


def test_hub_id_without_datasets_package_is_a_clear_config_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "datasets", None)
    assert detect_format("google/code_x_glue_cc_defect_detection", "vulnerability") == "hf"
    with pytest.raises(ConfigError, match="needs the `datasets` package"):
        load_examples("google/code_x_glue_cc_defect_detection", "vulnerability")


def test_hub_loader_reads_rows_through_datasets(monkeypatch):
    class FakeDatasets:
        @staticmethod
        def load_dataset(name, split):
            assert (name, split) == (
                "google/code_x_glue_cc_clone_detection_big_clone_bench",
                "test",
            )
            return _hf_clone_table().to_pylist()

    monkeypatch.setitem(sys.modules, "datasets", FakeDatasets)
    result = load_examples("google/code_x_glue_cc_clone_detection_big_clone_bench", "clone")
    assert result.format == "hf"
    assert [e.id for e in result.examples] == ["11-12", "11-13"]


def test_writer_round_trip_keeps_ids_inputs_labels_and_meta(tmp_path):
    source = _write_jsonl(tmp_path / "d.jsonl", _devign_records())
    loaded = load_examples(source, "vulnerability").examples
    out = tmp_path / "copy.jsonl.xz"
    assert write_jsonl(loaded, out, "vulnerability") == 4
    again = load_examples(out, "vulnerability").examples
    assert again == loaded
    assert [e.meta["commit_id"] for e in again] == [e.meta["commit_id"] for e in loaded]


def test_missing_file_and_unknown_format_name_the_file_and_fix(tmp_path):
    with pytest.raises(ConfigError, match=r"not found: .*nope\.jsonl.*fix"):
        load_examples(tmp_path / "nope.jsonl", "vulnerability")
    odd = tmp_path / "data.bin"
    odd.write_bytes(b"\x00\x01")
    with pytest.raises(ConfigError, match=r"data\.bin.*fix: .*format="):
        load_examples(odd, "vulnerability")
    array = tmp_path / "arr.json"
    array.write_text("[{}]")
    with pytest.raises(ConfigError, match="JSON array"):
        load_examples(array, "vulnerability")
    data = _write_jsonl(tmp_path / "data.jsonl", [{"func": "int f() {}", "idx": "1"}])
    with pytest.raises(ConfigError, match="pairs"):
        load_examples(data, "clone")
    with pytest.raises(ConfigError, match=r"pairs file not found: .*none\.txt"):
        load_examples(data, "clone", pairs=tmp_path / "none.txt")
    (tmp_path / "t.txt").write_text("1\t1\t1\n")
    with pytest.raises(ConfigError, match="pair file"):
        load_examples(tmp_path / "t.txt", "clone")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"task": "summarize"}, "task must be one of"),
        ({"format": "xml"}, "unknown data format .xml.; expected one of"),
        ({"limit": 0}, "limit must be a positive integer"),
        ({"columns": {"cod": "x"}}, "unknown column role"),
        ({"split": "test"}, "split='test' applies to"),
    ],
)
def test_bad_arguments_are_config_errors(tmp_path, kwargs, message):
    path = _write_jsonl(tmp_path / "d.jsonl", _devign_records())
    args = {"task": "vulnerability", **kwargs}
    task = args.pop("task")
    with pytest.raises(ConfigError, match=message):
        load_examples(path, task, **args)
