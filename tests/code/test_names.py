import random

import pytest

from metacompress.code.names import (
    CallableNames,
    ListNames,
    NameContext,
    RandomNames,
    as_name_source,
    code_identifiers,
    fresh_identifier,
    is_reserved,
    is_valid_identifier,
    is_valid_new_name,
    pick_name,
)
from metacompress.code.parsing import parse
from metacompress.errors import ConfigError

C_CODE = 'int f(int a) {\n  int total = a; /* scratch */\n  printf("%d tmp", total);\n}\n'


@pytest.mark.parametrize(
    ("name", "lang", "valid"),
    [
        ("x", "c", True),
        ("_x1", "c", True),
        ("1x", "c", False),
        ("int", "c", False),
        ("_Bool", "c", False),
        ("a-b", "c", False),
        ("$x", "c", False),
        ("", "c", False),
        ("$x", "java", True),
        ("ñame", "java", True),
        ("class", "java", False),
        ("null", "java", False),
        ("_", "java", False),
        ("x y", "java", False),
    ],
)
def test_is_valid_identifier(name, lang, valid):
    assert is_valid_identifier(name, lang) is valid


def test_reserved_names_cover_keywords_library_and_implementation_names():
    for name in ("while", "printf", "NULL", "EOF", "size_t", "uint8_t", "memcpy", "isdigit"):
        assert is_reserved(name, "c"), name
    assert is_reserved("__tmp", "c") and is_reserved("_Tmp", "c") and not is_reserved("_tmp", "c")
    for name in ("String", "Integer", "System", "List", "HashMap", "IOException", "true"):
        assert is_reserved(name, "java"), name
    assert not is_reserved("total", "c") and not is_reserved("total", "java")


def test_new_name_must_be_absent_from_code_comments_and_strings():
    parsed = parse(C_CODE, "c")
    assert code_identifiers(C_CODE) >= {"f", "a", "total", "scratch", "printf", "d", "tmp"}
    for name in ("total", "scratch", "tmp", "printf", "int", "9lives", "__x"):
        assert not is_valid_new_name(name, parsed), name
    assert is_valid_new_name("count", parsed)


def test_fresh_identifier_is_deterministic_free_and_unreserved():
    taken = {"a", "b"}
    first = [fresh_identifier(taken, "c", random.Random(7)) for _ in range(3)]
    assert len(set(first)) == 1
    rng = random.Random(3)
    names = {fresh_identifier(taken, "java", rng) for _ in range(200)}
    assert not names & taken
    assert all(is_valid_identifier(n, "java") and not is_reserved(n, "java") for n in names)


def test_fresh_identifier_with_stem_counts_up():
    rng = random.Random(0)
    assert fresh_identifier(set(), "c", rng, stem="len") == "len"
    assert fresh_identifier({"len", "len_2"}, "c", rng, stem="len") == "len_3"
    assert fresh_identifier(set(), "c", rng, stem="int") != "int"
    with pytest.raises(ConfigError):
        fresh_identifier(set(), "c", rng, stem="1bad")


def _context(taken=()):
    return NameContext("c", C_CODE, "local", ((20, 25),), frozenset(taken))


def test_random_source_skips_taken_names():
    source = RandomNames(min_length=1, max_length=1)
    taken = set("abcdefghijklmnopqrstuvwxy")
    assert pick_name(source, "total", _context(taken), random.Random(0)) == "z"


def test_list_source_is_shuffled_by_rng_and_filters_bad_names():
    source = ListNames(("int", "total", "alpha", "beta", "gamma"))
    picks = {pick_name(source, "total", _context({"total"}), random.Random(s)) for s in range(30)}
    assert picks == {"alpha", "beta", "gamma"}
    assert pick_name(ListNames(("int", "while")), "t", _context(), random.Random(0)) is None
    with pytest.raises(ConfigError):
        ListNames("abc")


def test_callable_source_receives_name_and_context_and_keeps_order():
    seen = []

    def substitutes(name, context):
        seen.append((name, context.kind))
        return ["printf", "total", "amount", "sum"]

    source = as_name_source(substitutes)
    assert isinstance(source, CallableNames)
    assert pick_name(source, "total", _context({"total"}), random.Random(0)) == "amount"
    assert seen == [("total", "local")]


def test_as_name_source_coerces():
    assert isinstance(as_name_source(None), RandomNames)
    assert isinstance(as_name_source(["a", "b"]), ListNames)
    with pytest.raises(ConfigError):
        RandomNames(min_length=5, max_length=2)
