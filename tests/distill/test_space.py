"""Search spaces, repair and the z3 pruning."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from metacompress.distill.search.constraints import prune
from metacompress.distill.search.space import Gene, SearchSpace
from metacompress.distill.size import StudentArch, size_mb
from metacompress.distill.spaces import avatar_space, compressor_space
from metacompress.errors import ConfigError

CAPS = {"bpe": 6000, "wordpiece": 4000, "unigram": 5000, "word": 900}


def test_gene_grid_snap_value_and_cap():
    gene = Gene("hidden_size", 16, 768, 16)
    assert gene.size == 48
    assert gene.snap(23) == 16 and gene.snap(25) == 32 and gene.snap(10_000) == 768
    assert gene.value(31.9) == 32
    assert gene.capped(100).high == 96
    assert gene.capped(8).low == gene.capped(8).high == 8
    dropout = Gene("hidden_dropout", 0.2, 0.5, 0.1)
    assert [dropout.value(dropout.low + k * 0.1) for k in range(4)] == [0.2, 0.3, 0.4, 0.5]
    choice = Gene("tokenizer", choices=("bpe", "word"))
    assert choice.value(0.7) == "word" and choice.coordinate("bpe") == 0
    with pytest.raises(ConfigError):
        Gene("bad", 5, 1)


def test_repair_makes_hidden_a_multiple_of_heads():
    space = avatar_space(CAPS, (256, 512))
    rng = np.random.default_rng(0)
    for x in rng.uniform(space.lower, space.upper, size=(300, len(space.genes))):
        config = space.decode(x)
        assert config.hidden_size % config.num_heads == 0
        assert 16 <= config.hidden_size <= 256


def test_vocabulary_is_capped_per_tokenizer_kind():
    space = avatar_space(CAPS, (256, 512))
    x = space.encode(space.decode(space.sample(np.random.default_rng(1), 1)[0]))
    names = space.names
    x[names.index("tokenizer")] = 3  # word
    x[names.index("vocab_size")] = 46000
    assert space.decode(x).vocab_size == 900
    x[names.index("tokenizer")] = 0  # bpe
    assert space.decode(x).vocab_size == 6000


def test_round_trip_encode_decode():
    space = compressor_space({"bpe": 20000}, 400)
    for x in space.sample(np.random.default_rng(2), 20):
        config = space.decode(x)
        assert np.array_equal(space.encode(config), x)
        assert config.tokenizer == "bpe" and config.lowercase and config.max_length == 400


def _brute_force(space: SearchSpace, target: float) -> dict[str, tuple[int, int]]:
    feasible = []
    grids = [[int(g.value(g.low + k * g.step)) for k in range(g.size)] for g in space.genes]
    for values in itertools.product(*grids):
        s = dict(zip(space.names, values, strict=True))
        if s["hidden_size"] % s["num_heads"]:
            continue
        arch = StudentArch(
            s["vocab_size"],
            s["num_layers"],
            s["hidden_size"],
            s["intermediate_size"],
            s["num_heads"],
            max_length=s["max_length"],
        )
        if size_mb(arch) <= target:
            feasible.append(s)
    return {n: (min(f[n] for f in feasible), max(f[n] for f in feasible)) for n in space.names}


def test_z3_pruning_gives_exactly_the_feasible_bounds():
    space = SearchSpace(
        (
            Gene("vocab_size", 1000, 9000, 2000),
            Gene("num_layers", 1, 6, 1),
            Gene("hidden_size", 16, 128, 16),
            Gene("intermediate_size", 32, 512, 96),
            Gene("num_heads", 1, 8, 1),
            Gene("max_length", 64, 256, 64),
        )
    )
    pruned, report = prune(space, 0.5, {})
    expected = _brute_force(space, 0.5)
    for name, (low, high) in expected.items():
        gene = pruned.gene(name)
        assert (gene.low, gene.high) == (low, high), name
        assert report[name]["after"] == [low, high]
    assert pruned.gene("hidden_size").high < 128


def test_pruning_categorical_heads_and_fixed_settings():
    space = compressor_space({"bpe": 50000}, 400)
    pruned, report = prune(space, 3.0, {"max_length": 400})
    assert set(pruned.gene("num_heads").choices) <= {1, 2, 4, 8}
    assert pruned.gene("vocab_size").high < 50000
    with pytest.raises(ConfigError, match="no student"):
        prune(space, 0.001, {"max_length": 400})


def test_pruning_gives_the_same_box_whatever_ran_before_it():
    # in z3's shared context the terms of earlier calls changed the solver's path, and a
    # wall-clock timeout made the box depend on the machine's load
    import z3

    first = prune(avatar_space({"bpe": 721}, (112, 128)), 0.3, {})[1]
    prune(avatar_space(CAPS, (256, 512)), 3.0, {})
    _ = [z3.Int(f"other_{k}") * k for k in range(500)]
    assert prune(avatar_space({"bpe": 721}, (112, 128)), 0.3, {})[1] == first


def test_a_query_the_solver_gives_up_on_keeps_the_value(monkeypatch):
    from metacompress.distill.search import constraints

    monkeypatch.setattr(constraints, "SOLVER_RLIMIT", 1)  # every query ends "unknown"
    space = avatar_space(CAPS, (256, 512))
    _, report = prune(space, 3.0, {})
    assert all(r["after"] == r["before"] for r in report.values())


def test_a_budget_can_fix_the_searched_learning_rate():
    from metacompress.distill import avatar, morph

    rng = np.random.default_rng(1)
    searched = avatar_space(CAPS, (256, 512))
    rates = {
        searched.decode(x).learning_rate
        for x in rng.uniform(searched.lower, searched.upper, size=(60, len(searched.genes)))
    }
    assert rates == {1e-3, 1e-4, 5e-5}
    fixed = avatar_space(CAPS, (256, 512), learning_rate=1e-3)
    assert "learning_rate" not in fixed.names and len(fixed.genes) == len(searched.genes) - 1
    xs = rng.uniform(fixed.lower, fixed.upper, size=(60, len(fixed.genes)))
    assert {fixed.decode(x).learning_rate for x in xs} == {1e-3}
    assert avatar.BUDGETS["tiny"].learning_rate == morph.BUDGETS["tiny"].learning_rate == 1e-3
    assert avatar.BUDGETS["paper"].learning_rate is None  # the published space searches it
