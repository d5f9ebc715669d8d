"""Tiny models of every format, built in temporary folders (random weights, 2 layers, hidden 32).

Heads can be given a known answer: `bias=(b0, b1)` zeroes the output layer's weights and sets
its bias, so every input gets softmax(b) (or sigmoid(b0) for a one-logit head).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
from torch import nn
from transformers import RobertaForSequenceClassification, RobertaModel

from metacompress.testing.tiny import (
    set_bias,
    tiny_classifier,
    tiny_config,
    tiny_tokenizer,
    write_spec,
)

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
    """A lower-casing byte-level BPE learnt from CORPUS."""
    return tiny_tokenizer(CORPUS, lowercase=True)


@pytest.fixture
def make_hf_model(tokenizer, tmp_path_factory):
    """make_hf_model(bias=None, seed=0, spec=None) -> folder with a saved sequence classifier."""

    def make(bias=None, seed: int = 0, spec: dict | None = None, num_labels: int = 2) -> Path:
        folder = tmp_path_factory.mktemp("hf")
        return tiny_classifier(
            folder, seed, tokenizer=tokenizer, num_labels=num_labels, bias=bias, spec=spec
        )

    return make


CODES = [
    "int f(int a) { int x = a * 2; if (x > 3) x = x - 1; return x; }",
    "void g(char *p, int n) { while (n > 0) { p[n] = 0; n--; } }",
    "x",
    " ".join(f"v{i} = v{i} + {i};" for i in range(60)),
]


class Wrapper(nn.Module):
    """The research code's `Model`: `encoder` (and a pair head for clone models)."""

    def __init__(self, encoder, hidden=None):
        super().__init__()
        self.encoder = encoder
        if hidden is not None:
            self.classifier = nn.Module()
            self.classifier.dense = nn.Linear(hidden * 2, hidden)
            self.classifier.out_proj = nn.Linear(hidden, 2)


def research_folder(path, config, wrapper, tokenizer):
    path.mkdir()
    torch.save(wrapper.state_dict(), path / "model.bin")
    config.to_json_file(path / "config.json")
    tokenizer.save_pretrained(path)
    return path


@pytest.fixture
def specs(make_hf_model, tmp_path, tokenizer, config_factory):
    """A spec of every torch format, with its batch (single inputs or pairs)."""
    torch.manual_seed(4)
    config = config_factory(len(tokenizer), positions=130)
    single = [(c,) for c in CODES]
    pairs = [(CODES[0], CODES[3]), (CODES[2], CODES[1]), (CODES[1], CODES[1])]
    defect = config_factory(len(tokenizer), num_labels=1, positions=130)
    bare = tmp_path / "bare-tokenizer.json"
    tokenizer.backend_tokenizer.save(str(bare))
    return {
        "transformers": (
            make_hf_model(seed=4, spec={"format": "transformers", "max_length": 48}),
            single,
        ),
        "codexglue-defect": (
            {
                "format": "codexglue-defect",
                "max_length": 40,
                "path": str(
                    research_folder(
                        tmp_path / "defect",
                        defect,
                        Wrapper(RobertaForSequenceClassification(defect)),
                        tokenizer,
                    )
                ),
            },
            single,
        ),
        "compressor": (
            {
                "format": "compressor",
                "task": "vulnerability",
                "max_length": 40,
                "tokenizer": str(bare),
                "path": str(
                    research_folder(
                        tmp_path / "student",
                        config,
                        Wrapper(RobertaForSequenceClassification(config)),
                        tokenizer,
                    )
                ),
            },
            single,
        ),
        "codexglue-clone": (
            {
                "format": "codexglue-clone",
                "max_length": 40,
                "path": str(
                    research_folder(
                        tmp_path / "clone", config, Wrapper(RobertaModel(config), 32), tokenizer
                    )
                ),
            },
            pairs,
        ),
        "compressor-clone": (
            {
                "format": "compressor",
                "task": "clone",
                "max_length": 40,
                "tokenizer": str(bare),
                "path": str(
                    research_folder(
                        tmp_path / "student-clone",
                        config,
                        Wrapper(RobertaModel(config), 32),
                        tokenizer,
                    )
                ),
            },
            pairs,
        ),
        "graphcodebert": (
            {
                "format": "graphcodebert",
                "task": "clone",
                "max_length": 48,
                "data_flow_length": 16,
                "path": str(
                    research_folder(
                        tmp_path / "gcb",
                        config,
                        Wrapper(RobertaForSequenceClassification(config), 32),
                        tokenizer,
                    )
                ),
            },
            pairs,
        ),
    }
