"""Conformance checks of a transformation (the scikit-learn `check_estimator` way).

Every transformation must: construct with its defaults; round-trip its parameters
(`type(t)(**get_params(t)) == t`) and hash by them; declare the languages it supports (and say
why it does not apply to the others); give the same output for the same seed; never parse worse
than its input nor (unless it combines others) edit inside a parse error; give a reason whenever
it does not apply (also on code with parse errors); report edits, net and step by step, that
reproduce its output from the input; keep every token boundary (each token of the input that
no edit touches is a token of the output, in every step); apply to at least one sample; and
reject an unknown parameter with a ConfigError.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from metacompress.testing.samples import SAMPLES

Check = Callable[[type, Mapping[str, Sequence[str]]], None]


def _resolve(transformation: str | type) -> type:
    from metacompress.code.transform import TRANSFORMS

    return TRANSFORMS.get(transformation) if isinstance(transformation, str) else transformation


def _cases(cls: type, samples: Mapping[str, Sequence[str]]) -> Iterator[tuple[str, int, str]]:
    for lang in sorted(cls.languages):
        for index, code in enumerate(samples.get(lang, ())):
            yield lang, index, code


def check_parameters_round_trip(cls: type, samples: Mapping[str, Sequence[str]]) -> None:
    """Constructs with defaults; `type(t)(**get_params(t)) == t`, with the same hash."""
    from metacompress.registry import get_params

    transformation = cls()
    assert dataclasses.is_dataclass(transformation), f"{cls.__name__} is not a dataclass"
    params = get_params(transformation)
    assert type(transformation)(**params) == transformation, f"{cls.name}: params do not round-trip"
    assert hash(transformation) == hash(type(transformation)(**params))


def check_languages(cls: type, samples: Mapping[str, Sequence[str]]) -> None:
    """Declares its languages (registered with the same ones) and refuses the others."""
    from metacompress.code.parsing import LANGUAGES
    from metacompress.code.transform import TRANSFORMS, NotApplicable

    assert cls.languages and cls.languages <= set(LANGUAGES), f"{cls.name}: bad languages"
    assert cls.name and cls.description, f"{cls.__name__}: no registered name or description"
    if cls.name in TRANSFORMS:
        assert set(TRANSFORMS.entry(cls.name).meta["languages"]) == set(cls.languages)
    for lang in sorted(set(LANGUAGES) - set(cls.languages)):
        outcome = cls().apply(SAMPLES[lang][0], lang, 0)
        assert isinstance(outcome, NotApplicable) and outcome.reason, f"{cls.name} on {lang}"


def check_deterministic(cls: type, samples: Mapping[str, Sequence[str]]) -> None:
    """The same code, language and seed give the same outcome."""
    transformation = cls()
    for lang, index, code in _cases(cls, samples):
        for seed in (0, 1, 7):
            first, again = (
                transformation.apply(code, lang, seed),
                transformation.apply(code, lang, seed),
            )
            assert first == again, f"{cls.name}: sample {lang}[{index}] seed {seed} differs"


def check_edits_reproduce_the_output(cls: type, samples: Mapping[str, Sequence[str]]) -> None:
    """Applied outcomes change the code, never parse worse, do not edit a parse error (unless
    the transformation combines others), and their edits, net and per step, give the output;
    outcomes that do not apply say why; at least one sample is changed."""
    from metacompress.code.combine import is_combinator
    from metacompress.code.edits import apply_edits
    from metacompress.code.parsing import parse
    from metacompress.code.transform import Applied, NotApplicable

    transformation, applied = cls(), 0
    for lang, index, code in _cases(cls, samples):
        where = f"{cls.name} on sample {lang}[{index}]"
        for seed in range(4):
            outcome = transformation.apply(code, lang, seed)
            if isinstance(outcome, NotApplicable):
                assert outcome.reason.strip(), f"{where}: not applicable without a reason"
                continue
            assert isinstance(outcome, Applied), f"{where}: returned {type(outcome).__name__}"
            applied += 1
            assert outcome.code != code, f"{where}: applied without a change"
            before, after = parse(code, lang), parse(outcome.code, lang)
            assert after.error_count <= before.error_count, f"{where}: parses worse"
            assert apply_edits(code, outcome.edits) == outcome.code, f"{where}: edits"
            if not is_combinator(cls):
                touching = [e for e in outcome.edits if before.overlaps_error((e.start, e.end))]
                assert not touching, f"{where}: edits a parse error: {touching}"
            assert outcome.steps and len(outcome.step_edits) == len(outcome.steps)
            if len(outcome.steps) == 1:
                assert outcome.steps == (cls.name,), f"{where}: step named {outcome.steps}"
            replayed = code
            for step in outcome.step_edits:
                replayed = apply_edits(replayed, step)
            assert replayed == outcome.code, f"{where}: the step edits do not give the output"
    assert applied, f"{cls.name} applied to none of the samples"


def check_keeps_token_boundaries(cls: type, samples: Mapping[str, Sequence[str]]) -> None:
    """Every token of the input that no edit touches is a token of the output, in every step:
    nothing glued to a neighbour, no comment left open (`code.lexer.boundary_problems`)."""
    from metacompress.code.edits import apply_edits
    from metacompress.code.lexer import boundary_problems
    from metacompress.code.transform import Applied

    transformation = cls()
    for lang, index, code in _cases(cls, samples):
        for seed in range(4):
            outcome = transformation.apply(code, lang, seed)
            if not isinstance(outcome, Applied):
                continue
            where = f"{cls.name} on sample {lang}[{index}] seed {seed}"
            problems = boundary_problems(code, outcome.code, outcome.edits, lang)
            assert not problems, f"{where}: {problems[:3]}"
            before = code
            for step in outcome.step_edits:
                after = apply_edits(before, step)
                problems = boundary_problems(before, after, step, lang)
                assert not problems, f"{where}, one step: {problems[:3]}"
                before = after


def check_rejects_bad_parameters(cls: type, samples: Mapping[str, Sequence[str]]) -> None:
    """An unknown parameter (through the registry, as a config passes it) and a `max_sites`
    below 1 are ConfigErrors."""
    from metacompress.code.transform import TRANSFORMS
    from metacompress.errors import ConfigError

    attempts: list[Callable[[], Any]] = []
    if cls.name in TRANSFORMS:
        attempts.append(lambda: TRANSFORMS.create(cls.name, no_such_parameter=1))
    if "max_sites" in {f.name for f in dataclasses.fields(cls) if f.init}:
        attempts.append(lambda: cls(max_sites=0))
    for attempt in attempts:
        try:
            attempt()
        except ConfigError:
            continue
        raise AssertionError(f"{cls.name}: a bad parameter was accepted")


#: Every check, in the order `check_transformation` runs them.
TRANSFORMATION_CHECKS: tuple[Check, ...] = (
    check_parameters_round_trip,
    check_languages,
    check_deterministic,
    check_edits_reproduce_the_output,
    check_keeps_token_boundaries,
    check_rejects_bad_parameters,
)


def check_transformation(
    transformation: str | type, samples: Mapping[str, Sequence[str]] | None = None
) -> None:
    """Run every check of TRANSFORMATION_CHECKS on a transformation (its registered name or
    its class) over `samples` (language -> code; default: `testing.samples.SAMPLES`); an
    AssertionError names the transformation, the sample and what failed."""
    cls: Any = _resolve(transformation)
    for check in TRANSFORMATION_CHECKS:
        check(cls, SAMPLES if samples is None else samples)
