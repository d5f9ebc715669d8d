"""The analytic size and FLOPs model against instantiated RoBERTa classifiers."""

from __future__ import annotations

import pytest
import torch
from torch.utils.flop_counter import FlopCounterMode
from transformers import RobertaForSequenceClassification

from metacompress.distill.size import (
    StudentArch,
    flops,
    parameter_count,
    roberta_config,
    size_mb,
    supported_position_embeddings,
)
from metacompress.errors import ConfigError

ARCHS = [
    StudentArch(1000, 2, 32, 64, 4, max_length=64),
    StudentArch(5003, 3, 48, 100, 3, max_length=30),
    StudentArch(1000, 12, 96, 64, 8, max_length=400),
    StudentArch(300, 1, 16, 32, 1, max_length=8, type_vocab_size=2),
]


@pytest.mark.parametrize("arch", ARCHS)
def test_parameter_count_matches_instantiated_model(arch):
    model = RobertaForSequenceClassification(roberta_config(arch))
    assert parameter_count(arch) == sum(p.numel() for p in model.parameters())
    assert size_mb(arch) == pytest.approx(parameter_count(arch) * 4 / 1e6)


def test_codebert_base_shape_is_125m_parameters():
    arch = StudentArch(50265, 12, 768, 3072, 12, max_length=512)
    # CodeBERT-base fine-tuned as RobertaForSequenceClassification: about 125 M parameters,
    # 499 MB at fp32 (the size the methods compress 160x down to 3 MB).
    assert parameter_count(arch) == pytest.approx(124.6e6, rel=0.01)
    assert 490 < size_mb(arch) < 510


@pytest.mark.parametrize("arch", ARCHS[:3])
@pytest.mark.parametrize("seq_len", [7, 20])
def test_matmul_flops_match_torch_flop_counter(arch, seq_len):
    model = RobertaForSequenceClassification(roberta_config(arch, attn_implementation="eager"))
    model.eval()
    ids = torch.randint(5, arch.vocab_size, (1, seq_len))
    with FlopCounterMode(display=False) as counter, torch.no_grad():
        model(input_ids=ids)
    assert flops(arch, seq_len).matmul == counter.get_total_flops()


def test_flops_grow_with_every_dimension():
    base = StudentArch(1000, 2, 32, 64, 4, max_length=64)
    total = flops(base).total
    for bigger in (
        StudentArch(2000, 2, 32, 64, 4, max_length=64),
        StudentArch(1000, 3, 32, 64, 4, max_length=64),
        StudentArch(1000, 2, 64, 64, 4, max_length=64),
        StudentArch(1000, 2, 32, 128, 4, max_length=64),
        StudentArch(1000, 2, 32, 64, 4, max_length=128),
    ):
        assert flops(bigger).total > total
    breakdown = flops(base)
    assert breakdown.total == breakdown.embeddings + breakdown.layers + breakdown.head
    assert 0 < breakdown.matmul < breakdown.total


def test_relative_position_embeddings_add_distance_tables():
    absolute = StudentArch(1000, 2, 32, 64, 4, max_length=64)
    relative = StudentArch(
        1000, 2, 32, 64, 4, max_length=64, position_embedding_type="relative_key"
    )
    assert parameter_count(relative) - parameter_count(absolute) == 2 * (2 * 66 - 1) * 8
    if "relative_key" in supported_position_embeddings():
        model = RobertaForSequenceClassification(roberta_config(relative))
        assert parameter_count(relative) == sum(p.numel() for p in model.parameters())


def test_invalid_architectures_are_refused():
    with pytest.raises(ConfigError, match="multiple of num_heads"):
        StudentArch(1000, 2, 30, 64, 4)
    with pytest.raises(ConfigError, match="position_embedding_type"):
        StudentArch(1000, 2, 32, 64, 4, position_embedding_type="rotary")
