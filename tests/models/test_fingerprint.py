import shutil

import numpy as np
import pytest
import torch
from transformers import AutoModelForSequenceClassification

from metacompress.models import CachedClassifier, load_model, predict
from metacompress.models.checkpoints import state_dict_sha256


def test_fingerprint_is_stable_and_location_free(make_hf_model, tmp_path):
    folder = make_hf_model(seed=1)
    a = load_model(folder)
    copy = tmp_path / "elsewhere"
    shutil.copytree(folder, copy)
    b = load_model(copy, batch_size=7)
    assert a.fingerprint == b.fingerprint
    assert a.weights_sha256 == state_dict_sha256(
        AutoModelForSequenceClassification.from_pretrained(folder).state_dict()
    )
    info = a.describe()
    assert info["weights_sha256"] == a.weights_sha256 and info["files"]
    assert all(len(v) == 64 for v in info["files"].values())


def test_fingerprint_changes_with_weights_tokenizer_and_settings(make_hf_model, tokenizer):
    folder = make_hf_model(seed=1)
    base = load_model(folder).fingerprint
    assert load_model(make_hf_model(seed=2)).fingerprint != base  # weights
    assert (
        load_model({"format": "transformers", "path": str(folder), "max_length": 64}).fingerprint
        != base
    )
    assert (
        load_model(
            {"format": "transformers", "path": str(folder), "positive_column": 0}
        ).fingerprint
        != base
    )
    changed = make_hf_model(seed=1)
    backend = tokenizer.backend_tokenizer
    from tokenizers import normalizers
    from transformers import PreTrainedTokenizerFast

    other = PreTrainedTokenizerFast(
        tokenizer_object=type(backend).from_str(backend.to_str()),
        bos_token="<s>",
        eos_token="</s>",
        cls_token="<s>",
        sep_token="</s>",
        pad_token="<pad>",
        unk_token="<unk>",
        mask_token="<unk>",
    )
    other.backend_tokenizer.normalizer = normalizers.Sequence([])  # no lowercasing
    other.save_pretrained(changed)
    assert load_model(changed).fingerprint != base  # tokenizer


def test_one_changed_weight_changes_the_fingerprint(make_hf_model):
    folder = make_hf_model(seed=1)
    base = load_model(folder)
    model = AutoModelForSequenceClassification.from_pretrained(folder)
    with torch.no_grad():
        model.classifier.out_proj.bias[0] += 1e-3
    model.save_pretrained(folder)
    assert load_model(folder).fingerprint != base.fingerprint


def test_cache_in_front_of_a_real_model(make_hf_model, tmp_path):
    folder = make_hf_model(spec={"format": "transformers", "max_length": 12})
    cache = tmp_path / "cache.sqlite"
    model = CachedClassifier(load_model(folder), cache)
    batch = [("int a = 1;",), (" ".join(f"v{i}" for i in range(40)),)]
    first = predict(model, batch, return_hidden=True)
    again = CachedClassifier(load_model(folder), cache)
    second = predict(again, batch, return_hidden=True)
    assert again.hits == 2 and again.misses == 0
    np.testing.assert_array_equal(second.probs, first.probs)
    np.testing.assert_array_equal(second.hidden, first.hidden)
    assert second.truncated.tolist() == [False, True]
    assert second.truncated_inputs.tolist() == [[False], [True]]
    np.testing.assert_array_equal(second.visible_chars, first.visible_chars)
    fresh = load_model(folder).predict_proba(batch)
    np.testing.assert_array_equal(fresh, first.probs)
    assert model.inner.queries == 2 and again.inner.queries == 0


def test_engine_counts_queries_and_handles_empty_batches(make_hf_model):
    model = load_model(make_hf_model())
    assert model.predict_proba([]).shape == (0, 2)
    model.predict_proba([("a",), ("b",)])
    assert model.queries == 2
    with pytest.raises(Exception, match="tuple"):
        model.predict_proba(["a"])


def _edit_json(path, **changes):
    import json

    data = json.loads(path.read_text())
    data.update(changes)
    path.write_text(json.dumps(data))


def _cache_misses_after(change, folder, tmp_path, batch):
    """Fill a cache with the model at `folder`, apply `change(folder)`, reload: the misses."""
    cache = tmp_path / "cache.sqlite"
    before = CachedClassifier(load_model(folder), cache)
    first = before.predict_proba(batch)
    change(folder)
    after = CachedClassifier(load_model(folder), cache)
    second = after.predict_proba(batch)
    assert after.fingerprint != before.fingerprint
    return after.misses, first, second


def test_an_edited_model_config_is_a_cache_miss(make_hf_model, tmp_path):
    folder = make_hf_model(seed=3)
    batch = [("int a = b + 1;",), ("void f(char *p) { free(p); }",)]
    misses, first, second = _cache_misses_after(
        lambda f: _edit_json(f / "config.json", hidden_act="relu"), folder, tmp_path, batch
    )
    assert misses == 2
    assert np.max(np.abs(first - second)) > 0  # the edit changes outputs: the old ones were stale


def test_an_edited_tokenizer_file_is_a_cache_miss(make_hf_model, tmp_path):
    folder = make_hf_model(seed=3, spec={"format": "transformers", "max_length": 12})
    long = " ".join(f"v{i}" for i in range(40))
    batch = [(long,), ("int a;",)]
    misses, first, second = _cache_misses_after(
        lambda f: _edit_json(f / "tokenizer_config.json", truncation_side="left"),
        folder,
        tmp_path,
        batch,
    )
    assert misses == 2
    assert not np.array_equal(first[0], second[0])  # the window now keeps the end


def test_head_convention_max_length_dtype_and_device_class_enter_the_fingerprint(make_hf_model):
    from metacompress.models.engine import EngineClassifier

    folder = make_hf_model(seed=3)
    base = load_model(folder)
    column = load_model({"format": "transformers", "path": str(folder), "positive_column": 0})
    assert column.fingerprint != base.fingerprint
    longest = load_model({"format": "transformers", "path": str(folder), "max_length": 20})
    assert longest.fingerprint != base.fingerprint

    def twin(device, dtype):
        backend = type("B", (type(base.backend),), {})
        copy = object.__new__(backend)
        copy.__dict__.update(base.backend.__dict__, device=device, dtype=dtype)
        return EngineClassifier(
            encoder=base.encoder,
            backend=copy,
            format_name=base.format_name,
            settings=base.settings,
            weights_sha256=base.weights_sha256,
            identity={"config": "c", "head": "h"},
        ).fingerprint

    assert twin("cpu", "float32") != twin("cpu", "float16")
    assert twin("cpu", "float32") != twin("cuda", "float32")
    assert twin("cuda:0", "float32") == twin("cuda:1", "float32")
