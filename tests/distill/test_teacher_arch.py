"""Teacher shapes: what they save is what the model layer loads, with equal probabilities."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import yaml

from metacompress.distill.teacher import build_teacher, resolve_settings
from metacompress.distill.teacher_arch import pair_classifier
from metacompress.distill.tokenizer import code_texts
from metacompress.models import load_model, predict

from .conftest import clone_examples, vulnerability_examples

CASES = [
    ("roberta", "vulnerability", "transformers"),
    ("roberta", "clone", "codexglue-clone"),
    ("graphcodebert", "vulnerability", "graphcodebert"),
    ("graphcodebert", "clone", "graphcodebert"),
]


@pytest.mark.parametrize(("arch", "task", "fmt"), CASES)
def test_saved_teacher_loads_in_its_format_with_the_same_probabilities(tmp_path, arch, task, fmt):
    examples = clone_examples(24, 5) if task == "clone" else vulnerability_examples(24, 5)
    settings = resolve_settings("tiny", None, max_length=64)
    teacher = build_teacher(
        arch, task, settings, code_texts(e.inputs for e in examples), tmp_path, None, False
    )
    teacher.model.eval()
    ours = teacher.predict(teacher.prepare(examples))
    spec = teacher.save(tmp_path, task)
    assert yaml.safe_load(spec.read_text())["format"] == fmt
    loaded = predict(load_model(spec), [e.inputs for e in examples]).probs
    assert np.abs(ours - loaded).max() < 1e-5
    assert not np.allclose(ours, ours[:1]), "the untrained model still tells inputs apart"


def test_pair_loss_encodes_each_distinct_method_of_a_batch_once(tmp_path):
    examples = clone_examples(12, 7)
    settings = resolve_settings("tiny", None, max_length=48)
    teacher = build_teacher(
        "roberta", "clone", settings, code_texts(e.inputs for e in examples), tmp_path, None, False
    )
    data = teacher.prepare(examples + examples[:4])
    assert len(data.parts["table"]) == len({c for e in examples for c in e.inputs})
    rows = []
    hook = teacher.model.encoder.register_forward_pre_hook(
        lambda m, args, kwargs: rows.append(kwargs["input_ids"].shape[0]), with_kwargs=True
    )
    try:
        teacher.loss_of(data, torch.nn.functional.cross_entropy)([0, 12, 1], 0)
    finally:
        hook.remove()
    assert rows == [4], "pairs 0 and 12 are the same pair: 4 distinct methods, not 6"


def test_pair_classifier_has_the_codexglue_clone_layout():
    from transformers import RobertaConfig

    model = pair_classifier(
        RobertaConfig(
            vocab_size=50,
            hidden_size=8,
            num_hidden_layers=1,
            num_attention_heads=2,
            intermediate_size=16,
        )
    )
    names = set(model.state_dict())
    assert {"classifier.dense.weight", "classifier.out_proj.weight"} <= names
    assert all(n.startswith(("encoder.", "classifier.")) for n in names)
    assert not any(n.startswith("encoder.pooler") for n in names)
