"""The synthetic generator: seeded, balanced, small vulnerable/safe differences, not separable
by length, parseable, and readable back through `load_examples`."""

from __future__ import annotations

import difflib
import math
import time
from collections import Counter

import pytest

from metacompress.code.parsing import count_errors
from metacompress.data import load_examples
from metacompress.data.export import write_jsonl
from metacompress.data.synth import PATTERNS, generate
from metacompress.data.synth.style import Style, restyle
from metacompress.errors import ConfigError

LANG = {"vulnerability": "c", "clone": "java"}


def _best_threshold_accuracy(feature: list[float], labels: list[int]) -> float:
    """Accuracy of the best rule `feature <= t` (or its negation), thresholds between values."""
    pairs = sorted(zip(feature, labels, strict=True))
    n, positives = len(pairs), sum(labels)
    best = max(positives, n - positives)
    left = left_pos = 0
    for index, (value, label) in enumerate(pairs):
        left += 1
        left_pos += label
        if index + 1 < n and pairs[index + 1][0] == value:
            continue
        correct = left_pos + (n - left) - (positives - left_pos)
        best = max(best, correct, n - correct)
    return best / n


@pytest.mark.parametrize("task", ["vulnerability", "clone"])
def test_same_seed_same_examples_other_seed_other_examples(task):
    first = generate(task, 40, seed=3)
    again = generate(task, 40, seed=3)
    assert [(e.id, e.inputs, e.label, e.meta) for e in first] == [
        (e.id, e.inputs, e.label, e.meta) for e in again
    ]
    other = generate(task, 40, seed=4)
    assert [e.inputs for e in other] != [e.inputs for e in first]


@pytest.mark.parametrize("task", ["vulnerability", "clone"])
def test_sizes_balance_ids_and_prefixes(task):
    assert generate(task, 0) == []
    odd = generate(task, 7, seed=1)
    assert [e.id for e in odd] == [str(i) for i in range(7)]
    examples = generate(task, 400, seed=1)
    assert Counter(e.label for e in examples) == {0: 200, 1: 200}
    assert [e.inputs for e in examples[:7]] == [e.inputs for e in odd]
    assert all(len(e.inputs) == (1 if task == "vulnerability" else 2) for e in examples)


@pytest.mark.parametrize("task", ["vulnerability", "clone"])
def test_generated_code_parses_without_errors(task):
    for example in generate(task, 300, seed=8):
        for code in example.inputs:
            assert count_errors(code, LANG[task]) == 0, code


def test_counterparts_differ_in_a_small_detail():
    examples = generate("vulnerability", 600, seed=2)
    by_id = {e.id: e for e in examples}
    sizes = []
    for example in examples:
        other = by_id[example.meta["counterpart"]]
        assert other.meta["counterpart"] == example.id and other.label == 1 - example.label
        assert other.meta["variant"] == example.meta["variant"]
        diff = difflib.unified_diff(
            example.inputs[0].splitlines(), other.inputs[0].splitlines(), n=0, lineterm=""
        )
        changed = [x for x in diff if x[:1] in "+-" and not x.startswith(("+++", "---"))]
        assert 1 <= len(changed) <= 8
        sizes.append(len(changed))
    assert sorted(sizes)[len(sizes) // 2] <= 3


def test_every_pattern_variant_and_clone_kind_occurs():
    vulnerable = generate("vulnerability", 700, seed=6)
    assert Counter(e.meta["pattern"] for e in vulnerable) == {p: 100 for p in PATTERNS}
    assert all(e.meta["cwe"].startswith("CWE-") for e in vulnerable)
    assert len({e.meta["variant"] for e in vulnerable}) >= 25
    clones = generate("clone", 400, seed=6)
    kinds = Counter(e.meta["clone_type"] or e.meta["negative"] for e in clones)
    assert kinds == {
        "type-1": 50, "type-2": 50, "type-3": 50, "type-4": 50,
        "different-function": 100, "behaviour-change": 100,
    }  # fmt: skip
    assert len({e.meta["family1"] for e in clones}) >= 20


def test_labels_are_not_separable_by_length():
    vulnerable = generate("vulnerability", 2000, seed=9)
    labels = [e.label for e in vulnerable]
    assert _best_threshold_accuracy([len(e.inputs[0]) for e in vulnerable], labels) < 0.65
    clones = generate("clone", 2000, seed=9)
    labels = [e.label for e in clones]
    ratio = [abs(math.log(len(e.inputs[0]) / len(e.inputs[1]))) for e in clones]
    total = [len(e.inputs[0]) + len(e.inputs[1]) for e in clones]
    assert _best_threshold_accuracy(ratio, labels) < 0.65
    assert _best_threshold_accuracy(total, labels) < 0.65


@pytest.mark.parametrize("task", ["vulnerability", "clone"])
def test_generation_is_fast(task):
    start = time.perf_counter()
    generate(task, 1000, seed=0)
    assert time.perf_counter() - start < 5.0  # thousands per second on an idle core


@pytest.mark.parametrize("task", ["vulnerability", "clone"])
def test_written_file_reads_back_identically(tmp_path, task):
    examples = generate(task, 30, seed=12)
    path = tmp_path / f"{task}.jsonl.gz"
    assert write_jsonl(examples, path, task) == 30
    loaded = load_examples(path, task)
    assert loaded.skipped == [] and loaded.flagged == []
    assert loaded.format == ("devign" if task == "vulnerability" else "jsonl")
    assert loaded.examples == examples
    for original, read in zip(examples, loaded.examples, strict=True):
        read_meta = {k: v for k, v in read.meta.items() if k not in ("line", "source")}
        read_meta.pop("idx", None)
        read_meta.pop("id", None)
        assert read_meta == original.meta


def test_bad_arguments():
    with pytest.raises(ConfigError, match="task must be one of"):
        generate("summarize", 3)
    with pytest.raises(ConfigError, match="n must be a non-negative integer"):
        generate("clone", -1)


def test_restyle_lays_out_one_canonical_text_in_different_styles():
    code = "int f(int n)\n{\n    int i;\n@decl\n    if (n > 0) {\n        return n;\n    }\n    return 0;\n}\n"
    plain = restyle(code, Style())
    assert (
        plain
        == "int f(int n)\n{\n    int i;\n    if (n > 0) {\n        return n;\n    }\n    return 0;\n}\n"
    )
    styled = restyle(
        code,
        Style(indent="\t", function_brace_own_line=False, bare_single_statements=True,
              keyword_space=False, blank_after_declarations=True),
    )  # fmt: skip
    assert styled == "int f(int n) {\n\tint i;\n\n\tif(n > 0)\n\t\treturn n;\n\treturn 0;\n}\n"
    allman = restyle(code, Style(allman=True))
    assert "    if (n > 0)\n    {\n        return n;\n    }\n" in allman
