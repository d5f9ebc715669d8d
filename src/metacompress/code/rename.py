"""Scope-correct renaming of local variables and parameters.

`rename(parsed, {"old": "new", ...})` renames every renamable symbol (see `symbols.py`) called
`old`, at every occurrence; `rename_symbols` does the same for chosen symbols. A new name is
accepted when it is a valid identifier of the language, is neither a keyword nor a common
library name, and every token of the code spelt like it belongs to a symbol that is renamed
away in the same mapping (so `a -> b, b -> a` swaps, while `a -> printf` or `a -> count` where
`count` is a field, a function or another variable is refused). Symbols with different old
names get different new names. Because the new names then occur nowhere else, no occurrence
can be captured by another declaration: the result is an alpha-renaming of the input.

`alpha_renaming_problems(before, after, lang)` checks that property independently of how the
renaming was made: same token sequence, only identifiers that are occurrences of symbols
changed, each symbol renamed consistently, and the same partition of occurrences into symbols.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Mapping, Sequence

from metacompress.code.edits import Edit, apply_edits
from metacompress.code.names import (
    NameContext,
    NameSource,
    identifier_tokens,
    is_reserved,
    is_valid_identifier,
    pick_name,
)
from metacompress.code.parsing import ParsedCode, parse
from metacompress.code.symbols import Symbol, SymbolTable, analyse
from metacompress.code.transform import Applied, NotApplicable

#: Why a renaming of code with parse errors is refused when the parser reads its output
#: differently (tree-sitter's error recovery depends on token lengths).
MISREAD = "the renamed code would be read differently around its parse errors"


def token_counts(code: str) -> Counter[str]:
    """How often each identifier-like token occurs in `code` (comments and strings too)."""
    return Counter(identifier_tokens(code))


def same_structure(old: ParsedCode, new: ParsedCode) -> bool:
    """Whether two parses have the same tree (node types, fields, error nodes), ignoring the
    text: a renaming that keeps it is read by the parser exactly as the input was."""
    return str(old.root) == str(new.root)


def check_mapping(
    parsed: ParsedCode, mapping: Mapping[Symbol, str], counts: Counter[str] | None = None
) -> str | None:
    """Why `mapping` (symbol -> new name) is not a safe renaming of `parsed`, or None."""
    counts = token_counts(parsed.code) if counts is None else counts
    leaving: Counter[str] = Counter()
    for symbol, new in mapping.items():
        if new != symbol.name:
            leaving[symbol.name] += len(symbol.occurrences)
    seen: dict[str, str] = {}
    for symbol, new in mapping.items():
        if new == symbol.name:
            continue
        if not is_valid_identifier(new, parsed.lang):
            return f"{symbol.name} -> {new!r}: not a valid {parsed.lang} identifier"
        if is_reserved(new, parsed.lang):
            return f"{symbol.name} -> {new}: a keyword or library name of {parsed.lang}"
        if seen.get(new, symbol.name) != symbol.name:
            return f"{seen[new]} and {symbol.name} would both be named {new}"
        seen[new] = symbol.name
        if counts[new] > leaving[new]:
            return f"{symbol.name} -> {new}: {new} is already used in the code"
    return None


def rename_edits(
    parsed: ParsedCode, mapping: Mapping[Symbol, str], counts: Counter[str] | None = None
) -> list[Edit] | NotApplicable:
    """The edits renaming each symbol of `mapping` at all its occurrences, or why not."""
    problem = check_mapping(parsed, mapping, counts)
    if problem is not None:
        return NotApplicable(problem)
    edits = [
        Edit(start, end, new)
        for symbol, new in mapping.items()
        if new != symbol.name
        for start, end in symbol.occurrences
    ]
    edits.sort(key=_start)
    return edits


def _start(edit: Edit) -> int:
    return edit.start


def rename_symbols(parsed: ParsedCode, mapping: Mapping[Symbol, str]) -> Applied | NotApplicable:
    """Rename the given symbols (symbol -> new name) of `parsed`."""
    edits = rename_edits(parsed, mapping)
    if isinstance(edits, NotApplicable):
        return edits
    if not edits:
        return NotApplicable("no change")
    new_code = apply_edits(parsed.code, edits)
    new_parsed = parse(new_code, parsed.lang)
    if new_parsed.error_count > parsed.error_count:
        return NotApplicable("the result would parse worse than the input")
    if parsed.error_count and not same_structure(parsed, new_parsed):
        return NotApplicable(MISREAD)
    return Applied(new_code, tuple(edits), ("rename",), (tuple(edits),))


def rename(
    parsed: ParsedCode, mapping: Mapping[str, str], table: SymbolTable | None = None
) -> Applied | NotApplicable:
    """Rename every renamable local or parameter called `old` to `mapping[old]`.

    A name that no renamable symbol has is "not applicable", with the reason the symbol was
    skipped when it was (parse error, macro, ...).
    """
    table = analyse(parsed) if table is None else table
    by_symbol: dict[Symbol, str] = {}
    for old, new in mapping.items():
        found = [s for s in table.symbols if s.name == old]
        if not found:
            skipped = [s for s in table.skipped if s.name == old]
            if skipped:
                return NotApplicable(f"{old} is not renamable: {skipped[0].reason}")
            return NotApplicable(f"{old} is not a local variable or parameter")
        by_symbol.update(dict.fromkeys(found, new))
    return rename_symbols(parsed, by_symbol)


def choose_names(
    parsed: ParsedCode,
    symbols: Sequence[Symbol],
    source: NameSource,
    rng: random.Random,
    counts: Counter[str] | None = None,
) -> dict[Symbol, str] | NotApplicable:
    """A fresh name from `source` for each symbol, distinct and absent from the code."""
    counts = token_counts(parsed.code) if counts is None else counts
    taken = set(counts)
    mapping: dict[Symbol, str] = {}
    for symbol in symbols:
        context = NameContext(
            parsed.lang, parsed.code, symbol.kind, symbol.occurrences, frozenset(taken)
        )
        new = pick_name(source, symbol.name, context, rng)
        if new is None:
            return NotApplicable(f"the name source has no acceptable new name for {symbol.name}")
        mapping[symbol] = new
        taken.add(new)
    return mapping


def alpha_renaming_problems(before: str, after: str, lang: str) -> list[str]:
    """Why `after` is not an alpha-renaming of `before` (empty when it is).

    Checks: the two parses have the same leaf tokens with the same types, and only
    `identifier` tokens differ; every changed token is an occurrence of a symbol of `before`;
    all occurrences of a changed symbol change to the same name; and the symbols of `after`
    partition the tokens exactly as those of `before` do (same uses, no capture).
    """
    return renaming_problems(parse(before, lang), parse(after, lang))


def renaming_problems(old: ParsedCode, new: ParsedCode) -> list[str]:
    """`alpha_renaming_problems` of two parses."""
    old_leaves, new_leaves = _leaves(old), _leaves(new)
    if len(old_leaves) != len(new_leaves):
        return [f"token count changed: {len(old_leaves)} -> {len(new_leaves)}"]
    problems: list[str] = []
    changed: dict[int, str] = {}
    for index, ((t1, x1, _), (t2, x2, _)) in enumerate(zip(old_leaves, new_leaves, strict=True)):
        if t1 != t2:
            problems.append(f"token {index} changed type: {t1} {x1!r} -> {t2} {x2!r}")
        elif x1 != x2:
            if t1 != "identifier":
                problems.append(f"token {index} ({t1}) changed: {x1!r} -> {x2!r}")
            changed[index] = x2
    if problems:
        return problems
    old_groups = _groups(old, old_leaves)
    new_groups = _groups(new, new_leaves)
    grouped = set().union(*old_groups) if old_groups else set()
    for index in changed:
        if index not in grouped:
            problems.append(f"token {index} {old_leaves[index][1]!r} changed but is no symbol")
    for group in old_groups:
        names = {changed.get(i) for i in group}
        if len(names) > 1:
            problems.append(f"symbol at tokens {sorted(group)} renamed inconsistently: {names}")
    if set(old_groups) != set(new_groups):
        problems.append("the symbols' occurrences differ after renaming (a name was captured)")
    return problems


def _leaves(parsed: ParsedCode) -> list[tuple[str, str, int]]:
    found: list[tuple[str, str, int]] = []
    stack = [parsed.root]
    while stack:
        node = stack.pop()
        if node.child_count == 0:
            found.append((node.type, parsed.text(node), parsed.to_code(node.start_byte)))
        else:
            stack.extend(reversed(node.children))
    return found


def _groups(parsed: ParsedCode, leaves: list[tuple[str, str, int]]) -> list[frozenset[int]]:
    index_of = {start: i for i, (_, _, start) in enumerate(leaves)}
    return [
        frozenset(index_of[start] for start, _ in symbol.occurrences if start in index_of)
        for symbol in analyse(parsed).symbols
    ]
