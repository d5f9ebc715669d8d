"""The published-code baseline: fixed padding to the window, a fresh DataLoader per call, the
model's own probabilities, and attacks that end as they do with the engine."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.utils.data

from metacompress.attacks import ATTACKS
from metacompress.attacks.baseline import PublishedStyleVictim, published_style
from metacompress.errors import ConfigError
from metacompress.models import CallableClassifier, load_model

WINDOW = 48


@pytest.fixture(scope="module")
def small_victim(tiny_mlm, tmp_path_factory):
    """A random 2-layer RoBERTa classifier with the tiny MLM's tokenizer, window 48 tokens."""
    from transformers import AutoTokenizer, RobertaConfig, RobertaForSequenceClassification

    config = RobertaConfig.from_pretrained(tiny_mlm)
    config.num_labels = 2
    config.initializer_range = 0.3
    torch.manual_seed(2)
    folder = tmp_path_factory.mktemp("victim")
    RobertaForSequenceClassification(config).save_pretrained(folder)
    AutoTokenizer.from_pretrained(tiny_mlm).save_pretrained(folder)
    (folder / "metacompress-model.yaml").write_text(
        f"format: transformers\ntask: vulnerability\nmax_length: {WINDOW}\n"
    )
    return load_model(folder, kernels="eager")


def test_probabilities_are_the_models_with_every_batch_padded_to_the_window(
    small_victim, buf_examples, monkeypatch
):
    batch = [e.inputs for e in buf_examples]
    expected = small_victim.predict_proba(batch)
    baseline = PublishedStyleVictim(small_victim, batch_size=2)
    widths, loaders = [], []
    module = baseline.module
    handle = module.register_forward_pre_hook(
        lambda _m, _a, kw: widths.append(tuple(kw["input_ids"].shape)), with_kwargs=True
    )
    real = torch.utils.data.DataLoader

    def counting_loader(*args, **kwargs):
        loaders.append(kwargs["num_workers"])
        return real(*args, **kwargs)

    monkeypatch.setattr(torch.utils.data, "DataLoader", counting_loader)
    got = baseline.predict_proba(batch)
    baseline.predict_proba(batch[:1])
    handle.remove()
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-6)
    assert widths == [(2, WINDOW), (2, WINDOW), (1, WINDOW), (1, WINDOW)]
    assert loaders == [0, 0]  # one fresh loader per call
    assert baseline.fingerprint == small_victim.fingerprint and baseline.queries == 6


def test_attacks_end_the_same_way_as_with_the_engine(small_victim, buf_examples):
    attack = ATTACKS.create("mhm", budget=40)
    baseline = published_style(attack)
    assert (baseline.max_active, baseline.memo) == (1, False)
    engine = [r.status for r in attack.run(buf_examples, small_victim, "c", seed=3)]
    published = baseline.run(buf_examples, PublishedStyleVictim(small_victim), "c", seed=3)
    assert [r.status for r in published] == engine
    assert {"success", "failed"} & set(engine)  # something was attacked


def test_only_torch_models_of_this_package_have_a_baseline():
    with pytest.raises(ConfigError, match="torch model"):
        PublishedStyleVictim(CallableClassifier(lambda b: np.full((len(b), 2), 0.5), "half"))
