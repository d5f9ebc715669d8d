import sys

import numpy as np
import pytest
import torch
from transformers import AutoModelForSequenceClassification

from metacompress.errors import ConfigError
from metacompress.models import load_model, predict
from metacompress.models.engine import EngineClassifier

CODES = [
    "int f(int a) { return a + 1; }",
    "void g(char *p) { free(p); }",
    "int main(void) { int x = 0; while (x < 10) x++; return x; }",
    "x",
    "static int h(int a, int b, int c) { if (a) { return b; } else { return c; } }",
]


def reference_probs(folder, tokenizer, codes, max_length=128):
    """One example at a time, no padding: the plain transformers computation."""
    model = AutoModelForSequenceClassification.from_pretrained(folder).eval()
    out = []
    for code in codes:
        enc = tokenizer(code, truncation=True, max_length=max_length, return_tensors="pt")
        with torch.no_grad():
            out.append(torch.softmax(model(**enc).logits, -1)[0].numpy())
    return np.array(out)


def test_plain_hf_folder_matches_transformers(make_hf_model, tokenizer):
    folder = make_hf_model(seed=1)
    model = load_model(folder, batch_size=2)
    assert isinstance(model, EngineClassifier) and model.max_length == 128
    probs = model.predict_proba([(c,) for c in CODES])
    np.testing.assert_allclose(probs, reference_probs(folder, tokenizer, CODES), atol=1e-5)
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, atol=1e-6)


def test_same_outputs_for_any_batch_size_and_order(make_hf_model):
    folder = make_hf_model(seed=2)
    batch = [(c,) for c in CODES]
    reference = load_model(folder, batch_size=1).predict_proba(batch)
    for size in (2, 3, 64, "auto"):
        np.testing.assert_allclose(
            load_model(folder, batch_size=size).predict_proba(batch), reference, atol=1e-6
        )
    order = [3, 0, 4, 2, 1]
    shuffled = load_model(folder, batch_size=2).predict_proba([batch[i] for i in order])
    np.testing.assert_allclose(shuffled, reference[order], atol=1e-6)


def test_polarity_column_one_is_positive(make_hf_model):
    folder = make_hf_model(bias=(-3.0, 3.0))
    probs = load_model(folder).predict_proba([("int a;",)])
    assert probs[0, 1] == pytest.approx(1 / (1 + np.exp(-6)), abs=1e-6)
    flipped = make_hf_model(bias=(-3.0, 3.0), spec={"format": "transformers", "positive_column": 0})
    assert load_model(flipped).predict_proba([("int a;",)])[0, 1] < 0.01


def test_pair_input_uses_the_pair_template(make_hf_model, tokenizer):
    folder = make_hf_model(
        seed=3, spec={"format": "transformers", "task": "clone", "max_length": 24}
    )
    model = load_model(folder)
    a, b = CODES[2], CODES[4]
    pred = predict(model, [(a, b), (CODES[3], CODES[3])])
    ref_model = AutoModelForSequenceClassification.from_pretrained(folder).eval()
    enc = tokenizer(a, b, truncation="longest_first", max_length=24, return_tensors="pt")
    with torch.no_grad():
        expected = torch.softmax(ref_model(**enc).logits, -1)[0].numpy()
    np.testing.assert_allclose(pred.probs[0], expected, atol=1e-5)
    assert pred.truncated.tolist() == [True, False]
    assert pred.truncated_inputs[1].tolist() == [False, False] and pred.truncated_inputs[0].any()
    assert pred.visible_chars[1].tolist() == [1, 1]
    assert 0 < pred.visible_chars[0, 0] < len(a) and 0 < pred.visible_chars[0, 1] < len(b)
    with pytest.raises(ConfigError, match="clone"):
        model.predict_proba([(a,)])


def test_truncation_flags_and_visible_characters(make_hf_model, tokenizer):
    folder = make_hf_model(spec={"format": "transformers", "max_length": 10})
    model = load_model(folder)
    long_code = " ".join(f"v{i}" for i in range(60))
    pred = predict(model, [("int a;",), (long_code,)], return_hidden=True)
    assert pred.truncated.tolist() == [False, True]
    assert pred.truncated_inputs.tolist() == [[False], [True]]
    assert pred.visible_chars[0, 0] == len("int a;")
    seen = pred.visible_chars[1, 0]
    kept = tokenizer(long_code, truncation=True, max_length=10)["input_ids"]
    assert tokenizer(long_code[:seen], truncation=True, max_length=10)["input_ids"] == kept
    assert pred.hidden.shape == (2, 32)
    # an edit after the window is invisible, one inside is not
    after = long_code[:seen] + long_code[seen:].replace("v59", "zz")
    before = long_code.replace("v0", "q", 1)
    p = model.predict_proba([(long_code,), (after,), (before,)])
    np.testing.assert_allclose(p[1], p[0], atol=1e-7)
    assert not np.allclose(p[2], p[0], atol=1e-7)


def test_hidden_is_the_first_token_state(make_hf_model, tokenizer):
    folder = make_hf_model(seed=4)
    pred = predict(load_model(folder, batch_size=2), [(c,) for c in CODES], return_hidden=True)
    ref = AutoModelForSequenceClassification.from_pretrained(folder).eval()
    enc = tokenizer(CODES[0], return_tensors="pt")
    with torch.no_grad():
        state = ref(**enc, output_hidden_states=True).hidden_states[-1][0, 0].numpy()
    np.testing.assert_allclose(pred.hidden[0], state, atol=1e-5)
    assert predict(load_model(folder), [(CODES[0],)]).hidden is None


def test_bare_encoder_without_head_is_refused(tokenizer, config_factory, tmp_path):
    from transformers import RobertaModel

    RobertaModel(config_factory(len(tokenizer))).save_pretrained(tmp_path)
    tokenizer.save_pretrained(tmp_path)
    with pytest.raises(ConfigError, match="classifier"):
        load_model(tmp_path)


def test_single_logit_model_is_refused_with_advice(make_hf_model):
    with pytest.raises(ConfigError, match="codexglue-defect"):
        load_model(make_hf_model(num_labels=1))


def test_max_length_beyond_positions_is_refused(make_hf_model):
    folder = make_hf_model(spec={"format": "transformers", "max_length": 512})
    with pytest.raises(ConfigError, match="positions"):
        load_model(folder)


def test_spec_may_name_the_tokenizer_file(make_hf_model):
    folder = make_hf_model(seed=6)
    plain = load_model(folder).predict_proba([(c,) for c in CODES])
    spec = {"format": "transformers", "path": ".", "tokenizer": "tokenizer.json"}
    folder.joinpath("metacompress-model.yaml").write_text(
        "\n".join(f"{k}: {v}" for k, v in spec.items())
    )
    np.testing.assert_array_equal(load_model(folder).predict_proba([(c,) for c in CODES]), plain)


def test_models_survive_pickling(make_hf_model):
    import pickle

    from metacompress.models import CachedClassifier

    model = CachedClassifier(load_model(make_hf_model(seed=7), batch_size=2))
    batch = [(c,) for c in CODES]
    before = model.predict_proba(batch)
    copy = pickle.loads(pickle.dumps(model))
    assert copy.fingerprint == model.fingerprint and copy.hits == 0
    np.testing.assert_allclose(copy.inner.predict_proba(batch), before, atol=1e-6)
    assert copy.predict_proba(batch).shape == (5, 2)


def test_half_precision_needs_a_gpu(make_hf_model):
    folder = make_hf_model()
    expected = "cuda" if torch.cuda.is_available() else "cpu"
    assert load_model(folder, device="auto").describe()["device"] == expected
    if not torch.cuda.is_available():
        with pytest.raises(ConfigError, match="half"):
            load_model(folder, half=True)
        with pytest.raises(ConfigError, match="cuda"):
            load_model(folder, device="cuda")
    with pytest.raises(ConfigError, match="device"):
        load_model(make_hf_model(), device="tpu")


def test_models_saved_by_distill_load_with_their_encoding(tokenizer, config_factory, tmp_path):
    from transformers import RobertaForSequenceClassification

    from metacompress.distill.encoding import encode, pad_batch
    from metacompress.distill.spec import save_classifier

    torch.manual_seed(8)
    hf = RobertaForSequenceClassification(config_factory(len(tokenizer))).eval()
    spec = save_classifier(tmp_path / "student", hf, tokenizer, "vulnerability", 24)
    model = load_model(spec)
    batch = [(c,) for c in CODES]
    ids, mask = pad_batch(encode(tokenizer, batch, 24), tokenizer.pad_token_id)
    with torch.no_grad():
        expected = torch.softmax(hf(input_ids=ids, attention_mask=mask).logits, -1).numpy()
    np.testing.assert_allclose(model.predict_proba(batch), expected, atol=1e-5)
    assert model.max_length == 24


def _as_pickle_folder(folder, whole_module: bool):
    """The folder with its weights as pytorch_model.bin: a plain state dict, or the whole
    pickled module (which torch.load(weights_only=True) refuses)."""
    model = AutoModelForSequenceClassification.from_pretrained(folder)
    (folder / "model.safetensors").unlink()
    torch.save(model if whole_module else model.state_dict(), folder / "pytorch_model.bin")
    return folder


def test_pickle_weights_follow_allow_pickle_as_every_format_does(make_hf_model):
    reference = load_model(make_hf_model(seed=3)).predict_proba([(c,) for c in CODES])
    plain = load_model(_as_pickle_folder(make_hf_model(seed=3), whole_module=False))
    np.testing.assert_allclose(plain.predict_proba([(c,) for c in CODES]), reference, atol=1e-6)
    pickled = _as_pickle_folder(make_hf_model(seed=3), whole_module=True)
    with pytest.raises(ConfigError, match=r"pytorch_model\.bin.*pickled checkpoint.*allow.pickle"):
        load_model(pickled)
    allowed = load_model(pickled, allow_pickle=True)
    np.testing.assert_allclose(allowed.predict_proba([(c,) for c in CODES]), reference, atol=1e-6)


def test_a_malicious_pickle_is_refused_without_running_it(make_hf_model, tmp_path):
    folder = _as_pickle_folder(make_hf_model(), whole_module=False)
    marker = tmp_path / "ran"
    state = torch.load(folder / "pytorch_model.bin")
    state["payload"] = _Payload(str(marker))
    torch.save(state, folder / "pytorch_model.bin")
    with pytest.raises(ConfigError, match="pickled checkpoint"):
        load_model(folder)
    assert not marker.exists()


class _Payload:
    """Unpickling this creates a file: what a malicious checkpoint would do."""

    def __init__(self, path: str) -> None:
        self.path = path

    def __reduce__(self):
        return (open, (self.path, "w"))


def test_a_truncated_safetensors_file_is_a_config_error_naming_the_model(make_hf_model):
    folder = make_hf_model()
    weights = folder / "model.safetensors"
    weights.write_bytes(weights.read_bytes()[: weights.stat().st_size // 2])
    with pytest.raises(ConfigError, match=rf"safetensors file '{weights}'.*outside the file"):
        load_model(folder)


def test_a_folder_without_tokenizer_files_is_refused(make_hf_model):
    folder = make_hf_model()
    for name in ("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json"):
        (folder / name).unlink(missing_ok=True)
    with pytest.raises(ConfigError, match="no tokenizer files") as error:
        load_model(folder)
    assert str(folder) in str(error.value) and "save_pretrained" in str(error.value)


def test_a_tokenizer_larger_than_the_embeddings_is_refused(tokenizer, config_factory, tmp_path):
    from transformers import RobertaForSequenceClassification

    config = config_factory(len(tokenizer) - 50)
    RobertaForSequenceClassification(config).save_pretrained(tmp_path)
    tokenizer.save_pretrained(tmp_path)
    with pytest.raises(ConfigError, match="input embeddings hold") as error:
        load_model(tmp_path)
    assert str(tmp_path) in str(error.value)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/maps")
def test_the_weights_file_is_not_left_mapped(make_hf_model):
    folder = make_hf_model()
    model = load_model(folder, kernels="eager")
    with open("/proc/self/maps", encoding="utf-8") as handle:
        assert not any("model.safetensors" in line and str(folder) in line for line in handle)
    assert model.predict_proba([("int f() { return 1; }",)]).shape == (1, 2)
