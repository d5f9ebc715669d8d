"""Dead-code insertion: statements that never run or whose result is never used.

Both transformations insert a new statement right before an existing statement of a block
inside a function body (`statement_position`): never after a `return`/`break` in the same
block (a Java compile error), never between a label and its statement, never before a Java
constructor's `this(...)`/`super(...)` call, never in a switch body. A statement that was
reachable stays reachable, because the inserted statement always completes normally.

- `insert-dead-branch`: `if (0) { int v = 7; v = v + 3; }` (Java: `if (false)`, which the
  reachability rules allow); the body declares a fresh variable and updates it.
- `insert-unused-variable`: `int v = 7;` with a fresh name.

Fresh names come from `metacompress.code.names.fresh_identifier` with every identifier-like
token of the code taken, so they collide with nothing, macros and strings included.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any, ClassVar

from tree_sitter import Node

from metacompress.code.catalogue._base import Site, SiteTransformation
from metacompress.code.catalogue._syntax.layout import indent_unit, line_indent, starts_line
from metacompress.code.catalogue._syntax.nodes import edit, nodes_in_bodies
from metacompress.code.catalogue._syntax.statements import BLOCKS, statement_position
from metacompress.code.edits import Edit
from metacompress.code.parsing import ParsedCode
from metacompress.code.transform import transform

#: Stems of plausible local-variable names; the first free `stem`, `stem_2`, ... is used.
NAME_STEMS = ("tmp", "count", "idx", "flag", "total", "offset", "limit", "result", "status", "len")
_TYPES = {"c": ("int", "long", "unsigned int", "double"), "java": ("int", "long", "double")}
_FALSE = {"c": "0", "java": "false"}


def _fresh_name(parsed: ParsedCode, context: dict[str, Any], rng: random.Random) -> str:
    """A fresh identifier, also distinct from those given to earlier sites of the same call."""
    from metacompress.code.names import code_identifiers, fresh_identifier

    taken = context.setdefault("taken", set(code_identifiers(parsed.code)))
    name = fresh_identifier(taken, parsed.lang, rng, stem=rng.choice(NAME_STEMS))
    taken.add(name)
    return name


def _literal(type_name: str, rng: random.Random) -> str:
    value = rng.randint(0, 64)
    return f"{value}.0" if type_name == "double" else str(value)


def _insert_before(parsed: ParsedCode, statement: Node, text: str) -> Edit:
    """Insert statement text before `statement`, on its own line when `statement` starts one."""
    if starts_line(parsed, statement):
        indent = line_indent(parsed, statement.start_byte)
        return edit(parsed, statement.start_byte, statement.start_byte, f"{text}\n{indent}")
    return edit(parsed, statement.start_byte, statement.start_byte, f"{text} ")


@dataclass(frozen=True)
class _Insertion(SiteTransformation):
    """Inserts one statement before chosen statements of blocks."""

    site_name: ClassVar[str] = "statement position inside a function body"

    def _candidates(self, parsed: ParsedCode) -> list[Node]:
        blocks = nodes_in_bodies(parsed, BLOCKS[parsed.lang])
        return [child for block in blocks for child in block.named_children]

    def _check(self, parsed: ParsedCode, node: Node) -> Site | str | None:
        return Site.of(node) if statement_position(parsed, node) else None


@transform(
    "insert-dead-branch",
    languages=("c", "java"),
    description="insert an if (false) block that declares and updates a fresh variable",
)
@dataclass(frozen=True)
class InsertDeadBranch(_Insertion):
    """`if (0) { T v = a; v = v OP b; }` before a statement (Java `if (false)`)."""

    def _rewrite(
        self, parsed: ParsedCode, site: Site, rng: random.Random, context: dict[str, Any]
    ) -> list[Edit]:
        name = _fresh_name(parsed, context, rng)
        type_name = rng.choice(_TYPES[parsed.lang])
        first, second = _literal(type_name, rng), _literal(type_name, rng)
        body = rng.choice(
            (
                f"{name} = {name} + {second};",
                f"{name} = {name} * {second};",
                f"{name}++;",
                f"if ({name} > {second}) {{ {name} = {first}; }}",
                f"while ({name} > {second}) {{ {name}--; }}",
            )
        )
        text = f"if ({_FALSE[parsed.lang]}) {{ {type_name} {name} = {first}; {body} }}"
        if starts_line(parsed, site.node):
            indent = line_indent(parsed, site.node.start_byte)
            unit = indent_unit(parsed, site.node.parent)
            text = (
                f"if ({_FALSE[parsed.lang]}) {{\n{indent}{unit}{type_name} {name} = {first};\n"
                f"{indent}{unit}{body}\n{indent}}}"
            )
        return [_insert_before(parsed, site.node, text)]


@transform(
    "insert-unused-variable",
    languages=("c", "java"),
    description="insert a declaration of a fresh local variable that is never used",
)
@dataclass(frozen=True)
class InsertUnusedVariable(_Insertion):
    """`T v = a;` with a fresh name `v`, before a statement."""

    def _rewrite(
        self, parsed: ParsedCode, site: Site, rng: random.Random, context: dict[str, Any]
    ) -> list[Edit]:
        name = _fresh_name(parsed, context, rng)
        type_name = rng.choice(_TYPES[parsed.lang])
        return [
            _insert_before(parsed, site.node, f"{type_name} {name} = {_literal(type_name, rng)};")
        ]
