"""Tiny models of every format, built in temporary folders (random weights, 2 layers, hidden 32).

Heads can be given a known answer: `bias=(b0, b1)` zeroes the output layer's weights and sets
its bias, so every input gets softmax(b) (or sigmoid(b0) for a one-logit head).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
import yaml

CORPUS = [
    "int main(int argc, char **argv) { int x = 0; for (int i = 0; i < argc; i++) x += i; return x; }",
    "static void copy(char *dst, const char *src, size_t n) { memcpy(dst, src, n); }",
    "public int add(int a, int b) { return a + b; }",
    'public String name() { if (name == null) { return ""; } return name.trim(); }',
    "while (p != NULL) { free(p->data); p = p->next; } return -1;",
]


@pytest.fixture(autouse=True)
def _one_thread():
    torch.set_num_threads(1)


def build_tokenizer(vocab_size: int = 300):
    """A byte-level BPE with RoBERTa specials and template, as a Hugging Face fast tokenizer."""
    from tokenizers import (
        Tokenizer,
        decoders,
        models,
        normalizers,
        pre_tokenizers,
        processors,
        trainers,
    )
    from transformers import PreTrainedTokenizerFast

    backend = Tokenizer(models.BPE(unk_token="<unk>"))
    backend.normalizer = normalizers.Lowercase()
    backend.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    backend.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        show_progress=False,
        special_tokens=["<s>", "<pad>", "</s>", "<unk>"],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
    )
    backend.train_from_iterator(CORPUS * 3, trainer)
    backend.post_processor = processors.RobertaProcessing(("</s>", 2), ("<s>", 0))
    return PreTrainedTokenizerFast(
        tokenizer_object=backend,
        bos_token="<s>",
        eos_token="</s>",
        cls_token="<s>",
        sep_token="</s>",
        pad_token="<pad>",
        unk_token="<unk>",
        mask_token="<unk>",
    )


def tiny_config(vocab_size: int, num_labels: int = 2, positions: int = 130, hidden: int = 32):
    from transformers import RobertaConfig

    return RobertaConfig(
        vocab_size=vocab_size,
        hidden_size=hidden,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=37,
        max_position_embeddings=positions,
        num_labels=num_labels,
        pad_token_id=1,
        bos_token_id=0,
        eos_token_id=2,
    )


def set_bias(linear: torch.nn.Linear, bias) -> None:
    with torch.no_grad():
        linear.weight.zero_()
        linear.bias.copy_(torch.tensor(bias, dtype=torch.float32))


def write_spec(folder: Path, **keys) -> Path:
    path = folder / "metacompress-model.yaml"
    path.write_text(yaml.safe_dump(keys, sort_keys=False))
    return path


@pytest.fixture(scope="session")
def tools():
    """Helpers for building checkpoints: set_bias(linear, bias), write_spec(folder, **keys)."""

    class Tools:
        pass

    found = Tools()
    found.set_bias = set_bias
    found.write_spec = write_spec
    return found


@pytest.fixture(scope="session")
def config_factory():
    """tiny_config(vocab_size, num_labels=2, positions=130, hidden=32)."""
    return tiny_config


@pytest.fixture(scope="session")
def tokenizer():
    return build_tokenizer()


@pytest.fixture
def make_hf_model(tokenizer, tmp_path_factory):
    """make_hf_model(bias=None, seed=0, spec=None) -> folder with a saved sequence classifier."""
    from transformers import RobertaForSequenceClassification

    def make(bias=None, seed: int = 0, spec: dict | None = None, num_labels: int = 2) -> Path:
        folder = tmp_path_factory.mktemp("hf")
        torch.manual_seed(seed)
        model = RobertaForSequenceClassification(tiny_config(len(tokenizer), num_labels))
        if bias is not None:
            set_bias(model.classifier.out_proj, bias)
        model.save_pretrained(folder)
        tokenizer.save_pretrained(folder)
        if spec is not None:
            write_spec(folder, **spec)
        return folder

    return make
