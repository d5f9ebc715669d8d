"""The research checkpoint formats against independent re-implementations of the studies'
inference code (CodeXGLUE Defect-detection and BigCloneBench, Compressor students)."""

import numpy as np
import pytest
import torch
from torch import nn
from transformers import RobertaForSequenceClassification, RobertaModel

from metacompress.errors import ConfigError
from metacompress.models import load_model, predict

FUNCS = [
    "int f(int a)\n\n{\n  return a + 1;\n}",
    "void g(char *p) {   free(p);  }",
    "static int h(int a, int b) { if (a > b) { return a - b; } return b - a; }",
]
JAVA = [
    "public int add(int a, int b) { return a + b; }",
    "public int sum(int x, int y) {\n  int s = x;\n  s += y;\n  return s;\n}",
    'String name() { return name == null ? "" : name.trim(); }',
]


class DefectModel(nn.Module):
    """CodeXGLUE Defect-detection `Model`: encoder = RobertaForSequenceClassification(1)."""

    def __init__(self, encoder):
        super().__init__()
        self.encoder = encoder

    def forward(self, input_ids):
        logits = self.encoder(input_ids, attention_mask=input_ids.ne(1))[0]
        return torch.sigmoid(logits)


class PairHeadRef(nn.Module):
    def __init__(self, hidden):
        super().__init__()
        self.dense = nn.Linear(hidden * 2, hidden)
        self.dropout = nn.Dropout(0.1)
        self.out_proj = nn.Linear(hidden, 2)

    def forward(self, features):
        x = features[:, 0, :]
        x = x.reshape(-1, x.size(-1) * 2)
        return self.out_proj(torch.tanh(self.dense(self.dropout(x))))


class CloneModel(nn.Module):
    """CodeXGLUE BigCloneBench `Model`: a RobertaModel per block, pair head, softmax."""

    def __init__(self, encoder, hidden, block):
        super().__init__()
        self.encoder = encoder
        self.classifier = PairHeadRef(hidden)
        self.block = block

    def forward(self, input_ids):
        input_ids = input_ids.view(-1, self.block)
        outputs = self.encoder(input_ids=input_ids, attention_mask=input_ids.ne(1))[0]
        return torch.softmax(self.classifier(outputs), -1)


def hf_block(tokenizer, code, block):
    code = " ".join(code.split())
    tokens = tokenizer.tokenize(code)[: block - 2]
    ids = tokenizer.convert_tokens_to_ids([tokenizer.cls_token, *tokens, tokenizer.sep_token])
    return ids + [tokenizer.pad_token_id] * (block - len(ids))


def json_block(tok, code, block):
    code = " ".join(code.split())
    ids = tok.encode(code).ids[: block - 2]
    ids = [tok.token_to_id("<s>"), *ids, tok.token_to_id("</s>")]
    return ids + [tok.token_to_id("<pad>")] * (block - len(ids))


def save_checkpoint(folder, wrapper, config, tokenizer=None, whole=False):
    folder.mkdir(parents=True, exist_ok=True)
    torch.save(wrapper if whole else wrapper.state_dict(), folder / "model.bin")
    config.to_json_file(folder / "config.json")
    if tokenizer is not None:
        tokenizer.save_pretrained(folder)
    return folder


def test_codexglue_defect_matches_reference(tools, tmp_path, tokenizer, config_factory):
    torch.manual_seed(0)
    config = config_factory(len(tokenizer), num_labels=1)
    wrapper = DefectModel(RobertaForSequenceClassification(config)).eval()
    folder = save_checkpoint(tmp_path / "defect", wrapper, config, tokenizer)
    tools.write_spec(folder, format="codexglue-defect", path="model.bin", max_length=20)
    model = load_model(folder, batch_size=2)
    ids = torch.tensor([hf_block(tokenizer, f, 20) for f in FUNCS])
    with torch.no_grad():
        expected = wrapper(ids)[:, 0].numpy()
    pred = predict(model, [(f,) for f in FUNCS])
    np.testing.assert_allclose(pred.probs[:, 1], expected, atol=1e-5)
    lengths = [len(tokenizer.tokenize(" ".join(f.split()))) for f in FUNCS]
    assert pred.truncated.tolist() == [n > 18 for n in lengths]
    assert any(pred.truncated) and not all(pred.truncated)
    for i, f in enumerate(FUNCS):
        seen = pred.visible_chars[i, 0]
        assert seen == len(f) if not pred.truncated[i] else 0 < seen < len(f)
    assert model.files and model.weights_sha256


def test_codexglue_defect_polarity_is_sigmoid_of_logit(tools, tmp_path, tokenizer, config_factory):
    config = config_factory(len(tokenizer), num_labels=1)
    wrapper = DefectModel(RobertaForSequenceClassification(config))
    tools.set_bias(wrapper.encoder.classifier.out_proj, [2.0])
    folder = save_checkpoint(tmp_path / "d", wrapper, config, tokenizer)
    model = load_model({"format": "codexglue-defect", "path": str(folder / "model.bin")})
    p = model.predict_proba([("int a;",)])
    assert p[0, 1] == pytest.approx(1 / (1 + np.exp(-2.0)), abs=1e-6)


def test_codexglue_clone_matches_reference(tools, tmp_path, tokenizer, config_factory):
    torch.manual_seed(1)
    config = config_factory(len(tokenizer))
    wrapper = CloneModel(RobertaModel(config), 32, 20).eval()
    folder = save_checkpoint(tmp_path / "clone", wrapper, config, tokenizer)
    tools.write_spec(folder, format="codexglue-clone", path="model.bin", max_length=20)
    pairs = [(JAVA[0], JAVA[1]), (JAVA[2], JAVA[0]), (JAVA[1], JAVA[1])]
    ids = torch.tensor([hf_block(tokenizer, a, 20) + hf_block(tokenizer, b, 20) for a, b in pairs])
    with torch.no_grad():
        expected = wrapper(ids).numpy()
    model = load_model(folder, batch_size=2)
    pred = predict(model, pairs, return_hidden=True)
    np.testing.assert_allclose(pred.probs, expected, atol=1e-5)
    assert pred.hidden.shape == (3, 64)
    assert pred.visible_chars.shape == (3, 2)
    tools.set_bias(wrapper.classifier.out_proj, [-3.0, 3.0])
    save_checkpoint(tmp_path / "clone", wrapper, config)
    assert load_model(folder).predict_proba(pairs[:1])[0, 1] > 0.99


@pytest.mark.parametrize(
    ("task", "vocab_file"),
    [
        ("vulnerability", "vulnerability_prediction-BPE_1000.json"),
        ("clone", "clone_detection-BPE_1000.json"),
    ],
)
def test_compressor_student_with_shared_tokenizer(
    tools, tmp_path, shared_data, config_factory, task, vocab_file
):
    from tokenizers import Tokenizer

    tok_path = shared_data / "compressor-tokenizers" / vocab_file
    tok = Tokenizer.from_file(str(tok_path))
    torch.manual_seed(2)
    config = config_factory(1000, num_labels=2, hidden=24)
    config.num_attention_heads = 4
    block = 24
    if task == "vulnerability":
        wrapper = DefectModel(RobertaForSequenceClassification(config)).eval()
        inputs = [(f,) for f in FUNCS]
        ids = torch.tensor([json_block(tok, f, block) for f in FUNCS])
        with torch.no_grad():
            logits = wrapper.encoder(ids, attention_mask=ids.ne(1))[0]
        expected_pos = torch.softmax(logits, -1)[:, 0].numpy()  # studies: column 0 vulnerable
    else:
        wrapper = CloneModel(RobertaModel(config), 24, block).eval()
        inputs = [(JAVA[0], JAVA[1]), (JAVA[2], JAVA[2])]
        ids = torch.tensor(
            [json_block(tok, a, block) + json_block(tok, b, block) for a, b in inputs]
        )
        with torch.no_grad():
            expected_pos = wrapper(ids)[:, 1].numpy()
    folder = save_checkpoint(tmp_path / "student", wrapper, config)
    tools.write_spec(
        folder,
        format="compressor",
        task=task,
        path="model.bin",
        config="config.json",
        tokenizer=str(tok_path),
        max_length=block,
    )
    model = load_model(folder)
    pred = predict(model, inputs)
    np.testing.assert_allclose(pred.probs[:, 1], expected_pos, atol=1e-5)
    # lowercasing BPE: case does not change what the student sees
    upper = [tuple(x.upper() for x in item) for item in inputs]
    np.testing.assert_allclose(model.predict_proba(upper), pred.probs, atol=1e-6)


def test_compressor_vulnerability_polarity_reads_column_zero(
    tools, tmp_path, tokenizer, config_factory
):
    config = config_factory(len(tokenizer))
    wrapper = DefectModel(RobertaForSequenceClassification(config))
    tools.set_bias(wrapper.encoder.classifier.out_proj, [3.0, -3.0])
    folder = save_checkpoint(tmp_path / "s", wrapper, config, tokenizer)
    spec = {"format": "compressor", "task": "vulnerability", "path": str(folder)}
    assert load_model(spec).predict_proba([("int a;",)])[0, 1] > 0.99
    assert load_model({**spec, "positive_column": 1}).predict_proba([("int a;",)])[0, 1] < 0.01


def test_pickled_checkpoint_is_refused_unless_allowed(tmp_path, tokenizer, config_factory):
    config = config_factory(len(tokenizer), num_labels=1)
    wrapper = DefectModel(RobertaForSequenceClassification(config)).eval()
    folder = save_checkpoint(tmp_path / "p", wrapper, config, tokenizer, whole=True)
    spec = {"format": "codexglue-defect", "path": str(folder / "model.bin")}
    with pytest.raises(ConfigError, match=r"model\.bin.*allow.pickle"):
        load_model(spec)
    allowed = load_model(spec, allow_pickle=True)
    save_checkpoint(tmp_path / "p", wrapper, config)
    safe = load_model(spec)
    assert allowed.weights_sha256 == safe.weights_sha256
    np.testing.assert_array_equal(
        allowed.predict_proba([("int a;",)]), safe.predict_proba([("int a;",)])
    )


def test_safetensors_checkpoint_loads(tmp_path, tokenizer, config_factory):
    from safetensors.torch import save_file

    config = config_factory(len(tokenizer), num_labels=1)
    wrapper = DefectModel(RobertaForSequenceClassification(config)).eval()
    folder = save_checkpoint(tmp_path / "st", wrapper, config, tokenizer)
    state = {k: v.contiguous() for k, v in wrapper.state_dict().items()}
    save_file(state, folder / "weights.safetensors")
    a = load_model(
        {
            "format": "codexglue-defect",
            "path": str(folder / "weights.safetensors"),
            "config": str(folder),
            "tokenizer": str(folder),
        }
    )
    b = load_model({"format": "codexglue-defect", "path": str(folder / "model.bin")})
    assert a.weights_sha256 == b.weights_sha256


def test_weights_that_do_not_fit_the_config_name_the_file(tmp_path, tokenizer, config_factory):
    config = config_factory(len(tokenizer), num_labels=1)
    wrapper = DefectModel(RobertaForSequenceClassification(config))
    folder = save_checkpoint(tmp_path / "m", wrapper, config, tokenizer)
    bigger = config_factory(len(tokenizer), num_labels=1, hidden=48)
    bigger.to_json_file(tmp_path / "other.json")
    spec = {
        "format": "codexglue-defect",
        "path": str(folder / "model.bin"),
        "config": str(tmp_path / "other.json"),
        "tokenizer": str(folder),
    }
    with pytest.raises(ConfigError, match=r"model\.bin.*other\.json.*shape mismatch"):
        load_model(spec)
    torch.save(wrapper.encoder.state_dict(), folder / "model.bin")
    with pytest.raises(ConfigError, match="missing keys"):
        load_model({"format": "codexglue-defect", "path": str(folder / "model.bin")})
    hf = load_model(
        {
            "format": "codexglue-defect",
            "path": str(folder / "model.bin"),
            "weights_layout": "huggingface",
        }
    )
    assert hf.predict_proba([("x",)]).shape == (1, 2)


def test_research_formats_declare_their_task(tmp_path):
    with pytest.raises(ConfigError, match="task"):
        load_model({"format": "compressor", "path": str(tmp_path)})
    with pytest.raises(ConfigError, match="task"):
        load_model({"format": "codexglue-defect", "task": "clone", "path": str(tmp_path)})
    with pytest.raises(ConfigError, match="no weights file"):
        load_model({"format": "codexglue-defect", "path": str(tmp_path)})
