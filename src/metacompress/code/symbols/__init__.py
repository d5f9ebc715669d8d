"""Scope-aware symbol tables of C functions and Java methods.

For every function (outermost function definition, method or constructor; functions nested in
it, such as methods of anonymous classes, are walked as part of it) the table lists its
renamable variables: parameters of its signature (kind "parameter") and everything declared in
its body (kind "local": locals with or without initialiser, for-init and enhanced-for
variables, catch parameters, try-with-resources variables, lambda parameters, Java pattern
variables, and the parameters of nested methods). Each `Symbol` has every occurrence, resolved
by scope: a name refers to the innermost visible declaration, a declaration is visible from its
declarator to the end of its scope, and an inner declaration hides an outer one.

Names that are never renamable variables are recognised by where they stand: C struct fields
(`field_identifier`), labels (`statement_identifier`), type names (`type_identifier`), called
functions and macros that are not local (unresolved names), enum constants, `extern` and
function declarations inside a body; Java fields (`this.x`, `obj.x`, unqualified names that no
local declares), methods, classes, annotation names and fields of local or anonymous classes
(which hide outer locals inside the class body).

A variable is skipped, with the reason recorded, when renaming it could be unsafe: an
occurrence lies in a statement (or declaration) that holds a parse error, since tree-sitter's
error recovery may have misread it; its name appears inside an error node, in a `#define`
anywhere in the file or another preprocessor directive of the function (a macro body may use
it by name, invisibly); in C its name is also used as a type name in the function (a cast or
declaration the parser may have misread); in Java it appears as a `case` constant, or it is
declared by a token that is not an identifier. Spans are byte offsets into the original code.

The package: `table` (the result types), `walker` (the scoped walk, language-neutral), `c` and
`java` (what each node type of the language does in the walk).
"""

from __future__ import annotations

import re

from tree_sitter import Node

from metacompress.code.names import identifier_tokens
from metacompress.code.parsing import FUNCTION_TYPES, ParsedCode
from metacompress.code.symbols import c, java
from metacompress.code.symbols.table import KINDS, LOCAL, PARAMETER, Skipped, Symbol, SymbolTable
from metacompress.code.symbols.walker import Walker, error_zones

__all__ = [
    "KINDS",
    "LOCAL",
    "PARAMETER",
    "Skipped",
    "Symbol",
    "SymbolTable",
    "analyse",
    "macro_names",
    "outermost_functions",
    "symbol_table",
]
_DISPATCH = {"c": c.DISPATCH, "java": java.DISPATCH}


def symbol_table(parsed: ParsedCode) -> list[Symbol]:
    """The renamable parameters and locals of every function of `parsed`."""
    return list(analyse(parsed).symbols)


def analyse(parsed: ParsedCode) -> SymbolTable:
    """Symbols of every outermost function of `parsed`, plus the skipped variables."""
    symbols: list[Symbol] = []
    skipped: list[Skipped] = []
    in_macros = macro_names(parsed.code) if parsed.lang == "c" else {}
    zones = error_zones(parsed) if parsed.error_count else []
    for function in outermost_functions(parsed):
        walker = Walker(parsed, function, zones, _DISPATCH[parsed.lang])
        walker.unsafe.update(in_macros)
        walker.run()
        found, passed = walker.result()
        symbols.extend(found)
        skipped.extend(passed)
    return SymbolTable(tuple(symbols), tuple(skipped))


_DEFINE = re.compile(r"^[ \t]*#[ \t]*define\b(?:[^\n]*\\\r?\n)*[^\n]*", re.MULTILINE)


def macro_names(code: str) -> dict[str, str]:
    """Every name in a `#define` of the code -> why it is unsafe to rename: a macro body
    may use a local variable by name (Juliet's `#define CHAR_ARRAY_SIZE (3*sizeof(data)+2)`),
    and renaming the variable would silently break it."""
    if "define" not in code:
        return {}
    found: dict[str, str] = {}
    for match in _DEFINE.finditer(code):
        line = code.count("\n", 0, match.start()) + 1
        for token in identifier_tokens(match.group()):
            found.setdefault(token, f"it appears in a macro definition at line {line}")
    return found


def outermost_functions(parsed: ParsedCode) -> list[Node]:
    """Function definitions (C) or methods and constructors (Java) not nested in another."""
    kinds = FUNCTION_TYPES[parsed.lang]
    found: list[Node] = []
    stack = [parsed.root]
    while stack:
        node = stack.pop()
        if node.type in kinds:
            found.append(node)
            continue
        stack.extend(reversed(node.named_children))
    return found
