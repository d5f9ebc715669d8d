"""Follow-up specs: the `followups:` entries of a run config, validated against the registries.

An entry is a transformation name (or ``all``: every catalogue transformation of the task's
language), ``transforms: [...]`` (one follow-up each), ``transform: NAME`` with parameters,
``combine: K`` (K random applicable transformations in sequence: the `compose`
transformation), ``attack: NAME`` against a victim (``both``: the teacher and every student,
ids ATTACK@teacher and ATTACK@STUDENT) or ``search: NAME`` (a deviation search asking the
teacher and a student, one per student). Ids are unique; ``source`` and the pool names are
reserved.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from metacompress.configfile import KeyPath, Reader
from metacompress.data.types import SOURCE
from metacompress.pipeline.students import STUDENT, TEACHER
from metacompress.rundir.layout import POOLS

ALL_FOLLOWUPS = "all"
SIDES = ("all", "first", "second")
#: What separates an example id from a follow-up id in a variant id (so never in a follow-up id).
ID_SEPARATOR = "/"
#: The combinator transformation a `combine: k` follow-up stands for.
COMPOSE = "compose"


@dataclass(frozen=True)
class FollowupSpec:
    """One kind of follow-up input; `name` is its id in every table.

    kind "transform": `component` is a transformation applied with `params` (a k-step
    combination is the `compose` transformation); kind "attack": `component` is an attack
    searching against `victim`; kind "search": `component` is a deviation search asking both
    models (`metacompress.attacks.deviation`). `sides` says which inputs of a pair are
    transformed.
    """

    name: str
    kind: str
    component: str = ""
    params: dict[str, Any] = field(default_factory=dict)
    victim: str | None = None
    sides: str = "all"

    def to_dict(self) -> dict[str, Any]:
        if self.kind == "transform":
            return {"transform": self.component, "id": self.name, "params": dict(self.params),
                    "sides": self.sides}  # fmt: skip
        if self.kind == "search":
            ident = self.name.removesuffix(f"@{self.victim}") if self.victim else self.name
            return {"search": self.component, "id": ident, "params": dict(self.params)}
        return {"attack": self.component, "id": self.name.rsplit("@", 1)[0], "against": self.victim,
                "params": dict(self.params)}  # fmt: skip


def _transform_names(lang: str) -> list[str]:
    """Every catalogue transformation of `lang`, combinators left out."""
    from metacompress.code.combine import candidates

    return candidates(lang)


def _check_transform(r: Reader, name: str, params: dict, lang: str, path: KeyPath) -> None:
    from metacompress.code.transform import TRANSFORMS

    if name not in TRANSFORMS:
        known = ", ".join(TRANSFORMS.names()) or "none"
        raise r.error(path, f"unknown transformation {name!r}; expected one of: {known}")
    if lang not in TRANSFORMS.entry(name).meta.get("languages", ()):
        raise r.error(path, f"transformation {name!r} does not support language {lang!r}")
    r.create(path, TRANSFORMS.create, name, **params)


def _check_attack(r: Reader, name: str, params: dict, path: KeyPath) -> None:
    try:
        from metacompress.attacks.base import ATTACKS
    except ImportError:
        raise r.error(path, "attacks are not available in this installation") from None
    r.create(path, ATTACKS.create, name, **params)


def _check_search(r: Reader, name: str, params: dict, lang: str, path: KeyPath) -> None:
    from metacompress.attacks.deviation import SEARCHES
    from metacompress.attacks.deviation.space import catalogue_operators

    search = r.create(path, SEARCHES.create, name, **params)
    r.create(path, catalogue_operators, lang, search.transforms)


def parse_followups(
    r: Reader, raw: Any, lang: str, students: tuple[str, ...] = (STUDENT,)
) -> tuple[FollowupSpec, ...]:
    """The follow-ups of a config's `followups` list (see `metacompress.pipeline.config`);
    `students` names the students an attack or search may target."""
    path: KeyPath = ("followups",)
    items = r.sequence(raw, path)
    specs: list[FollowupSpec] = []
    for index, item in enumerate(items):
        where: KeyPath = (*path, index)
        if isinstance(item, str):
            names = _transform_names(lang) if item == ALL_FOLLOWUPS else [item]
            for name in names:
                _check_transform(r, name, {}, lang, where)
            made = [FollowupSpec(name, "transform", name) for name in names]
        else:
            entry = r.mapping(item, where)
            keys = ("transforms", "transform", "combine", "attack", "search")
            kinds = [k for k in keys if k in entry]
            if len(kinds) != 1:
                raise r.error(where, f"expected exactly one of the keys {', '.join(keys)}")
            made = _followup(r, kinds[0], entry, where, lang, students)
        for spec in made:
            if spec.name in (SOURCE, *POOLS) or spec.name in (s.name for s in specs):
                what = "is reserved" if spec.name in (SOURCE, *POOLS) else "is used twice"
                raise r.error(where, f"follow-up id {spec.name!r} {what}; give an explicit id")
            if ID_SEPARATOR in spec.name:  # variant ids are EXAMPLE/FOLLOWUP: keep them unique
                raise r.error(where, f"follow-up id {spec.name!r} may not contain "
                                     f"{ID_SEPARATOR!r}; give another id")  # fmt: skip
            specs.append(spec)
    if not specs:
        raise r.error(path, "expected at least one follow-up (without one, no metamorphic "
                            "relation is tested); leave the key out for all of them")
    return tuple(specs)


def _followup(
    r: Reader, kind: str, entry: dict, where: KeyPath, lang: str, students: tuple[str, ...]
) -> list[FollowupSpec]:
    if kind == "transforms":
        r.mapping(entry, where, ("transforms", "sides"))
        sides = r.string(entry.get("sides", "all"), (*where, "sides"), SIDES)
        raw = entry["transforms"]
        if raw == ALL_FOLLOWUPS:
            names = _transform_names(lang)
        else:
            names = [r.string(n, (*where, "transforms", i)) for i, n in
                     enumerate(r.sequence(raw, (*where, "transforms")))]  # fmt: skip
        for i, name in enumerate(names):
            _check_transform(r, name, {}, lang, (*where, "transforms", i))
        return [FollowupSpec(name, "transform", name, {}, sides=sides) for name in names]
    if kind == "transform":
        r.mapping(entry, where, ("transform", "params", "id", "sides"))
        name = r.string(entry["transform"], (*where, "transform"))
        params = r.params(entry.get("params"), (*where, "params"))
        _check_transform(r, name, params, lang, (*where, "transform"))
        ident = r.string(entry.get("id", name), (*where, "id"))
        sides = r.string(entry.get("sides", "all"), (*where, "sides"), SIDES)
        return [FollowupSpec(ident, "transform", name, params, sides=sides)]
    if kind == "combine":
        r.mapping(entry, where, ("combine", "from", "id", "sides"))
        k = r.integer(entry["combine"], (*where, "combine"), 1)
        raw = entry.get("from", ALL_FOLLOWUPS)
        if raw == ALL_FOLLOWUPS:
            pool = _transform_names(lang)
        else:
            pool = [r.string(n, (*where, "from", i)) for i, n in
                    enumerate(r.sequence(raw, (*where, "from")))]  # fmt: skip
            for i, name in enumerate(pool):
                _check_transform(r, name, {}, lang, (*where, "from", i))
        params = {"k": k, "transforms": pool}
        _check_transform(r, COMPOSE, params, lang, (*where, "combine"))
        ident = r.string(entry.get("id", f"combine-{k}"), (*where, "id"))
        sides = r.string(entry.get("sides", "all"), (*where, "sides"), SIDES)
        return [FollowupSpec(ident, "transform", COMPOSE, params, sides=sides)]
    if kind == "search":
        r.mapping(entry, where, ("search", "budget", "params", "id"))
        name = r.string(entry["search"], (*where, "search"))
        params = r.params(entry.get("params"), (*where, "params"))
        if "budget" in entry:
            params = {**params, "budget": r.integer(entry["budget"], (*where, "budget"), 1)}
        _check_search(r, name, params, lang, (*where, "search"))
        ident = r.string(entry.get("id", name), (*where, "id"))
        if students == (STUDENT,):
            return [FollowupSpec(ident, "search", name, params)]
        return [FollowupSpec(f"{ident}@{s}", "search", name, params, victim=s) for s in students]
    r.mapping(entry, where, ("attack", "params", "against", "id"))
    name = r.string(entry["attack"], (*where, "attack"))
    params = r.params(entry.get("params"), (*where, "params"))
    _check_attack(r, name, params, (*where, "params") if params else (*where, "attack"))
    against = r.string(entry.get("against", "both"), (*where, "against"),
                       (TEACHER, STUDENT, "both", *students))  # fmt: skip
    victims = {TEACHER: (TEACHER,), STUDENT: students if STUDENT not in students else (STUDENT,),
               "both": (TEACHER, *students)}.get(against, (against,))  # fmt: skip
    ident = r.string(entry.get("id", name), (*where, "id"))
    return [FollowupSpec(f"{ident}@{v}", "attack", name, params, victim=v) for v in victims]
