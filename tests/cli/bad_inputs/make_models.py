"""Regenerate the model folders of the bad-input corpus (tiny, so they are committed).

    python tests/cli/bad_inputs/make_models.py

_shared/tiny-hf is a valid 2-class RoBERTa classifier with a word-level tokenizer; the cases
model-truncated-safetensors and model-malicious-pickle hold broken copies of it: its weights cut
in half, and its weights as a pickle that, when unpickled, creates the file PWNED (what a
malicious checkpoint would do; the loader must refuse it unless --allow-pickle).
model-without-tokenizer holds its config and weights only (transformers would build an empty
tokenizer, and every input would give the same output); model-foreign-tokenizer holds them
beside a tokenizer with more tokens than the model's embeddings (another model's tokenizer).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import torch
from tokenizers import Tokenizer, models, pre_tokenizers, processors
from transformers import PreTrainedTokenizerFast, RobertaConfig, RobertaForSequenceClassification

HERE = Path(__file__).resolve().parent
WORDS = ["int", "char", "void", "return", "if", "else", "for", "while", "(", ")", "{", "}", ";", ",", "=", "+", "-", "*", "/", "<", ">", "a", "b", "c", "x", "y", "f", "g", "n"]


class Payload:
    """Unpickling this creates the file PWNED in the working folder."""

    def __reduce__(self):
        return (open, ("PWNED", "w"))


def tiny_tokenizer(words: list[str]) -> PreTrainedTokenizerFast:
    specials = ["<s>", "<pad>", "</s>", "<unk>", "<mask>"]
    vocab = {token: i for i, token in enumerate(specials + words)}
    backend = Tokenizer(models.WordLevel(vocab, unk_token="<unk>"))
    backend.pre_tokenizer = pre_tokenizers.Whitespace()
    backend.post_processor = processors.RobertaProcessing(("</s>", 2), ("<s>", 0))
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=backend, bos_token="<s>", eos_token="</s>", cls_token="<s>",
        sep_token="</s>", pad_token="<pad>", unk_token="<unk>", mask_token="<mask>",
    )  # fmt: skip
    return tokenizer


def tiny_model(folder: Path) -> RobertaForSequenceClassification:
    tokenizer = tiny_tokenizer(WORDS)
    vocab = tokenizer.get_vocab()
    torch.manual_seed(0)
    config = RobertaConfig(
        vocab_size=len(vocab), hidden_size=8, num_hidden_layers=1, num_attention_heads=2,
        intermediate_size=16, max_position_embeddings=34, num_labels=2,
    )  # fmt: skip
    model = RobertaForSequenceClassification(config)
    shutil.rmtree(folder, ignore_errors=True)
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return model


def main() -> None:
    model = tiny_model(HERE / "_shared" / "tiny-hf")
    truncated = HERE / "model-truncated-safetensors" / "model"
    shutil.copytree(HERE / "_shared" / "tiny-hf", truncated, dirs_exist_ok=True)
    weights = truncated / "model.safetensors"
    weights.write_bytes(weights.read_bytes()[: weights.stat().st_size // 2])
    pickled = HERE / "model-malicious-pickle" / "model"
    shutil.copytree(HERE / "_shared" / "tiny-hf", pickled, dirs_exist_ok=True)
    (pickled / "model.safetensors").unlink()
    state = dict(model.state_dict())
    state["payload"] = Payload()
    torch.save(state, pickled / "pytorch_model.bin")
    foreign_tokenizer_cases()


def foreign_tokenizer_cases() -> None:
    """model-without-tokenizer and model-foreign-tokenizer from _shared/tiny-hf."""
    for case in ("model-without-tokenizer", "model-foreign-tokenizer"):
        folder = HERE / case / "model"
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        for name in ("config.json", "model.safetensors"):
            shutil.copy(HERE / "_shared" / "tiny-hf" / name, folder / name)
    extra = [f"w{i}" for i in range(16)]
    tiny_tokenizer(WORDS + extra).save_pretrained(HERE / "model-foreign-tokenizer" / "model")


if __name__ == "__main__":
    main()
