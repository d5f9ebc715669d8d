"""The lean RoBERTa takes transformers' weights under the same names and computes the same
probabilities within 1e-5 (padding, both heads, the bare encoder), for several configs; it
refuses the configs it does not implement."""

import pytest
import torch
from transformers import RobertaConfig, RobertaForSequenceClassification, RobertaModel

from metacompress.models.lean_roberta import (
    LeanRobertaForSequenceClassification,
    LeanRobertaModel,
    unsupported_reason,
)

CONFIGS = [
    dict(hidden_size=32, num_hidden_layers=2, num_attention_heads=4, intermediate_size=37),
    dict(hidden_size=48, num_hidden_layers=3, num_attention_heads=3, intermediate_size=96,
         layer_norm_eps=1e-12, type_vocab_size=2),
    dict(hidden_size=24, num_hidden_layers=1, num_attention_heads=8, intermediate_size=16,
         pad_token_id=0, bos_token_id=2, eos_token_id=3),
]  # fmt: skip


def config_of(keys, num_labels=2, positions=40):
    return RobertaConfig(
        vocab_size=120, max_position_embeddings=positions, num_labels=num_labels,
        initializer_range=0.4, **keys,
    )  # fmt: skip


def batch(config, seed):
    """Token ids and mask: a full row up to the position limit, and two padded rows."""
    generator = torch.Generator().manual_seed(seed)
    pad = config.pad_token_id
    length = config.max_position_embeddings - pad - 1
    ids = torch.randint(4, config.vocab_size, (3, length), generator=generator)
    mask = torch.ones_like(ids)
    for row, keep in ((1, 7), (2, 1)):
        ids[row, keep:], mask[row, keep:] = pad, 0
    return ids, mask


def probabilities(logits):
    if logits.shape[1] == 1:
        return torch.sigmoid(logits[:, 0])
    return torch.softmax(logits, dim=-1)


@pytest.mark.parametrize("keys", CONFIGS)
@pytest.mark.parametrize("num_labels", [1, 2])
def test_the_sequence_classifier_equals_transformers(keys, num_labels):
    torch.manual_seed(len(keys) + num_labels)
    config = config_of(keys, num_labels)
    reference = RobertaForSequenceClassification(config).eval()
    lean = LeanRobertaForSequenceClassification(config).eval()
    lean.load_state_dict(reference.state_dict(), strict=True)
    assert set(lean.state_dict()) == set(reference.state_dict())
    ids, mask = batch(config, seed=num_labels)
    with torch.inference_mode():
        expected = probabilities(reference(input_ids=ids, attention_mask=mask).logits)
        found = probabilities(lean(ids, mask).logits)
    assert torch.max(torch.abs(found - expected)) <= 1e-5
    # padding must not change a row: the padded row alone gives the same probabilities
    with torch.inference_mode():
        alone = probabilities(lean(ids[1:2, :7], mask[1:2, :7]).logits)
    assert torch.max(torch.abs(alone - found[1:2])) <= 1e-5


@pytest.mark.parametrize("keys", CONFIGS)
@pytest.mark.parametrize("pooler", [True, False])
def test_the_bare_encoder_equals_transformers(keys, pooler):
    torch.manual_seed(7)
    config = config_of(keys)
    reference = RobertaModel(config, add_pooling_layer=pooler).eval()
    lean = LeanRobertaModel(config, add_pooling_layer=pooler).eval()
    lean.load_state_dict(reference.state_dict(), strict=True)
    ids, mask = batch(config, seed=3)
    with torch.inference_mode():
        expected = reference(input_ids=ids, attention_mask=mask)[0]
        found = lean(ids, mask)[0]
    real = mask.bool()
    assert torch.max(torch.abs(found[real] - expected[real])) <= 1e-4


@pytest.mark.parametrize(
    "change, reason",
    [
        ({"hidden_act": "gelu_new"}, "activation"),
        ({"position_embedding_type": "relative_key"}, "position embeddings"),
        ({"is_decoder": True}, "decoder"),
        ({"add_cross_attention": True}, "cross-attention"),
    ],
)
def test_configs_it_does_not_implement_are_refused(change, reason):
    config = config_of(CONFIGS[0])
    assert unsupported_reason(config) is None
    for key, value in change.items():
        setattr(config, key, value)
    assert reason in unsupported_reason(config)
    with pytest.raises(ValueError, match=reason):
        LeanRobertaModel(config)
    bert = config_of(CONFIGS[0])
    bert.model_type = "bert"
    assert "model_type" in unsupported_reason(bert)
