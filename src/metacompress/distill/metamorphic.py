"""Metamorphic copies of examples for MORPH: the same code with renamed identifiers.

MORPH measures robustness as prediction flips between a code fragment and its metamorphic
variant (function and parameter names replaced), and trains on the data augmented with such
variants. The variants come from the transformation engine
(`TRANSFORMS.create(name).apply(code, lang, seed)`), applied in sequence to every input of an
example. The engine renames parameters and locals; it never renames a function (callers
elsewhere would break) and registers no function-renaming transformation, so by default the
copies rename parameters only. An example no transformation changes gets no copy; the reasons
are counted, never dropped silently.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import replace

from metacompress.data.types import Example
from metacompress.errors import ConfigError

DEFAULT_TRANSFORMS = ("rename-parameters",)


def metamorphic_copies(
    examples: Sequence[Example], lang: str, transforms: Sequence[str], seed: int
) -> tuple[list[int], list[Example], Counter[str]]:
    """(indices of the sources, their variants, reasons of the examples left without one)."""
    from metacompress.code.transform import TRANSFORMS

    missing = [name for name in transforms if name not in TRANSFORMS]
    if missing:
        raise ConfigError(
            f"unknown transformation(s) {missing}; expected some of {TRANSFORMS.names()}"
        )
    engines = [TRANSFORMS.create(name) for name in transforms]
    sources: list[int] = []
    variants: list[Example] = []
    reasons: Counter[str] = Counter()
    for index, example in enumerate(examples):
        inputs, steps = [], []
        for position, code in enumerate(example.inputs):
            for engine in engines:
                result = engine.apply(code, lang, seed + 7919 * index + position)
                if result.applicable:
                    code = result.code
                    steps.append(engine.name)
                else:
                    reasons[f"{engine.name}: {result.reason}"] += 1
            inputs.append(code)
        if tuple(inputs) == example.inputs:
            reasons["no input changed"] += 1
            continue
        sources.append(index)
        variants.append(
            replace(
                example,
                id=f"{example.id}#metamorphic",
                inputs=tuple(inputs),
                meta={**example.meta, "source": example.id, "steps": steps},
            )
        )
    return sources, variants, reasons
