"""Tiny models of every format, built in temporary folders (random weights, 2 layers, hidden 32).

Heads can be given a known answer: `bias=(b0, b1)` zeroes the output layer's weights and sets
its bias, so every input gets softmax(b) (or sigmoid(b0) for a one-logit head).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

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
