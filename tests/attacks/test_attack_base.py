"""The attack protocol of `metacompress.attacks.base`: examples prepared in chunks."""

from __future__ import annotations

import pytest

from metacompress.attacks import ATTACKS
from metacompress.attacks import base as attack_base
from metacompress.testing.attacks import EXAMPLES, default_victim


@pytest.mark.parametrize("name", ["mhm", "wir-random", "structural"])
def test_preparing_in_chunks_gives_the_same_results(name, monkeypatch):
    examples = [*EXAMPLES, *EXAMPLES[:1], *EXAMPLES[3:4]]
    attack = ATTACKS.create(name, budget=30)
    whole = attack.run(examples, default_victim(), "c", seed=3)
    sizes: list[int] = []
    real = type(attack).prepare

    def prepare(self, chunk, lang, seed, corpus):
        sizes.append(len(chunk))
        assert len(corpus) == len(examples)  # the corpus stays every example of the run
        return real(self, chunk, lang, seed, corpus)

    monkeypatch.setattr(attack_base, "PREPARE_CHUNK", 2)
    monkeypatch.setattr(type(attack), "prepare", prepare)
    chunked = attack.run(examples, default_victim(), "c", seed=3)
    attacked = [r for r in whole if not r.reason.startswith(("misclassified", "unlabelled"))]
    assert sizes and max(sizes) <= 2 and sum(sizes) == len(attacked) > 2
    assert [r.to_dict() for r in chunked] == [r.to_dict() for r in whole]
