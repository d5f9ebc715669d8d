"""The students of a run: ``students:`` (one teacher, several students) or ``student:`` (one).

Config::

    students:                        # name -> model spec, or name -> {model, method, seed, ...}
      compressor: models/compressor
      avatar-s1: {model: models/avatar-s1, method: AVATAR, seed: 1}
      morph: {model: models/morph, size_mb: 6.0}   # size of a model that cannot say its own

    student: models/student          # the same as students: {student: models/student}

A student's name names it in every table (model ``outputs``, pair ``teacher/NAME``, attack
follow-up ``ATTACK@NAME``): a non-empty string of letters, digits and ``-_.``, not one of the
reserved words (``teacher``, ``both``, ``all``, ``students``). `method` (default: the name)
groups students of one distillation method trained with different `seed`s in the tables.

Config errors (file, line and key): ``student`` and ``students`` both given, an empty
``students``, a name used twice (in a list) or not allowed, and a student whose model spec
declares another task than the run (and its teacher).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

TEACHER = "teacher"
#: The name of the one student of ``student:``.
STUDENT = "student"
RESERVED = (TEACHER, "both", "all", "students")
ENTRY_KEYS = ("model", "method", "seed", "size_mb", "parameters")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")

KeyPath = tuple[str | int, ...]
ModelParser = Callable[[Any, KeyPath], Any]


@dataclass(frozen=True)
class StudentSpec:
    """One student: its name, model spec, method (grouping key), seed and declared size."""

    name: str
    model: Any
    method: str | None = None
    seed: int | None = None
    size_mb: float | None = None
    parameters: int | None = None

    @property
    def method_name(self) -> str:
        return self.method or self.name

    @property
    def extras(self) -> dict[str, Any]:
        """method, seed and declared size, where given."""
        return {k: v for k, v in (("method", self.method), ("seed", self.seed),
                                  ("size_mb", self.size_mb), ("parameters", self.parameters))
                if v is not None}  # fmt: skip

    @property
    def plain(self) -> bool:
        """Nothing but a model spec is given."""
        return not self.extras

    def to_value(self) -> Any:
        """The config value of this student (the bare spec when nothing else is set)."""
        return {"model": self.model, **self.extras} if self.extras else self.model


def _entry(r: Any, name: str, value: Any, path: KeyPath, model: ModelParser,
           given: bool = False) -> StudentSpec:  # fmt: skip
    """The student `name` of config `value`; `given`: its model is given to the run as an
    object, so its spec may be None."""
    if not isinstance(name, str) or not _NAME.match(name) or name in RESERVED:
        raise r.error(path, f"a student's name must be letters, digits and -_. and not one of "
                            f"{', '.join(RESERVED)}; got {name!r}")  # fmt: skip

    def spec(raw: Any, where: KeyPath) -> Any:
        return None if given and raw is None else model(raw, where)

    if isinstance(value, Mapping) and "model" in value:
        entry = r.mapping(value, path, ENTRY_KEYS)
        seed = entry.get("seed")
        size = entry.get("size_mb")
        params = entry.get("parameters")
        return StudentSpec(
            name, spec(entry["model"], (*path, "model")),
            method=r.string(entry["method"], (*path, "method")) if "method" in entry else None,
            seed=None if seed is None else r.integer(seed, (*path, "seed"), 0),
            size_mb=None if size is None else r.number(size, (*path, "size_mb"), 0.0),
            parameters=None if params is None else r.integer(params, (*path, "parameters"), 0),
        )  # fmt: skip
    return StudentSpec(name, spec(value, path))


def parse_students(
    r: Any, top: Mapping[str, Any], model: ModelParser, given: Collection[str] = ()
) -> tuple[StudentSpec, ...]:
    """The students of the config mapping `top`; `r` is the config's `configfile.Reader`,
    `model(value, path)` resolves a model spec; `given` names the students whose models are
    given to the run as objects: their spec is None (``STUDENT`` given: ``student`` may be left
    out)."""
    if "student" in top and "students" in top:
        raise r.error(("students",), "give either student (one) or students (several), not both")
    if "students" in top:
        raw = top["students"]
        if not raw:
            raise r.error(("students",), "expected at least one student: NAME: MODEL SPEC")
        if isinstance(raw, Mapping):
            items = [(name, value, ("students", name)) for name, value in raw.items()]
        else:
            items = []
            for i, item in enumerate(r.sequence(raw, ("students",))):
                entry = r.mapping(item, ("students", i), ("name", *ENTRY_KEYS))
                if "name" not in entry:
                    raise r.error(("students", i), "missing key name")
                items.append((entry.pop("name"), entry, ("students", i)))
        students: list[StudentSpec] = []
        for name, value, path in items:
            if any(s.name == name for s in students):
                raise r.error(path, f"student name {name!r} is used twice")
            students.append(_entry(r, name, value, path, model, name in given))
        return tuple(students)
    if "student" in top:
        return (StudentSpec(STUDENT, model(top["student"], ("student",))),)
    if STUDENT in given:
        return (StudentSpec(STUDENT, None),)
    raise r.error(("student",), "missing required key (or students: NAME: SPEC for several)")


def declared_task(spec: Any) -> tuple[str | None, str]:
    """The task a model spec declares, and where (None when it declares none or cannot be read
    without loading the model: a hub id, a missing path, a model given as an object)."""
    if spec is None:
        return None, ""
    from metacompress.errors import ConfigError
    from metacompress.models.spec import read_spec

    try:
        data, base = read_spec(spec)
    except ConfigError:
        return None, ""
    where = str(spec) if isinstance(spec, str | Path) else "its spec"
    return (str(data["task"]) if data.get("task") else None), where


def check_tasks(r: Any, task: str, teacher: Any, students: tuple[StudentSpec, ...]) -> None:
    """Refuse a teacher or student whose model spec declares another task than `task`."""
    found, where = declared_task(teacher)
    if found is not None and found != task:
        raise r.error(("teacher",), f"the teacher's model is for task {found} ({where}), "
                                    f"this run is for task {task}")  # fmt: skip
    for student in students:
        found, where = declared_task(student.model)
        if found is not None and found != task:
            path: KeyPath = ("student",) if student.name == STUDENT and len(students) == 1 \
                else ("students", student.name)  # fmt: skip
            raise r.error(path, f"student {student.name!r} is a model for task {found} "
                                f"({where}); the teacher and this run are for task {task}")  # fmt: skip
