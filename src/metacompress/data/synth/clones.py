"""The synthetic clone benchmark: pairs of Java methods, clones (label 1) or not (label 0).

Clone types (Roy and Cordy's taxonomy, as BigCloneBench uses it):
- type-1: the same method in another layout (indentation, braces, spacing, a comment);
- type-2: the same method with every identifier renamed (method, parameters, locals);
- type-3 (near-miss, gapped): the same method with statements added or changed that do not
  change its behaviour (an unused local, a step counter, an assertion, `i += 1` for `i++`);
- type-4: another implementation of the same behaviour (`java_methods.FAMILIES`).
Non-clones, half each:
- different-function: two families of the same signature (so neither names nor parameter
  lists give the answer);
- behaviour-change: the same implementation with one marked mutation (`«a@@b»`), possibly
  renamed and gapped: it looks like a type-2/3 clone and behaves differently.
Labels alternate in blocks of two (one clone, one non-clone, random order); clone types and
negative kinds go round in shuffled cycles. The two methods swap places half the time.
Ids are "0", "1", ...; `meta` holds `clone_type`, `negative`, `family1`/`family2`,
`impl1`/`impl2`, `method1`/`method2` (names), `signature` and `mutation`.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, replace

from metacompress.data.synth.java_methods import FAMILIES, ROLE_POOLS, SIGNATURES, Family
from metacompress.data.synth.names import NameDrawer, java_method_name
from metacompress.data.synth.style import (
    Style,
    choose,
    count_points,
    draw_style,
    restyle,
    substitute,
)
from metacompress.data.types import Example

CLONE_TYPES = ("type-1", "type-2", "type-3", "type-4")
NEGATIVE_KINDS = ("different-function", "behaviour-change")
GAP_KINDS = ("unused", "counter", "assert", "increment")
MODIFIERS = ("public static", "static", "public", "private static", "private", "protected")
_ROLE = re.compile(r"\$([a-z]\w*)")
_LOOP_HEADER = re.compile(r"^(\s*)(for|while) \(.*\{$")
_INCREMENT = re.compile(r"(\$\w+)\+\+\)")
_UNUSED = {
    "int[]->int": "$a.length",
    "int[],int->int": "$a.length",
    "int->long": "$n",
    "String->String": "$s.length()",
    "String->int": "$s.length()",
}
_ASSERT = {
    "int[]->int": "$a != null",
    "int[],int->int": "$a != null",
    "int->long": "$n >= 0",
    "String->String": "$s != null",
    "String->int": "$s != null",
}


@dataclass(frozen=True)
class MethodSpec:
    """Everything that determines one generated method."""

    family: Family
    impl: str
    names: dict[str, str]
    modifiers: str
    style: Style
    mutation: int | None = None
    gaps: tuple[str, ...] = ()

    def canonical(self) -> str:
        """Signature and body as canonical template text, names not yet substituted."""
        ret, params = SIGNATURES[self.family.signature]
        body = choose(self.family.impls[self.impl], lambda p: int(p == self.mutation))
        body = apply_gaps(body, self.gaps, self.family.signature)
        args = ", ".join(f"{kind} ${role}" for kind, role in params)
        return f"{self.modifiers} {ret} $m({args}) {{\n{body}}}\n"

    def render(self) -> str:
        return restyle(substitute(self.canonical(), self.names), self.style)


def apply_gaps(body: str, gaps: tuple[str, ...], signature: str) -> str:
    """Behaviour-preserving statement edits of type-3 clones (see the module docstring).

    The k-th gap's new local is role `$g` (k = 0) or `$g2` (k = 1). A "counter" without a loop
    and an "increment" without `x++)` fall back to "unused".
    """
    lines = body.rstrip("\n").split("\n")
    for number, gap in enumerate(gaps):
        var = "$g" if number == 0 else "$g2"
        if gap == "counter":
            loop = next((i for i, line in enumerate(lines) if _LOOP_HEADER.match(line)), None)
            if loop is not None:
                pad = _LOOP_HEADER.match(lines[loop]).group(1)  # type: ignore[union-attr]
                lines.insert(loop + 1, f"{pad}    {var}++;")
                lines.insert(0, f"    int {var} = 0;")
                continue
            gap = "unused"
        if gap == "increment":
            changed = [_INCREMENT.sub(r"\1 += 1)", line) for line in lines]
            if changed != lines:
                lines = changed
                continue
            gap = "unused"
        if gap == "unused":
            lines.insert(0, f"    int {var} = {_UNUSED[signature]};")
        else:
            lines.insert(0, f"    assert {_ASSERT[signature]};")
    return "\n".join(lines) + "\n"


def _roles(text: str) -> list[str]:
    return sorted(set(_ROLE.findall(text)) - {"m"})


def draw_names(
    rng: random.Random, family: Family, text: str, avoid: dict[str, str] | None = None
) -> dict[str, str]:
    """Names for every role of `text`; with `avoid`, each role gets a different name."""
    taken = set(avoid.values()) if avoid else set()
    drawer = NameDrawer(rng, taken)
    names = {"m": java_method_name(rng, family.stems)}
    while avoid and names["m"] == avoid.get("m"):
        names["m"] = java_method_name(rng, family.stems)
    drawer.taken.add(names["m"])
    for role in _roles(text):
        names[role] = drawer.pick(ROLE_POOLS[role])
    return names


def _spec(rng: random.Random, family: Family, impl: str, **changes: object) -> MethodSpec:
    base = MethodSpec(family, impl, {}, rng.choice(MODIFIERS), draw_style(rng, "java"))
    spec = replace(base, **changes)  # type: ignore[arg-type]
    if not spec.names:
        spec = replace(spec, names=draw_names(rng, family, spec.canonical()))
    return spec


def _gaps(rng: random.Random) -> tuple[str, ...]:
    return tuple(rng.sample(GAP_KINDS, rng.choice((1, 1, 2))))


def _renamed(rng: random.Random, spec: MethodSpec, gaps: tuple[str, ...] = ()) -> dict[str, str]:
    text = replace(spec, gaps=gaps).canonical()
    return draw_names(rng, spec.family, text, avoid=spec.names)


def _with_names(spec: MethodSpec, rng: random.Random) -> dict[str, str]:
    """The first method's names, plus names for roles that gaps or mutations introduced."""
    names = dict(spec.names)
    drawer = NameDrawer(rng, set(names.values()))
    for role in _roles(spec.canonical()):
        if role not in names:
            names[role] = drawer.pick(ROLE_POOLS[role])
    return names


def clone_pair(rng: random.Random, kind: str) -> tuple[MethodSpec, MethodSpec]:
    """Two methods that behave the same, of clone type `kind`."""
    family = rng.choice(FAMILIES)
    first = _spec(rng, family, rng.choice(sorted(family.impls)))
    if kind == "type-1":
        style = draw_style(rng, "java")
        while style == first.style:
            style = draw_style(rng, "java")
        return first, replace(first, style=style)
    if kind == "type-2":
        style = draw_style(rng, "java") if rng.random() < 0.5 else first.style
        return first, replace(first, names=_renamed(rng, first), style=style)
    if kind == "type-3":
        second = replace(first, gaps=_gaps(rng), style=draw_style(rng, "java"))
        if rng.random() < 0.5:
            return first, replace(second, names=_renamed(rng, first, second.gaps))
        return first, replace(second, names=_with_names(second, rng))
    other = rng.choice(sorted(set(family.impls) - {first.impl}))
    return first, _spec(rng, family, other)


def non_clone_pair(rng: random.Random, kind: str) -> tuple[MethodSpec, MethodSpec]:
    """Two methods that behave differently on some input."""
    family = rng.choice(FAMILIES)
    first = _spec(rng, family, rng.choice(sorted(family.impls)))
    if kind == "different-function":
        options = [f for f in FAMILIES if f.signature == family.signature and f is not family]
        other = rng.choice(options)
        return first, _spec(rng, other, rng.choice(sorted(other.impls)))
    points = count_points(family.impls[first.impl])
    gaps = _gaps(rng) if rng.random() < 0.3 else ()
    second = replace(
        first, mutation=rng.randrange(points), gaps=gaps, style=draw_style(rng, "java")
    )
    if rng.random() < 0.5:
        return first, replace(second, names=_renamed(rng, first, gaps))
    return first, replace(second, names=_with_names(second, rng))


def generate_clone(n: int, seed: int) -> list[Example]:
    """`n` labelled method pairs, half clones (see the module docstring)."""
    rng = random.Random(f"metacompress-synth/clone/{seed}")
    examples: list[Example] = []
    types: list[str] = []
    negatives: list[str] = []
    while len(examples) < n:
        labels = [1, 0] if rng.random() < 0.5 else [0, 1]
        for label in labels:
            if len(examples) == n:
                break
            if label == 1:
                if not types:
                    types = list(CLONE_TYPES)
                    rng.shuffle(types)
                kind = types.pop()
                first, second = clone_pair(rng, kind)
            else:
                if not negatives:
                    negatives = list(NEGATIVE_KINDS)
                    rng.shuffle(negatives)
                kind = negatives.pop()
                first, second = non_clone_pair(rng, kind)
            if rng.random() < 0.5:
                first, second = second, first
            meta = {
                "clone_type": kind if label == 1 else None,
                "negative": kind if label == 0 else None,
                "family1": first.family.name,
                "family2": second.family.name,
                "impl1": first.impl,
                "impl2": second.impl,
                "method1": first.names["m"],
                "method2": second.names["m"],
                "signature": first.family.signature,
                "mutation": first.mutation if first.mutation is not None else second.mutation,
            }
            inputs = (first.render(), second.render())
            examples.append(Example(str(len(examples)), inputs, label, meta))
    return examples
