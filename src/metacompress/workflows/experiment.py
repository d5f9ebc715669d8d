"""`run`: one experiment from Python, with models and data as objects or specs.

    result = run("examples/devign.yaml", teacher=my_teacher, student=my_student, limit=50)
    result.passed, result.gates, result.tables["rates"], result.to_html()
    result.paper_tables["effectiveness"].to_pandas()   # the paper's tables, a study's too

    study = run("examples/study-devign.yaml", teacher=my_teacher,
                students={"compressor": c, "avatar": {"model": a, "method": "AVATAR", "seed": 1}})
    study.paper_tables["robustness"].to_pandas()

`config` is a YAML file, a mapping with the same keys, or a `RunConfig`. A model given as an
object (anything with `predict_proba`) is used as it is, and the config needs no spec for it; a
model given as a spec (path, hub id or mapping) replaces the config's. `students` (name -> model
object, spec, or entry {model, method, seed, size_mb, parameters} as in a config's
``students:``) replaces the config's students (``student:`` or ``students:``); `student` gives
the one student of a run of one pair. Data given as Examples
(or a LoadResult) is used as it is, and the config needs no data section; a path or a data
mapping replaces the config's. Other keyword arguments set top-level config keys (seed,
workers, device, relations, ...). Every value passes the config parser's checks.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from metacompress.pipeline.config import SOURCES, RunConfig
from metacompress.pipeline.runner import RunOutcome


@dataclass
class RunResult(RunOutcome):
    """A finished run (`pipeline.runner.RunOutcome`: directory, summary, gates, `passed`,
    `complete`) with its resolved config, its tables and its reports."""

    config: RunConfig | None = None

    @functools.cached_property
    def tables(self) -> dict[str, Any]:
        """The per-example tables (tables/*.parquet) as pyarrow Tables, by name; each has
        `to_pandas()` when pandas is installed."""
        import pyarrow.parquet as pq

        from metacompress.rundir import TABLES_DIR

        folder = self.run_dir / TABLES_DIR
        return {path.stem: pq.read_table(path) for path in sorted(folder.glob("*.parquet"))}

    @functools.cached_property
    def paper_tables(self) -> dict[str, Any]:
        """The paper's comparison tables of the run or study (`report.tables`: effectiveness,
        robustness, metamorphic, transfer, headline) as pyarrow Tables, by name, computed from
        the run directory (the numbers of tables/paper/)."""
        from metacompress.report.tables import paper_tables
        from metacompress.report.tables.collect import read_study

        return {t.name: t.to_arrow() for t in paper_tables([read_study(self.run_dir)])}

    def _report(self, name: str, student: str | None) -> str:
        from metacompress.report.formats import REPORT_FORMATS, PairReport
        from metacompress.report.load import load_report_data

        data = load_report_data(self.run_dir, student=student)
        return REPORT_FORMATS.get(name)(PairReport(data))

    def to_html(self, student: str | None = None) -> str:
        """The HTML report of the teacher and `student` (default: the first), as text."""
        return self._report("html", student)

    def to_markdown(self, student: str | None = None) -> str:
        """The Markdown report of the teacher and `student` (default: the first), as text."""
        return self._report("md", student)


def _is_model(value: Any) -> bool:
    return hasattr(value, "predict_proba")


def _students(students: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The config value of `students` (see the module docstring), a model given as an object
    recorded as None, and those objects by student name."""
    entries, objects = {}, {}
    for name, value in students.items():
        is_entry = isinstance(value, Mapping) and "model" in value
        entry = dict(value) if is_entry else {"model": value}
        if _is_model(entry["model"]):
            objects[name], entry["model"] = entry["model"], None
        elif isinstance(entry["model"], Path):
            entry["model"] = str(entry["model"])
        entries[name] = entry if is_entry else entry["model"]
    return entries, objects


def run(
    config: str | Path | Mapping[str, Any] | RunConfig,
    *,
    teacher: Any = None,
    student: Any = None,
    students: Mapping[str, Any] | None = None,
    data: Any = None,
    out: str | Path | None = None,
    limit: int | None = None,
    resume: bool = False,
    **settings: Any,
) -> RunResult:
    """Run the experiment of `config` (see the module docstring) and return its RunResult;
    `out` is the run directory (default: the config's output), `limit` a seeded stratified
    sample of the data, `resume` continues the run in `out`."""
    from metacompress.errors import ConfigError
    from metacompress.pipeline.config import load_config, parse_config
    from metacompress.pipeline.runner import run_experiment

    overrides, models, examples = dict(settings), {}, None
    for role, value in (("teacher", teacher), ("student", student)):
        if _is_model(value):
            models[role], overrides[role] = value, None
        elif value is not None:
            overrides[role] = str(value) if isinstance(value, Path) else value
    named: list[str] = []
    if students is not None:
        if student is not None:
            raise ConfigError("give student= (one student) or students= (several), not both")
        if not isinstance(students, Mapping):
            raise ConfigError(f"students= must map names to models, got {type(students).__name__}")
        overrides["students"], objects = _students(students)
        overrides["student"] = None  # the config's one student is replaced too
        models.update(objects)
        named = list(objects)
    if isinstance(data, str | Path):
        overrides["data"] = {"path": str(data)}
    elif isinstance(data, Mapping):
        overrides["data"] = dict(data)
    elif data is not None:
        examples, overrides["data"] = data, None
    given = [k for k in SOURCES if k in overrides and overrides[k] is None] + named
    options = {"overrides": overrides, "out": out, "limit": limit}
    if isinstance(config, RunConfig):
        given += [k for k in config.given_sources() if k not in overrides
                  and (k in SOURCES or students is None)]  # fmt: skip
        resolved = parse_config(config.to_dict(), source=config.source, given=given, **options)
    elif isinstance(config, Mapping):
        resolved = parse_config(dict(config), given=given, **options)
    else:
        resolved = load_config(config, given=given, **options)
    outcome = run_experiment(resolved, resume=resume, data=examples, models=models)
    return RunResult(outcome.run_dir, outcome.summary, outcome.gates, resolved)
