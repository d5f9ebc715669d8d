"""Expression rewrites that exchange the operands of a binary operator.

- `swap-operands`: `a OP b` -> `b OP a` for the commutative operators `+ * == != & | ^`.
  Both operands must be free of side effects (no call, assignment, `++`/`--`, allocation,
  comma), so the order in which they are evaluated cannot matter. In C every `+` qualifies
  (pointer arithmetic `p + 1 == 1 + p` too) and floating-point `+`/`*` are commutative. In Java
  `+` is also string concatenation, so it is swapped only when both operands are provably
  numeric: numeric literals, locals or parameters declared with a primitive numeric type, and
  arithmetic over them. Java evaluates left to right and an operand may throw, so at most one
  operand may be able to throw (array access, field access through a reference, integer
  division, reference casts, unboxing), else the exception raised could change.
- `flip-relational`: `a < b` -> `b > a` and `a <= b` -> `b >= a` (and back), under the same
  conditions on the operands.

An operand that moves to the other side is parenthesised when its own operator binds no more
tightly than the one it now sits beside (`a - b + c` -> `c + (a - b)`).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any, ClassVar

from tree_sitter import Node

from metacompress.code.catalogue._base import Site, SiteTransformation
from metacompress.code.catalogue._syntax.expressions import (
    is_pure,
    java_is_numeric,
    java_may_throw,
    operand_text,
    operator_of,
)
from metacompress.code.catalogue._syntax.nodes import edit
from metacompress.code.edits import Edit
from metacompress.code.parsing import ParsedCode
from metacompress.code.transform import transform

COMMUTATIVE = frozenset({"+", "*", "==", "!=", "&", "|", "^"})
FLIPPED = {"<": ">", ">": "<", "<=": ">=", ">=": "<="}


def _operands_ok(parsed: ParsedCode, node: Node) -> tuple[Node, Node] | str:
    left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
    if left is None or right is None:
        return "incomplete expression"
    if not (is_pure(left) and is_pure(right)):
        return "an operand may have side effects"
    if parsed.lang == "c" and _maybe_cast(left):
        return "the left operand may be a cast type: (T) * x"
    if parsed.lang == "java" and java_may_throw(left) and java_may_throw(right):
        return "both operands may throw"
    return left, right


def _maybe_cast(node: Node) -> bool:
    """`(name)` on the left of `+ - * &` may be a cast of a unary expression, which tree-sitter
    cannot tell without the typedefs."""
    inner = node.named_children
    return (
        node.type == "parenthesized_expression"
        and len(inner) == 1
        and inner[0].type in ("identifier", "type_identifier")
    )


def _glue(text: str, gap: str, before: bool) -> str:
    """Keep a space between an operator and a moved operand that starts/ends with an operator
    character, so that no two operators fuse into one token."""
    edge = text[-1] if before else text[0]
    return " " if not gap and not (edge.isalnum() or edge in "_$()[]'\"") else gap


def _swap(parsed: ParsedCode, node: Node, new_operator: str) -> list[Edit]:
    left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
    operator = node.child_by_field_name("operator")
    assert left is not None and right is not None and operator is not None
    data = parsed.data
    gap_before = data[left.end_byte : operator.start_byte].decode()
    gap_after = data[operator.end_byte : right.start_byte].decode()
    new_left = operand_text(parsed, right, new_operator)
    new_right = operand_text(parsed, left, new_operator)
    text = (
        new_left
        + _glue(new_left, gap_before, before=True)
        + new_operator
        + _glue(new_right, gap_after, before=False)
        + new_right
    )
    return [edit(parsed, left.start_byte, right.end_byte, text)]


@transform(
    "swap-operands",
    languages=("c", "java"),
    description="swap the operands of a commutative operator whose operands have no side effects",
)
@dataclass(frozen=True)
class SwapOperands(SiteTransformation):
    """`a + b` -> `b + a` (and `* == != & | ^`)."""

    max_sites: int = 2

    site_types: ClassVar[frozenset[str]] = frozenset({"binary_expression"})
    site_name: ClassVar[str] = "commutative operator with side-effect-free operands"

    def _check(self, parsed: ParsedCode, node: Node) -> Site | str | None:
        operator = operator_of(node)
        if operator not in COMMUTATIVE:
            return None
        operands = _operands_ok(parsed, node)
        if isinstance(operands, str):
            return operands
        left, right = operands
        if parsed.text(left) == parsed.text(right):
            return "operands are identical"
        numeric = parsed.lang != "java" or operator != "+"
        if not (numeric or (java_is_numeric(left) and java_is_numeric(right))):
            return "Java + whose operands are not provably numeric"
        return Site.of(node, operator=operator)

    def _rewrite(
        self, parsed: ParsedCode, site: Site, rng: random.Random, context: dict[str, Any]
    ) -> list[Edit]:
        return _swap(parsed, site.node, site.info["operator"])


@transform(
    "flip-relational",
    languages=("c", "java"),
    description="rewrite a < b as b > a (and <=, >, >=) with side-effect-free operands",
)
@dataclass(frozen=True)
class FlipRelational(SiteTransformation):
    """`a < b` -> `b > a`, `a <= b` -> `b >= a`, and back."""

    max_sites: int = 2

    site_types: ClassVar[frozenset[str]] = frozenset({"binary_expression"})
    site_name: ClassVar[str] = "relational comparison with side-effect-free operands"

    def _check(self, parsed: ParsedCode, node: Node) -> Site | str | None:
        operator = operator_of(node)
        if operator not in FLIPPED:
            return None
        operands = _operands_ok(parsed, node)
        if isinstance(operands, str):
            return operands
        return Site.of(node, operator=FLIPPED[operator])

    def _rewrite(
        self, parsed: ParsedCode, site: Site, rng: random.Random, context: dict[str, Any]
    ) -> list[Edit]:
        return _swap(parsed, site.node, site.info["operator"])
