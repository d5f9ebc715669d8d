"""The summary of a deviation search: found share, median queries, queries per input found."""

from __future__ import annotations

import pytest

from metacompress.attacks.deviation import DeviationResult, summarize


def result(status, queries, reason=""):
    return DeviationResult(f"e{queries}", status, reason, queries, search="deviation")


def test_numbers_follow_their_definitions():
    summary = summarize(
        [
            result("success", 10),
            result("success", 30),
            result("success", 41),
            result("failed", 100, "query budget exhausted"),
            result("skipped", 1, "models disagree on the source: teacher predicts 1, student 0"),
        ]
    )
    assert summary.search == "deviation"
    assert (summary.sources, summary.searched, summary.found) == (5, 4, 3)
    assert summary.found_share == pytest.approx(0.75)
    assert summary.median_queries == 30
    assert summary.queries_per_found == pytest.approx(181 / 3)
    assert summary.mean_queries == pytest.approx(181 / 4)
    assert summary.skipped == {"models disagree on the source": 1}
    assert summary.failed == {"query budget exhausted": 1}


def test_nothing_found_gives_no_query_numbers():
    summary = summarize([result("failed", 20, "query budget exhausted")])
    assert summary.found_share == 0 and summary.median_queries is None
    assert summary.queries_per_found is None and summarize([]).found_share is None
