"""The transformation protocol, its registry and the result types.

A transformation is a frozen dataclass whose fields are its parameters. `apply(code, lang,
seed)` returns `Applied(code, edits)` or `NotApplicable(reason)`; the same seed gives the same
output. Subclasses implement `_edits(parsed, rng)`, returning edits as byte offsets into the
original code (or a NotApplicable). The base class applies the edits and enforces the rules
that hold for every transformation:

- a transformation is never applied to a language it does not declare;
- its output never has more parse-error nodes than its input (else "not applicable"; a
  transformation that `keeps_tokens` cannot add any to an input without them);
- an output identical to the input is "not applicable: no change";
- an edit never glues two tokens into one (`edits.separate_tokens` spaces them apart).

Register a transformation with `@transform(name, languages=..., description=...)`.
"""

from __future__ import annotations

import abc
import random
from dataclasses import dataclass
from typing import ClassVar

from metacompress.code.edits import Edit, apply_edits, separate_tokens
from metacompress.code.parsing import ParsedCode, parse
from metacompress.registry import Registry

TRANSFORMS: Registry[type[Transformation]] = Registry("transform", packages=("metacompress.code",))


@dataclass(frozen=True)
class Applied:
    """A successful transformation: the new code and the edits (offsets into the old code).

    `steps` names each transformation applied in order and `step_edits` holds each step's
    edits, relative to the previous step's output (the input for the first step); a single
    transformation has one step whose edits are `edits`.
    """

    code: str
    edits: tuple[Edit, ...]
    steps: tuple[str, ...] = ()
    step_edits: tuple[tuple[Edit, ...], ...] = ()

    @property
    def applicable(self) -> bool:
        return True


@dataclass(frozen=True)
class NotApplicable:
    """The transformation does not apply to this input, and why."""

    reason: str

    @property
    def applicable(self) -> bool:
        return False


TransformResult = Applied | NotApplicable


def transform(name: str, languages: tuple[str, ...], description: str):
    """Class decorator: register a Transformation under `name` for `languages`."""

    def decorate(cls: type[Transformation]) -> type[Transformation]:
        cls.name = name
        cls.languages = frozenset(languages)
        cls.description = description
        return TRANSFORMS.register(name, description, languages=frozenset(languages))(cls)

    return decorate


def parse_error_reason(parsed: ParsedCode, what: str) -> NotApplicable:
    """'not applicable' for an input with no safe place to act, naming parse errors if any."""
    if parsed.error_count:
        lines = ", ".join(map(str, parsed.error_lines()[:5]))
        return NotApplicable(f"no {what} outside parse errors (parse errors at line {lines})")
    return NotApplicable(f"no {what}")


@dataclass(frozen=True)
class Transformation(abc.ABC):
    """Base of every semantics-preserving transformation (see the module docstring)."""

    name: ClassVar[str] = ""
    languages: ClassVar[frozenset[str]] = frozenset()
    description: ClassVar[str] = ""
    #: True when the output's functions are called by other names than the input's, so code
    #: outside the input that calls them (a program transformed one function at a time)
    #: must be transformed with it.
    changes_signature: ClassVar[bool] = False
    #: True when the edits change only whitespace and comments between tokens, never the
    #: tokens: the output of an input without parse errors then parses into the same tree
    #: (comments aside), so it is not parsed again.
    keeps_tokens: ClassVar[bool] = False

    def apply(self, code: str, lang: str, seed: int = 0) -> TransformResult:
        if lang not in self.languages:
            return NotApplicable(f"{self.name} does not support language {lang!r}")
        parsed = parse(code, lang)
        return self.apply_parsed(parsed, seed)

    def apply_parsed(self, parsed: ParsedCode, seed: int = 0) -> TransformResult:
        """Like `apply`, on an existing parse of the code."""
        if parsed.lang not in self.languages:
            return NotApplicable(f"{self.name} does not support language {parsed.lang!r}")
        outcome = self._edits(parsed, random.Random(seed))
        if isinstance(outcome, NotApplicable):
            return outcome
        edits = tuple(separate_tokens(parsed.code, outcome))
        if not edits:
            return NotApplicable("no change")
        new_code = apply_edits(parsed.code, edits)
        if new_code == parsed.code:
            return NotApplicable("no change")
        if not (self.keeps_tokens and parsed.error_count == 0) and (
            parse(new_code, parsed.lang).error_count > parsed.error_count
        ):
            return NotApplicable("the result would parse worse than the input")
        return Applied(new_code, edits, (self.name,), (edits,))

    @abc.abstractmethod
    def _edits(self, parsed: ParsedCode, rng: random.Random) -> list[Edit] | NotApplicable:
        """The edits this transformation makes to `parsed`, or why it does not apply."""
