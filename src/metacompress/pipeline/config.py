"""The experiment config: a YAML file, validated on load, resolved to a `RunConfig`.

Every error names the file, the line (from YAML node marks), the key and what was expected::

    devign.yaml:12: followups[1].against: expected one of teacher, student, both, got 'teachr'

Schema (defaults in brackets; relative paths are relative to the config file's folder)::

    task: vulnerability                  # required: vulnerability (C) | clone (Java pairs)
    seed: 0                              # [0] seeds every random choice of the run
    data:                                # required (`metacompress.data.loaders.load_examples`)
      format: devign                     # [auto] devign | bigclonebench | jsonl | csv | parquet
                                         #   | arrow | hf | synth (the built-in generator)
      path: ../shared/data/devign/test.jsonl.xz   # file, folder or hub id (not for synth)
      pairs: test.txt                    # bigclonebench: the pair file
      columns: {code: func, label: target}   # jsonl/csv: column mapping
      split: test                        # parquet/arrow/hf: which split
      n: 200                             # synth: how many examples to generate [200]
      limit: 100                         # [none] seeded, stratified sample (--limit overrides)
    teacher: models/teacher              # required: model spec (`metacompress.models.load_model`):
                                         #   spec file, folder, hub id (owner/name), or a mapping
                                         #   whose paths are relative to the config file; a
                                         #   path is taken as such when it exists or starts
                                         #   with ./ ../ ~ or /
    student: models/student              # one student, or several (a study) instead:
    # students:                          #   name -> model spec, or name -> {model, method,
    #   compressor: models/compressor    #   seed, size_mb, parameters}; see
    #   morph: {model: models/morph, method: MORPH, seed: 1}  # `pipeline.students`
    cache: shared                        # [shared] predictions shared by every run on this
                                         #   machine (`models.shared_cache`) | run (this run
                                         #   directory only) | a folder for the shared cache
    device: cpu                          # [cpu] cpu | cuda | auto
    half: false                          # [false] float16 on GPU
    allow_pickle: false                  # [false] accept pickled checkpoints (can run code)
    trust_remote_code: false             # [false] run code shipped with a model or named by a
                                         #   `callable` model spec
    batch_size: 32                       # [32] model batch size
    chunk_size: 64                       # [64] units of work per committed chunk
    workers: 1                           # [1] local: processes for parsing and transforming;
                                         #   ray: actors, each holding both models
    backend: local                       # [local] local (this machine) | ray (Ray actors)
    ray_address: null                    # [none: start a local Ray] cluster to join with
                                         #   backend ray: auto | HOST:PORT | ray://HOST:PORT
    time_limit: 10                       # [10] seconds per input to parse and transform it,
                                         #   at most 86400 (MAX_TIME_LIMIT: one day)
    followups:                           # [[all]] the follow-up inputs, any mix of:
      - all                              #   one follow-up per catalogue transformation
                                         #   (or `transforms: [a, b]`: one follow-up each)
      - transform: rename-locals         #   one transformation with parameters
        params: {}
        id: rename-locals-again          #   [the transformation name] name in the tables
        sides: all                       #   [all] clone pairs: transform all | first | second
      - combine: 2                       #   k random applicable transformations in sequence
        from: all                        #   [all] or a list of transformation names
                                         #   (the `compose` transformation, id combine-K)
      - search: deviation                #   inputs on which teacher and student disagree,
        budget: 200                      #   found by a search asking both models; budget:
        params: {}                       #   [the search's] unique queries per source
        id: deviation                    #   [the search name]
      - attack: mhm                      #   adversarial inputs found by an attack ...
        against: both                    #   [both] ... against teacher | student (every
                                         #   student) | both (teacher and every student) |
                                         #   a student's name
        params: {budget: 200}            #   the attack's parameters
        id: mhm                          #   [the attack name]: ids mhm@teacher, mhm@student
    relations: all                       # [all] or a list of names / {name, params, id}
    gates:                               # [none] release gates (see `pipeline.gates`)
      - relation: prediction-agreement
        followup: all                    # [all] a follow-up id, source, or a pool:
                                         #   transformations | attacks | all (both)
        measure: induced                 # [rate] rate | induced | difference; value for a
                                         #   set-level relation (docs/relations.md)
        max_violation: 0.05              # fail when the measure exceeds 0.05
      - relation: label-invariance-student
        fail_under: 0.95                 # fail when the rate at which it holds is below 0.95
    statistics:
      bootstrap: 1000                    # [1000] bootstrap resamples for the 95 % intervals
      confidence: 0.95                   # [0.95]
    hidden: auto                         # [auto] pooled representations: auto | always | never
    output: runs/devign                  # [runs/CONFIG-STEM] the run directory (--out overrides)
    report: [html, md, json, junit]      # [these four] reports written at the end (also csv,
                                         #   parquet: the tables/ exports, always written)

Follow-up ids are unique and hold no ``/`` (a variant's id is EXAMPLE/FOLLOWUP). Follow-ups
that come to none (``followups: []``) are a config error: the run would compare the models on
the unmodified inputs only and test no metamorphic relation. An attack run against both models
yields one follow-up per victim, ATTACK@teacher and ATTACK@STUDENT (ATTACK@student for the one
student of `student:`); the unmodified input is the follow-up ``source``, always evaluated.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from metacompress.data.types import SOURCE, TASKS
from metacompress.errors import ConfigError
from metacompress.pipeline.students import (
    STUDENT,
    TEACHER,
    StudentSpec,
    check_tasks,
    parse_students,
)
from metacompress.rundir.layout import ATTACKS_POOL, POOLED, POOLS, TRANSFORMATIONS_POOL

LANG_OF_TASK = {"vulnerability": "c", "clone": "java"}
#: The cache settings: the machine's shared prediction cache, or the run directory's only.
SHARED_CACHE, RUN_CACHE = "shared", "run"
DEVICES = ("cpu", "cuda", "auto")
HIDDEN = ("auto", "always", "never")
SIDES = ("all", "first", "second")
REPORT_FORMATS = ("html", "md", "json", "junit", "csv", "parquet")
DEFAULT_REPORTS = ("html", "md", "json", "junit")
ALL_FOLLOWUPS = "all"
#: The most seconds `time_limit` may give one input (larger values overflow the watchdog's timer).
MAX_TIME_LIMIT = 86_400.0
#: What separates an example id from a follow-up id in a variant id (so never in a follow-up id).
ID_SEPARATOR = "/"
#: The combinator transformation a `combine: k` follow-up stands for.
COMPOSE = "compose"
#: Settings that cannot change any result: a run may be resumed with other values.
NOT_RESULT_KEYS = (
    "workers", "backend", "ray_address", "batch_size", "output", "report", "allow_pickle",
    "trust_remote_code", "cache",
)  # fmt: skip

_TOP_KEYS = (
    "task", "seed", "data", "teacher", "student", "students", "cache", "device", "half", "allow_pickle",
    "trust_remote_code", "batch_size", "chunk_size",
    "workers", "backend", "ray_address", "time_limit", "followups", "relations", "gates", "statistics", "hidden",
    "output", "report",
)  # fmt: skip

Path_ = tuple[str | int, ...]


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


@dataclass(frozen=True)
class RunConfig:
    """A validated, resolved experiment config (see the module docstring)."""

    task: str
    data: dict[str, Any]
    teacher: str | dict[str, Any]
    students: tuple[StudentSpec, ...]
    seed: int = 0
    device: str = "cpu"
    half: bool = False
    allow_pickle: bool = False
    trust_remote_code: bool = False
    batch_size: int = 32
    chunk_size: int = 64
    workers: int = 1
    backend: str = "local"
    ray_address: str | None = None
    time_limit: float = 10.0
    followups: tuple[FollowupSpec, ...] = ()
    relations: tuple[RelationSpec, ...] = ()
    gates: tuple[GateSpec, ...] = ()
    bootstrap: int = 1000
    confidence: float = 0.95
    hidden: str = "auto"
    output: str = "runs/run"
    report: tuple[str, ...] = DEFAULT_REPORTS
    cache: str = SHARED_CACHE
    source: str = field(default="<config>", compare=False)
    #: Where each model's spec is in the config, by model name: ``exp.yaml:5: teacher``.
    model_origins: Mapping[str, str] = field(default_factory=dict, compare=False)

    @property
    def student(self) -> Any:
        """The model spec of the first student (the one of a run of one pair)."""
        return self.students[0].model

    @property
    def model_names(self) -> tuple[str, ...]:
        """The teacher and every student, as the tables name them."""
        return (TEACHER, *(s.name for s in self.students))

    def model_spec(self, name: str) -> Any:
        return self.teacher if name == TEACHER else self.student_spec(name).model

    def student_spec(self, name: str) -> StudentSpec:
        return next(s for s in self.students if s.name == name)

    @property
    def lang(self) -> str:
        return LANG_OF_TASK[self.task]

    @property
    def limit(self) -> int | None:
        return self.data.get("limit")

    def pools(self) -> dict[str, list[str]]:
        """Each pooled set with its member follow-ups: ``transformations`` and ``attacks`` (the
        inputs found by asking the models: attacks and deviation searches) when they have
        members, ``all`` (every follow-up) always. Every teacher-student pair is judged on every
        follow-up (the attacks against other students included)."""
        members = {
            TRANSFORMATIONS_POOL: [f.name for f in self.followups if f.kind == "transform"],
            ATTACKS_POOL: [f.name for f in self.followups if f.kind in ("attack", "search")],
            POOLED: [f.name for f in self.followups],
        }
        return {name: names for name, names in members.items() if names or name == POOLED}

    def followup(self, name: str) -> FollowupSpec:
        return next(f for f in self.followups if f.name == name)

    def to_dict(self) -> dict[str, Any]:
        """The resolved config as plain values; `parse_config(to_dict())` gives it back."""
        return {
            "task": self.task,
            "seed": self.seed,
            "data": dict(self.data),
            "teacher": self.teacher,
            **students_value(self.students),
            "cache": self.cache,
            "device": self.device,
            "half": self.half,
            "allow_pickle": self.allow_pickle,
            "trust_remote_code": self.trust_remote_code,
            "batch_size": self.batch_size,
            "chunk_size": self.chunk_size,
            "workers": self.workers,
            "backend": self.backend,
            "ray_address": self.ray_address,
            "time_limit": self.time_limit,
            "followups": [f.to_dict() for f in self.followups],
            "relations": [r.to_dict() for r in self.relations],
            "gates": [g.to_dict() for g in self.gates],
            "statistics": {"bootstrap": self.bootstrap, "confidence": self.confidence},
            "hidden": self.hidden,
            "output": self.output,
            "report": list(self.report),
        }

    def to_yaml(self) -> str:
        return yaml.safe_dump(self.to_dict(), sort_keys=False, allow_unicode=True)

    def result_hash(self) -> str:
        """sha256 of every setting that can change a result (all but NOT_RESULT_KEYS)."""
        values = {k: v for k, v in self.to_dict().items() if k not in NOT_RESULT_KEYS}
        text = json.dumps(values, sort_keys=True, ensure_ascii=False, default=str)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def replace(self, **changes: Any) -> RunConfig:
        """A copy with `changes`; `student=SPEC` sets the one student of a run of one pair."""
        if "student" in changes:
            changes["students"] = (StudentSpec(STUDENT, changes.pop("student")),)
        return dataclasses.replace(self, **changes)


class _Context:
    """Where a value came from: the file name and the line of every key path."""

    def __init__(self, source: str, lines: Mapping[Path_, int] | None = None) -> None:
        self.source = source
        self.lines = dict(lines or {})

    def where(self, path: Path_) -> str:
        """FILE:LINE: KEY of the value at `path` (the line of its nearest key that has one)."""
        line = None
        for end in range(len(path), -1, -1):
            if path[:end] in self.lines:
                line = self.lines[path[:end]]
                break
        where = f"{self.source}:{line}" if line is not None else self.source
        return f"{where}: {_dotted(path) if path else 'config'}"

    def error(self, path: Path_, message: str) -> ConfigError:
        return ConfigError(f"{self.where(path)}: {message}")


def _dotted(path: Path_) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _yaml_with_lines(text: str, source: str) -> tuple[Any, dict[Path_, int]]:
    """Parse YAML; return the value and the 1-based line of every key path in it."""
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        value = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        problem = getattr(error, "problem", None) or str(error)
        context, context_mark = (
            getattr(error, "context", None),
            getattr(error, "context_mark", None),
        )
        if context and context_mark is not None:
            problem += f" ({context} that starts at line {context_mark.line + 1})"
        raise ConfigError(f"{source}{line}: not valid YAML: {problem}") from None
    finally:
        loader.dispose()
    lines: dict[Path_, int] = {}

    def walk(current: yaml.Node, path: Path_) -> None:
        lines.setdefault(path, current.start_mark.line + 1)
        if isinstance(current, yaml.MappingNode):
            seen: set[str] = set()
            for key_node, value_node in current.value:
                key = key_node.value
                if key in seen:
                    line = key_node.start_mark.line + 1
                    raise ConfigError(f"{source}:{line}: {_dotted((*path, key))}: duplicate key")
                seen.add(key)
                lines[(*path, key)] = key_node.start_mark.line + 1
                walk(value_node, (*path, key))
        elif isinstance(current, yaml.SequenceNode):
            for index, item in enumerate(current.value):
                walk(item, (*path, index))

    if node is not None:
        walk(node, ())
    return value, lines


def _kind(value: Any) -> str:
    return type(value).__name__ if value is not None else "nothing"


class _Reader:
    """Typed access to one config mapping, raising located ConfigErrors."""

    def __init__(self, ctx: _Context) -> None:
        self.ctx = ctx

    def error(self, path: Path_, message: str) -> ConfigError:
        return self.ctx.error(path, message)

    def mapping(self, value: Any, path: Path_, keys: Sequence[str] | None = None) -> dict:
        if not isinstance(value, Mapping):
            raise self.ctx.error(path, f"expected a mapping, got {_kind(value)} {value!r}")
        for key in value:
            if not isinstance(key, str):
                raise self.ctx.error(path, f"expected string keys, got {key!r}")
            if keys is not None and key not in keys:
                raise self.ctx.error(
                    (*path, key), f"unknown key; expected one of: {', '.join(keys)}"
                )
        return dict(value)

    def string(self, value: Any, path: Path_, choices: Sequence[str] | None = None) -> str:
        if not isinstance(value, str) or not value:
            raise self.ctx.error(path, f"expected a non-empty string, got {value!r}")
        if choices is not None and value not in choices:
            raise self.ctx.error(path, f"expected one of {', '.join(choices)}, got {value!r}")
        return value

    def boolean(self, value: Any, path: Path_) -> bool:
        if not isinstance(value, bool):
            raise self.ctx.error(path, f"expected true or false, got {value!r}")
        return value

    def integer(self, value: Any, path: Path_, low: int) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < low:
            raise self.ctx.error(path, f"expected an integer >= {low}, got {value!r}")
        return value

    def number(self, value: Any, path: Path_, low: float, high: float | None = None) -> float:
        """`value` as a float when it is a finite number in [low, high] (NaN, which compares
        false with every bound, and infinities are refused)."""
        ok = not isinstance(value, bool) and isinstance(value, int | float)
        ok = ok and not (isinstance(value, float) and not math.isfinite(value))
        if not ok or value < low or (high is not None and value > high):
            bound = f"in [{low:g}, {high:g}]" if high is not None else f">= {low:g}"
            raise self.ctx.error(path, f"expected a number {bound}, got {value!r}")
        return float(value)

    def sequence(self, value: Any, path: Path_) -> list:
        if isinstance(value, str) or not isinstance(value, Sequence):
            raise self.ctx.error(path, f"expected a list, got {_kind(value)} {value!r}")
        return list(value)

    def params(self, value: Any, path: Path_) -> dict[str, Any]:
        return {} if value is None else self.mapping(value, path)

    def create(self, path: Path_, factory: Any, *args: Any, **kwargs: Any) -> Any:
        """Call a component factory, giving its ConfigError (or TypeError) a location."""
        try:
            return factory(*args, **kwargs)
        except (ConfigError, TypeError, ValueError) as error:
            raise self.ctx.error(path, str(error)) from None


def _transform_names(lang: str) -> list[str]:
    """Every catalogue transformation of `lang`, combinators left out."""
    from metacompress.code.combine import candidates

    return candidates(lang)


def _check_transform(r: _Reader, name: str, params: dict, lang: str, path: Path_) -> None:
    from metacompress.code.transform import TRANSFORMS

    if name not in TRANSFORMS:
        known = ", ".join(TRANSFORMS.names()) or "none"
        raise r.ctx.error(path, f"unknown transformation {name!r}; expected one of: {known}")
    if lang not in TRANSFORMS.entry(name).meta.get("languages", ()):
        raise r.ctx.error(path, f"transformation {name!r} does not support language {lang!r}")
    r.create(path, TRANSFORMS.create, name, **params)


def _check_attack(r: _Reader, name: str, params: dict, path: Path_) -> None:
    try:
        from metacompress.attacks.base import ATTACKS
    except ImportError:
        raise r.ctx.error(path, "attacks are not available in this installation") from None
    r.create(path, ATTACKS.create, name, **params)


def _check_search(r: _Reader, name: str, params: dict, lang: str, path: Path_) -> None:
    from metacompress.attacks.deviation import SEARCHES
    from metacompress.attacks.deviation.space import catalogue_operators

    search = r.create(path, SEARCHES.create, name, **params)
    r.create(path, catalogue_operators, lang, search.transforms)


def _followups(
    r: _Reader, raw: Any, lang: str, students: tuple[str, ...] = (STUDENT,)
) -> tuple[FollowupSpec, ...]:
    path: Path_ = ("followups",)
    items = r.sequence(raw, path)
    specs: list[FollowupSpec] = []
    for index, item in enumerate(items):
        where: Path_ = (*path, index)
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
                raise r.ctx.error(where, f"expected exactly one of the keys {', '.join(keys)}")
            made = _followup(r, kinds[0], entry, where, lang, students)
        for spec in made:
            if spec.name in (SOURCE, *POOLS) or spec.name in (s.name for s in specs):
                what = "is reserved" if spec.name in (SOURCE, *POOLS) else "is used twice"
                raise r.ctx.error(where, f"follow-up id {spec.name!r} {what}; give an explicit id")
            if ID_SEPARATOR in spec.name:  # variant ids are EXAMPLE/FOLLOWUP: keep them unique
                raise r.ctx.error(where, f"follow-up id {spec.name!r} may not contain "
                                         f"{ID_SEPARATOR!r}; give another id")  # fmt: skip
            specs.append(spec)
    if not specs:
        raise r.ctx.error(path, "expected at least one follow-up (without one, no metamorphic "
                                "relation is tested); leave the key out for all of them")
    return tuple(specs)


def _followup(
    r: _Reader, kind: str, entry: dict, where: Path_, lang: str, students: tuple[str, ...]
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


def _relations(r: _Reader, raw: Any) -> tuple[RelationSpec, ...]:
    from metacompress.relations.base import RELATIONS

    path: Path_ = ("relations",)
    if raw == ALL_FOLLOWUPS:
        items: list[Any] = list(RELATIONS.names())
    else:
        items = r.sequence(raw, path)
    specs: list[RelationSpec] = []
    for index, item in enumerate(items):
        where: Path_ = (*path, index)
        entry = r.mapping({"name": item} if isinstance(item, str) else item, where,
                          ("name", "params", "id"))  # fmt: skip
        name = r.string(entry.get("name"), (*where, "name"))
        params = r.params(entry.get("params"), (*where, "params"))
        r.create((*where, "name"), RELATIONS.get, name)
        r.create((*where, "params"), RELATIONS.create, name, **params)
        ident = r.string(entry.get("id", name), (*where, "id"))
        if ident in (s.id for s in specs):
            raise r.ctx.error((*where, "id"), f"relation id {ident!r} is used twice")
        specs.append(RelationSpec(ident, name, params))
    if not specs:
        raise r.ctx.error(path, "expected at least one relation")
    return tuple(specs)


def _gates(
    r: _Reader, raw: Any, relations: Sequence[RelationSpec], followups: Sequence[FollowupSpec]
) -> tuple[GateSpec, ...]:
    path: Path_ = ("gates",)
    gates: list[GateSpec] = []
    for index, item in enumerate(r.sequence(raw, path)):
        where: Path_ = (*path, index)
        keys = ("relation", "followup", "measure", "max_violation", "fail_under")
        entry = r.mapping(item, where, keys)
        kinds = [k for k in ("max_violation", "fail_under") if k in entry]
        if len(kinds) != 1:
            raise r.ctx.error(where, "expected exactly one of max_violation, fail_under")
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
                lambda message, w=where: r.ctx.error(w, message),
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


def _model(r: _Reader, raw: Any, path: Path_, base: Path) -> str | dict[str, Any]:
    if isinstance(raw, str) and raw:
        given = Path(raw).expanduser()
        candidate = given if given.is_absolute() else base / given
        explicit = given.is_absolute() or raw.startswith(("./", "../", "~"))
        return str(candidate.resolve()) if explicit or candidate.exists() else raw
    spec = r.mapping(raw, path)
    spec.setdefault("base_dir", str(base))
    return spec


def _model_origins(
    r: _Reader, top: Mapping[str, Any], students: Sequence[StudentSpec]
) -> dict[str, str]:
    """FILE:LINE: KEY of the teacher's and each student's model spec."""
    origins = {TEACHER: r.ctx.where(("teacher",))}
    raw = top.get("students")
    for index, student in enumerate(students):
        path: Path_ = ("student",) if raw is None else (
            ("students", student.name) if isinstance(raw, Mapping) else ("students", index))
        origins[student.name] = r.ctx.where(path)
    return origins


def _cache(r: _Reader, raw: Any, base: Path) -> str:
    """``shared``, ``run`` or the absolute path of a shared cache folder."""
    value = r.string(raw, ("cache",))
    if value in (SHARED_CACHE, RUN_CACHE):
        return value
    folder = Path(value).expanduser()
    return str((folder if folder.is_absolute() else base / folder).resolve())


def students_value(students: Sequence[StudentSpec]) -> dict[str, Any]:
    """The config entry of `students`: ``student: SPEC`` for the one student of a run of one
    pair, else ``students: {NAME: value}``."""
    if len(students) == 1 and students[0].name == STUDENT and students[0].plain:
        return {"student": students[0].model}
    return {"students": {s.name: s.to_value() for s in students}}


DATA_KEYS = ("format", "path", "pairs", "columns", "split", "limit", "n")
#: Data options that name files; relative values are resolved against the config's folder.
DATA_PATH_KEYS = ("path", "pairs")
SYNTH = "synth"


def _data(r: _Reader, raw: Any, base: Path, limit: int | None) -> dict[str, Any]:
    path: Path_ = ("data",)
    data = r.mapping(raw, path, DATA_KEYS)
    data["format"] = r.string(data.get("format", "auto"), (*path, "format"))
    if data["format"] == SYNTH:
        data["n"] = r.integer(data.get("n", 200), (*path, "n"), 1)
    else:
        r.string(data.get("path"), (*path, "path"))
    for key in DATA_PATH_KEYS:
        value = data.get(key)
        if data["format"] != "hf" and isinstance(value, str) and value:
            candidate = Path(value).expanduser()
            data[key] = str(candidate if candidate.is_absolute() else (base / candidate).resolve())
    if "columns" in data:
        r.mapping(data["columns"], (*path, "columns"))
    if limit is not None:
        data["limit"] = limit
    if data.get("limit") is not None:
        r.integer(data["limit"], (*path, "limit"), 1)
    else:
        data.pop("limit", None)
    return data


def _backend(r: _Reader, top: Mapping[str, Any]) -> tuple[str, str | None]:
    """The executor backend and the Ray cluster address (only with backend ray)."""
    from metacompress.pipeline.executor import EXECUTORS

    backend = r.string(top.get("backend", "local"), ("backend",), tuple(EXECUTORS))
    address = top.get("ray_address")
    if address is not None:
        address = r.string(address, ("ray_address",))
        if backend != "ray":
            raise r.ctx.error(("ray_address",), f"needs backend: ray, got backend {backend!r}")
    return backend, address


def parse_config(
    raw: Any,
    *,
    source: str = "<config>",
    base_dir: Path | None = None,
    lines: Mapping[Path_, int] | None = None,
    out: str | Path | None = None,
    limit: int | None = None,
    extra_gates: Sequence[GateSpec] = (),
) -> RunConfig:
    """Validate a config value (as loaded from YAML) and resolve it to a RunConfig.

    `out`, `limit` and `extra_gates` are the command line's overrides; `base_dir` is where
    relative paths start (the config file's folder).
    """
    base = Path(base_dir or Path.cwd()).resolve()
    r = _Reader(_Context(source, lines))
    top = r.mapping(raw, (), _TOP_KEYS)
    for key in ("task", "data", "teacher"):
        if key not in top:
            raise r.ctx.error((key,), "missing required key")
    students = parse_students(r, top, lambda raw, path: _model(r, raw, path, base))
    task = r.string(top["task"], ("task",), TASKS)
    lang = LANG_OF_TASK[task]
    stats = r.mapping(top.get("statistics") or {}, ("statistics",), ("bootstrap", "confidence"))
    check_tasks(r, task, top.get("teacher"), students)
    followups = _followups(r, top.get("followups", [ALL_FOLLOWUPS]), lang,
                           tuple(s.name for s in students))  # fmt: skip
    relations = _relations(r, top.get("relations", ALL_FOLLOWUPS))
    gates = _gates(r, top.get("gates") or [], relations, followups)
    for gate in extra_gates:
        check_gate(gate, relations, followups)
    if out is not None:
        output = Path(out).expanduser()
    elif "output" in top:
        output = Path(r.string(top["output"], ("output",))).expanduser()
        output = output if output.is_absolute() else base / output
    else:
        output = base / "runs" / Path(source).stem
    report = top.get("report", list(DEFAULT_REPORTS))
    backend, ray_address = _backend(r, top)
    report = tuple(
        r.string(x, ("report", i), REPORT_FORMATS)
        for i, x in enumerate(r.sequence(report, ("report",)))
    )
    return RunConfig(
        task=task,
        data=_data(r, top["data"], base, limit),
        teacher=_model(r, top["teacher"], ("teacher",), base),
        students=students,
        cache=_cache(r, top.get("cache", SHARED_CACHE), base),
        seed=r.integer(top.get("seed", 0), ("seed",), 0),
        device=r.string(top.get("device", "cpu"), ("device",), DEVICES),
        half=r.boolean(top.get("half", False), ("half",)),
        allow_pickle=r.boolean(top.get("allow_pickle", False), ("allow_pickle",)),
        trust_remote_code=r.boolean(top.get("trust_remote_code", False), ("trust_remote_code",)),
        batch_size=r.integer(top.get("batch_size", 32), ("batch_size",), 1),
        chunk_size=r.integer(top.get("chunk_size", 64), ("chunk_size",), 1),
        workers=r.integer(top.get("workers", 1), ("workers",), 1),
        backend=backend,
        ray_address=ray_address,
        time_limit=r.number(top.get("time_limit", 10.0), ("time_limit",), 0.001, MAX_TIME_LIMIT),
        followups=followups,
        relations=relations,
        gates=(*gates, *extra_gates),
        bootstrap=r.integer(stats.get("bootstrap", 1000), ("statistics", "bootstrap"), 0),
        confidence=r.number(
            stats.get("confidence", 0.95), ("statistics", "confidence"), 0.5, 0.999
        ),
        hidden=r.string(top.get("hidden", "auto"), ("hidden",), HIDDEN),
        output=str(output.resolve()),
        report=report,
        source=source,
        model_origins=_model_origins(r, top, students),
    )


def load_config(path: str | Path, **overrides: Any) -> RunConfig:
    """Read and validate the YAML config at `path` (see `parse_config` for `overrides`)."""
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"config file {file} not found") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"cannot read config file {file}: {error}") from None
    raw, lines = _yaml_with_lines(text, str(file))
    if raw is None:
        raise ConfigError(f"{file}: the config is empty; expected a mapping with task, data, ...")
    return parse_config(
        raw, source=str(file), base_dir=file.resolve().parent, lines=lines, **overrides
    )


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
