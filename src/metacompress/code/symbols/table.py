"""The result types of the symbol analysis: a renamable `Symbol`, a `Skipped` variable and the
`SymbolTable` of a parse. Spans are byte offsets into the original code."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

LOCAL = "local"
PARAMETER = "parameter"
KINDS = (LOCAL, PARAMETER)
#: The kind of a name that hides outer variables but is never renamed (a field of a local
#: class, an enum constant, a nested function's name, an `extern` declaration).
OPAQUE = "opaque"

Span = tuple[int, int]


@dataclass(frozen=True)
class Symbol:
    """A renamable variable: its name, kind, declarations and every occurrence.

    `declaration` is the span of its (first) declaring identifier, `declarations` all of them
    (C code under `#if`/`#else` may declare one variable twice), `occurrences` every span of
    the name that refers to it, declarations included, in document order. `scope` is the span
    of the block, statement or function it is visible in; `function` that of its function.
    """

    name: str
    kind: str
    declaration: Span
    occurrences: tuple[Span, ...]
    scope: Span
    function: Span
    declarations: tuple[Span, ...] = ()


@dataclass(frozen=True)
class Skipped:
    """A variable that is not renamable, and why."""

    name: str
    kind: str
    declaration: Span
    reason: str


@dataclass(frozen=True)
class SymbolTable:
    """The renamable symbols of a parse and the variables skipped as unsafe."""

    symbols: tuple[Symbol, ...]
    skipped: tuple[Skipped, ...]

    def of_kind(self, kinds: Iterable[str]) -> list[Symbol]:
        """The symbols whose kind is one of `kinds`."""
        wanted = set(kinds)
        return [s for s in self.symbols if s.kind in wanted]
