"""The loaders on the real Devign and BigCloneBench files of ../shared/data."""

from __future__ import annotations

import pytest

from metacompress.data import load_examples

pytestmark = pytest.mark.data


def test_devign_test_split(shared_data):
    result = load_examples(shared_data / "devign" / "test.jsonl.xz", "vulnerability")
    assert result.format == "devign"
    assert len(result.examples) == 2732 and result.skipped == [] and result.flagged == []
    assert len({e.id for e in result.examples}) == 2732
    assert {"project", "commit_id"} <= set(result.examples[0].meta)
    assert result.label_counts() == {0: 1477, 1: 1255}


def test_devign_overall_vulnerable_share_is_45_6_percent(shared_data):
    totals = [0, 0]
    for split in ("train", "valid", "test"):
        result = load_examples(shared_data / "devign" / f"{split}.jsonl.xz", "vulnerability")
        assert result.skipped == []
        totals[0] += len(result.examples)
        totals[1] += sum(e.label for e in result.examples)
    assert totals[0] == 27318
    assert round(100 * totals[1] / totals[0], 1) == 45.6


def test_devign_limit_keeps_the_label_ratio(shared_data):
    result = load_examples(
        shared_data / "devign" / "test.jsonl.xz", "vulnerability", limit=200, seed=7
    )
    assert len(result.examples) == 200 and result.n_valid == 2732
    assert result.label_counts() == {0: 108, 1: 92}  # 200 * 1255 / 2732 = 91.9


@pytest.mark.parametrize("split", ["test", "valid"])
def test_bigclonebench_pairs_resolve_against_data_jsonl(shared_data, split):
    folder = shared_data / "bigclonebench"
    result = load_examples(folder / "data.jsonl.xz", "clone", pairs=folder / f"{split}.txt")
    assert result.format == "bigclonebench"
    assert len(result.examples) == 4000 and result.skipped == []
    assert result.label_counts() == {0: 2000, 1: 2000}
    first = result.examples[0]
    assert first.id == f"{first.meta['idx1']}-{first.meta['idx2']}"
    assert all(len(e.inputs) == 2 and "(" in e.inputs[1] for e in result.examples)


def test_bigclonebench_train_duplicates_are_counted(shared_data):
    folder = shared_data / "bigclonebench"
    result = load_examples(folder / "data.jsonl.xz", "clone", pairs=folder / "train.txt")
    assert len(result.examples) + len(result.skipped) == 45051
    assert result.skip_counts() == {"duplicate id": 576}
