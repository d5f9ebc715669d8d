"""DFlare's search: the operator choice, and the planted deviation found within the budget."""

from __future__ import annotations

import random
from collections import Counter

import pytest
from deviation_doubles import PATTERN, PLANTED

from metacompress.attacks.deviation import SEARCHES, summarize
from metacompress.attacks.deviation.dflare import DFlare, Novelty, ranks


def test_ranks_share_places_on_ties():
    assert ranks({"a": 0.5, "b": 0.9, "c": 0.5, "d": 0.1}) == {"a": 2, "b": 1, "c": 2, "d": 4}


def test_metropolis_hastings_prefers_operators_that_were_accepted():
    search = DFlare(p=0.3)
    used = {"good": 10, "fair": 0, "bad": 10}
    accepted = {"good": 9, "fair": 0, "bad": 0}
    rng = random.Random(0)
    draws = 6000
    for previous, weights in (("fair", (1, 1, 0.7)), ("good", (1, 0.7, 0.49))):
        picks = Counter(search.select(previous, used, accepted, rng) for _ in range(draws))
        # Proposals are uniform and accepted with min(1, 0.7 ** (rank step)) until one is.
        for operator, weight in zip(("good", "fair", "bad"), weights, strict=True):
            expected = weight / sum(weights)
            assert picks[operator] / draws == pytest.approx(expected, abs=0.025)


def test_novelty_counts_each_pair_of_buckets_once():
    novelty = Novelty(10, set())
    assert novelty.observe(0.81, 0.79)
    assert not novelty.observe(0.84, 0.71)
    assert novelty.observe(0.84, 0.69)
    assert novelty.observe(1.0, 1.0) and not novelty.observe(0.95, 0.99)


def test_the_planted_deviation_is_found_within_the_budget(pair, sources):
    teacher, student = pair
    results = SEARCHES.create("deviation", budget=400).run(sources, teacher, student, "c")
    assert all(r.status == "success" for r in results), [r.reason for r in results]
    for result in results:
        assert result.inputs[0].count(PATTERN) >= PLANTED
        assert result.steps.count("insert-dead-branch") >= PLANTED
    assert summarize(results).median_queries < 150


@pytest.mark.parametrize("budget", [1, 2, 7])
def test_the_budget_is_never_exceeded(pair, sources, budget):
    teacher, student = pair
    asked = []

    def counting(batch):
        asked.extend(batch)
        return student.fn(batch)

    from metacompress.models import CallableClassifier

    results = SEARCHES.create("deviation", budget=budget).run(
        sources, teacher, CallableClassifier(counting, "counting"), "c"
    )
    assert all(r.status == "failed" and r.queries <= budget for r in results)
    assert len(set(asked)) == sum(r.queries for r in results)


def test_the_search_is_reproducible(pair, sources):
    teacher, student = pair
    runs = [
        [
            r.to_dict()
            for r in SEARCHES.create("deviation", budget=200).run(
                sources, teacher, student, "c", seed=4
            )
        ]
        for _ in range(2)
    ]
    assert runs[0] == runs[1]
