"""Local declaration forms.

- `split-declaration`: `int a = 1, b;` -> `int a = 1; int b;` (declarators are initialised in
  order in both languages, so a later initialiser still sees the earlier variables), and a
  single initialised declarator `int x = f();` -> `int x; x = f();`. Not for `const`, C
  `static`/`extern`/`register`/`typedef`, Java `final`, annotated or `var` declarations, not
  for arrays or initialiser lists (`int a[3] = {1}` has no assignment form), and not for a
  C type that defines a struct, union or enum (a copy would define a second type), and not
  for a declaration holding a `//` comment (copied apart, it would swallow code). A Java
  local split this way stays effectively final: its only assignment happens where it is
  definitely unassigned.
- `merge-declarations`: two adjacent declarations of the same plain type in one block
  (nothing but whitespace between them) become one: `int a = 1; int b = a;` ->
  `int a = 1, b = a;`, still initialised left to right.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any, ClassVar

from tree_sitter import Node

from metacompress.code.catalogue._base import Site, SiteTransformation
from metacompress.code.catalogue._syntax.declarations import c_declarator_identifier
from metacompress.code.catalogue._syntax.layout import line_indent, starts_line
from metacompress.code.catalogue._syntax.nodes import COMMENTS, children, edit, walk
from metacompress.code.catalogue._syntax.statements import STATEMENT_LISTS
from metacompress.code.edits import Edit
from metacompress.code.parsing import ParsedCode
from metacompress.code.transform import transform

DECLARATIONS = frozenset({"declaration", "local_variable_declaration"})
_C_TYPE_NODES = frozenset(
    {
        "primitive_type",
        "type_identifier",
        "sized_type_specifier",
        "struct_specifier",
        "union_specifier",
        "enum_specifier",
    }
)


def _declarators(node: Node) -> list[Node]:
    return children(node, "declarator")


def _prefix(parsed: ParsedCode, node: Node) -> str | None:
    """The declaration's type text (everything before its first declarator), or None when the
    declaration is not a plain one that can be copied or split."""
    declarators = _declarators(node)
    if not declarators:
        return None
    if parsed.lang == "c":
        for child in node.children:
            if child.type in (
                "storage_class_specifier",
                "type_qualifier",
                "attribute_specifier",
                "ms_declspec_modifier",
                "attribute_declaration",
            ):
                return None
            if child.type in ("struct_specifier", "union_specifier", "enum_specifier") and (
                child.child_by_field_name("body") is not None
            ):
                return None
            if child.type == "ERROR":
                return None
        type_node = node.child_by_field_name("type")
        if type_node is None or type_node.type not in _C_TYPE_NODES:
            return None
    else:
        if any(child.type == "modifiers" for child in node.children):
            return None
        type_node = node.child_by_field_name("type")
        if type_node is None or parsed.text(type_node) == "var":
            return None
    return parsed.data[node.start_byte : declarators[0].start_byte].decode().strip()


def _in_statement_list(parsed: ParsedCode, node: Node) -> bool:
    parent = node.parent
    return parent is not None and parent.type in STATEMENT_LISTS[parsed.lang]


def _value(declarator: Node) -> Node | None:
    return declarator.child_by_field_name("value")


def _splittable_initialiser(parsed: ParsedCode, declarator: Node) -> tuple[str, str] | None:
    """(name, value text) of a declarator `name = value` that can become `name = value;`."""
    value = _value(declarator)
    if value is None or value.type in ("initializer_list", "array_initializer"):
        return None
    if parsed.lang == "c":
        inner = declarator.child_by_field_name("declarator")
        if inner is None:
            return None
        if any(n.type in ("array_declarator", "function_declarator") for n in walk(inner)):
            return None
        ident = c_declarator_identifier(inner)
        if ident is None:
            return None
        return parsed.text(ident), parsed.text(value)
    if declarator.child_by_field_name("dimensions") is not None:
        return None
    name = declarator.child_by_field_name("name")
    return (parsed.text(name), parsed.text(value)) if name is not None else None


def _declarator_only(parsed: ParsedCode, declarator: Node) -> str:
    """A declarator without its initialiser: `*p = q` -> `*p`."""
    if parsed.lang == "c" and declarator.type == "init_declarator":
        inner = declarator.child_by_field_name("declarator")
        return parsed.text(inner) if inner is not None else parsed.text(declarator)
    value = _value(declarator)
    if value is None:
        return parsed.text(declarator)
    equals = next(c for c in declarator.children if c.type == "=")
    return parsed.data[declarator.start_byte : equals.start_byte].decode().rstrip()


def _separator(parsed: ParsedCode, node: Node) -> str:
    if starts_line(parsed, node):
        return "\n" + line_indent(parsed, node.start_byte)
    return " "


@transform(
    "split-declaration",
    languages=("c", "java"),
    description="split a declaration into one per declarator, or an initialised one into "
    "a declaration and an assignment",
)
@dataclass(frozen=True)
class SplitDeclaration(SiteTransformation):
    """`int a = 1, b;` -> `int a = 1; int b;` and `int x = f();` -> `int x; x = f();`."""

    site_types: ClassVar[frozenset[str]] = DECLARATIONS
    site_name: ClassVar[str] = "plain local declaration"

    def _check(self, parsed: ParsedCode, node: Node) -> Site | str | None:
        if not _in_statement_list(parsed, node):
            return None
        prefix = _prefix(parsed, node)
        if prefix is None:
            return "not a plain declaration (qualifier, storage class, final, var or type body)"
        if any(
            n.type in COMMENTS and parsed.data.startswith(b"//", n.start_byte)
            for n in walk(node, stop=frozenset())
        ):
            return "the declaration holds a // comment (its parts are copied apart)"
        declarators = _declarators(node)
        if len(declarators) > 1:
            return Site.of(node, prefix=prefix, mode="declarators")
        split = _splittable_initialiser(parsed, declarators[0])
        if split is None:
            return "a single declarator without an initialiser that can be assigned"
        return Site.of(node, prefix=prefix, mode="initialiser", split=split)

    def _rewrite(
        self, parsed: ParsedCode, site: Site, rng: random.Random, context: dict[str, Any]
    ) -> list[Edit]:
        node = site.node
        prefix = site.info["prefix"]
        separator = _separator(parsed, node)
        if site.info["mode"] == "declarators":
            parts = [f"{prefix} {parsed.text(d)};" for d in _declarators(node)]
        else:
            declarator = _declarators(node)[0]
            name, value = site.info["split"]
            parts = [f"{prefix} {_declarator_only(parsed, declarator)};", f"{name} = {value};"]
        return [edit(parsed, node.start_byte, node.end_byte, separator.join(parts))]


@transform(
    "merge-declarations",
    languages=("c", "java"),
    description="merge two adjacent declarations of the same type into one",
)
@dataclass(frozen=True)
class MergeDeclarations(SiteTransformation):
    """`int a; int b = 2;` -> `int a, b = 2;`."""

    site_types: ClassVar[frozenset[str]] = DECLARATIONS
    site_name: ClassVar[str] = "pair of adjacent declarations of the same type"

    def _check(self, parsed: ParsedCode, node: Node) -> Site | str | None:
        if not _in_statement_list(parsed, node):
            return None
        following = node.next_named_sibling
        if following is None or following.type != node.type:
            return None
        if parsed.data[node.end_byte : following.start_byte].strip():
            return None
        if parsed.data[node.end_byte - 1 : node.end_byte] != b";":
            return None
        first, second = _prefix(parsed, node), _prefix(parsed, following)
        if first is None or second is None:
            return "not a plain declaration (qualifier, storage class, final, var or type body)"
        if first.split() != second.split():
            return None
        return Site(node, node.start_byte, following.end_byte, {"following": following})

    def _rewrite(
        self, parsed: ParsedCode, site: Site, rng: random.Random, context: dict[str, Any]
    ) -> list[Edit]:
        node, following = site.node, site.info["following"]
        semicolon = node.end_byte - 1
        rest = parsed.data[_declarators(following)[0].start_byte : following.end_byte].decode()
        return [edit(parsed, semicolon, following.end_byte, f", {rest}")]
