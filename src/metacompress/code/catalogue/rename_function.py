"""Function renaming: the function under test (or, in a file of several, one chosen by the seed)
gets a fresh name at its definition and at every reference, recursive calls included.

A function is renamable when it is not `main`, is defined once, and every reference to it can
be found and renamed:
- C: every `identifier` token spelt like it (calls, prototypes, function pointers) is renamed.
  Refused when the name is also declared as a variable or parameter anywhere, appears as
  another kind of token (a type, a field, a label), in a preprocessor directive or next to a
  parse error, or when the code names its function at run time (`__func__`).
- Java: a method (not a constructor) named by no other method or constructor of the code
  (no overloads), without `@Override`, outside interfaces and anonymous classes, and private,
  static or in a class that extends and implements nothing (so it overrides and implements
  nothing), and not one of Object's methods (`toString`, `equals`, ...) or a serialization hook.
  Its calls must be unqualified or through `this` or its class's name, and its
  method references `this::m` or `Class::m`; `super.m()`, a call on another object or code that
  looks methods up by reflection refuse it. Fields and variables spelt like the method are
  other names in Java and stay.

The new name comes from the name source (`random` or `list`) and occurs nowhere in the code.
`changes_signature` is set: callers outside the code given must be renamed with it.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from typing import ClassVar

from tree_sitter import Node

from metacompress.code.catalogue._syntax.nodes import ancestors
from metacompress.code.catalogue.rename import check_name_source, name_source
from metacompress.code.edits import Edit
from metacompress.code.names import identifier_tokens
from metacompress.code.parsing import ParsedCode
from metacompress.code.rename import choose_names, rename_edits, token_counts
from metacompress.code.symbols import Symbol, macro_names
from metacompress.code.transform import NotApplicable, Transformation, transform

FUNCTION = "function"
#: Identifiers through which code reads its own function's name at run time.
_SELF_NAMING = {
    "c": frozenset({"__func__", "__FUNCTION__", "__PRETTY_FUNCTION__"}),
    "java": frozenset({"getStackTrace", "getEnclosingMethod", "getDeclaredMethod", "getMethod"}),
}
_JAVA_CLASSES = frozenset({"class_declaration", "enum_declaration", "record_declaration"})
#: Java methods called by name from outside the code: Object's (every class overrides them
#: without saying so) and the serialization hooks the runtime finds by reflection.
_JAVA_CALLED_BY_NAME = frozenset(
    {
        "equals",
        "hashCode",
        "toString",
        "clone",
        "finalize",
        "readObject",
        "writeObject",
        "readObjectNoData",
        "readResolve",
        "writeReplace",
    }
)


@dataclass(frozen=True)
class _Candidate:
    name: str
    occurrences: tuple[tuple[int, int], ...]
    function: tuple[int, int]


def _c_function_name(function: Node) -> Node | None:
    node = function.child_by_field_name("declarator")
    while node is not None and node.type != "function_declarator":
        node = node.child_by_field_name("declarator")
    name = node.child_by_field_name("declarator") if node is not None else None
    return name if name is not None and name.type == "identifier" else None


def _tokens_named(parsed: ParsedCode, name: str) -> list[Node]:
    """The identifier-like tokens (identifiers, type, field and label names) of the code spelt
    `name`; a spelling inside a comment, string or other token is none."""
    found = []
    pattern = re.compile(
        rb"(?<![\w$\x80-\xff])" + re.escape(name.encode()) + rb"(?![\w$\x80-\xff])"
    )
    for match in pattern.finditer(parsed.data):
        node = parsed.root.descendant_for_byte_range(match.start(), match.end())
        if (
            node is not None
            and node.start_byte == match.start()
            and node.end_byte == match.end()
            and node.type.endswith("identifier")
            and parsed.in_code(node)
        ):
            found.append(node)
    return found


#: Parents of an identifier that declare it as something other than a function.
_C_DECLARING = frozenset(
    {
        "declaration",
        "init_declarator",
        "parameter_declaration",
        "parameter_list",
        "pointer_declarator",
        "array_declarator",
        "parenthesized_declarator",
        "attributed_declarator",
        "enumerator",
        "field_declaration",
        "type_definition",
    }
)


def _c_candidate(parsed: ParsedCode, function: Node) -> _Candidate | str:
    ident = _c_function_name(function)
    if ident is None:
        return "the function's name could not be read"
    name = parsed.text(ident)
    tokens = _tokens_named(parsed, name)
    if any(node.type != "identifier" for node in tokens):
        return f"{name} is also used as a type, field or label"
    if any(node.parent is not None and node.parent.type in _C_DECLARING for node in tokens):
        return f"{name} is also the name of a variable"
    if any(
        a.type.startswith("preproc") and a.type not in _C_CODE_DIRECTIVES
        for node in tokens
        for a in ancestors(node)
    ):
        return f"{name} appears in a preprocessor directive"
    return _Candidate(name, tuple(parsed.span(n) for n in tokens), parsed.span(function))


#: Preprocessor nodes whose branches hold ordinary code.
_C_CODE_DIRECTIVES = frozenset({"preproc_if", "preproc_ifdef", "preproc_else", "preproc_elif"})


def _java_candidate(parsed: ParsedCode, method: Node) -> _Candidate | str:
    ident = method.child_by_field_name("name")
    if ident is None:
        return "the method's name could not be read"
    name = parsed.text(ident)
    modifiers = next((c for c in method.children if c.type == "modifiers"), None)
    words = set(identifier_tokens(parsed.text(modifiers))) if modifiers is not None else set()
    if "Override" in words or name in _JAVA_CALLED_BY_NAME:
        return f"{name} overrides a method or is called by name from outside"
    body = method.parent
    owner = body.parent if body is not None else None
    if owner is None or owner.type not in _JAVA_CLASSES:
        return f"{name} is declared in an interface or an anonymous class"
    inherits = any(
        c.type in ("superclass", "super_interfaces", "interfaces") for c in owner.children
    )
    if inherits and not words & {"private", "static"}:
        return f"{name} may override or implement a method of a supertype"
    owner_name = owner.child_by_field_name("name")
    qualifiers = {"this", parsed.text(owner_name) if owner_name is not None else "this"}
    occurrences = [parsed.span(ident)]
    for node in _tokens_named(parsed, name):
        parent = node.parent
        if parent is None or node.id == ident.id:
            continue
        if parent.type == "method_invocation" and _is_field(parent, node, "name"):
            target = parent.child_by_field_name("object")
            if target is not None and parsed.text(target) not in qualifiers:
                return f"{name} is called on another object ({parsed.text(target)})"
            occurrences.append(parsed.span(node))
        elif parent.type == "method_reference":
            if parsed.text(parent.named_children[0]) not in qualifiers:
                return f"{name} is referenced through another object"
            occurrences.append(parsed.span(node))
        elif parent.type in ("method_declaration", "constructor_declaration"):
            return f"{name} names another method too (overloads)"
    return _Candidate(name, tuple(sorted(occurrences)), parsed.span(method))


def _is_field(parent: Node, child: Node, field: str) -> bool:
    found = parent.child_by_field_name(field)
    return found is not None and found.id == child.id


@transform(
    "rename-function",
    languages=("c", "java"),
    description="rename the function (never main) and every call of it, recursive calls included",
)
@dataclass(frozen=True)
class RenameFunction(Transformation):
    """`int fact(int n) { ... fact(n - 1) ... }` -> `int kQz(int n) { ... kQz(n - 1) ... }`."""

    changes_signature: ClassVar[bool] = True

    name_source: str = "random"
    names: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "names", check_name_source(self.name_source, self.names))

    def _candidates(self, parsed: ParsedCode) -> tuple[list[_Candidate], list[str]]:
        lang = parsed.lang
        functions = [f for f in parsed.functions() if parsed.in_code(f)]
        if lang == "java":
            functions = [f for f in functions if f.type == "method_declaration"]
        counts = token_counts(parsed.code)
        unsafe = macro_names(parsed.code) if lang == "c" else {}
        found: list[_Candidate] = []
        reasons: list[str] = []
        for function in functions:
            outcome = (_c_candidate if lang == "c" else _java_candidate)(parsed, function)
            if isinstance(outcome, str):
                reasons.append(outcome)
                continue
            name = outcome.name
            if name == "main":
                reasons.append("main is the program's entry point")
            elif _defined_twice(functions, name, parsed):
                reasons.append(f"{name} is defined more than once")
            elif name in unsafe:
                reasons.append(f"{name}: {unsafe[name]}")
            elif any(parsed.overlaps_error(span) for span in outcome.occurrences):
                reasons.append(f"an occurrence of {name} touches a parse error")
            else:
                found.append(outcome)
        if found and _SELF_NAMING[lang] & set(counts):
            return [], ["the code reads a function's name at run time"]
        return found, reasons

    def _edits(self, parsed: ParsedCode, rng: random.Random) -> list[Edit] | NotApplicable:
        candidates, reasons = self._candidates(parsed)
        if not candidates:
            detail = f": {reasons[0]}" if reasons else ""
            return NotApplicable(f"no renamable function{detail}")
        chosen = rng.choice(candidates)
        symbol = Symbol(
            chosen.name,
            FUNCTION,
            chosen.occurrences[0],
            chosen.occurrences,
            chosen.function,
            chosen.function,
        )
        mapping = choose_names(parsed, [symbol], name_source(self.name_source, self.names), rng)
        if isinstance(mapping, NotApplicable):
            return mapping
        return rename_edits(parsed, mapping)


def _defined_twice(functions: list[Node], name: str, parsed: ParsedCode) -> bool:
    names = []
    for function in functions:
        ident = (
            _c_function_name(function)
            if parsed.lang == "c"
            else function.child_by_field_name("name")
        )
        if ident is not None and parsed.text(ident) == name:
            names.append(function)
    return len(names) > 1
