"""Identifier renaming: locals, parameters, or both, with new names from a pluggable source.

Preconditions: the code has at least one renamable symbol of the wanted kind (see
`metacompress.code.symbols`: symbols touching parse errors or macros are skipped), the name
source can supply an acceptable new name for every chosen symbol, and, for code with parse
errors, the parser reads the output into the same tree as the input. The number of symbols renamed
is ceil(fraction * n), at most `max_renames`, chosen uniformly at random without replacement.
Function names are never renamed (callers elsewhere would break).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from typing import ClassVar

from metacompress.code.edits import Edit, apply_edits, separate_tokens
from metacompress.code.names import ListNames, NameSource, RandomNames
from metacompress.code.parsing import ParsedCode, parse
from metacompress.code.rename import (
    MISREAD,
    choose_names,
    rename_edits,
    same_structure,
    token_counts,
)
from metacompress.code.symbols import LOCAL, PARAMETER, SymbolTable, analyse
from metacompress.code.transform import (
    Applied,
    NotApplicable,
    Transformation,
    TransformResult,
    transform,
)
from metacompress.errors import ConfigError
from metacompress.registry import check_choice, check_range

NAME_SOURCES = ("random", "list")


def check_name_source(source: str, names: tuple[str, ...] | None) -> tuple[str, ...] | None:
    """Validate the `name_source` and `names` parameters of a renaming; `names` as a tuple."""
    check_choice("name_source", source, NAME_SOURCES)
    if names is not None:
        if isinstance(names, str) or not all(isinstance(n, str) for n in names):
            raise ConfigError(f"names must be a list of strings, got {names!r}")
        names = tuple(names)
    if source == "list" and not names:
        raise ConfigError("names must be a non-empty list when name_source is 'list'")
    if source == "random" and names:
        raise ConfigError("names is only used with name_source 'list', got name_source 'random'")
    return names


def name_source(source: str, names: tuple[str, ...] | None) -> NameSource:
    """The source of new names that the `name_source` and `names` parameters describe."""
    return ListNames(names or ()) if source == "list" else RandomNames()


@dataclass(frozen=True)
class RenameSymbols(Transformation):
    """Rename a random subset of the symbols of `kinds` to fresh names."""

    kinds: ClassVar[tuple[str, ...]] = (LOCAL, PARAMETER)
    what: ClassVar[str] = "local variables or parameters"

    fraction: float = 1.0
    max_renames: int | None = None
    name_source: str = "random"
    names: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        check_range("fraction", self.fraction, 0.0, 1.0)
        if self.fraction == 0:
            raise ConfigError("fraction must be in (0, 1], got 0")
        if self.max_renames is not None:
            if isinstance(self.max_renames, bool) or not isinstance(self.max_renames, int):
                raise ConfigError(
                    f"max_renames must be an integer or None, got {self.max_renames!r}"
                )
            check_range("max_renames", self.max_renames, 1)
        object.__setattr__(self, "names", check_name_source(self.name_source, self.names))

    def source(self) -> NameSource:
        """The name source these parameters describe."""
        return name_source(self.name_source, self.names)

    def apply_parsed(self, parsed: ParsedCode, seed: int = 0) -> TransformResult:
        """The base class's contract with one parse fewer where it is provably unneeded.

        A renaming replaces identifiers by identifiers that no grammar keyword spells, and
        tree-sitter's C and Java grammars never look at an identifier's spelling, so an input
        without parse errors parses into the same tree after renaming: the output is not
        re-parsed. On input with parse errors, error recovery can depend on token lengths, so
        the output is parsed and must give the same tree (else "not applicable").
        """
        if parsed.lang not in self.languages:
            return NotApplicable(f"{self.name} does not support language {parsed.lang!r}")
        outcome = self._edits(parsed, random.Random(seed))
        if isinstance(outcome, NotApplicable):
            return outcome
        edits = tuple(separate_tokens(parsed.code, outcome))
        new_code = apply_edits(parsed.code, edits)
        if parsed.error_count and not same_structure(parsed, parse(new_code, parsed.lang)):
            return NotApplicable(MISREAD)
        return Applied(new_code, edits, (self.name,), (edits,))

    def _edits(self, parsed: ParsedCode, rng: random.Random) -> list[Edit] | NotApplicable:
        table = analyse(parsed)
        symbols = table.of_kind(self.kinds)
        if not symbols:
            return _nothing_to_rename(parsed, table, self.kinds, self.what)
        count = math.ceil(self.fraction * len(symbols))
        if self.max_renames is not None:
            count = min(count, self.max_renames)
        chosen = sorted(rng.sample(symbols, count), key=lambda s: s.declaration)
        counts = token_counts(parsed.code)
        mapping = choose_names(parsed, chosen, self.source(), rng, counts)
        if isinstance(mapping, NotApplicable):
            return mapping
        return rename_edits(parsed, mapping, counts)


def _nothing_to_rename(
    parsed: ParsedCode, table: SymbolTable, kinds: tuple[str, ...], what: str
) -> NotApplicable:
    skipped = [s for s in table.skipped if s.kind in kinds]
    details = []
    if skipped:
        shown = "; ".join(f"{s.name}: {s.reason}" for s in skipped[:3])
        more = f" and {len(skipped) - 3} more" if len(skipped) > 3 else ""
        details.append(f"skipped {shown}{more}")
    if parsed.error_count:
        details.append(f"parse errors at line {', '.join(map(str, parsed.error_lines()[:5]))}")
    reason = f"no renamable {what}"
    return NotApplicable(f"{reason} ({'; '.join(details)})" if details else reason)


@transform(
    "rename-locals",
    languages=("c", "java"),
    description="rename local variables (not parameters) to fresh names",
)
@dataclass(frozen=True)
class RenameLocals(RenameSymbols):
    """Rename local variables to fresh names."""

    kinds: ClassVar[tuple[str, ...]] = (LOCAL,)
    what: ClassVar[str] = "local variables"


@transform(
    "rename-parameters",
    languages=("c", "java"),
    description="rename the function's parameters to fresh names",
)
@dataclass(frozen=True)
class RenameParameters(RenameSymbols):
    """Rename the parameters of the function's signature to fresh names."""

    kinds: ClassVar[tuple[str, ...]] = (PARAMETER,)
    what: ClassVar[str] = "parameters"


@transform(
    "rename-all",
    languages=("c", "java"),
    description="rename local variables and parameters to fresh names",
)
@dataclass(frozen=True)
class RenameAll(RenameSymbols):
    """Rename local variables and parameters to fresh names."""
