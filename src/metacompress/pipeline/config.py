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
    device: cpu                          # [cpu] cpu | cuda | cuda:N | auto
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

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from metacompress.configfile import KeyPath, Origin, Reader, read_yaml
from metacompress.data.types import TASKS
from metacompress.errors import ConfigError
from metacompress.paths import path_problem
from metacompress.pipeline.followups import ALL_FOLLOWUPS, FollowupSpec, parse_followups
from metacompress.pipeline.relation_specs import (
    GateSpec,
    RelationSpec,
    check_gate,
    parse_gates,
    parse_relations,
)
from metacompress.pipeline.students import (
    STUDENT,
    TEACHER,
    StudentSpec,
    check_tasks,
    parse_students,
)
from metacompress.rundir.layout import ATTACKS_POOL, POOLED, TRANSFORMATIONS_POOL

LANG_OF_TASK = {"vulnerability": "c", "clone": "java"}
#: The cache settings: the machine's shared prediction cache, or the run directory's only.
SHARED_CACHE, RUN_CACHE = "shared", "run"
HIDDEN = ("auto", "always", "never")
DEFAULT_REPORTS = ("html", "md", "json", "junit")
#: The most seconds `time_limit` may give one input (larger values overflow the watchdog's timer).
MAX_TIME_LIMIT = 86_400.0
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


@dataclass(frozen=True)
class RunConfig:
    """A validated, resolved experiment config (see the module docstring)."""

    task: str
    data: dict[str, Any]
    teacher: str | dict[str, Any] | None
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
        """This config with top-level `changes`, validated again like a config file's values;
        `student=SPEC` (or `students=`) replaces every student."""
        raw = self.to_dict()
        if {"student", "students"} & set(changes):
            raw.pop("student", None)
            raw.pop("students", None)
        return parse_config(raw, source=self.source, overrides=changes,
                            given=self.given_sources())  # fmt: skip

    def given_sources(self) -> tuple[str, ...]:
        """The SOURCES this config leaves to objects given to the run (no data, no spec), and
        the names of the students it leaves to objects."""
        sources = tuple(k for k in SOURCES if not getattr(self, k))
        return (*sources, *(s.name for s in self.students
                            if s.model is None and s.name not in sources))  # fmt: skip


def _model(r: Reader, raw: Any, path: KeyPath, base: Path) -> str | dict[str, Any]:
    if isinstance(raw, str) and raw:
        given = Path(raw).expanduser()
        candidate = given if given.is_absolute() else base / given
        explicit = given.is_absolute() or raw.startswith(("./", "../", "~"))
        return _resolve(r, candidate, path) if explicit or candidate.exists() else raw
    from metacompress.models.formats import FORMATS, create_format

    spec = r.mapping(raw, path)
    name = r.string(spec.get("format"), (*path, "format"), FORMATS.names())
    params = {k: v for k, v in spec.items() if k not in ("format", "base_dir")}
    r.create(path, create_format, name, params)
    spec.setdefault("base_dir", str(base))
    return spec


def _model_origins(
    r: Reader, top: Mapping[str, Any], students: Sequence[StudentSpec]
) -> dict[str, str]:
    """FILE:LINE: KEY of the teacher's and each student's model spec."""
    origins = {TEACHER: r.origin.where(("teacher",))}
    raw = top.get("students")
    for index, student in enumerate(students):
        path: KeyPath = ("student",) if raw is None else (
            ("students", student.name) if isinstance(raw, Mapping) else ("students", index))
        origins[student.name] = r.origin.where(path)
    return origins


def _cache(r: Reader, raw: Any, base: Path) -> str:
    """``shared``, ``run`` or the absolute path of a shared cache folder."""
    value = r.string(raw, ("cache",))
    if value in (SHARED_CACHE, RUN_CACHE):
        return value
    folder = Path(value).expanduser()
    return _resolve(r, folder if folder.is_absolute() else base / folder, ("cache",))


def _resolve(r: Reader, file: Path, path: KeyPath) -> str:
    """`file` made absolute with its links followed; one that cannot be (a symbolic link loop:
    pathlib raises RuntimeError for one before Python 3.13) is an error located at `path`."""
    try:
        return str(file.resolve())
    except (RuntimeError, OSError):
        problem = path_problem(file) or "a symbolic link loop"
        raise r.error(path, f"{file} cannot be used: {problem}") from None


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


def _data(r: Reader, raw: Any, base: Path, limit: int | None) -> dict[str, Any]:
    path: KeyPath = ("data",)
    if not raw:  # the examples are given to the run as objects
        return {} if limit is None else {"limit": r.integer(limit, (*path, "limit"), 1)}
    from metacompress.data.formats import DATA_FORMATS

    data = r.mapping(raw, path, DATA_KEYS)
    formats = ("auto", *DATA_FORMATS.names())
    data["format"] = r.string(data.get("format", "auto"), (*path, "format"), formats)
    if data["format"] == SYNTH:
        data["n"] = r.integer(data.get("n", 200), (*path, "n"), 1)
    else:
        r.string(data.get("path"), (*path, "path"))
    for key in DATA_PATH_KEYS:
        value = data.get(key)
        if data["format"] != "hf" and isinstance(value, str) and value:
            candidate = Path(value).expanduser()
            data[key] = (str(candidate) if candidate.is_absolute()
                         else _resolve(r, base / candidate, (*path, key)))  # fmt: skip
    if "columns" in data:
        r.mapping(data["columns"], (*path, "columns"))
    if limit is not None:
        data["limit"] = limit
    if data.get("limit") is not None:
        r.integer(data["limit"], (*path, "limit"), 1)
    else:
        data.pop("limit", None)
    return data


def _backend(r: Reader, top: Mapping[str, Any]) -> tuple[str, str | None]:
    """The executor backend and the cluster address (`metacompress.pipeline.executors`)."""
    from metacompress.pipeline.executors import EXECUTORS, check_backend

    backend = r.string(top.get("backend", "local"), ("backend",), EXECUTORS.names())
    address = top.get("ray_address")
    if address is not None:
        address = r.string(address, ("ray_address",))
    r.create(("ray_address",), check_backend, backend, address)
    return backend, address


def _device(r: Reader, value: Any) -> str:
    """A device by the model layer's rule (`metacompress.models.formats.check_device`)."""
    from metacompress.models.formats import check_device

    return r.create(("device",), check_device, r.string(value, ("device",)))


#: The sources a run can be given as objects instead of config entries (`parse_config`).
SOURCES = ("data", "teacher", "student")


def parse_config(
    raw: Any,
    *,
    source: str = "<config>",
    base_dir: Path | None = None,
    origin: Origin | None = None,
    overrides: Mapping[str, Any] | None = None,
    flags: Mapping[str, str] | None = None,
    out: str | Path | None = None,
    limit: int | None = None,
    extra_gates: Sequence[GateSpec] = (),
    given: Sequence[str] = (),
) -> RunConfig:
    """Validate a config value (as loaded from YAML) and resolve it to a RunConfig.

    `base_dir` is where relative paths start (the config file's folder); `origin` holds the line
    of every key (`metacompress.configfile.read_yaml`). `overrides` replace top-level keys of
    `raw` before validation, so a value from the command line or a Python call passes the same
    checks as one from the file; an error about one names `flags[key]` (the command-line flag)
    or "KEY (override)". `out` replaces `output` (relative to the working folder), `limit`
    replaces `data.limit` (their flags: `flags["out"]`, `flags["limit"]`) and `extra_gates` add
    gates. `given` names the SOURCES the caller passes as objects, and the students (by name)
    whose models it passes as objects: they may be left out of `raw` (a model given as an
    object is recorded as None).
    """
    base = Path(base_dir or Path.cwd()).resolve()
    labels = dict(flags or {})
    override_keys = dict(overrides or {})
    located = {(key,): labels.get(key, f"{key} (override)") for key in override_keys}
    if out is not None:
        located[("output",)] = labels.get("out", "output (override)")
    if limit is not None:
        located[("data", "limit")] = labels.get("limit", "limit (override)")
    origin = origin or Origin(source)
    r = Reader(Origin(origin.source, origin.lines, {**origin.flags, **located}))
    top = {**r.mapping(raw, (), _TOP_KEYS), **r.mapping(override_keys, (), _TOP_KEYS)}
    for key in ("task", *(k for k in ("data", "teacher") if k not in given)):
        if not top.get(key):
            raise r.error((key,), "missing required key")
    for key in ("teacher", "student"):  # given as objects: no spec
        if key in top and top[key] is None:
            del top[key]
    students = parse_students(r, top, lambda value, path: _model(r, value, path, base),
                              given=given)  # fmt: skip
    task = r.string(top["task"], ("task",), TASKS)
    lang = LANG_OF_TASK[task]
    stats = r.mapping(top.get("statistics") or {}, ("statistics",), ("bootstrap", "confidence"))
    check_tasks(r, task, top.get("teacher"), students)
    followups = parse_followups(r, top.get("followups", [ALL_FOLLOWUPS]), lang,
                                tuple(s.name for s in students))  # fmt: skip
    relations = parse_relations(r, top.get("relations", ALL_FOLLOWUPS))
    gates = parse_gates(r, top.get("gates") or [], relations, followups)
    for gate in extra_gates:
        check_gate(gate, relations, followups)
    if out is not None:
        output = Path(r.string(str(out), ("output",))).expanduser()
    elif "output" in top:
        output = Path(r.string(top["output"], ("output",))).expanduser()
        output = output if output.is_absolute() else base / output
    else:
        named = origin.source != "<config>"
        output = base / "runs" / (Path(origin.source).stem if named else "run")
    report = top.get("report", list(DEFAULT_REPORTS))
    backend, ray_address = _backend(r, top)
    from metacompress.report.formats import REPORT_FORMATS

    report = tuple(
        r.string(x, ("report", i), REPORT_FORMATS.names())
        for i, x in enumerate(r.sequence(report, ("report",)))
    )
    return RunConfig(
        task=task,
        data=_data(r, top.get("data"), base, limit),
        teacher=None
        if top.get("teacher") is None
        else _model(r, top["teacher"], ("teacher",), base),
        students=students,
        cache=_cache(r, top.get("cache", SHARED_CACHE), base),
        seed=r.integer(top.get("seed", 0), ("seed",), 0),
        device=_device(r, top.get("device", "cpu")),
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
        output=_resolve(r, output, ("output",)),
        report=report,
        source=origin.source,
        model_origins=_model_origins(r, top, students),
    )


def load_config(path: str | Path, **options: Any) -> RunConfig:
    """Read and validate the YAML config at `path` (`options`: those of `parse_config`)."""
    raw, origin = read_yaml(path)
    if raw is None:
        raise ConfigError(f"{path}: the config is empty; expected a mapping with task, data, ...")
    return parse_config(raw, base_dir=Path(path).resolve().parent, origin=origin, **options)
