"""The GraphCodeBERT teacher: pre-training objectives, fine-tuning, saving, distilling from it."""

from __future__ import annotations

import json

import numpy as np
import pytest
import yaml

from metacompress.distill.pipeline import DistillJob
from metacompress.distill.teacher import train_teacher
from metacompress.models import load_model, predict

from .test_pipeline import SMALL


@pytest.fixture(scope="module")
def graph_teacher(vuln_data, tmp_path_factory):
    import torch

    torch.set_num_threads(1)
    train, _, valid = vuln_data
    return train_teacher(
        train,
        valid,
        "vulnerability",
        tmp_path_factory.mktemp("graph-teacher"),
        preset="tiny",
        arch="graphcodebert",
        epochs=6,
        learning_rate=1e-3,
        mlm_epochs=2,
        max_length=96,
        seed=0,
    )


def test_graph_teacher_pretrains_learns_and_loads_as_graphcodebert(graph_teacher, vuln_data):
    from transformers import RobertaForMaskedLM

    spec = yaml.safe_load(graph_teacher.read_text())
    assert spec["format"] == "graphcodebert" and spec["head"] == "sigmoid"
    assert spec["language"] == "c" and spec["data_flow_length"] == 64
    metrics = json.loads((graph_teacher.parent / "metrics.json").read_text())
    mlm = metrics["history"]["mlm"]
    assert mlm[-1]["train_loss"] < mlm[0]["train_loss"], "the three objectives are learned"
    assert metrics["arch"] == "graphcodebert" and metrics["best"]["valid_accuracy"] >= 0.8
    _, _, valid = vuln_data
    probs = predict(load_model(graph_teacher), [e.inputs for e in valid]).probs
    labels = np.array([e.label for e in valid])
    assert (probs.argmax(axis=1) == labels).mean() == pytest.approx(
        metrics["best"]["valid_accuracy"]
    )
    assert RobertaForMaskedLM.from_pretrained(graph_teacher.parent / "mlm").config.vocab_size > 5


def test_students_distil_from_the_graph_teacher(graph_teacher, vuln_data, tmp_path):
    _, unlabelled, valid = vuln_data
    job = DistillJob.prepare(graph_teacher, unlabelled, valid, "vulnerability", tmp_path)
    direct = predict(load_model(graph_teacher), [e.inputs for e in unlabelled]).probs
    assert np.allclose(job.probs, direct, atol=1e-6), "soft labels come from the graph model"
    trained = job.train_student(SMALL, 3, "kl", 1.0, measure_untrained=True)
    assert min(h["valid_kd_loss"] for h in trained.history) < trained.untrained["kd_loss"]
    assert trained.history[-1]["train_loss"] < trained.history[0]["train_loss"]
