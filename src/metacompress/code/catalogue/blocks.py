"""Braces around single-statement bodies.

- `add-braces` wraps the body of an `if`, `else`, `for`, `while`, `do` (and Java's enhanced
  `for`) in braces when it is a single statement: `if (c) x = 1;` -> `if (c) { x = 1; }`. A
  block holding one statement behaves as the statement; an `else if` is left as it is (it is a
  chain, not a body), and so are bodies holding preprocessor directives.
- `remove-braces` does the reverse for a body block holding exactly one statement, which must
  not be a declaration (a declaration is no statement in C, and in Java it would leave the
  block's scope), and which, when the block is the then-branch of an `if` with an `else`, must
  not end in an `if` without `else` (that `if` would capture the `else`). A block comment
  inside the block stays; a block with a `//` comment is left alone. Removing the braces of an
  `else { if ... }` gives an else-if chain.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any, ClassVar

from tree_sitter import Node

from metacompress.code.catalogue._base import Site, SiteTransformation
from metacompress.code.catalogue._syntax.nodes import COMMENTS, edit, has_preproc
from metacompress.code.catalogue._syntax.statements import (
    BLOCKS,
    LOOPS,
    else_branch,
    is_block,
    labeled_body,
    named_statements,
)
from metacompress.code.edits import Edit
from metacompress.code.parsing import ParsedCode
from metacompress.code.transform import transform


def _bodies(node: Node) -> list[Node]:
    if node.type == "if_statement":
        bodies = [node.child_by_field_name("consequence")]
        alternative = else_branch(node)
        if alternative is not None and alternative.type != "if_statement":
            bodies.append(alternative)
        return [b for b in bodies if b is not None]
    body = node.child_by_field_name("body")
    return [body] if body is not None else []


@transform(
    "add-braces",
    languages=("c", "java"),
    description="wrap single-statement bodies of if, else, for, while and do in braces",
)
@dataclass(frozen=True)
class AddBraces(SiteTransformation):
    """`if (c) s;` -> `if (c) { s; }`."""

    max_sites: int = 2

    site_types: ClassVar[frozenset[str]] = frozenset({"if_statement"} | LOOPS)
    site_name: ClassVar[str] = "single-statement body"

    def _candidates(self, parsed: ParsedCode) -> list[Node]:
        return [body for node in super()._candidates(parsed) for body in _bodies(node)]

    def _check(self, parsed: ParsedCode, node: Node) -> Site | str | None:
        if is_block(node, parsed.lang):
            return None
        if node.type in ("declaration", "ERROR") or not node.is_named:
            return "the body is not a statement"
        if has_preproc(node):
            return "the body holds a preprocessor directive"
        return Site.of(node)

    def _rewrite(
        self, parsed: ParsedCode, site: Site, rng: random.Random, context: dict[str, Any]
    ) -> list[Edit]:
        body = site.node
        return [
            edit(parsed, body.start_byte, body.start_byte, "{ "),
            edit(parsed, body.end_byte, body.end_byte, " }"),
        ]


#: Statements that may stand alone as the body of an if, else or loop.
_NOT_STATEMENTS = frozenset(
    {
        "declaration",
        "type_definition",
        "local_variable_declaration",
        "class_declaration",
        "record_declaration",
        "interface_declaration",
        "enum_declaration",
        "case_statement",
        "ERROR",
    }
)


def _ends_with_open_if(statement: Node | None) -> bool:
    """Whether `statement` ends in an `if` without `else` (which would take a following
    `else`)."""
    if statement is None:
        return False
    if statement.type == "if_statement":
        alternative = else_branch(statement)
        return alternative is None or _ends_with_open_if(alternative)
    if statement.type in ("while_statement", "for_statement", "enhanced_for_statement"):
        return _ends_with_open_if(statement.child_by_field_name("body"))
    if statement.type == "labeled_statement":
        return _ends_with_open_if(labeled_body(statement))
    return False


def _body_role(block: Node) -> str | None:
    """ "then" (an if's consequence), "else", "loop" or None when the block is no such body."""
    parent = block.parent
    if parent is None:
        return None
    if parent.type == "else_clause":
        return "else"
    if parent.type == "if_statement":
        consequence = parent.child_by_field_name("consequence")
        if consequence is not None and consequence.id == block.id:
            return "then"
        return "else"
    if parent.type in LOOPS:
        body = parent.child_by_field_name("body")
        return "loop" if body is not None and body.id == block.id else None
    return None


@transform(
    "remove-braces",
    languages=("c", "java"),
    description="remove the braces around a body of if, else, for, while or do holding one "
    "statement",
)
@dataclass(frozen=True)
class RemoveBraces(SiteTransformation):
    """`if (c) { s; }` -> `if (c) s;`."""

    max_sites: int = 2

    site_types: ClassVar[frozenset[str]] = BLOCKS["c"] | BLOCKS["java"]
    site_name: ClassVar[str] = "body block holding one statement"

    def _check(self, parsed: ParsedCode, node: Node) -> Site | str | None:
        role = _body_role(node)
        if role is None:
            return None
        statements = named_statements(node)
        if len(statements) != 1:
            return None
        statement = statements[0]
        if statement.type in _NOT_STATEMENTS or statement.type.startswith("preproc"):
            return "the statement is a declaration"
        if has_preproc(node):
            return "the block holds a preprocessor directive"
        if any(c.type in COMMENTS and parsed.text(c).startswith("//") for c in node.named_children):
            return "the block holds a // comment"
        has_else = role == "then" and else_branch(node.parent) is not None
        if has_else and _ends_with_open_if(statement):
            return "the statement ends in an if without else (dangling else)"
        return Site.of(node)

    def _rewrite(
        self, parsed: ParsedCode, site: Site, rng: random.Random, context: dict[str, Any]
    ) -> list[Edit]:
        block = site.node
        inner = parsed.data[block.start_byte + 1 : block.end_byte - 1].decode().strip()
        return [edit(parsed, block.start_byte, block.end_byte, inner)]
