"""Conditional restructuring.

- `swap-if-else`: `if (c) A else B` -> `if (!(c)) B else A`. The negation is simplified
  where that is exact: `!x` -> `x`, `a == b` <-> `a != b` (also for floating point: NaN
  compares unequal either way); relational operators are never inverted because `!(a < b)`
  differs from `a >= b` on NaN. The new then-branch gets braces unless it is a block, so an
  `if` without `else` inside it cannot capture the `else` (dangling else). Java pattern
  variables stay in scope: a pattern introduced when `c` is true is introduced when `!(c)` is
  false, which is the branch that now holds A.
- `else-if-to-nested`: `if (a) A else if (b) B ...` -> `if (a) A else { if (b) B ... }`.

Branches holding preprocessor directives are left alone.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any, ClassVar

from tree_sitter import Node

from metacompress.code.catalogue._base import Site, SiteTransformation
from metacompress.code.catalogue._syntax.expressions import is_atom, operator_of
from metacompress.code.catalogue._syntax.nodes import edit, has_preproc
from metacompress.code.catalogue._syntax.statements import else_branch, is_block
from metacompress.code.edits import Edit
from metacompress.code.parsing import ParsedCode
from metacompress.code.transform import transform


def negate(parsed: ParsedCode, condition: Node) -> str:
    """The text of the logical negation of expression `condition`."""
    if condition.type == "unary_expression" and operator_of(condition) == "!":
        operand = condition.child_by_field_name("argument") or condition.child_by_field_name(
            "operand"
        )
        if operand is not None:
            if operand.type == "parenthesized_expression" and len(operand.named_children) == 1:
                return parsed.text(operand.named_children[0])
            return parsed.text(operand)
    if condition.type == "binary_expression" and operator_of(condition) in ("==", "!="):
        operator = condition.child_by_field_name("operator")
        assert operator is not None
        flipped = "!=" if operator.type == "==" else "=="
        start, end = condition.start_byte, condition.end_byte
        data = parsed.data
        return (
            data[start : operator.start_byte].decode()
            + flipped
            + data[operator.end_byte : end].decode()
        )
    text = parsed.text(condition)
    return f"!{text}" if is_atom(condition) else f"!({text})"


def _condition(if_node: Node) -> Node | None:
    condition = if_node.child_by_field_name("condition")
    if condition is None or condition.type != "parenthesized_expression":
        return None
    inner = condition.named_children
    return inner[0] if len(inner) == 1 else None


@transform(
    "swap-if-else",
    languages=("c", "java"),
    description="swap the branches of an if/else and negate its condition",
)
@dataclass(frozen=True)
class SwapIfElse(SiteTransformation):
    """`if (c) A else B` -> `if (!(c)) B else A`."""

    site_types: ClassVar[frozenset[str]] = frozenset({"if_statement"})
    site_name: ClassVar[str] = "if statement with an else branch"

    def _check(self, parsed: ParsedCode, node: Node) -> Site | str | None:
        alternative = else_branch(node)
        consequence = node.child_by_field_name("consequence")
        condition = _condition(node)
        if alternative is None or consequence is None:
            return None
        if condition is None:
            return "condition is not one expression"
        if has_preproc(node):
            return "a branch holds a preprocessor directive"
        return Site.of(node, condition=condition, then=consequence, other=alternative)

    def _rewrite(
        self, parsed: ParsedCode, site: Site, rng: random.Random, context: dict[str, Any]
    ) -> list[Edit]:
        condition: Node = site.info["condition"]
        then: Node = site.info["then"]
        other: Node = site.info["other"]
        new_then = parsed.text(other)
        if not is_block(other, parsed.lang):
            new_then = f"{{ {new_then} }}"
        return [
            edit(parsed, condition.start_byte, condition.end_byte, negate(parsed, condition)),
            edit(parsed, then.start_byte, then.end_byte, new_then),
            edit(parsed, other.start_byte, other.end_byte, parsed.text(then)),
        ]


@transform(
    "else-if-to-nested",
    languages=("c", "java"),
    description="turn an else-if into an else block holding the inner if",
)
@dataclass(frozen=True)
class ElseIfToNested(SiteTransformation):
    """`if (a) A else if (b) B` -> `if (a) A else { if (b) B }`."""

    site_types: ClassVar[frozenset[str]] = frozenset({"if_statement"})
    site_name: ClassVar[str] = "else-if chain"

    def _check(self, parsed: ParsedCode, node: Node) -> Site | str | None:
        alternative = else_branch(node)
        if alternative is None or alternative.type != "if_statement":
            return None
        return Site.of(alternative)

    def _rewrite(
        self, parsed: ParsedCode, site: Site, rng: random.Random, context: dict[str, Any]
    ) -> list[Edit]:
        inner = site.node
        return [
            edit(parsed, inner.start_byte, inner.start_byte, "{ "),
            edit(parsed, inner.end_byte, inner.end_byte, " }"),
        ]
