"""Knowledge-distillation fine-tuning of a saved student."""

from __future__ import annotations

import numpy as np
import pytest
import yaml

from metacompress.distill.finetune import FinetuneSettings, finetune, trainable_spec
from metacompress.errors import ConfigError
from metacompress.models import load_model, predict


def test_fine_tuning_moves_the_student_towards_the_soft_labels(tiny_teacher, vuln_data, tmp_path):
    _, unlabelled, _ = vuln_data
    examples = unlabelled[:48]
    inputs = [e.inputs for e in examples]
    before = predict(load_model(tiny_teacher), inputs).probs[:, 1].mean()
    target = np.tile([0.02, 0.98], (len(examples), 1))
    settings = FinetuneSettings(epochs=2, learning_rate=2e-3, batch_size=8)
    result = finetune(tiny_teacher, examples, target, tmp_path / "tuned", settings)
    after = predict(load_model(result.spec), inputs).probs[:, 1].mean()
    assert after > before + 0.2, (before, after)
    assert len(result.history) == 2 and result.history[-1]["train_loss"] > 0
    saved = yaml.safe_load(result.spec.read_text())
    original = yaml.safe_load(tiny_teacher.read_text())
    assert (saved["task"], saved["max_length"]) == (original["task"], original["max_length"])
    assert predict(load_model(tiny_teacher), inputs).probs[:, 1].mean() == pytest.approx(before)


def test_with_select_the_student_keeps_the_epoch_with_the_best_score(
    tiny_teacher, vuln_data, tmp_path
):
    """Scores 1, 3, 2 over three epochs: the saved student answers as it did after epoch 2,
    not as after the last epoch (which the fine-tuning would keep without `select`)."""
    _, unlabelled, _ = vuln_data
    examples = unlabelled[:32]
    inputs = [e.inputs for e in examples]
    seen: list[np.ndarray] = []

    def select(probs_of):
        seen.append(probs_of(inputs))
        return {"score": [1.0, 3.0, 2.0][len(seen) - 1]}

    settings = FinetuneSettings(epochs=3, learning_rate=5e-3, batch_size=8)
    target = np.tile([0.02, 0.98], (len(examples), 1))
    result = finetune(tiny_teacher, examples, target, tmp_path / "tuned", settings, select)
    assert [h["score"] for h in result.history] == [1.0, 3.0, 2.0]
    saved = predict(load_model(result.spec), inputs).probs
    assert np.abs(saved - seen[1]).max() < 1e-5
    assert np.abs(seen[2] - seen[1]).max() > 1e-4  # the last epoch answered otherwise


def test_bad_input_is_refused_with_the_reason(tiny_teacher, vuln_data, tmp_path):
    _, unlabelled, _ = vuln_data
    with pytest.raises(ConfigError, match="3 examples but 2 rows"):
        finetune(tiny_teacher, unlabelled[:3], np.full((2, 2), 0.5), tmp_path / "a")
    with pytest.raises(ConfigError, match="at least one example"):
        finetune(tiny_teacher, [], np.zeros((0, 2)), tmp_path / "b")
    other = tmp_path / "callable.yaml"
    other.write_text("format: callable\nfunction: m:f\ntask: vulnerability\n")
    with pytest.raises(ConfigError, match="format 'transformers'.*'callable'"):
        trainable_spec(other)
    spec = yaml.safe_load(tiny_teacher.read_text())
    del spec["max_length"]
    (tmp_path / "bare").mkdir()
    (tmp_path / "bare" / "metacompress-model.yaml").write_text(
        yaml.safe_dump({**spec, "path": str(tiny_teacher.parent)})
    )
    with pytest.raises(ConfigError, match="task and max_length"):
        trainable_spec(tmp_path / "bare")
    with pytest.raises(ConfigError):
        FinetuneSettings(epochs=0)
