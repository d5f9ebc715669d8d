"""The shared pipeline: soft labels through the model layer, KD training, saving, loading."""

from __future__ import annotations

import json

import numpy as np
import pytest

from metacompress.distill.pipeline import DistillJob, SearchOutcome, split_labelled_unlabelled
from metacompress.distill.student import StudentConfig
from metacompress.errors import ConfigError
from metacompress.models import load_model, predict

from .conftest import clone_examples, vulnerability_examples

SMALL = StudentConfig(
    vocab_size=400,
    num_layers=2,
    hidden_size=64,
    intermediate_size=128,
    num_heads=4,
    hidden_dropout=0.1,
    max_length=96,
    learning_rate=1e-3,
    batch_size=16,
)


@pytest.fixture(scope="module")
def job(tiny_teacher, vuln_data, tmp_path_factory):
    _, unlabelled, valid = vuln_data
    return DistillJob.prepare(
        tiny_teacher, unlabelled, valid, "vulnerability", tmp_path_factory.mktemp("job"), seed=0
    )


@pytest.fixture(scope="module")
def trained(job):
    return job.train_student(SMALL, 5, "kl", 10.0, measure_untrained=True)


def test_soft_labels_come_from_the_model_layer_and_are_saved(job, tiny_teacher):
    direct = predict(load_model(tiny_teacher), [e.inputs for e in job.unlabelled]).probs
    assert np.allclose(job.probs, direct, atol=1e-6)
    saved = np.load(job.out_dir / "soft_labels.npz")
    assert np.allclose(saved["unlabelled_probs"], job.probs)
    assert list(saved["valid_ids"]) == [e.id for e in job.valid]
    assert (job.out_dir / "teacher-cache.sqlite").is_file()


def test_distillation_lowers_kd_loss_and_raises_agreement(trained):
    before = trained.untrained
    after = trained.history[-1]
    best = max(trained.history, key=lambda h: h["valid_accuracy"])
    assert min(h["valid_kd_loss"] for h in trained.history) < before["kd_loss"]
    assert best["valid_agreement"] > before["agreement"] + 0.2
    assert after["train_loss"] < trained.history[0]["train_loss"]


def test_saved_student_loads_through_the_model_layer_and_predicts(job, trained):
    outcome = SearchOutcome(chosen=SMALL, history=[{"note": "fixed"}])
    params = {"loss": "kl", "temperature": 10.0}
    result = job.finish("test", params, outcome, trained)
    model = load_model(result.student_spec)
    probs = predict(model, [e.inputs for e in job.valid]).probs
    ours = job.student_probs(trained.model, trained.tokenizer, SMALL, job.valid)
    assert probs.shape == (len(job.valid), 2)
    assert np.allclose(probs, ours, atol=1e-5)
    assert result.parameters == sum(p.numel() for p in trained.model.parameters())
    chosen = json.loads((job.out_dir / "chosen_config.json").read_text())
    assert chosen["size_mb"] == pytest.approx(result.size_mb)
    assert chosen["flops"] == pytest.approx(result.flops)
    metrics = json.loads((job.out_dir / "metrics.json").read_text())
    assert metrics["student"]["agreement"] == pytest.approx(result.agreement)
    assert metrics["untrained_student"] == trained.untrained
    assert (job.out_dir / "search_history.jsonl").read_text().strip() == '{"note": "fixed"}'


def test_split_halves_are_disjoint_and_seeded():
    examples = vulnerability_examples(11, 0)
    labelled, unlabelled = split_labelled_unlabelled(examples, seed=5)
    assert len(labelled) == 6 and len(unlabelled) == 5
    assert {e.id for e in labelled}.isdisjoint(e.id for e in unlabelled)
    assert split_labelled_unlabelled(examples, seed=5) == (labelled, unlabelled)
    assert split_labelled_unlabelled(examples, seed=6) != (labelled, unlabelled)


def test_examples_of_the_wrong_arity_are_refused(tiny_teacher, tmp_path):
    with pytest.raises(ConfigError, match="expects 1 input"):
        DistillJob.prepare(tiny_teacher, clone_examples(4, 0), [], "vulnerability", tmp_path)


def test_final_training_checkpoints_under_a_key_and_resumes(job):
    first = job.train_student(SMALL, 2, "kl", 10.0, checkpoint=True)
    folders = sorted((job.out_dir / "checkpoints").glob("student-*"))
    assert len(folders) == 1 and (folders[0] / "best" / "model.pt").is_file()
    again = job.train_student(SMALL, 2, "kl", 10.0, checkpoint=True)
    assert again.history == first.history, "a finished training is read back, not redone"
    job.train_student(SMALL, 2, "kl", 1.0, checkpoint=True)
    assert len(list((job.out_dir / "checkpoints").glob("student-*"))) == 2


def test_remembered_records_are_computed_once_per_key(job):
    calls = []

    def compute():
        calls.append(1)
        return {"accuracy": 0.5 + len(calls)}

    data = (job.unlabelled, job.probs)
    assert job.remembered("sample", [1, 2], data, compute) == {"accuracy": 1.5}
    assert job.remembered("sample", [1, 2], data, compute) == {"accuracy": 1.5}
    assert job.remembered("sample", [1, 3], data, compute) == {"accuracy": 2.5}
    assert job.remembered("sample", [1, 2], (job.unlabelled[:5], job.probs[:5]), compute)
    assert len(calls) == 3
