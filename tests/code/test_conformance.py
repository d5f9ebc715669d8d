"""One conformance suite over every registered transformation (the scikit-learn way).

Every transformation must: construct with its defaults; round-trip its parameters
(`type(t)(**get_params(t)) == t`); declare languages it supports; give the same output for the
same seed; never parse worse than its input nor (unless it combines others) edit
inside or across a parse error; give a reason whenever it does not apply (also on
code with parse errors and on languages it does not declare); report edits (net, and step by step)
that reproduce its output from the input; keep every token boundary (each token of the input
that no edit touches is a token of the output, in every step: nothing glued to a neighbour, no
comment left open); and reject a bad parameter with a ConfigError. The samples include code
written with no space between tokens (`else{...}`, `do{...}while`), where a careless join
glues a keyword to the next token.
"""

from __future__ import annotations

import dataclasses

import pytest

from metacompress.code.combine import is_combinator
from metacompress.code.edits import apply_edits
from metacompress.code.lexer import boundary_problems
from metacompress.code.parsing import LANGUAGES, parse
from metacompress.code.transform import TRANSFORMS, Applied, NotApplicable
from metacompress.errors import ConfigError
from metacompress.registry import get_params

C_SAMPLES = [
    """int sum(int *values, int n)
{
    int total = 0, i;
    int limit = n;
    for (i = 0; i < limit; i++) {
        if (values[i] < 0)
            continue;
        total += values[i];
    }
    while (total > 100) {
        total = total - 100;
    }
    if (total == 0) {
        return -1;
    } else if (total > 50) {
        total++;
    } else {
        total--;
    }
    return total * 2;
}
""",
    "static void f(char *s) { int k = 3; for (;;) { if (*s == 0) break; s++; } k <<= 1; }\n",
    # Devign style: a macro the grammar does not know leaves a parse error inside the body.
    """static int g(int a, int b)
{
    int x = a + b;
    FOO_MACRO(x y) while (x > 0) x--;
    return x < b ? a : b;
}
""",
    # No space between the tokens wherever the language allows it.
    'int main(){int x=0;if(x>1){x--;}else{printf("yes");}do{x++;}while(x<3);'
    "for(;x<9;)x+=2;return x;}\n",
    "int broken( {\n",
]
JAVA_SAMPLES = [
    """public int count(int[] data, int limit) {
    int hits = 0, misses;
    misses = 0;
    for (int i = 0; i < data.length; i++) {
        if (data[i] > limit) continue;
        if (data[i] == limit) hits++;
        else misses += 1;
    }
    int k = 0;
    while (k < hits) {
        k = k + 2;
    }
    return hits * 3 + misses;
}
""",
    """class A {
    private int x;
    A(int x) { this.x = x; }
    String show(String prefix) {
        String s = prefix + x;
        if (x < 0) { s = "-" + s; } else { s = s + "+"; }
        return s;
    }
}
""",
    "int f(int a,int b){if(a>0){a=1;}else{ b = 2; }do{a++;}while(a<b);"
    "for(int i=0;i<b;i++)a+=i;return a-b;}\n",
    "void broken() { int x = ; if (x) { }\n",
]
SAMPLES = {"c": C_SAMPLES, "java": JAVA_SAMPLES}
NAMES = TRANSFORMS.names()


def _make(name: str):
    return TRANSFORMS.create(name)


def _cases(name: str):
    cls = TRANSFORMS.get(name)
    for lang in sorted(cls.languages):
        for index, code in enumerate(SAMPLES[lang]):
            yield lang, index, code


def test_the_catalogue_has_at_least_twelve_transformations() -> None:
    assert len(NAMES) >= 12


@pytest.mark.parametrize("name", NAMES)
def test_constructs_with_defaults_and_round_trips_parameters(name: str) -> None:
    transformation = _make(name)
    assert dataclasses.is_dataclass(transformation)
    params = get_params(transformation)
    assert type(transformation)(**params) == transformation
    assert TRANSFORMS.create(name, **params) == transformation
    assert hash(transformation) == hash(type(transformation)(**params))


@pytest.mark.parametrize("name", NAMES)
def test_declares_supported_languages(name: str) -> None:
    cls = TRANSFORMS.get(name)
    entry = TRANSFORMS.entry(name)
    assert cls.languages and cls.languages <= set(LANGUAGES)
    assert set(entry.meta["languages"]) == set(cls.languages)
    assert cls.name == name and cls.description
    for lang in set(LANGUAGES) - set(cls.languages):
        outcome = _make(name).apply(SAMPLES[lang][0], lang, 0)
        assert isinstance(outcome, NotApplicable) and outcome.reason


@pytest.mark.parametrize("name", NAMES)
def test_is_deterministic_under_a_seed(name: str) -> None:
    transformation = _make(name)
    for lang, _, code in _cases(name):
        for seed in (0, 1, 7):
            assert transformation.apply(code, lang, seed) == transformation.apply(code, lang, seed)


@pytest.mark.parametrize("name", NAMES)
def test_never_parses_worse_and_edits_reproduce_the_output(name: str) -> None:
    transformation = _make(name)
    applied = 0
    for lang, index, code in _cases(name):
        for seed in range(4):
            outcome = transformation.apply(code, lang, seed)
            if isinstance(outcome, NotApplicable):
                assert outcome.reason.strip(), f"{name} sample {index}: empty reason"
                continue
            assert isinstance(outcome, Applied)
            applied += 1
            assert outcome.code != code
            assert parse(outcome.code, lang).error_count <= parse(code, lang).error_count
            assert apply_edits(code, outcome.edits) == outcome.code
            if not is_combinator(type(transformation)):
                parsed = parse(code, lang)
                touching = [e for e in outcome.edits if parsed.overlaps_error((e.start, e.end))]
                assert not touching, f"{name} edits a parse error: {touching}"
            assert outcome.steps and len(outcome.step_edits) == len(outcome.steps)
            if len(outcome.steps) == 1:
                assert outcome.steps == (name,)
            replayed = code
            for step in outcome.step_edits:
                replayed = apply_edits(replayed, step)
            assert replayed == outcome.code
    assert applied, f"{name} applied to none of the samples"


@pytest.mark.parametrize("name", NAMES)
def test_keeps_every_token_boundary(name: str) -> None:
    transformation = _make(name)
    for lang, index, code in _cases(name):
        for seed in range(4):
            outcome = transformation.apply(code, lang, seed)
            if not isinstance(outcome, Applied):
                continue
            problems = boundary_problems(code, outcome.code, outcome.edits, lang)
            assert not problems, f"{name} sample {index} seed {seed}: {problems[:3]}"
            before = code
            for step in outcome.step_edits:
                after = apply_edits(before, step)
                problems = boundary_problems(before, after, step, lang)
                assert not problems, f"{name} sample {index} seed {seed} step: {problems[:3]}"
                before = after


@pytest.mark.parametrize("name", NAMES)
def test_code_that_does_not_parse_gets_a_reason(name: str) -> None:
    transformation = _make(name)
    for lang in sorted(TRANSFORMS.get(name).languages):
        outcome = transformation.apply(SAMPLES[lang][-1], lang, 0)
        if isinstance(outcome, NotApplicable):
            assert outcome.reason.strip()
        else:
            assert (
                parse(outcome.code, lang).error_count <= parse(SAMPLES[lang][-1], lang).error_count
            )


@pytest.mark.parametrize("name", NAMES)
def test_rejects_bad_parameters(name: str) -> None:
    cls = TRANSFORMS.get(name)
    fields = {f.name: f for f in dataclasses.fields(cls) if f.init}
    with pytest.raises(ConfigError):
        TRANSFORMS.create(name, no_such_parameter=1)
    if "max_sites" in fields:
        with pytest.raises(ConfigError):
            cls(max_sites=0)
