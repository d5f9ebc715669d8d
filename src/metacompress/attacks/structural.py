"""Structural attack: beam search over the catalogue's non-renaming transformations.

The transformations are every registered transformation (`metacompress.code.transform
.TRANSFORMS`) that supports the language and is not an identifier renaming (renaming is what
the other attacks search), each with its default parameters; `transforms` narrows them by name.

Search (a beam search; `beam_width=1` is greedy hill climbing):
1. the beam starts as the original input;
2. each iteration expands every beam state: every transformation, applied to every input the
   attack may change, with `seeds_per_transform` seeds drawn from the example's rng;
   inapplicable results and inputs already visited are dropped;
3. all children are queried together; a child that flips the prediction is a success (the
   first in expansion order);
4. the new beam is the `beam_width` states with the lowest P(true label) among the old beam
   and the children (ties: earlier first);
5. the search stops at a success, after `max_iterations`, when no new child can be made, or
   when the budget is spent.
Every step goes through the transformation engine, so each state parses no worse than the
original; the result's edits are the steps' edits composed relative to the original input.
These defaults are ours (no published ones): beam 2, 10 iterations, 2 seeds.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from metacompress.attacks.base import FAILED, SUCCESS, Attack, attack, flipped, true_prob
from metacompress.attacks.compose import compose
from metacompress.attacks.engine import Outcome, Search
from metacompress.attacks.renaming import BUDGET_EXHAUSTED, ask
from metacompress.code.edits import Edit
from metacompress.code.parsing import parse
from metacompress.code.transform import TRANSFORMS, Transformation
from metacompress.data.types import Example
from metacompress.errors import ConfigError
from metacompress.hashing import input_key
from metacompress.registry import check_range

NO_TRANSFORMATION = "no structural transformation applies"


def is_renaming(cls: type[Transformation]) -> bool:
    """Whether a registered transformation renames identifiers (the renaming family)."""
    from metacompress.code.catalogue.rename import RenameSymbols

    return issubclass(cls, RenameSymbols)


def structural_transforms(lang: str, names: Sequence[str] = ()) -> list[Transformation]:
    """Instances of the non-renaming transformations for `lang` (all, or those `names`)."""
    available = [
        entry.name
        for entry in TRANSFORMS.entries()
        if lang in entry.meta.get("languages", ()) and not is_renaming(entry.obj)
    ]
    unknown = sorted(set(names) - set(available))
    if unknown:
        raise ConfigError(
            f"transforms {unknown} are not structural transformations for {lang}; "
            f"expected some of: {', '.join(available) or 'none'}"
        )
    chosen = [name for name in available if not names or name in names]
    return [TRANSFORMS.create(name) for name in chosen]


@dataclass(frozen=True)
class _State:
    inputs: tuple[str, ...]
    steps: tuple[tuple[int, str, tuple[Edit, ...]], ...] = ()


@attack("structural", "Beam search over the catalogue's non-renaming transformations")
@dataclass(frozen=True)
class Structural(Attack):
    """The structural attack (see the module docstring)."""

    beam_width: int = 2
    max_iterations: int = 10
    seeds_per_transform: int = 2
    transforms: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        super().__post_init__()
        check_range("beam_width", self.beam_width, 1)
        check_range("max_iterations", self.max_iterations, 1)
        check_range("seeds_per_transform", self.seeds_per_transform, 1)
        object.__setattr__(self, "transforms", tuple(self.transforms))

    def prepare(
        self, examples: Sequence[Example], lang: str, seed: int, corpus: Sequence[Example]
    ) -> list[Any]:
        transforms = structural_transforms(lang, self.transforms)
        if not transforms:
            return [f"{NO_TRANSFORMATION}: none registered for {lang}" for _ in examples]
        return [(example, lang, transforms) for example in examples]

    def search(self, context: Any, probs0: np.ndarray, rng: random.Random) -> Search:
        example, lang, transforms = context
        label = int(example.label)
        root = _State(example.inputs)
        p0 = float(true_prob(probs0, label)[0])
        beam: list[tuple[float, _State]] = [(p0, root)]
        best: tuple[float, _State, np.ndarray] | None = None
        visited = {input_key(root.inputs)}
        for iteration in range(self.max_iterations):
            children = self._expand(beam, example, lang, transforms, rng, visited)
            if not children:
                reason = NO_TRANSFORMATION if iteration == 0 else "no new variant to try"
                return self._outcome(FAILED, reason, example, best)
            probs, complete = yield from ask([child.inputs for child in children])
            hits = np.flatnonzero(flipped(probs, label))
            if len(hits):
                first = int(hits[0])
                return self._outcome(SUCCESS, "", example, (0.0, children[first], probs[first]))
            p = true_prob(probs, label)
            scored = list(zip(p.tolist(), children, strict=False))
            for value, child, row in zip(p.tolist(), children, probs, strict=False):
                if value < (p0 if best is None else best[0]):
                    best = (value, child, row)
            if not complete:
                return self._outcome(FAILED, BUDGET_EXHAUSTED, example, best)
            pool = beam + scored
            order = sorted(range(len(pool)), key=lambda i: (pool[i][0], i))
            beam = [pool[i] for i in order[: self.beam_width]]
        return self._outcome(FAILED, f"no flip in {self.max_iterations} iterations", example, best)

    def _expand(
        self,
        beam: list[tuple[float, _State]],
        example: Example,
        lang: str,
        transforms: list[Transformation],
        rng: random.Random,
        visited: set[bytes],
    ) -> list[_State]:
        children: list[_State] = []
        for _, state in beam:
            for side in self.sides(example):
                parsed = parse(state.inputs[side], lang)
                for transformation in transforms:
                    for _ in range(self.seeds_per_transform):
                        result = transformation.apply_parsed(parsed, rng.randrange(2**31))
                        if not result.applicable:
                            continue
                        inputs = state.inputs[:side] + (result.code,) + state.inputs[side + 1 :]
                        key = input_key(inputs)
                        if key in visited:
                            continue
                        visited.add(key)
                        step = (side, transformation.name, tuple(result.edits))
                        children.append(_State(inputs, state.steps + (step,)))
        return children

    def _outcome(
        self,
        status: str,
        reason: str,
        example: Example,
        found: tuple[float, _State, np.ndarray] | None,
    ) -> Outcome:
        if found is None:
            return Outcome(status, reason)
        _, state, row = found
        edits = tuple(
            compose(text, [edits for s, _, edits in state.steps if s == side])
            for side, text in enumerate(example.inputs)
        )
        return Outcome(
            status,
            reason,
            inputs=state.inputs,
            probs=np.asarray(row),
            edits=edits,
            steps=tuple(name for _, name, _ in state.steps),
        )
