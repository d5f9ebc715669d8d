"""Braces around single-statement bodies.

`add-braces` wraps the body of an `if`, `else`, `for`, `while`, `do` (and Java's enhanced
`for`) in braces when it is a single statement: `if (c) x = 1;` -> `if (c) { x = 1; }`. A
block holding one statement behaves as the statement; an `else if` is left as it is (it is a
chain, not a body), and so are bodies holding preprocessor directives.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any, ClassVar

from tree_sitter import Node

from metacompress.code.catalogue._base import Site, SiteTransformation
from metacompress.code.catalogue._syntax import LOOPS, edit, else_branch, has_preproc, is_block
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
