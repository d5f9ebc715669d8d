"""Teacher training: spec, masked LM, per-epoch metrics and checkpoints, resume."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest
import yaml

from metacompress.data.types import Example
from metacompress.distill.teacher import train_teacher
from metacompress.errors import ConfigError
from metacompress.models import load_model, predict

from .conftest import vulnerability_examples


def test_tiny_teacher_is_a_spec_the_model_layer_loads(tiny_teacher, vuln_data):
    spec = yaml.safe_load(tiny_teacher.read_text())
    assert spec == {
        "format": "transformers",
        "path": ".",
        "task": "vulnerability",
        "max_length": 96,
    }
    folder = tiny_teacher.parent
    assert (folder / "config.json").is_file() and (folder / "tokenizer.json").is_file()
    _, _, valid = vuln_data
    probs = predict(load_model(tiny_teacher), [e.inputs for e in valid]).probs
    labels = np.array([e.label for e in valid])
    assert (probs.argmax(axis=1) == labels).mean() >= 0.8


def test_teacher_records_metrics_per_epoch_and_checkpoints(tiny_teacher):
    folder = tiny_teacher.parent
    metrics = json.loads((folder / "metrics.json").read_text())
    history = metrics["history"]["classifier"]
    assert [h["epoch"] for h in history] == [1, 2, 3, 4, 5, 6]
    assert all({"train_loss", "valid_accuracy", "valid_f1"} <= set(h) for h in history)
    assert len(metrics["history"]["mlm"]) == 1
    assert [h["step"] for h in history] == [20, 40, 60, 80, 100, 120]
    assert all(0 < a["cpu_s"] < b["cpu_s"] for a, b in zip(history, history[1:], strict=False))
    kept = sorted(p.name for p in (folder / "checkpoints" / "classifier").glob("step-*"))
    assert kept == ["step-100", "step-120"]


def test_masked_language_model_is_saved_with_its_tokenizer(tiny_teacher):
    import torch
    from transformers import AutoTokenizer, RobertaForMaskedLM

    mlm_dir = tiny_teacher.parent / "mlm"
    model = RobertaForMaskedLM.from_pretrained(mlm_dir)
    tokenizer = AutoTokenizer.from_pretrained(mlm_dir)
    ids = tokenizer("char <mask>[64];", return_tensors="pt")["input_ids"]
    with torch.no_grad():
        logits = model(input_ids=ids).logits
    assert logits.shape == (1, ids.shape[1], len(tokenizer))
    assert tokenizer.mask_token_id in ids[0].tolist()


def test_resume_continues_from_the_latest_epoch(tmp_path):
    train = vulnerability_examples(40, 11, "r")
    valid = vulnerability_examples(16, 12, "s")
    options = dict(preset="tiny", mlm_pretrain=False, max_length=48, batch_size=8, seed=3)
    train_teacher(train, valid, "vulnerability", tmp_path / "full", epochs=3, **options)
    full = json.loads((tmp_path / "full" / "metrics.json").read_text())["history"]["classifier"]
    train_teacher(train, valid, "vulnerability", tmp_path / "part", epochs=3, **options)
    # Simulate a crash after epoch 2: drop the last checkpoint, then resume.
    checkpoints = tmp_path / "part" / "checkpoints" / "classifier"
    shutil.rmtree(checkpoints / "step-15")
    train_teacher(
        train, valid, "vulnerability", tmp_path / "part", epochs=3, resume=True, **options
    )
    resumed = json.loads((tmp_path / "part" / "metrics.json").read_text())["history"]["classifier"]
    assert [h["epoch"] for h in resumed] == [1, 2, 3]

    def learned(records):
        return [{k: v for k, v in r.items() if k not in ("cpu_s", "wall_s")} for r in records]

    assert learned(resumed[:2]) == learned(full[:2])
    assert resumed[2]["train_loss"] == pytest.approx(full[2]["train_loss"], rel=1e-5)
    assert resumed[2]["valid_accuracy"] == full[2]["valid_accuracy"]


def test_teacher_needs_labels_and_a_known_task(tmp_path):
    unlabelled = [Example("x", ("int f(int a) { return a; }",), None)]
    with pytest.raises(ConfigError, match="labelled"):
        train_teacher(unlabelled, [], "vulnerability", tmp_path)
    with pytest.raises(ConfigError, match="task"):
        train_teacher(vulnerability_examples(4, 0), [], "summarisation", tmp_path)


def test_init_fine_tunes_an_existing_checkpoint(tiny_teacher, tmp_path):
    # Offline stand-in for microsoft/codebert-base: the tiny teacher's masked LM, a RoBERTa
    # encoder without a classification head.
    train = vulnerability_examples(32, 13, "i")
    spec = train_teacher(
        train,
        train[:8],
        "vulnerability",
        tmp_path,
        mlm_pretrain=False,
        epochs=1,
        init=str(tiny_teacher.parent / "mlm"),
        max_length=48,
        batch_size=8,
    )
    metrics = json.loads((tmp_path / "metrics.json").read_text())
    assert metrics["init"].endswith("mlm") and metrics["preset"] is None
    assert metrics["settings"]["learning_rate"] == 2e-5
    probs = predict(load_model(spec), [e.inputs for e in train[:4]]).probs
    assert probs.shape == (4, 2)
    with pytest.raises(ConfigError, match="max_length"):
        train_teacher(
            train,
            [],
            "vulnerability",
            tmp_path / "long",
            mlm_pretrain=False,
            epochs=1,
            init=str(tiny_teacher.parent / "mlm"),
            max_length=4096,
        )
