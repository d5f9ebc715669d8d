"""Every registered model format passes `metacompress.testing.check_model_format`, one check at
a time, on a tiny checkpoint of that format built here (the layouts the research releases use:
a `model.bin` state dict under `encoder.`, a config.json, a tokenizer)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch
from torch import nn

from metacompress.models.formats import FORMATS
from metacompress.testing.model_formats import MODEL_FORMAT_CHECKS
from metacompress.testing.tiny import tiny_classifier, tiny_config, write_spec


def _checkpoint(folder: Path, wrapper: nn.Module, config, tokenizer) -> Path:
    folder.mkdir(parents=True)
    torch.save(wrapper.state_dict(), folder / "model.bin")
    config.to_json_file(folder / "config.json")
    tokenizer.save_pretrained(folder)
    return folder


def _sequence(config) -> nn.Module:
    from transformers import RobertaForSequenceClassification

    wrapper = nn.Module()
    wrapper.encoder = RobertaForSequenceClassification(config)
    return wrapper


def _pair(config) -> nn.Module:
    from transformers import RobertaModel

    wrapper = nn.Module()
    wrapper.encoder = RobertaModel(config)
    wrapper.classifier = nn.Module()
    wrapper.classifier.dense = nn.Linear(config.hidden_size * 2, config.hidden_size)
    wrapper.classifier.out_proj = nn.Linear(config.hidden_size, 2)
    return wrapper


def _length_model(batch):
    p = np.array([min(0.95, 0.05 + sum(map(len, x)) / 2000) for x in batch])
    return np.stack([1 - p, p], axis=1)


def build(name: str, folder: Path, tokenizer):
    """A spec of format `name` whose checkpoint lies in `folder`."""
    torch.manual_seed(0)
    size = len(tokenizer)
    if name == "transformers":
        return {"format": name, "task": "vulnerability",
                "path": str(tiny_classifier(folder, 1, tokenizer=tokenizer))}  # fmt: skip
    if name == "callable":
        return {"format": name, "function": _length_model, "task": "clone"}
    if name == "codexglue-defect":
        config = tiny_config(size, num_labels=1)
        write_spec(_checkpoint(folder, _sequence(config), config, tokenizer),
                   format=name, path="model.bin", max_length=40)  # fmt: skip
        return folder
    if name == "codexglue-clone":
        config = tiny_config(size)
        write_spec(_checkpoint(folder, _pair(config), config, tokenizer),
                   format=name, path="model.bin", max_length=40)  # fmt: skip
        return folder
    if name == "compressor":
        config = tiny_config(size)
        _checkpoint(folder, _sequence(config), config, tokenizer)
        tokenizer.backend_tokenizer.save(str(folder / "bpe.json"))
        write_spec(folder, format=name, task="vulnerability", path="model.bin",
                   tokenizer="bpe.json", max_length=40)  # fmt: skip
        return folder
    if name == "graphcodebert":
        config = tiny_config(size, num_labels=1, positions=200)
        write_spec(_checkpoint(folder, _sequence(config), config, tokenizer), format=name,
                   task="vulnerability", path="model.bin", max_length=96,
                   data_flow_length=32)  # fmt: skip
        return folder
    if name == "onnx":
        pytest.importorskip("onnxruntime", reason="the onnx format needs onnxruntime")
        from metacompress.models import load_model
        from metacompress.models.onnx_export import export_onnx

        source = load_model(build("transformers", folder / "source", tokenizer))
        return export_onnx(source, folder / "model.onnx", exporter="torchscript").spec_path
    raise AssertionError(f"no conformance checkpoint for the model format {name!r}: add one")


@pytest.fixture(scope="module")
def loaded(tokenizer, tmp_path_factory):
    """loaded(name) -> (model, spec) of format `name`, built and loaded once per module."""
    from metacompress.models import load_model

    cache: dict[str, tuple] = {}

    def get(name: str) -> tuple:
        if name not in cache:
            spec = build(name, tmp_path_factory.mktemp("formats") / name, tokenizer)
            cache[name] = (load_model(spec), spec)
        return cache[name]

    return get


@pytest.mark.parametrize("check", MODEL_FORMAT_CHECKS, ids=lambda c: c.__name__)
@pytest.mark.parametrize("name", FORMATS.names())
def test_model_format_conformance(name, check, loaded):
    model, spec = loaded(name)
    check(model, spec, {})
