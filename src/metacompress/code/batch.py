"""Many inputs through many transformations: the rows of a batch of variants.

`variant_rows(inputs, names, seeds, times, params)` applies every named transformation (all
registered ones of each input's language when `names` is None) with every seed to every input,
and yields one JSON-ready row per (input, transformation, seed):

    {"input": id, "lang": "c", "transform": "swap-if-else", "seed": 1, "times": 1,
     "applied": true, "code": "...", "steps": [...], "step_edits": [[{start, end,
     replacement}, ...], ...]}

or `"applied": false, "reason": "..."` when it does not apply. `times` K applies the
transformation K times in sequence, step i with seed S + i, each step's edits relative to the
previous step's output. An input is parsed once for all its transformations. Whatever goes
wrong with one row (an input that is no text, a language not supported, an exception inside a
transformation) is that row's `"error"`; the other rows are unaffected.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from metacompress.code.parsing import LANGUAGES, ParsedCode, parse
from metacompress.code.transform import TRANSFORMS, Applied, NotApplicable, Transformation
from metacompress.errors import ConfigError


@dataclass(frozen=True)
class Input:
    """One piece of code to transform: an id for the output rows, the code and its language
    (or the reason the input could not be read, in `error`)."""

    id: str
    code: str
    lang: str
    error: str | None = None


def transformations(
    names: Sequence[str] | None, params: Mapping[str, Any] | None = None
) -> dict[str, Transformation]:
    """The named transformations (all registered ones when `names` is None), constructed with
    `params` (only for a single named transformation)."""
    if params and (names is None or len(names) != 1):
        raise ConfigError("parameters can only be given for one named transformation")
    chosen = list(names) if names is not None else TRANSFORMS.names()
    return {name: TRANSFORMS.create(name, **(params or {})) for name in chosen}


def apply_times(
    transformation: Transformation, parsed: ParsedCode, seed: int, times: int
) -> Applied | NotApplicable:
    """`transformation` applied `times` times in sequence (step i with seed + i); not applicable
    as soon as one step is, the reason naming the step when there are several."""
    steps: list[str] = []
    step_edits: list = []
    current = parsed
    result: Applied | NotApplicable = NotApplicable("no step")
    for step in range(times):
        if step:
            current = parse(result.code, parsed.lang)  # type: ignore[union-attr]
        result = transformation.apply_parsed(current, seed + step)
        if isinstance(result, NotApplicable):
            where = f" (step {step + 1} of {times})" if times > 1 else ""
            return NotApplicable(f"{result.reason}{where}")
        steps.extend(result.steps)
        step_edits.extend(result.step_edits)
    assert isinstance(result, Applied)
    return Applied(result.code, result.edits, tuple(steps), tuple(step_edits))


def variant_rows(
    inputs: Iterable[Input],
    chosen: Mapping[str, Transformation],
    seeds: Sequence[int],
    times: int = 1,
    all_names: bool = False,
) -> Iterator[dict[str, Any]]:
    """The rows for every input, transformation and seed (see the module docstring); with
    `all_names`, transformations that do not support an input's language are left out for it
    instead of answering "not applicable"."""
    for item in inputs:
        base = {"input": item.id, "lang": item.lang}
        if item.error is not None:
            yield {**base, "error": item.error}
            continue
        if item.lang not in LANGUAGES:
            yield {**base, "error": f"language must be one of {list(LANGUAGES)}, got {item.lang!r}"}
            continue
        try:
            parsed = parse(item.code, item.lang)
        except Exception as error:  # noqa: BLE001 - recorded for this input, the batch goes on
            yield {**base, "error": f"cannot parse: {type(error).__name__}: {error}"}
            continue
        for name, transformation in chosen.items():
            if all_names and item.lang not in transformation.languages:
                continue
            for seed in seeds:
                row = {**base, "transform": name, "seed": seed, "times": times}
                try:
                    result = apply_times(transformation, parsed, seed, times)
                except Exception as error:  # noqa: BLE001 - one row's error, recorded
                    yield {**row, "error": f"{type(error).__name__}: {error}"}
                    continue
                if isinstance(result, NotApplicable):
                    yield {**row, "applied": False, "reason": result.reason}
                else:
                    yield {
                        **row,
                        "applied": True,
                        "code": result.code,
                        "steps": list(result.steps),
                        "step_edits": [[e.to_dict() for e in step] for step in result.step_edits],
                    }
