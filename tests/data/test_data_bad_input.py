"""The bad-input corpus: every kind of broken row is recorded with file, line and reason.

The corpus is written by the fixtures below (the 1 MB function and the non-UTF-8 bytes are
made on the fly rather than committed). Each case lists the line it is on and the expected
outcome, so a change of policy shows up as a failing case with its name.
"""

from __future__ import annotations

import gzip
import json
import lzma
import re
from pathlib import Path

import pytest

from metacompress.data import load_examples
from metacompress.data.result import (
    BAD_FIELD,
    BAD_LABEL,
    DUPLICATE_ID,
    EMPTY_CODE,
    MALFORMED_PAIR,
    MISSING_FIELD,
    MISSING_PAIR_ID,
    NON_UTF8,
    NOT_CODE,
    SKIPPED_PAIR_ID,
    TOO_LONG,
)
from metacompress.errors import ConfigError

GOOD = "int f(int a)\n{\n    return a;\n}\n"
HUGE = "int big(void)\n{\n" + "    x = x + 1;\n" * 70_000 + "}\n"  # about 1 MB


def _json(record: object) -> bytes:
    return json.dumps(record).encode()


# (case name, raw line, expected: ("ok", id) | ("skip", reason) | ("flag", reason))
JSONL_CASES: list[tuple[str, bytes, tuple[str, str]]] = [
    ("good row", _json({"idx": 1, "func": GOOD, "target": 0}), ("ok", "1")),
    ("empty function", _json({"idx": 2, "func": "", "target": 1}), ("skip", EMPTY_CODE)),
    ("blank function", _json({"idx": 3, "func": " \n\t", "target": 1}), ("skip", EMPTY_CODE)),
    (
        "non-UTF-8 bytes",
        b'{"idx": 4, "func": "int f(void) { return \xff\xfe; }", "target": 1}',
        ("flag", NON_UTF8),
    ),
    ("1 MB function", _json({"idx": 5, "func": HUGE, "target": 0}), ("skip", TOO_LONG)),
    (
        "prose, not code",
        _json({"idx": 6, "func": "This is a sentence about a bug.", "target": 1}),
        ("skip", NOT_CODE),
    ),
    ("truncated JSON", b'{"idx": 7, "func": "int f(', ("skip", "malformed JSON")),
    ("JSON that is not an object", b"[1, 2, 3]", ("skip", BAD_FIELD)),
    ("missing func", _json({"idx": 9, "target": 0}), ("skip", MISSING_FIELD)),
    ("missing target", _json({"idx": 10, "func": GOOD}), ("skip", MISSING_FIELD)),
    ("label 2", _json({"idx": 11, "func": GOOD, "target": 2}), ("skip", BAD_LABEL)),
    ("label 'yes'", _json({"idx": 12, "func": GOOD, "target": "yes"}), ("skip", BAD_LABEL)),
    ("duplicate idx", _json({"idx": 1, "func": GOOD, "target": 1}), ("skip", DUPLICATE_ID)),
    ("func is a number", _json({"idx": 14, "func": 42, "target": 0}), ("skip", BAD_FIELD)),
    ("blank line", b"", ("none", "")),
    (
        "lone surrogate escape",
        b'{"idx": 16, "func": "int g(void) { return \\ud800; }", "target": 0}',
        ("flag", NON_UTF8),
    ),
    ("good row at the end", _json({"idx": 17, "func": GOOD, "target": 1}), ("ok", "17")),
    ("id 18.0 is the id 18", _json({"idx": 18.0, "func": GOOD, "target": 1}), ("ok", "18")),
    ("id 17.0 repeats the id 17", _json({"idx": 17.0, "func": GOOD, "target": 1}),
     ("skip", DUPLICATE_ID)),
    ("id ' 17 ' repeats the id 17", _json({"idx": " 17 ", "func": GOOD, "target": 1}),
     ("skip", DUPLICATE_ID)),
    ("fractional id", _json({"idx": 19.5, "func": GOOD, "target": 1}), ("skip", BAD_FIELD)),
    ("object id", _json({"idx": {"a": 1}, "func": GOOD, "target": 1}), ("skip", BAD_FIELD)),
    ("list id", _json({"idx": [20], "func": GOOD, "target": 1}), ("skip", BAD_FIELD)),
    ("boolean id", _json({"idx": True, "func": GOOD, "target": 1}), ("skip", BAD_FIELD)),
]  # fmt: skip


@pytest.fixture(scope="module")
def bad_jsonl(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("bad") / "bad.jsonl"
    path.write_bytes(b"\n".join(line for _, line, _ in JSONL_CASES) + b"\n")
    return path


def test_every_bad_jsonl_row_is_recorded_with_line_and_reason(bad_jsonl):
    result = load_examples(bad_jsonl, "vulnerability")
    skipped = {row.line: row for row in result.skipped}
    flagged = {row.line: row for row in result.flagged}
    loaded = {e.meta["line"]: e for e in result.examples}
    for line, (name, _, (outcome, what)) in enumerate(JSONL_CASES, start=1):
        if outcome == "skip":
            assert skipped[line].reason == what, name
            assert skipped[line].source == str(bad_jsonl), name
            assert line not in loaded, name
        elif outcome == "flag":
            assert flagged[line].reason == what, name
            assert what in loaded[line].meta["flags"], name
        elif outcome == "ok":
            assert loaded[line].id == what and "flags" not in loaded[line].meta, name
        else:
            assert line not in skipped and line not in loaded, name
    expected_skips = sum(outcome == "skip" for _, _, (outcome, _) in JSONL_CASES)
    assert len(result.skipped) == expected_skips
    assert result.skip_counts()[EMPTY_CODE] == 2 and result.skip_counts()[BAD_LABEL] == 2
    assert result.flag_counts() == {NON_UTF8: 2}
    (too_long,) = [row for row in result.skipped if row.reason == TOO_LONG]
    assert too_long.detail == f"in 'func': {len(HUGE)} characters > 200000"


def test_replaced_bytes_load_and_long_code_loads_under_a_raised_bound(bad_jsonl):
    by_id = {e.id: e for e in load_examples(bad_jsonl, "vulnerability").examples}
    assert by_id["4"].inputs[0] == "int f(void) { return \ufffd\ufffd; }"
    assert by_id["16"].inputs[0].encode("utf-8")  # writable as UTF-8
    raised = load_examples(bad_jsonl, "vulnerability", max_chars=2_000_000).examples
    assert [e.inputs[0] for e in raised if e.id == "5"] == [HUGE] and len(HUGE) > 1_000_000


def test_duplicate_reports_where_the_first_one_was(bad_jsonl):
    result = load_examples(bad_jsonl, "vulnerability")
    duplicate = next(row for row in result.skipped if row.reason == DUPLICATE_ID)
    assert "first at line 1" in duplicate.detail
    assert str(duplicate).startswith(f"{bad_jsonl}:13: duplicate id")


def test_bad_csv_rows(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(
        b"id,code,label\n"  # 1
        b'a,"int f(void)\n{ return 0; }",1\n'  # 2-3: good, two lines
        b"b,int g(void) { return 1; },0,extra\n"  # 4: too many fields
        b'c,"int h()"{ },1\n'  # 5: stray quote
        b'd,"int k(void) { return \xff; }",0\n'  # 6: non-UTF-8
        b"e,,1\n"  # 7: empty code
        b'f,"int m(void) { return 2; }",5\n'  # 8: out of range label
        b'g,"int n(void) { never closed,1\n'  # 9: unterminated quote to the end
    )
    result = load_examples(path, "vulnerability", columns={"code": "code", "label": "label"})
    assert [e.id for e in result.examples] == ["a", "d"]
    assert [(r.line, r.reason) for r in result.skipped] == [
        (4, "malformed CSV"),
        (5, "malformed CSV"),
        (7, EMPTY_CODE),
        (8, BAD_LABEL),
        (9, "malformed CSV"),
    ]
    assert [(r.line, r.reason) for r in result.flagged] == [(6, NON_UTF8)]
    assert result.examples[1].inputs == ("int k(void) { return \ufffd; }",)


def test_bad_bigclonebench_functions_and_pairs(tmp_path):
    methods = [
        {"idx": "1", "func": "int a(int x) { return x; }"},
        {"idx": "2", "func": "int b(int y) { return y; }"},
        {"idx": "3", "func": ""},  # skipped function: empty code
        {"idx": "2", "func": "int c() { return 0; }"},  # duplicate idx
        {"idx": "4", "func": "int d() { return 4; }"},
    ]
    data = tmp_path / "data.jsonl"
    data.write_text("".join(json.dumps(m) + "\n" for m in methods))
    pairs = tmp_path / "pairs.txt"
    pairs.write_text(
        "1\t2\t1\n"  # 1: good
        "1\t99\t0\n"  # 2: names a missing id
        "3\t1\t0\n"  # 3: names a skipped function
        "1\n"  # 4: malformed
        "1\t4\t0\textra\n"  # 5: malformed
        "2\t4\t7\n"  # 6: label out of range
        "1\t2\t1\n"  # 7: duplicate pair
        "4\t1\t0\n"  # 8: good
    )
    result = load_examples(data, "clone", pairs=pairs)
    assert [e.id for e in result.examples] == ["1-2", "4-1"]
    assert result.examples[0].inputs[1] == "int b(int y) { return y; }"
    by_file = sorted((Path(r.source).name, r.line, r.reason) for r in result.skipped)
    assert by_file == [
        ("data.jsonl", 3, EMPTY_CODE),
        ("data.jsonl", 4, DUPLICATE_ID),
        ("pairs.txt", 2, MISSING_PAIR_ID),
        ("pairs.txt", 3, SKIPPED_PAIR_ID),
        ("pairs.txt", 4, MALFORMED_PAIR),
        ("pairs.txt", 5, MALFORMED_PAIR),
        ("pairs.txt", 6, BAD_LABEL),
        ("pairs.txt", 7, DUPLICATE_ID),
    ]
    skipped_pair = next(r for r in result.skipped if r.reason == SKIPPED_PAIR_ID)
    assert "empty code at data.jsonl:3" in skipped_pair.detail


def test_empty_and_all_bad_files_load_nothing_without_error(tmp_path):
    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    assert load_examples(empty, "vulnerability").examples == []
    junk = tmp_path / "junk.jsonl"
    junk.write_text("not json\n{broken\n")
    result = load_examples(junk, "vulnerability")
    assert result.examples == [] and [r.line for r in result.skipped] == [1, 2]


def _good_jsonl(n: int = 40) -> bytes:
    return b"".join(_json({"idx": i, "func": GOOD, "target": i % 2}) + b"\n" for i in range(n))


@pytest.mark.parametrize(
    ("name", "make", "message"),
    [
        ("truncated.jsonl.xz", lambda: lzma.compress(_good_jsonl())[:-40],
         "not valid xz data (truncated"),
        ("fake.jsonl.xz", lambda: _good_jsonl(), "not valid xz data (Input format not supported"),
        ("garbage.jsonl.xz", lambda: b"\xfd7zXZ\x00" + b"\x00" * 200, "not valid xz data"),
        ("truncated.jsonl.gz", lambda: gzip.compress(_good_jsonl())[:-30],
         "not valid gz data (truncated"),
        ("fake.csv.bz2", lambda: b"code,label\n", "not valid bz2 data"),
    ],
)  # fmt: skip
def test_a_corrupt_truncated_or_fake_compressed_file_is_a_config_error(tmp_path, name, make,
                                                                       message):  # fmt: skip
    path = tmp_path / name
    path.write_bytes(make())
    with pytest.raises(ConfigError, match=re.escape(f"cannot read {path}: {message}")):
        load_examples(path, "vulnerability")


def test_a_folder_given_for_a_file_format_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match=f"cannot read {tmp_path}: it is a folder"):
        load_examples(tmp_path, "vulnerability", format="jsonl")
