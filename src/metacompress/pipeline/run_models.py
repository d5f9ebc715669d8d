"""The models of a run: the teacher and every student, loaded, cached and described.

- `load_models(config, names)`: the models of the config by name (``teacher`` and the
  students' names; default every one), loaded from their specs
  (`metacompress.models.load_model`); a model that cannot be loaded is a ConfigError that says
  where its spec is in the config and which model it is
  (``exp.yaml:5: student: model spec 'm/' not found: ...``);
- `check_models(config, models)`: the models given to a run are exactly the config's;
- `cached_models(models, run_dir, cache)`: each behind the run's prediction cache, and behind
  the machine's shared cache unless the config says ``cache: run``
  (`metacompress.models.shared_cache`);
- `model_rows(config, models)`: the rows of the ``models`` table;
- `record_inference_cost(db, name, computed, seconds)` / `inference_cost(store, name)`: the
  inputs a model computed in the inference stage and the seconds they took, summed over the
  committed chunks (the ``meta`` entry ``inference_cost:MODEL``, written with each chunk, so a
  resumed run goes on counting);
- `measure_facts(store, config, models)`: each model's size and CPU speed
  (`pipeline.model_facts`: latency on the first clean inputs the model scored, throughput from
  its inference cost), measured once and kept in the ``models`` table (stage
  ``facts:MODEL``), so a resumed run keeps the first measurement; a model that raises while
  timed has no speed, and the reason is kept.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from metacompress.errors import ConfigError
from metacompress.pipeline.config import RUN_CACHE, SHARED_CACHE, RunConfig
from metacompress.pipeline.model_facts import SINGLES, model_size, model_speed
from metacompress.pipeline.students import STUDENT, TEACHER
from metacompress.rundir import queries
from metacompress.rundir.layout import CACHE_PATH
from metacompress.rundir.store import RunStore, dumps
from metacompress.rundir.study_reader import model_label

STUDENT_ROLE = "student"
INFERENCE_COST = "inference_cost:{}"


def load_models(config: RunConfig, names: Sequence[str] | None = None) -> dict[str, Any]:
    """Load the models `names` of `config` (default: every one) from their specs; a failure
    names the model and its config line."""
    from metacompress.models import load_model_as

    names = config.model_names if names is None else tuple(names)
    models = {}
    for name in names:
        if config.model_spec(name) is None:
            raise ConfigError(f"the config has no model spec for {name} and no {name} model "
                              "was given to the run")  # fmt: skip
        models[name] = load_model_as(
            config.model_origins.get(name) or f"{config.source}: {name}",
            config.model_spec(name),
            device=config.device,
            half=config.half,
            batch_size=config.batch_size,
            allow_pickle=config.allow_pickle,
            trust_remote_code=config.trust_remote_code,
        )
    return models


def check_models(config: RunConfig, models: Mapping[str, Any]) -> None:
    """Refuse models given to a run that are not exactly the config's teacher and students."""
    expected, given = list(config.model_names), sorted(models)
    if sorted(expected) != given:
        raise ConfigError(f"the run needs the models {expected}; it was given {given}")


def cached_models(models: Mapping[str, Any], run_dir: Path, cache: str) -> dict[str, Any]:
    """Every model behind the run's cache and, unless `cache` is ``run``, the shared one (at
    its default folder for ``shared``, else at the folder `cache` names)."""
    from metacompress.models import CachedClassifier
    from metacompress.models.shared_cache import SharedCache

    shared = None if cache == RUN_CACHE else SharedCache(None if cache == SHARED_CACHE else cache)
    return {name: CachedClassifier(model, run_dir / CACHE_PATH, shared=shared)
            for name, model in models.items()}  # fmt: skip


def model_rows(config: RunConfig) -> list[tuple]:
    """The ``models`` rows of `config` (info filled in by `measure_facts`). The method of the
    teacher, and of a student that has none (the one of a run of one pair, named ``student``),
    is the name its spec gives (`rundir.study_reader.model_label`): what tells runs apart when
    `compare` merges them."""
    teacher = model_label(config.teacher, TEACHER)
    rows = [(TEACHER, 0, TEACHER, teacher, None, dumps(_plain(config.teacher)), dumps({}))]
    for i, student in enumerate(config.students, start=1):
        method = student.method or (
            model_label(student.model, student.name) if student.name == STUDENT else student.name
        )
        rows.append((student.name, i, STUDENT_ROLE, method, student.seed,
                     dumps(_plain(student.model)), dumps({})))  # fmt: skip
    return rows


def _plain(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str))


def inference_cost(store: RunStore, name: str) -> tuple[int, float]:
    """(inputs, seconds): what model `name` computed in the inference stage so far."""
    value = store.get_meta(INFERENCE_COST.format(name))
    if value is None:
        return 0, 0.0
    cost = json.loads(value)
    return int(cost["inputs"]), float(cost["seconds"])


def record_inference_cost(db: sqlite3.Connection, name: str, computed: int, seconds: float) -> None:
    """Keep (inputs, seconds) as model `name`'s inference cost, in the caller's transaction."""
    RunStore.write_meta(db, INFERENCE_COST.format(name),
                        dumps({"inputs": computed, "seconds": seconds}))  # fmt: skip


def measure_facts(store: RunStore, config: RunConfig, models: Mapping[str, Any]) -> None:
    """Describe each model in the ``models`` table: fingerprint, description, size, speed."""
    for name in config.model_names:
        if store.is_done(f"facts:{name}"):
            continue
        inputs = [tuple(json.loads(text)) for text in queries.scored_source_inputs(
            store, name, max(config.batch_size, SINGLES))]  # fmt: skip
        model = models[name]
        try:
            speed = model_speed(model, inputs, config.batch_size,
                                inference_cost(store, name))
        except Exception as error:  # timing must not lose a run: say why there is no speed
            speed = {"latency_ms": None, "throughput": None, "inputs": 0,
                     "error": f"{type(error).__name__}: {error}"}  # fmt: skip
        declared = {} if name == TEACHER else config.student_spec(name).extras
        describe = getattr(model, "describe", None)
        info = {
            "fingerprint": model.fingerprint,
            "description": _plain(describe()) if callable(describe) else {},
            "size": model_size(model, declared),
            "speed": {**speed, "device": config.device},
        }
        with store.transaction() as db:
            db.execute("UPDATE models SET info = ? WHERE name = ?", (dumps(info), name))
            store.mark_done(db, f"facts:{name}")

