"""`metacompress train-teacher` and `metacompress distill` on small JSONL files."""

from __future__ import annotations

import json
import random

import pytest
import torch
import yaml

from metacompress.cli import main
from metacompress.data.export import write_jsonl
from metacompress.data.types import Example


def vulnerability_examples(n: int, seed: int, prefix: str) -> list[Example]:
    """C functions that copy with strcpy (label 1) or strncpy (label 0), random names."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        src, dst, k = (rng.choice(("buf", "data", "node", "ctx", "tmp")) + str(j) for j in range(3))
        call = f"strcpy({dst}, {src});" if i % 2 else f"strncpy({dst}, {src}, sizeof({dst}) - 1);"
        code = (
            f"int handle_{k}(char *{src}, int n) {{\n    char {dst}[64];\n"
            f"    int {k} = n * {rng.randint(1, 9)};\n    {call}\n    return {k};\n}}"
        )
        out.append(Example(f"{prefix}{i}", (code,), i % 2))
    return out


@pytest.fixture(autouse=True)
def _one_thread():
    torch.set_num_threads(1)


@pytest.fixture(scope="module")
def data_files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("data")
    write_jsonl(vulnerability_examples(160, 21, "t"), folder / "train.jsonl", "vulnerability")
    write_jsonl(vulnerability_examples(24, 22, "v"), folder / "valid.jsonl", "vulnerability")
    return folder


@pytest.fixture(scope="module")
def teacher_dir(data_files, tmp_path_factory):
    out = tmp_path_factory.mktemp("teacher")
    code = main(
        [
            "--quiet",
            "train-teacher",
            "--task",
            "vulnerability",
            "--data",
            str(data_files / "train.jsonl"),
            "--valid",
            str(data_files / "valid.jsonl"),
            "--out",
            str(out),
            "--preset",
            "tiny",
            "--epochs",
            "3",
            "--mlm-epochs",
            "1",
            "--max-length",
            "96",
            "--seed",
            "1",
        ]
    )
    assert code == 0
    return out


def test_train_teacher_writes_spec_metrics_and_mlm(teacher_dir, capsys):
    spec = yaml.safe_load((teacher_dir / "metacompress-model.yaml").read_text())
    assert spec["format"] == "transformers" and spec["task"] == "vulnerability"
    metrics = json.loads((teacher_dir / "metrics.json").read_text())
    assert metrics["train_examples"] == 80, "the labelled half of 160 examples"
    assert (teacher_dir / "mlm" / "config.json").is_file()


def test_distill_compressor_on_the_unlabelled_half(teacher_dir, data_files, tmp_path, capsys):
    out = tmp_path / "student"
    code = main(
        [
            "--quiet",
            "distill",
            "--method",
            "compressor",
            "--teacher",
            str(teacher_dir),
            "--data",
            str(data_files / "train.jsonl"),
            "--valid",
            str(data_files / "valid.jsonl"),
            "--out",
            str(out),
            "--size-mb",
            "0.25",
            "--budget",
            "tiny",
            "--seed",
            "1",
            "--param",
            "max_length=64",
        ]
    )
    assert code == 0
    printed = capsys.readouterr().out
    assert "agreement" in printed and "student:" in printed
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["method"] == "compressor" and metrics["task"] == "vulnerability"
    assert metrics["unlabelled_examples"] == 80
    assert metrics["params"]["max_length"] == 64
    assert (out / "metacompress-model.yaml").is_file()
    # The folder is the student: predict loads it right away.
    assert main(["predict", "--model", str(out), "--data", str(data_files / "valid.jsonl")]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.strip()]
    assert len(rows) == 24


def test_usage_errors_exit_2(teacher_dir, data_files, tmp_path, capsys):
    base = ["distill", "--teacher", str(teacher_dir), "--data", str(data_files / "train.jsonl")]
    assert main(base + ["--method", "compressor", "--out", str(tmp_path), "--param", "oops"]) == 2
    assert "KEY=VALUE" in capsys.readouterr().err
    assert main(base + ["--method", "avatar", "--out", str(tmp_path), "--param", "nope=1"]) == 2
    assert "no parameter" in capsys.readouterr().err
    assert main(base + ["--method", "distilbert", "--out", str(tmp_path)]) == 2
    assert "unknown distiller 'distilbert'; expected one of: avatar" in capsys.readouterr().err
