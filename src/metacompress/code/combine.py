"""The `compose` combinator: k randomly chosen applicable transformations in sequence.

The candidates are the registered transformations of the input's language (or the names
given), combinators excluded, each with its default parameters. They are tried in an order
shuffled by the seed; the first that applies to the current code is step 1, the next one that
applies to step 1's output is step 2, and so on, each transformation at most once, until k
steps are done ("not applicable" when fewer than k apply). Every step gets its own seed, drawn
from the combinator's seed, so the whole sequence is reproducible.

The result records each step's name (`steps`) and edits (`step_edits`, relative to the previous
step's output); `edits` is the net change relative to the input, as line-level replacements.
"""

from __future__ import annotations

import difflib
import random
from dataclasses import dataclass
from typing import ClassVar

from metacompress.code.edits import Edit
from metacompress.code.parsing import ParsedCode, parse
from metacompress.code.transform import (
    TRANSFORMS,
    Applied,
    NotApplicable,
    Transformation,
    TransformResult,
    transform,
)
from metacompress.errors import ConfigError
from metacompress.registry import check_range


def is_combinator(cls: type) -> bool:
    """Whether a registered transformation combines others (never a candidate of compose)."""
    return bool(getattr(cls, "combinator", False))


def candidates(lang: str) -> list[str]:
    """Names of the registered, non-combinator transformations that support `lang`."""
    return [
        entry.name
        for entry in TRANSFORMS.entries()
        if lang in entry.meta.get("languages", ()) and not is_combinator(entry.obj)
    ]


@transform(
    "compose",
    languages=("c", "java"),
    description="apply k randomly chosen applicable transformations in sequence",
)
@dataclass(frozen=True)
class Compose(Transformation):
    """Apply `k` distinct applicable transformations (from `transforms`, or all) in turn."""

    combinator: ClassVar[bool] = True

    k: int = 2
    transforms: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        if isinstance(self.k, bool) or not isinstance(self.k, int):
            raise ConfigError(f"k must be an integer, got {self.k!r}")
        check_range("k", self.k, 1)
        if self.transforms is None:
            return
        if isinstance(self.transforms, str) or not all(isinstance(n, str) for n in self.transforms):
            raise ConfigError(f"transforms must be a list of names, got {self.transforms!r}")
        object.__setattr__(self, "transforms", tuple(self.transforms))
        for name in self.transforms:
            if is_combinator(TRANSFORMS.get(name)):
                raise ConfigError(f"transforms must not include a combinator, got {name!r}")
        if len(set(self.transforms)) < self.k:
            raise ConfigError(
                f"transforms must name at least k={self.k} distinct transformations, "
                f"got {len(set(self.transforms))}"
            )

    @property
    def changes_signature(self) -> bool:  # type: ignore[override]
        """Whether a step may rename a function (see `Transformation.changes_signature`)."""
        names = self.transforms or [e.name for e in TRANSFORMS.entries()]
        return any(
            TRANSFORMS.get(n).changes_signature
            for n in names
            if not is_combinator(TRANSFORMS.get(n))
        )

    def apply_parsed(self, parsed: ParsedCode, seed: int = 0) -> TransformResult:
        if parsed.lang not in self.languages:
            return NotApplicable(f"{self.name} does not support language {parsed.lang!r}")
        return self._compose(parsed, random.Random(seed))

    def _edits(self, parsed: ParsedCode, rng: random.Random) -> list[Edit] | NotApplicable:
        outcome = self._compose(parsed, rng)
        return outcome if isinstance(outcome, NotApplicable) else list(outcome.edits)

    def _compose(self, parsed: ParsedCode, rng: random.Random) -> TransformResult:
        names = list(dict.fromkeys(self.transforms or candidates(parsed.lang)))
        names = [n for n in names if parsed.lang in TRANSFORMS.entry(n).meta.get("languages", ())]
        rng.shuffle(names)
        current = parsed
        steps: list[str] = []
        step_edits: list[tuple[Edit, ...]] = []
        reasons: dict[str, str] = {}
        while len(steps) < self.k:
            for name in names:
                result = TRANSFORMS.create(name).apply_parsed(current, rng.randrange(2**32))
                if isinstance(result, Applied):
                    break
                reasons[name] = result.reason
            else:
                shown = "; ".join(f"{n}: {r}" for n, r in sorted(reasons.items())[:4])
                return NotApplicable(
                    f"only {len(steps)} of k={self.k} transformations apply"
                    + (f" ({shown})" if shown else "")
                )
            names.remove(name)
            reasons.clear()
            steps.append(name)
            step_edits.extend(result.step_edits or (result.edits,))
            current = parse(result.code, parsed.lang)
        net = line_edits(parsed.code, current.code)
        return Applied(current.code, net, tuple(steps), tuple(step_edits))


def line_edits(old: str, new: str) -> tuple[Edit, ...]:
    """Edits turning `old` into `new`, replacing whole changed lines (difflib's matching)."""
    old_lines = old.encode("utf-8").splitlines(keepends=True)
    new_lines = new.encode("utf-8").splitlines(keepends=True)
    offsets = [0]
    for line in old_lines:
        offsets.append(offsets[-1] + len(line))
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    edits = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            replacement = b"".join(new_lines[j1:j2]).decode("utf-8")
            edits.append(Edit(offsets[i1], offsets[i2], replacement))
    return tuple(edits)
