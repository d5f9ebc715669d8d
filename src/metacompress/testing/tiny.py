"""Tiny real models for tests: a byte-level BPE tokenizer and a 2-layer RoBERTa classifier.

Random weights, hidden size 32, built in a second on a CPU and saved as a Hugging Face folder
that the `transformers` model format loads; the same arguments give the same files. A head can
be given a known answer: `bias=(b0, b1)` zeroes the output layer's weights and sets its bias,
so every input gets softmax(b).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

#: The code the tokenizer learns its merges from, by default.
CORPUS = ("int main(void) { return 0; }", "public int f(int a) { return a + 1; }")
SPECIALS = ("<s>", "<pad>", "</s>", "<unk>")


def wrap_tokenizer(backend: Any, mask_token: str = "<unk>") -> Any:
    """A `tokenizers.Tokenizer` as a Hugging Face fast tokenizer with RoBERTa's specials and
    template (<s> X </s>)."""
    from tokenizers import processors
    from transformers import PreTrainedTokenizerFast

    backend.post_processor = processors.RobertaProcessing(("</s>", 2), ("<s>", 0))
    return PreTrainedTokenizerFast(
        tokenizer_object=backend, bos_token="<s>", eos_token="</s>", cls_token="<s>",
        sep_token="</s>", pad_token="<pad>", unk_token="<unk>", mask_token=mask_token,
    )  # fmt: skip


def tiny_tokenizer(
    corpus: Sequence[str] = CORPUS,
    vocab_size: int = 300,
    lowercase: bool = False,
    mask_token: str = "<unk>",
) -> Any:
    """A byte-level BPE trained on `corpus` (three times over) with RoBERTa's specials; a
    `mask_token` other than <unk> (a masked LM's <mask>) is one more special token."""
    from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, trainers

    backend = Tokenizer(models.BPE(unk_token="<unk>"))
    if lowercase:
        backend.normalizer = normalizers.Lowercase()
    backend.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    backend.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size, show_progress=False,
        special_tokens=[*SPECIALS, *([mask_token] if mask_token not in SPECIALS else [])],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
    )  # fmt: skip
    backend.train_from_iterator(list(corpus) * 3, trainer)
    return wrap_tokenizer(backend, mask_token)


def tiny_config(
    vocab_size: int,
    num_labels: int = 2,
    positions: int = 130,
    hidden: int = 32,
    intermediate: int = 37,
) -> Any:
    """A RobertaConfig: 2 layers of width `hidden`, `positions` position embeddings."""
    from transformers import RobertaConfig

    return RobertaConfig(
        vocab_size=vocab_size, hidden_size=hidden, num_hidden_layers=2, num_attention_heads=2,
        intermediate_size=intermediate, max_position_embeddings=positions, num_labels=num_labels,
        pad_token_id=1, bos_token_id=0, eos_token_id=2,
    )  # fmt: skip


def set_bias(linear: Any, bias: Sequence[float]) -> None:
    """Zero `linear`'s weights and set its bias: its output is `bias` for every input."""
    import torch

    with torch.no_grad():
        linear.weight.zero_()
        linear.bias.copy_(torch.tensor(list(bias), dtype=torch.float32))


def write_spec(folder: Path, **keys: Any) -> Path:
    """Write `keys` as the folder's metacompress-model.yaml; its path."""
    path = Path(folder) / "metacompress-model.yaml"
    path.write_text(yaml.safe_dump(keys, sort_keys=False), encoding="utf-8")
    return path


def tiny_classifier(
    folder: str | Path,
    seed: int = 0,
    *,
    tokenizer: Any = None,
    num_labels: int = 2,
    positions: int = 130,
    bias: Sequence[float] | None = None,
    spec: dict[str, Any] | None = None,
) -> Path:
    """A RobertaForSequenceClassification with random weights from `seed`, saved with its
    tokenizer (default: `tiny_tokenizer()`) to `folder`; `spec` keys, when given, are written as
    its metacompress-model.yaml. Returns the folder."""
    import torch
    from transformers import RobertaForSequenceClassification

    torch.set_num_threads(1)
    tokenizer = tokenizer if tokenizer is not None else tiny_tokenizer()
    torch.manual_seed(seed)
    model = RobertaForSequenceClassification(tiny_config(len(tokenizer), num_labels, positions))
    if bias is not None:
        set_bias(model.classifier.out_proj, bias)
    folder = Path(folder)
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    if spec is not None:
        write_spec(folder, **spec)
    return folder


def tiny_masked_lm(
    folder: str | Path, corpus: Sequence[str], seed: int = 0, vocab_size: int = 400
) -> Path:
    """A RobertaForMaskedLM with random weights from `seed` and a BPE with a <mask> token
    learnt from `corpus`, saved to `folder` (a substitute generator for ALERT-style attacks)."""
    import torch
    from transformers import RobertaForMaskedLM

    torch.set_num_threads(1)
    tokenizer = tiny_tokenizer(corpus, vocab_size, mask_token="<mask>")
    tokenizer.model_max_length = 256
    torch.manual_seed(seed)
    config = tiny_config(len(tokenizer), positions=260, intermediate=64)
    folder = Path(folder)
    RobertaForMaskedLM(config).eval().save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder
