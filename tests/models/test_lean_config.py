"""The lean config reader: `to_dict()` equal to transformers' for every config it reads (so the
model's fingerprint does not depend on who read the file), labels set as transformers sets
them, and every file it cannot read as transformers does left to transformers, with the
reason."""

import json

import pytest
from transformers import AutoConfig, RobertaConfig

from metacompress.models.checkpoints import VOLATILE_CONFIG_KEYS
from metacompress.models.lean_config import DEFAULTS, LeanRobertaConfig, read_config
from metacompress.models.torch_backend import load_config
from metacompress.testing.tiny import tiny_config

#: Keys of transformers' to_dict that are not fields (labels and bookkeeping).
BOOKKEEPING = ("id2label", "label2id", "model_type", *VOLATILE_CONFIG_KEYS)


def stable(data):
    """A to_dict() as the fingerprint hashes it."""
    return json.loads(
        json.dumps(
            {k: v for k, v in data.items() if k not in VOLATILE_CONFIG_KEYS},
            sort_keys=True,
            default=str,
        )
    )


def test_defaults_are_transformers_robertaconfig_defaults():
    expected = {k: v for k, v in RobertaConfig().to_dict().items() if k not in BOOKKEEPING}
    assert expected == DEFAULTS


def saved(tmp_path, data, name="config.json"):
    folder = tmp_path / f"c{len(list(tmp_path.iterdir()))}"
    folder.mkdir()
    (folder / name).write_text(json.dumps(data), encoding="utf-8")
    return folder / name


def configs(tmp_path):
    """config.json files as transformers writes them and as older checkpoints hold them."""
    folder = tmp_path / "saved"
    tiny_config(300, num_labels=1, positions=66).save_pretrained(folder)
    yield folder / "config.json"
    written = json.loads((folder / "config.json").read_text())
    unlabelled = {k: v for k, v in written.items() if k not in ("id2label", "label2id")}
    yield saved(tmp_path, unlabelled | {"num_labels": 1})
    yield saved(
        tmp_path,
        {
            "architectures": ["RobertaForMaskedLM"],
            "attention_probs_dropout_prob": 0.1,
            "bos_token_id": 0,
            "eos_token_id": 2,
            "gradient_checkpointing": False,
            "hidden_act": "gelu",
            "hidden_dropout_prob": 0.1,
            "hidden_size": 768,
            "initializer_range": 0.02,
            "intermediate_size": 3072,
            "layer_norm_eps": 1e-05,
            "max_position_embeddings": 514,
            "model_type": "roberta",
            "num_attention_heads": 12,
            "num_hidden_layers": 12,
            "pad_token_id": 1,
            "position_embedding_type": "absolute",
            "transformers_version": "4.6.0",
            "type_vocab_size": 1,
            "use_cache": True,
            "vocab_size": 50265,
            "output_past": True,
            "torch_dtype": "float32",
        },
    )  # fmt: skip  (microsoft/codebert-base's config.json)
    yield saved(tmp_path, {"model_type": "roberta", "id2label": {"0": "NEG", "1": "POS"},
                           "label2id": {"NEG": 0, "POS": 1}, "hidden_size": 64})  # fmt: skip
    yield saved(tmp_path, {"model_type": "roberta", "id2label": {"0": "A", "1": "B", "2": "C"}})
    yield saved(tmp_path, {"model_type": "roberta", "num_labels": 3, "vocab_size": 7})
    yield saved(tmp_path, {"vocab_size": 7, "num_labels": 1}, name="bare.json")
    yield saved(tmp_path, {"model_type": "roberta", "classifier_dropout": 0.2,
                           "problem_type": "regression", "num_labels": 1})  # fmt: skip


def transformers_reading(path):
    config, reading = load_config(str(path), None)
    assert reading["config_reader"] == "transformers"
    return config


@pytest.mark.parametrize("labels", [None, 1, 2, 3])
def test_to_dict_equals_transformers_for_every_config_it_reads(tmp_path, labels):
    for path in configs(tmp_path):
        lean = read_config(path)
        assert isinstance(lean, LeanRobertaConfig), (path, lean)
        reference = transformers_reading(path)
        if labels is not None:  # as the research formats set it
            lean.num_labels = labels
            reference.num_labels = labels
        assert stable(lean.to_dict()) == stable(reference.to_dict()), path
        assert lean.num_labels == reference.num_labels
        for key in ("hidden_size", "pad_token_id", "layer_norm_eps", "max_position_embeddings"):
            assert getattr(lean, key) == getattr(reference, key)


def test_load_config_reads_lean_when_allowed_and_says_so(tmp_path):
    path = next(configs(tmp_path))
    config, reading = load_config(str(path.parent), None, lean=True)
    assert isinstance(config, LeanRobertaConfig)
    assert reading == {
        "config_reader": "lean",
        "config_reader_reason": "read from config.json alone",
    }
    config, reading = load_config(str(path.parent), None)
    assert isinstance(config, RobertaConfig)
    assert reading["config_reader_reason"] == "modelling 'transformers' was asked for"


@pytest.mark.parametrize(
    "change, reason",
    [
        ({"model_type": "bert"}, "model_type is 'bert'"),
        ({"auto_map": {"AutoConfig": "x.Config"}}, "keys this reader does not know: auto_map"),
        ({"rope_theta": 1.0}, "keys this reader does not know: rope_theta"),
        ({"hidden_size": "768"}, "hidden_size is '768'"),
        ({"num_hidden_layers": True}, "num_hidden_layers is True"),
        ({"layer_norm_eps": 1}, "layer_norm_eps is 1"),
        ({"use_cache": 1}, "use_cache is 1"),
        ({"problem_type": "ranking"}, "problem_type 'ranking'"),
        ({"num_labels": 3, "id2label": {"0": "a"}}, "both id2label and num_labels"),
    ],
)
def test_files_it_cannot_read_as_transformers_does_are_refused_with_the_reason(
    tmp_path, change, reason
):
    path = saved(tmp_path, {"model_type": "roberta", "vocab_size": 10, **change})
    found = read_config(path)
    assert isinstance(found, str) and reason in found


def test_a_file_it_cannot_read_goes_to_transformers_with_the_reason(tmp_path):
    path = saved(tmp_path, {"model_type": "roberta", "vocab_size": 10, "rope_theta": 2.0})
    config, reading = load_config(str(path.parent), None, lean=True)
    assert isinstance(config, RobertaConfig) and config.rope_theta == 2.0
    assert reading["config_reader"] == "transformers"
    assert "keys this reader does not know: rope_theta" in reading["config_reader_reason"]


def test_a_folder_without_model_type_is_left_to_transformers(tmp_path):
    path = saved(tmp_path, {"vocab_size": 10})
    assert "model_type is None" in read_config(path)
    with pytest.raises(Exception, match="model_type"):
        AutoConfig.from_pretrained(str(path.parent))
