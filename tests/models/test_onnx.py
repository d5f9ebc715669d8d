"""ONNX export: probabilities of ONNX Runtime equal torch eager's within 1e-5."""

import numpy as np
import pytest
import torch
from torch import nn
from transformers import RobertaForSequenceClassification, RobertaModel

from metacompress.errors import ConfigError
from metacompress.models import CallableClassifier, load_model, predict
from metacompress.models.onnx_export import export_onnx

CODES = [
    "int f(int a) { int x = a * 2; if (x > 3) x = x - 1; return x; }",
    "void g(char *p, int n) { while (n > 0) { p[n] = 0; n--; } }",
    "x",
    " ".join(f"v{i}" for i in range(200)),
]


def check_parity(model, onnx_model, batch):
    a = predict(model, batch, return_hidden=True)
    b = predict(onnx_model, batch, return_hidden=True)
    np.testing.assert_allclose(b.probs, a.probs, rtol=0, atol=1e-5)
    np.testing.assert_allclose(b.hidden, a.hidden, atol=1e-3)
    assert b.truncated.tolist() == a.truncated.tolist()
    assert b.visible_chars.tolist() == a.visible_chars.tolist()


def test_transformers_model_exports_with_parity(make_hf_model, tmp_path):
    model = load_model(make_hf_model(seed=5), batch_size=2, kernels="eager")
    result = export_onnx(model, tmp_path / "out" / "teacher.onnx")
    assert result.max_abs_diff < 1e-4
    onnx_model = load_model(result.spec_path, batch_size=3)
    assert onnx_model.fingerprint != model.fingerprint
    check_parity(model, onnx_model, [(c,) for c in CODES])
    assert load_model(tmp_path / "out" / "teacher.onnx").fingerprint == onnx_model.fingerprint


class CloneModel(nn.Module):
    def __init__(self, encoder, hidden):
        super().__init__()
        self.encoder = encoder
        self.classifier = nn.Module()
        self.classifier.dense = nn.Linear(hidden * 2, hidden)
        self.classifier.out_proj = nn.Linear(hidden, 2)


def test_pair_and_graphcodebert_models_export_with_parity(tmp_path, tokenizer, config_factory):
    torch.manual_seed(3)
    config = config_factory(len(tokenizer), positions=200)
    pairs = [(CODES[0], CODES[1]), (CODES[2], CODES[3]), (CODES[1], CODES[1])]
    for fmt, encoder in (
        ("codexglue-clone", RobertaModel(config)),
        ("graphcodebert", RobertaForSequenceClassification(config)),
    ):
        folder = tmp_path / fmt
        folder.mkdir()
        torch.save(CloneModel(encoder, 32).state_dict(), folder / "model.bin")
        config.to_json_file(folder / "config.json")
        tokenizer.save_pretrained(folder)
        extra = (
            {"max_length": 48, "data_flow_length": 16}
            if fmt == "graphcodebert"
            else {"max_length": 40}
        )
        model = load_model(
            {"format": fmt, "task": "clone", "path": str(folder), **extra}, kernels="eager"
        )
        result = export_onnx(model, tmp_path / f"{fmt}.onnx", exporter="torchscript")
        check_parity(model, load_model(result.spec_path), pairs)


def test_compressor_student_exports_with_bare_tokenizer(tmp_path, shared_data, config_factory):
    tok = shared_data / "compressor-tokenizers" / "vulnerability_prediction-BPE_1000.json"
    config = config_factory(1000, hidden=32)
    wrapper = nn.Module()
    wrapper.encoder = RobertaForSequenceClassification(config)
    torch.save(wrapper.state_dict(), tmp_path / "model.bin")
    config.to_json_file(tmp_path / "config.json")
    model = load_model(
        {
            "format": "compressor",
            "task": "vulnerability",
            "path": str(tmp_path),
            "tokenizer": str(tok),
            "max_length": 64,
        },
        kernels="eager",
    )
    result = export_onnx(model, tmp_path / "student.onnx", exporter="torchscript")
    assert result.tokenizer == "student-tokenizer/tokenizer.json"
    onnx_model = load_model(result.spec_path)
    check_parity(model, onnx_model, [(c,) for c in CODES])
    info = onnx_model.backend_info()
    assert info["backend"] == "onnxruntime" and info["graph_optimization"] == "all"
    import pickle

    copy = pickle.loads(pickle.dumps(onnx_model))
    np.testing.assert_array_equal(
        copy.predict_proba([(c,) for c in CODES]), onnx_model.predict_proba([(c,) for c in CODES])
    )


def test_only_torch_models_export(tmp_path):
    with pytest.raises(ConfigError, match="torch model"):
        export_onnx(CallableClassifier(lambda b: np.full((len(b), 2), 0.5)), tmp_path / "x.onnx")
