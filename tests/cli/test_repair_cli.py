"""`metacompress repair`: the repaired student, its record, the held-out evaluation, errors."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from metacompress.cli import main

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "workflows"))
from repair_doubles import copy_examples, train_planted_student  # noqa: E402

TEACHER = """
import numpy as np


def teacher(batch):
    unsafe = [("strcpy(" in b[0]) or ("gets(" in b[0] and "fgets(" not in b[0]) for b in batch]
    return np.array([[0.1, 0.9] if u else [0.9, 0.1] for u in unsafe])
"""


@pytest.fixture(scope="module")
def setup(tmp_path_factory) -> Path:
    import torch

    torch.set_num_threads(1)
    folder = tmp_path_factory.mktemp("repair-cli")
    (folder / "rules.py").write_text(TEACHER)
    (folder / "teacher.yaml").write_text(
        "format: callable\nfunction: rules:teacher\ntask: vulnerability\n"
    )
    train = copy_examples(16, 0, "t")
    train_planted_student(folder, train, 2)
    for name, examples in (("train", train), ("held", copy_examples(8, 1, "h"))):
        rows = [{"idx": e.id, "func": e.inputs[0], "target": e.label} for e in examples]
        (folder / f"{name}.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    return folder


def arguments(setup: Path, out: Path, *extra: str) -> list[str]:
    return [
        "repair",
        "--teacher", str(setup / "teacher.yaml"),
        "--student", str(setup / "student"),
        "--data", str(setup / "train.jsonl"),
        "--out", str(out),
        "--budget", "12", "--epochs", "1", "--weight", "2",
        "--trust-remote-code",
        *extra,
    ]  # fmt: skip


def test_repair_writes_the_student_and_the_held_out_evaluation(setup: Path, tmp_path, capsys):
    out = tmp_path / "s2"
    assert main(arguments(setup, out, "--held-out", str(setup / "held.jsonl"))) == 0
    assert (out / "metacompress-model.yaml").is_file()
    record = json.loads((out / "repair.json").read_text())
    assert record["settings"]["budget"] == 12 and record["search"]["sources"] == 16
    evaluation = record["evaluation"]
    assert evaluation["held_out_sources"] == 8
    assert set(evaluation["clean_accuracy"]) == {"teacher", "before", "after"}
    printed = capsys.readouterr().out
    assert "triggering inputs" in printed and "repaired share" in printed


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (("--limit", "0"), "--limit must be an integer >= 1"),
        (("--search", "nowhere"), "unknown deviation search 'nowhere'"),
        (("--param", "p"), "KEY=VALUE"),
        (("--param", "colour=1"), "no parameter 'colour'"),
    ],
)
def test_usage_errors_exit_2_with_the_reason(setup: Path, tmp_path, capsys, extra, message):
    assert main(arguments(setup, tmp_path / "bad", *extra)) == 2
    assert message in capsys.readouterr().err
