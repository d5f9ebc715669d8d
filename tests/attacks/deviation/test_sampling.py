"""The random baseline: same space and budget, no guidance; far slower on the planted pair."""

from __future__ import annotations

import random

from deviation_doubles import PATTERN

from metacompress.attacks.deviation import SEARCHES, summarize
from metacompress.attacks.deviation.sampling import RandomDeviation
from metacompress.attacks.deviation.space import Space, State, catalogue_operators


def test_independent_samples_start_from_the_source_and_walks_from_the_last_variant():
    code = "int f(int a) {\n    int b = a;\n    return b;\n}\n"
    space = Space("c", (0,), catalogue_operators("c", ["insert-comment"]))
    root = State((code,))
    rng = random.Random(0)
    sampler = RandomDeviation(max_steps=3)
    lengths = {len(sampler.draw(space, root, root, rng).steps) for _ in range(60)}
    assert lengths == {1, 2, 3}
    walker = RandomDeviation(walk=True)
    state = root
    for expected in range(1, 6):
        state = walker.draw(space, root, state, rng)
        assert len(state.steps) == expected


def test_the_baseline_needs_far_more_queries_than_the_search_on_the_planted_pair(pair, sources):
    teacher, student = pair
    budget = 400
    guided = summarize(
        SEARCHES.create("deviation", budget=budget).run(sources, teacher, student, "c", seed=1)
    )
    baseline_results = SEARCHES.create("deviation-random", budget=budget).run(
        sources, teacher, student, "c", seed=1
    )
    baseline = summarize(baseline_results)
    assert guided.found == len(sources)
    assert baseline.found < guided.found
    assert baseline.mean_queries > 2.5 * guided.mean_queries
    for result in baseline_results:
        assert not result.found or result.inputs[0].count(PATTERN) >= 5
