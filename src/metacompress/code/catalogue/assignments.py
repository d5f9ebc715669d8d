"""Assignment forms.

- `expand-compound-assignment`: `x OP= y` -> `x = x OP (y)`. The target is evaluated twice
  afterwards, so it must be free of side effects (a name, field access or subscript without
  calls or increments). C defines `E1 OP= E2` as `E1 = E1 OP (E2)` with E1 evaluated once, so
  with the parentheses the two agree. Java's compound assignment narrows implicitly
  (`byte b; b += 1` is legal, `b = b + 1` is not), so in Java the target must be a local or
  parameter declared `int`, `long`, `float` or `double` and `y` something that cannot widen
  the result beyond that type: an int literal, a literal of the target's own type, or a local
  declared with the same type.
- `contract-compound-assignment`: `x = x OP y` -> `x OP= y` when the right side's left operand
  is the target itself and the target has no side effects (`x = x OP y` already had y as the
  operator's whole right operand, and the implicit cast of the compound form is the identity on
  a value that was assignable without it).
- `increment-form`: `i++`, `++i` and `i += 1` (and `--`/`-= 1`) are interchanged where the
  value is unused (an expression statement or a for update); `to` picks the new form ("any":
  one of the other two at random). In Java `+= 1` is involved only
  for a local or parameter of a primitive numeric type (`String s; s += 1` is no increment,
  and boxed `Character c; c += 1` does not compile).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any, ClassVar

from tree_sitter import Node

from metacompress.code.catalogue._base import Site, SiteTransformation
from metacompress.code.catalogue._syntax.declarations import java_local_type
from metacompress.code.catalogue._syntax.expressions import (
    JAVA_INT_LITERALS,
    JAVA_NUMERIC_TYPES,
    is_atom,
    is_pure,
)
from metacompress.code.catalogue._syntax.layout import tokens
from metacompress.code.catalogue._syntax.nodes import children, edit
from metacompress.code.edits import Edit
from metacompress.code.parsing import ParsedCode
from metacompress.code.transform import transform
from metacompress.registry import check_choice

INCREMENT_FORMS = ("post", "pre", "compound")
COMPOUND = frozenset({"+=", "-=", "*=", "/=", "%=", "<<=", ">>=", ">>>=", "&=", "|=", "^="})
_EXPANDABLE_JAVA = frozenset({"int", "long", "float", "double"})


def _tokens_equal(a: Node, b: Node) -> bool:
    """Whether two expressions are the same token sequence (whitespace aside)."""
    return [t.text for t in tokens(a)] == [t.text for t in tokens(b)]


def _pure_target(node: Node) -> bool:
    return node.type in (
        "identifier",
        "field_expression",
        "field_access",
        "subscript_expression",
        "array_access",
        "pointer_expression",
        "parenthesized_expression",
    ) and is_pure(node)


def _java_literal_fits(node: Node, target_type: str) -> bool:
    text = (node.text or b"").decode().lower()
    if node.type in JAVA_INT_LITERALS:
        return not text.endswith("l") or target_type in ("long", "float", "double")
    if node.type == "decimal_floating_point_literal":
        is_float = text.endswith("f")
        return target_type == "double" or (target_type == "float" and is_float)
    return False


def _java_expandable(left: Node, right: Node) -> str | None:
    """Why a Java compound assignment cannot be expanded, or None when it can."""
    if left.type != "identifier":
        return "Java target is not a local variable"
    target_type = java_local_type(left)
    if target_type not in _EXPANDABLE_JAVA:
        return "Java target is not a local int, long, float or double"
    if right.type == "identifier":
        if java_local_type(right) != target_type:
            return "Java operand is not a local of the target's type"
        return None
    if not _java_literal_fits(right, target_type):
        return "Java operand might widen the result"
    return None


@transform(
    "expand-compound-assignment",
    languages=("c", "java"),
    description="rewrite x OP= y as x = x OP (y) when x has no side effects",
)
@dataclass(frozen=True)
class ExpandCompoundAssignment(SiteTransformation):
    """`x += y` -> `x = x + y` (y parenthesised unless it is a primary expression)."""

    max_sites: int = 2

    site_types: ClassVar[frozenset[str]] = frozenset({"assignment_expression"})
    site_name: ClassVar[str] = "compound assignment to a side-effect-free target"

    def _check(self, parsed: ParsedCode, node: Node) -> Site | str | None:
        operator = node.child_by_field_name("operator")
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        if operator is None or operator.type not in COMPOUND or left is None or right is None:
            return None
        if not _pure_target(left):
            return "the target may have side effects"
        if parsed.lang == "java":
            reason = _java_expandable(left, right)
            if reason is not None:
                return reason
        return Site.of(node, operator=operator.type[:-1], left=left, right=right)

    def _rewrite(
        self, parsed: ParsedCode, site: Site, rng: random.Random, context: dict[str, Any]
    ) -> list[Edit]:
        left: Node = site.info["left"]
        right: Node = site.info["right"]
        target = parsed.text(left)
        value = parsed.text(right)
        if not is_atom(right):
            value = f"({value})"
        text = f"{target} = {target} {site.info['operator']} {value}"
        return [edit(parsed, site.node.start_byte, site.node.end_byte, text)]


@transform(
    "contract-compound-assignment",
    languages=("c", "java"),
    description="rewrite x = x OP y as x OP= y when x has no side effects",
)
@dataclass(frozen=True)
class ContractCompoundAssignment(SiteTransformation):
    """`x = x + y` -> `x += y`."""

    max_sites: int = 2

    site_types: ClassVar[frozenset[str]] = frozenset({"assignment_expression"})
    site_name: ClassVar[str] = "assignment of the form x = x OP y"

    def _check(self, parsed: ParsedCode, node: Node) -> Site | str | None:
        operator = node.child_by_field_name("operator")
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        if operator is None or operator.type != "=" or left is None or right is None:
            return None
        if right.type != "binary_expression":
            return None
        inner = right.child_by_field_name("operator")
        first = right.child_by_field_name("left")
        second = right.child_by_field_name("right")
        if inner is None or first is None or second is None:
            return None
        if f"{inner.type}=" not in COMPOUND or not _tokens_equal(first, left):
            return None
        if not _pure_target(left):
            return "the target may have side effects"
        return Site.of(node, operator=inner.type, left=left, operand=second)

    def _rewrite(
        self, parsed: ParsedCode, site: Site, rng: random.Random, context: dict[str, Any]
    ) -> list[Edit]:
        target = parsed.text(site.info["left"])
        operand = parsed.text(site.info["operand"])
        text = f"{target} {site.info['operator']}= {operand}"
        return [edit(parsed, site.node.start_byte, site.node.end_byte, text)]


def _value_unused(node: Node) -> bool:
    """Whether the value of expression `node` is discarded: an expression statement, a for
    update, or (C) an operand of a comma expression whose value is itself discarded, other than
    its last operand when that value is used."""
    parent = node.parent
    if parent is None:
        return False
    if parent.type == "expression_statement":
        return True
    if parent.type == "for_statement":
        return any(u.id == node.id for u in children(parent, "update"))
    if parent.type == "comma_expression":
        left = parent.child_by_field_name("left")
        return (left is not None and left.id == node.id) or _value_unused(parent)
    return False


def _increment_parts(node: Node) -> tuple[str, Node, str] | None:
    """(form, target, sign) of `x++`, `++x`, `x += 1` or `x -= 1`; None for anything else."""
    if node.type == "update_expression":
        operator = next((c for c in node.children if c.type in ("++", "--")), None)
        target = next((c for c in node.children if c.is_named), None)
        if operator is None or target is None:
            return None
        form = "post" if operator.start_byte > target.start_byte else "pre"
        return form, target, operator.type[0]
    if node.type == "assignment_expression":
        operator = node.child_by_field_name("operator")
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        if operator is None or left is None or right is None:
            return None
        if operator.type in ("+=", "-=") and (right.text or b"").strip() == b"1":
            return "compound", left, operator.type[0]
    return None


@transform(
    "increment-form",
    languages=("c", "java"),
    description="interchange i++, ++i and i += 1 where the value is unused",
)
@dataclass(frozen=True)
class IncrementForm(SiteTransformation):
    """`i++` <-> `++i` <-> `i += 1` (and decrements) in statement and for-update position."""

    max_sites: int = 2
    to: str = "any"

    def __post_init__(self) -> None:
        super().__post_init__()
        check_choice("to", self.to, ("any", *INCREMENT_FORMS))

    site_types: ClassVar[frozenset[str]] = frozenset({"update_expression", "assignment_expression"})
    site_name: ClassVar[str] = "increment whose value is unused"

    def _check(self, parsed: ParsedCode, node: Node) -> Site | str | None:
        parts = _increment_parts(node)
        if parts is None:
            return None
        if not _value_unused(node):
            return "the value of the increment is used"
        form, target, sign = parts
        forms = list(INCREMENT_FORMS)
        if parsed.lang == "java" and not (
            target.type == "identifier" and java_local_type(target) in JAVA_NUMERIC_TYPES
        ):
            if form == "compound":
                return "Java += 1 on a target not declared with a primitive numeric type"
            forms.remove("compound")
        forms.remove(form)
        if self.to != "any":
            if self.to not in forms:
                return f"no increment that can take the {self.to} form"
            forms = [self.to]
        return Site.of(node, forms=forms, target=target, sign=sign)

    def _rewrite(
        self, parsed: ParsedCode, site: Site, rng: random.Random, context: dict[str, Any]
    ) -> list[Edit]:
        target_node: Node = site.info["target"]
        target = parsed.text(target_node)
        sign = site.info["sign"]
        form = rng.choice(site.info["forms"])
        postfix_target = target if is_atom(target_node) else f"({target})"
        text = {
            "post": f"{postfix_target}{sign}{sign}",
            "pre": f"{sign}{sign}{target}",
            "compound": f"{target} {sign}= 1",
        }[form]
        return [edit(parsed, site.node.start_byte, site.node.end_byte, text)]
