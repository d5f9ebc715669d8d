"""The tiny model builders: real folders the model layer loads, the same for the same seed."""

from __future__ import annotations

import hashlib

import numpy as np

from metacompress.models import load_model, predict
from metacompress.testing.tiny import tiny_classifier, tiny_masked_lm


def _digest(folder):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_the_same_seed_gives_the_same_files_and_another_seed_other_weights(tmp_path):
    a, b = tiny_classifier(tmp_path / "a", 3), tiny_classifier(tmp_path / "b", 3)
    c = tiny_classifier(tmp_path / "c", 4)
    assert _digest(a) == _digest(b)
    assert _digest(a)["model.safetensors"] != _digest(c)["model.safetensors"]


def test_a_bias_fixes_the_answer_and_a_spec_makes_the_folder_loadable(tmp_path):
    spec = {"format": "transformers", "task": "vulnerability", "max_length": 32}
    folder = tiny_classifier(tmp_path / "m", bias=(0.0, np.log(3.0)), spec=spec)
    probs = predict(load_model(folder), [("int f(void) { return 1; }",), ("int g;",)]).probs
    np.testing.assert_allclose(probs, [[0.25, 0.75], [0.25, 0.75]], atol=1e-6)


def test_the_masked_lm_has_a_mask_token(tmp_path):
    from transformers import AutoTokenizer

    folder = tiny_masked_lm(tmp_path / "mlm", ["int f(int size) { return size; }"])
    tokenizer = AutoTokenizer.from_pretrained(folder)
    assert tokenizer.mask_token == "<mask>" and tokenizer.mask_token_id != tokenizer.unk_token_id
