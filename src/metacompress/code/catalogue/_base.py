"""The shape most catalogue transformations share: find candidate sites, check each one's
preconditions, pick up to `max_sites` non-overlapping sites with the seeded rng, rewrite them.

A subclass names the node types it looks at (`site_types`), says in `_check` whether a node is a
site (returning a `Site`), not a candidate at all (None) or a candidate that fails a
precondition (a reason string), and turns a chosen site into edits in `_rewrite`. Candidates
that touch a parse error are never sites; when nothing is left the reason names the most
frequent failed precondition, or the parse errors.
"""

from __future__ import annotations

import abc
import random
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol, TypeVar

from tree_sitter import Node

from metacompress.code.catalogue._syntax.nodes import nodes_in_bodies
from metacompress.code.edits import Edit
from metacompress.code.parsing import ParsedCode
from metacompress.code.transform import NotApplicable, Transformation, parse_error_reason
from metacompress.registry import check_range


@dataclass(frozen=True)
class Site:
    """A place a transformation may act: the node, the raw byte span it occupies (no two
    chosen sites overlap) and whatever the rewrite needs."""

    node: Node
    start: int
    end: int
    info: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, node: Node, **info: Any) -> Site:
        return cls(node, node.start_byte, node.end_byte, dict(info))


class Span(Protocol):
    """Anything with a raw byte span: a `Site`, a layout gap."""

    @property
    def start(self) -> int: ...

    @property
    def end(self) -> int: ...


SpanT = TypeVar("SpanT", bound=Span)


def _overlap(a: Span, b: Span) -> bool:
    return a.start < b.end and b.start < a.end or a.start == b.start


def choose_sites(sites: list[SpanT], rng: random.Random, max_sites: int) -> list[SpanT]:
    """Up to `max_sites` pairwise non-overlapping sites (or other spans), in an order drawn by
    `rng`, returned in document order."""
    order = list(range(len(sites)))
    rng.shuffle(order)
    chosen: list[SpanT] = []
    for index in order:
        site = sites[index]
        if any(_overlap(site, other) for other in chosen):
            continue
        chosen.append(site)
        if len(chosen) == max_sites:
            break
    return sorted(chosen, key=lambda s: (s.start, s.end))


@dataclass(frozen=True)
class SiteTransformation(Transformation):
    """A transformation acting on up to `max_sites` sites chosen at random."""

    max_sites: int = 1

    site_types: ClassVar[frozenset[str]] = frozenset()
    site_name: ClassVar[str] = "site"

    def __post_init__(self) -> None:
        check_range("max_sites", self.max_sites, 1, None)

    def _candidates(self, parsed: ParsedCode) -> list[Node]:
        return nodes_in_bodies(parsed, self.site_types)

    @abc.abstractmethod
    def _check(self, parsed: ParsedCode, node: Node) -> Site | str | None:
        """A Site, None (not a candidate) or the precondition that fails."""

    @abc.abstractmethod
    def _rewrite(
        self, parsed: ParsedCode, site: Site, rng: random.Random, context: dict[str, Any]
    ) -> list[Edit]:
        """The edits for one chosen site; `context` is shared by the sites of one call (e.g.
        the names taken so far)."""

    def _edits(self, parsed: ParsedCode, rng: random.Random) -> list[Edit] | NotApplicable:
        sites: list[Site] = []
        failed: Counter[str] = Counter()
        for node in self._candidates(parsed):
            outcome = self._check(parsed, node)
            if outcome is None:
                continue
            if isinstance(outcome, str):
                failed[outcome] += 1
            elif parsed.overlaps_error(
                (parsed.to_code(outcome.start), parsed.to_code(outcome.end))
            ):
                failed["touches a parse error"] += 1
            else:
                sites.append(outcome)
        if not sites:
            reasons = [r for r, _ in failed.most_common() if r != "touches a parse error"]
            if reasons:
                return NotApplicable(f"no applicable {self.site_name}: {reasons[0]}")
            return parse_error_reason(parsed, self.site_name)
        edits: list[Edit] = []
        context: dict[str, Any] = {}
        for site in choose_sites(sites, rng, self.max_sites):
            edits.extend(self._rewrite(parsed, site, rng, context))
        return edits
