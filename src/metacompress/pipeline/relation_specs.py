"""The relations a run evaluates and the release gates on them, as a run config names them.

- ``relations: all`` or a list of names / ``{name, params, id}``: each a `RelationSpec`
  (the id names it in the tables; the relation is created once here to check its params);
- ``gates``: each a `GateSpec` (`metacompress.pipeline.gates` evaluates them), checked against
  the run's relations and follow-ups by `check_gate`; `parse_gate` reads the command line's
  ``RELATION[@FOLLOWUP][:MEASURE]=LIMIT``.

A gate's measure (`MEASURES`) is ``rate``, ``induced`` or ``difference`` for an input-level
relation (``rate`` by default) and ``value`` for a set-level one; its limit lies in [0, 1], or
[-1, 1] for a difference.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from metacompress.configfile import KeyPath, Reader
from metacompress.data.types import SOURCE
from metacompress.errors import ConfigError
from metacompress.pipeline.followups import ALL_FOLLOWUPS, FollowupSpec
from metacompress.rundir.layout import POOLED, POOLS


@dataclass(frozen=True)
class RelationSpec:
    """A configured relation: `id` names it in the tables, `name` in the registry."""

    id: str
    name: str
    params: dict[str, Any] = field(default_factory=dict)

    def create(self) -> Any:
        from metacompress.relations.base import RELATIONS

        return RELATIONS.create(self.name, **self.params)

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "id": self.id, "params": dict(self.params)}


@dataclass(frozen=True)
class GateSpec:
    """A release gate on one measure of `relation` on `followup` (a set or a pool).

    `measure` (see `MEASURES`): "rate" (the violation rate), "induced" (violations among the
    pairs whose source pair holds), "difference" (rate - source rate) or "value" (a set-level
    relation's score; its only measure); None = "rate", or "value" for a set-level relation.
    `kind` "max_violation": fails when the measure exceeds `limit`; "fail_under" (rates only):
    fails when 1 - measure is below `limit`. A gate on an undefined measure fails.
    """

    relation: str
    kind: str
    limit: float
    followup: str = POOLED
    measure: str | None = None

    @property
    def label(self) -> str:
        where = "" if self.followup == POOLED else f"@{self.followup}"
        what = "" if self.measure is None else f":{self.measure}"
        return f"{self.relation}{where}{what} {self.kind.replace('_', '-')} {self.limit:g}"

    def to_dict(self) -> dict[str, Any]:
        measure = {} if self.measure is None else {"measure": self.measure}
        return {"relation": self.relation, "followup": self.followup, **measure,
                self.kind: self.limit}  # fmt: skip


#: What a gate can read: the rates of an input-level relation, the value of a set-level one.
MEASURES = ("rate", "induced", "difference", "value")
INPUT_MEASURES, SET_MEASURES = ("rate", "induced", "difference"), ("value",)


def parse_relations(r: Reader, raw: Any) -> tuple[RelationSpec, ...]:
    """The ``relations`` entry of a config (module docstring)."""
    from metacompress.relations.base import RELATIONS

    path: KeyPath = ("relations",)
    if raw == ALL_FOLLOWUPS:
        items: list[Any] = list(RELATIONS.names())
    else:
        items = r.sequence(raw, path)
    specs: list[RelationSpec] = []
    for index, item in enumerate(items):
        where: KeyPath = (*path, index)
        entry = r.mapping({"name": item} if isinstance(item, str) else item, where,
                          ("name", "params", "id"))  # fmt: skip
        name = r.string(entry.get("name"), (*where, "name"))
        params = r.params(entry.get("params"), (*where, "params"))
        r.create((*where, "name"), RELATIONS.get, name)
        r.create((*where, "params"), RELATIONS.create, name, **params)
        ident = r.string(entry.get("id", name), (*where, "id"))
        if ident in (s.id for s in specs):
            raise r.error((*where, "id"), f"relation id {ident!r} is used twice")
        specs.append(RelationSpec(ident, name, params))
    if not specs:
        raise r.error(path, "expected at least one relation")
    return tuple(specs)


def parse_gates(
    r: Reader, raw: Any, relations: Sequence[RelationSpec], followups: Sequence[FollowupSpec]
) -> tuple[GateSpec, ...]:
    """The ``gates`` entry of a config, each checked by `check_gate`."""
    path: KeyPath = ("gates",)
    gates: list[GateSpec] = []
    for index, item in enumerate(r.sequence(raw, path)):
        where: KeyPath = (*path, index)
        keys = ("relation", "followup", "measure", "max_violation", "fail_under")
        entry = r.mapping(item, where, keys)
        kinds = [k for k in ("max_violation", "fail_under") if k in entry]
        if len(kinds) != 1:
            raise r.error(where, "expected exactly one of max_violation, fail_under")
        measure = entry.get("measure")
        if measure is not None:
            measure = r.string(measure, (*where, "measure"), MEASURES)
        low = -1.0 if measure == "difference" else 0.0
        gates.append(
            check_gate(
                GateSpec(
                    relation=r.string(entry.get("relation"), (*where, "relation")),
                    kind=kinds[0],
                    limit=r.number(entry[kinds[0]], (*where, kinds[0]), low, 1.0),
                    followup=r.string(entry.get("followup", POOLED), (*where, "followup")),
                    measure=measure,
                ),
                relations,
                followups,
                lambda message, w=where: r.error(w, message),
            )
        )
    return tuple(gates)


def check_gate(
    gate: GateSpec,
    relations: Sequence[RelationSpec],
    followups: Sequence[FollowupSpec],
    error: Any = ConfigError,
) -> GateSpec:
    """Return `gate` when its relation, follow-up, measure and limit make sense in the run;
    else raise `error(msg)`."""
    from metacompress.relations.base import SET_LEVEL
    from metacompress.relations.union import ANY_PAPER_RELATION

    ids = [r.id for r in relations]
    if gate.relation not in (*ids, ANY_PAPER_RELATION):
        raise error(
            f"gate on unknown relation {gate.relation!r}; expected one of: "
            f"{', '.join([*ids, ANY_PAPER_RELATION])}"
        )
    names = [*POOLS, SOURCE, *(f.name for f in followups)]
    if gate.followup not in names:
        raise error(
            f"gate on unknown follow-up {gate.followup!r}; expected one of: {', '.join(names)}"
        )
    spec = next((r for r in relations if r.id == gate.relation), None)
    set_level = spec is not None and spec.create().level == SET_LEVEL
    allowed = SET_MEASURES if set_level else INPUT_MEASURES
    measure = gate.measure or allowed[0]
    if measure not in allowed:
        what = "a set-level" if set_level else "an input-level"
        raise error(f"gate measure {measure!r} does not apply to {gate.relation!r}, "
                    f"{what} relation; expected one of: {', '.join(allowed)}")  # fmt: skip
    if gate.kind == "fail_under" and measure not in ("rate", "induced"):
        raise error(f"fail_under reads a rate (rate, induced), not {measure!r}; use max_violation")
    low = -1.0 if measure == "difference" else 0.0
    if not low <= gate.limit <= 1.0:
        raise error(f"gate limit {gate.limit:g} for {measure!r} must be in [{low:g}, 1]")
    return gate


def parse_gate(text: str, kind: str) -> GateSpec:
    """A command-line gate 'RELATION[@FOLLOWUP][:MEASURE]=LIMIT' of `kind` max_violation or
    fail_under (measures: `MEASURES`)."""
    flag = "--" + kind.replace("_", "-")
    name, sep, value = text.partition("=")
    name, _, measure = name.partition(":")
    relation, _, followup = name.partition("@")
    try:
        limit = float(value)
    except ValueError:
        limit = float("nan")
    if not sep or not relation or not -1.0 <= limit <= 1.0 or (measure and measure not in MEASURES):
        raise ConfigError(
            f"{flag}: expected RELATION[@FOLLOWUP][:MEASURE]=LIMIT with MEASURE one of "
            f"{', '.join(MEASURES)} and LIMIT a number, got {text!r}"
        )
    return GateSpec(relation=relation, kind=kind, limit=limit, followup=followup or POOLED,
                    measure=measure or None)  # fmt: skip
