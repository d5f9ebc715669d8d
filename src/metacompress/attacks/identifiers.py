"""The renaming surface of one example: its renamable identifiers and how a renaming is applied.

An identifier is `(input index, name)`: a local variable or parameter name of one of the inputs
the attack may change (the renamable symbols of `metacompress.code.symbols.analyse`). A state of every renaming
attack is a mapping identifier -> new name; it is applied to the *original* input with
`metacompress.code.rename.rename`, so every adversarial example is one alpha-renaming of the
original, checked by the engine (scope-correct, parses no worse), with edits relative to the
original. Renderings are memoised per mapping, so a search that revisits a state does not
rename twice.

New names must be valid for the input (`is_valid_new_name`: a valid, unreserved identifier
absent from the code) and distinct from the other new names of that input.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from metacompress.code.edits import Edit
from metacompress.code.names import code_identifiers, fresh_identifier, is_valid_new_name
from metacompress.code.parsing import ParsedCode, iter_nodes, parse
from metacompress.code.rename import rename
from metacompress.code.symbols import SymbolTable, analyse
from metacompress.data.types import Example

Ident = tuple[int, str]
Mapping_ = Mapping[Ident, str]

#: tree-sitter node types whose text is an identifier (C and Java grammars).
IDENTIFIER_NODES = frozenset(
    {"identifier", "field_identifier", "type_identifier", "statement_identifier"}
)


@dataclass(frozen=True)
class Rendered:
    """A renaming applied: the new inputs, edits per input (relative to the original input)
    and the (input index, old, new) renamings it made."""

    inputs: tuple[str, ...]
    edits: tuple[tuple[Edit, ...], ...]
    renamings: tuple[tuple[int, str, str], ...]


@dataclass
class RenameSurface:
    """The renamable identifiers of one example and a memoised `render(mapping)`."""

    example: Example
    lang: str
    parsed: dict[int, ParsedCode]
    tables: dict[int, SymbolTable]
    idents: tuple[Ident, ...]
    occurrences: dict[Ident, tuple[tuple[int, int], ...]]
    _renders: dict[frozenset, Rendered | None] = field(default_factory=dict, repr=False)
    _valid: dict[tuple[int, str], bool] = field(default_factory=dict, repr=False)

    @classmethod
    def build(cls, example: Example, lang: str, sides: Iterable[int]) -> RenameSurface | str:
        """The surface of `example` over the inputs `sides`, or why there is none."""
        parsed: dict[int, ParsedCode] = {}
        tables: dict[int, SymbolTable] = {}
        occurrences: dict[Ident, list[tuple[int, int]]] = {}
        for side in sides:
            parsed[side] = parse(example.inputs[side], lang)
            tables[side] = analyse(parsed[side])
            for symbol in tables[side].symbols:
                occurrences.setdefault((side, symbol.name), []).extend(symbol.occurrences)
        if not occurrences:
            return "no renamable identifiers"
        return cls(
            example=example,
            lang=lang,
            parsed=parsed,
            tables=tables,
            idents=tuple(sorted(occurrences)),
            occurrences={k: tuple(sorted(set(v))) for k, v in occurrences.items()},
        )

    @property
    def inputs(self) -> tuple[str, ...]:
        return self.example.inputs

    def is_new_name(self, side: int, name: str) -> bool:
        """Whether `name` may replace an identifier of input `side` (memoised)."""
        key = (side, name)
        if key not in self._valid:
            self._valid[key] = is_valid_new_name(name, self.parsed[side])
        return self._valid[key]

    def can_use(self, ident: Ident, name: str, mapping: Mapping_) -> bool:
        """`name` is a valid new name for `ident` and no other identifier of its input is
        mapped to it."""
        side = ident[0]
        if not self.is_new_name(side, name):
            return False
        return not any(k[0] == side and k != ident and v == name for k, v in mapping.items())

    def render(self, mapping: Mapping_) -> Rendered | None:
        """Apply `mapping` to the original inputs with the renaming engine; None when the
        engine refuses it (e.g. two identifiers of one input mapped to one name)."""
        changes = {k: v for k, v in mapping.items() if v != k[1]}
        key = frozenset(changes.items())
        if key not in self._renders:
            self._renders[key] = self._render(changes)
        return self._renders[key]

    def _render(self, changes: dict[Ident, str]) -> Rendered | None:
        inputs = list(self.inputs)
        edits: list[tuple[Edit, ...]] = [() for _ in inputs]
        for side in sorted({k[0] for k in changes}):
            side_mapping = {k[1]: v for k, v in changes.items() if k[0] == side}
            if len(set(side_mapping.values())) < len(side_mapping):
                return None
            outcome = rename(self.parsed[side], side_mapping, self.tables[side])
            if not outcome.applicable:
                return None
            inputs[side] = outcome.code
            edits[side] = tuple(outcome.edits)
        renamings = tuple((side, old, new) for (side, old), new in sorted(changes.items()))
        return Rendered(tuple(inputs), tuple(edits), renamings)

    def placeholder(self, side: int) -> str:
        """A neutral unused name for input `side`, standing in for a removed identifier."""
        taken = code_identifiers(self.parsed[side].code)
        return fresh_identifier(taken, self.lang, random.Random(0), stem="unk")


def identifier_vocabulary(examples: Sequence[Example], lang: str) -> list[str]:
    """The identifier vocabulary of a data set: every distinct identifier token of every input
    (variables, functions, fields, types), most frequent first, ties by name."""
    counts: Counter[str] = Counter()
    for example in examples:
        for code in example.inputs:
            parsed = parse(code, lang)
            for node in iter_nodes(parsed.root):
                if node.type in IDENTIFIER_NODES and parsed.in_code(node):
                    counts[parsed.text(node)] += 1
    return [name for name, _ in sorted(counts.items(), key=lambda item: (-item[1], item[0]))]


def padded_vocabulary(vocabulary: Sequence[str], lang: str, size: int, seed: int) -> list[str]:
    """`vocabulary`, padded with seeded fresh identifiers up to `size` names when smaller (a
    tiny data set would otherwise leave an attack without candidate names)."""
    names = list(dict.fromkeys(vocabulary))
    taken = set(names)
    rng = random.Random(seed)
    while len(names) < size:
        name = fresh_identifier(taken, lang, rng)
        taken.add(name)
        names.append(name)
    return names
