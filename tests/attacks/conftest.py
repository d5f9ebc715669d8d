"""Fixtures of the attack tests: a victim that looks for one name, examples, a tiny masked LM."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

# The doubles live beside this file.
sys.path.insert(0, str(Path(__file__).resolve().parent))
from attack_doubles import (  # noqa: E402
    BUF_CODE,
    CODE_CORPUS,
    LOOP_CODE,
    PLAIN_CODE,
    CountingVictim,
    name_detector,
)

from metacompress.data.types import Example  # noqa: E402


@pytest.fixture
def buf_victim() -> CountingVictim:
    return CountingVictim(name_detector("buf"), "buf-detector")


@pytest.fixture
def buf_examples() -> list[Example]:
    return [
        Example("buf", (BUF_CODE,), 1),
        Example("plain-wrong", (PLAIN_CODE,), 1),
        Example("plain-right", (PLAIN_CODE,), 0),
        Example("loop", (LOOP_CODE,), 0),
        Example("unlabelled", (BUF_CODE,), None),
    ]


@pytest.fixture(scope="session")
def tiny_mlm(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A random 2-layer RobertaForMaskedLM with a byte-level BPE tokenizer trained on a few
    code strings, saved as a Hugging Face folder."""
    import torch
    from tokenizers import ByteLevelBPETokenizer
    from tokenizers.processors import RobertaProcessing
    from transformers import PreTrainedTokenizerFast, RobertaConfig, RobertaForMaskedLM

    torch.set_num_threads(1)
    torch.manual_seed(0)
    specials = ["<s>", "<pad>", "</s>", "<unk>", "<mask>"]
    bpe = ByteLevelBPETokenizer()
    words = " ".join(
        f"{a}{b}"
        for a in ("len", "size", "data", "ptr", "count", "index", "value", "tmp")
        for b in ("", "_max", "Buf", "2", "_out")
    )
    bpe.train_from_iterator(
        CODE_CORPUS * 3 + [words] * 3, vocab_size=400, min_frequency=1, special_tokens=specials
    )
    bpe.post_processor = RobertaProcessing(
        ("</s>", bpe.token_to_id("</s>")), ("<s>", bpe.token_to_id("<s>"))
    )
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=bpe,
        bos_token="<s>",
        eos_token="</s>",
        unk_token="<unk>",
        pad_token="<pad>",
        mask_token="<mask>",
        cls_token="<s>",
        sep_token="</s>",
        model_max_length=256,
    )
    config = RobertaConfig(
        vocab_size=bpe.get_vocab_size(),
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=260,
        pad_token_id=tokenizer.pad_token_id,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
    )
    model = RobertaForMaskedLM(config).eval()
    folder = tmp_path_factory.mktemp("teacher") / "mlm"
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder
