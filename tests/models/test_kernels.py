"""Kernel choice: oneDNN is chosen on the CPU for models with large enough linear layers when
its probabilities equal torch eager's within 1e-5 on the probe, it gives the same
probabilities as eager on real batches for every torch format, and a disagreement keeps eager
(or is an error when oneDNN is insisted on)."""

import numpy as np
import pytest
import torch
from torch import nn
from transformers import RobertaForSequenceClassification, RobertaModel

from metacompress.errors import ConfigError
from metacompress.models import kernels, load_model, predict
from metacompress.models.onednn import onednn_available

pytestmark = pytest.mark.skipif(not onednn_available(), reason="torch built without oneDNN")

CODES = [
    "int f(int a) { int x = a * 2; if (x > 3) x = x - 1; return x; }",
    "void g(char *p, int n) { while (n > 0) { p[n] = 0; n--; } }",
    "x",
    " ".join(f"v{i} = v{i} + {i};" for i in range(60)),
]


class Wrapper(nn.Module):
    """The research code's `Model`: `encoder` (and a pair head for clone models)."""

    def __init__(self, encoder, hidden=None):
        super().__init__()
        self.encoder = encoder
        if hidden is not None:
            self.classifier = nn.Module()
            self.classifier.dense = nn.Linear(hidden * 2, hidden)
            self.classifier.out_proj = nn.Linear(hidden, 2)


def research_folder(path, config, wrapper, tokenizer):
    path.mkdir()
    torch.save(wrapper.state_dict(), path / "model.bin")
    config.to_json_file(path / "config.json")
    tokenizer.save_pretrained(path)
    return path


@pytest.fixture
def specs(make_hf_model, tmp_path, tokenizer, config_factory):
    """A spec of every torch format, with its batch (single inputs or pairs)."""
    torch.manual_seed(4)
    config = config_factory(len(tokenizer), positions=130)
    single = [(c,) for c in CODES]
    pairs = [(CODES[0], CODES[3]), (CODES[2], CODES[1]), (CODES[1], CODES[1])]
    defect = config_factory(len(tokenizer), num_labels=1, positions=130)
    bare = tmp_path / "bare-tokenizer.json"
    tokenizer.backend_tokenizer.save(str(bare))
    return {
        "transformers": (
            make_hf_model(seed=4, spec={"format": "transformers", "max_length": 48}),
            single,
        ),
        "codexglue-defect": (
            {
                "format": "codexglue-defect",
                "max_length": 40,
                "path": str(
                    research_folder(
                        tmp_path / "defect",
                        defect,
                        Wrapper(RobertaForSequenceClassification(defect)),
                        tokenizer,
                    )
                ),
            },
            single,
        ),
        "compressor": (
            {
                "format": "compressor",
                "task": "vulnerability",
                "max_length": 40,
                "tokenizer": str(bare),
                "path": str(
                    research_folder(
                        tmp_path / "student",
                        config,
                        Wrapper(RobertaForSequenceClassification(config)),
                        tokenizer,
                    )
                ),
            },
            single,
        ),
        "codexglue-clone": (
            {
                "format": "codexglue-clone",
                "max_length": 40,
                "path": str(
                    research_folder(
                        tmp_path / "clone", config, Wrapper(RobertaModel(config), 32), tokenizer
                    )
                ),
            },
            pairs,
        ),
        "graphcodebert": (
            {
                "format": "graphcodebert",
                "task": "clone",
                "max_length": 48,
                "data_flow_length": 16,
                "path": str(
                    research_folder(
                        tmp_path / "gcb",
                        config,
                        Wrapper(RobertaForSequenceClassification(config), 32),
                        tokenizer,
                    )
                ),
            },
            pairs,
        ),
    }


def test_onednn_equals_eager_for_every_torch_format(specs):
    for name, (spec, batch) in specs.items():
        eager = load_model(spec, kernels="eager")
        fast = load_model(spec, kernels="onednn")
        info = fast.backend_info()
        assert info["kernels"] == "onednn", (name, info)
        assert info["max_abs_diff"] <= kernels.TOLERANCE and info["probe_inputs"] == 2
        assert eager.backend_info()["kernels"] == "eager"
        a = predict(eager, batch, return_hidden=True)
        b = predict(fast, batch, return_hidden=True)
        assert np.max(np.abs(b.probs - a.probs)) <= 1e-5, name
        np.testing.assert_allclose(b.hidden, a.hidden, atol=1e-4, err_msg=name)
        assert b.truncated.tolist() == a.truncated.tolist()
        assert fast.fingerprint != eager.fingerprint  # the last bits may differ: no shared cache
        assert fast.describe()["backend"] == info


def test_auto_takes_onednn_for_large_linear_layers_only(make_hf_model, monkeypatch):
    small = load_model(make_hf_model(seed=6))
    assert small.backend_info()["kernels"] == "eager"
    assert "largest linear layer has" in small.backend_info()["reason"]
    monkeypatch.setattr(kernels, "MIN_LINEAR_WEIGHTS", 32 * 37)  # the tiny model's largest
    assert load_model(make_hf_model(seed=6)).backend_info()["kernels"] == "onednn"


def test_a_probe_disagreement_keeps_eager_or_fails_when_insisted(make_hf_model, monkeypatch):
    folder = make_hf_model(seed=6)
    monkeypatch.setattr(kernels, "MIN_LINEAR_WEIGHTS", 1)
    monkeypatch.setattr(kernels, "TOLERANCE", -1.0)
    model = load_model(folder)
    info = model.backend_info()
    assert info["kernels"] == "eager" and "differs from eager" in info["reason"]
    with pytest.raises(ConfigError, match="kernels 'onednn' cannot be used"):
        load_model(folder, kernels="onednn")


def test_kernels_are_validated_and_exported_models_read_the_dense_module(make_hf_model, tmp_path):
    folder = make_hf_model(seed=7)
    with pytest.raises(ConfigError, match="kernels"):
        load_model(folder, kernels="fastest")
    model = load_model(folder, kernels="onednn")
    dense = model.backend.eager_module()
    assert not any(type(m).__name__ == "OneDNNLinear" for m in dense.modules())
    reference = load_model(folder, kernels="eager").backend.module
    for key, value in reference.state_dict().items():
        assert torch.equal(dense.state_dict()[key], value), key
