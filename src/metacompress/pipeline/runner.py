"""One experiment end to end, resumable at any point: `run_experiment(config)`.

Stages, each committing its results to the run store in chunks (a crash loses at most the chunk
in flight) and marking itself done, so `resume=True` skips finished stages and finished units:

1. load: the examples (data loader or the given ones), bad rows into ``errors``, the source
   variant of every example, the follow-up and relation definitions;
2. variants: every (example, transformation follow-up) unit, through the executor, the
   examples read from the store a page at a time;
3. attacks: every attack follow-up, against its victim, and every deviation search, asking both
   models (see `adversarial`), the examples cut into one shard per model worker of the
   executor (`attack_shard`);
4. inference: each model on every unique input not yet scored (dedupe by content), in
   chunks sorted by the model's token lengths (`token_sorted`) scored where the executor keeps the models (`score_chunk`); the
   inputs are read from the store a window of chunks at a time, so memory does not grow with
   the data;
5. relations: every relation on every follow-up set (the source baseline included);
6. aggregate: rates with intervals, scores, McNemar, gaps; recomputed from the tables;
7. gates, table exports, summary.json, and the reports when `metacompress.report` exists.

A resumed run must use the config it started with (every setting that can change a result, see
`RunConfig.result_hash`) and the same models (fingerprints); anything else is a ConfigError.
"""

from __future__ import annotations

import itertools
import json
import sqlite3
import sys
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import BrokenExecutor
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from metacompress import __version__
from metacompress.data.types import SOURCE, Example
from metacompress.errors import ConfigError
from metacompress.hashing import derive_seed
from metacompress.pipeline import aggregate as agg
from metacompress.pipeline import health, provenance
from metacompress.pipeline.adversarial import AttackShard, attack_shard
from metacompress.pipeline.config import NOT_RESULT_KEYS, RunConfig
from metacompress.pipeline.executors import Executor, make_executor
from metacompress.pipeline.gates import GateResult, evaluate_gates
from metacompress.pipeline.inference import ScoredChunk, score_chunk, token_sorted
from metacompress.pipeline.rates import Rate
from metacompress.pipeline.run_models import (
    cached_models,
    check_models,
    inference_cost,
    load_models,
    measure_facts,
    model_rows,
    record_inference_cost,
)
from metacompress.pipeline.variants import (
    ERROR,
    OK,
    VariantOutcome,
    VariantUnit,
    error_rows,
    make_variant,
    variant_row,
)
from metacompress.pipeline.verdicts import (
    RelationRows,
    evaluate_relations,
    followup_outputs,
    is_set_level,
    needs_hidden,
    pooled_outputs,
)
from metacompress.progress import progress
from metacompress.rundir import queries
from metacompress.rundir.layout import CONFIG_NAME, DB_NAME, TABLES_DIR
from metacompress.rundir.resume import check_fingerprints, check_resume, run_identity
from metacompress.rundir.storage import check_writable, write_atomic
from metacompress.rundir.store import RunStore, dumps
from metacompress.rundir.summary import write_summary

WORKER_DIED = "the worker process died (out of memory or a crash in native code)"

#: Model batches per committed inference chunk: inputs are sorted by length and handed to the
#: model layer a chunk at a time, so its length buckets stay full.
INFERENCE_BATCHES_PER_CHUNK = 8
#: Inference chunks per model worker read from the store and handed to the executor at once.
INFERENCE_CHUNKS_PER_WINDOW = 8


@dataclass
class RunOutcome:
    """The run directory, its summary and the gate results."""

    run_dir: Path
    summary: dict[str, Any]
    gates: list[GateResult] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return all(g.passed for g in self.gates)

    @property
    def complete(self) -> bool:
        """False when a follow-up tested nothing (`health.failed_followups`)."""
        return not self.summary.get("failed_followups")


class _Timer:
    """Wall seconds and CPU seconds (this process: `time.process_time`) of each stage."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.cpu_seconds: dict[str, float] = {}

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        start, cpu = time.perf_counter(), time.process_time()
        try:
            yield
        finally:
            self.seconds[name] = round(self.seconds.get(name, 0.0) + time.perf_counter() - start, 3)
            self.cpu_seconds[name] = round(
                self.cpu_seconds.get(name, 0.0) + time.process_time() - cpu, 3
            )


def _chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _batched(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(items)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


class Runner:
    """The stages of one run over one store (see the module docstring)."""

    def __init__(
        self,
        config: RunConfig,
        store: RunStore,
        executor: Executor,
        models: Mapping[str, Any],
    ) -> None:
        self.config = config
        self.store = store
        self.executor = executor
        self.models = models
        self.timer = _Timer()
        self.relations = [(spec.id, spec.create()) for spec in config.relations]

    # -- stage 1 -------------------------------------------------------------------------------
    def load(self, data: Any | None, identity: Mapping[str, str]) -> None:
        """Stage 1; its transaction also records the run's `identity` (config hash, model
        fingerprints), from which on the folder holds this run."""
        if self.store.is_done("load"):
            return
        from metacompress.pipeline.sources import load_data

        with self.timer.stage("load"):
            cfg = self.config
            result = data if data is not None else load_data(cfg.data, cfg.task, cfg.seed)
            examples = list(getattr(result, "examples", result))
            if not examples:
                raise ConfigError(_no_examples(cfg.data, getattr(result, "skipped", ())))
            ids = [e.id for e in examples]
            if len(set(ids)) != len(ids):
                raise ConfigError("the examples given to the run have duplicate ids")
            rows = (  # generators: the store consumes them row by row
                (e.id, i, e.label, dumps(list(e.inputs)), dumps(_jsonable(e.meta)))
                for i, e in enumerate(examples)
            )
            sources = (
                variant_row(VariantOutcome(e.id, SOURCE, OK, "", cfg.seed, (), (), e.inputs))
                for e in examples
            )
            errors = [
                ("data", f"{s.source}:{s.line}", "", "", "skipped",
                 s.reason + (f": {s.detail}" if s.detail else ""))
                for s in getattr(result, "skipped", ())
            ] + [
                ("data", f.example_id, "", "", "flagged",
                 f.reason + (f": {f.detail}" if f.detail else ""))
                for f in getattr(result, "flagged", ())
            ]  # fmt: skip
            info = {
                "format": getattr(result, "format", "given"),
                "n_valid": getattr(result, "n_valid", len(examples)),
                "skipped": dict(_counts(r[5].split(":")[0] for r in errors if r[4] == "skipped")),
                "flagged": dict(_counts(r[5].split(":")[0] for r in errors if r[4] == "flagged")),
            }
            followups = [(SOURCE, 0, "source", None, dumps({}))] + [
                (f.name, i + 1, f.kind, f.victim,
                 dumps(f.to_dict()))
                for i, f in enumerate(cfg.followups)
            ]  # fmt: skip
            relations = [
                (spec.id, i, spec.name, dumps(_jsonable(spec.params)))
                for i, spec in enumerate(cfg.relations)
            ]
            with self.store.transaction() as db:
                RunStore.insert(db, "models", model_rows(cfg))
                RunStore.insert(db, "examples", rows)
                RunStore.insert(db, "variants", sources)
                RunStore.insert(db, "errors", errors)
                RunStore.insert(db, "followups", followups)
                RunStore.insert(db, "relations", relations)
                RunStore.write_meta(db, "data", dumps(info))
                for key, value in identity.items():
                    RunStore.write_meta(db, key, value)
                self.store.mark_done(db, "load")

    # -- stage 2 -------------------------------------------------------------------------------
    def variants(self) -> None:
        cfg = self.config
        specs = [f for f in cfg.followups if f.kind == "transform"]
        pending_specs = [f for f in specs if not self.store.is_done(f"variants:{f.name}")]
        if not pending_specs:
            return
        with self.timer.stage("variants"):
            done = queries.made_units(self.store)
            units = (
                VariantUnit(e.id, e.inputs, f, cfg.lang, derive_seed(cfg.seed, e.id, f.name),
                            cfg.time_limit)
                for f in pending_specs
                for page in queries.example_pages(self.store)
                for e in page
                if (e.id, f.name) not in done
            )  # fmt: skip
            names = {f.name for f in pending_specs}
            n_units = len(names) * self.store.count("examples") - sum(f in names for _, f in done)
            size = cfg.chunk_size * self.executor.workers
            bar = progress(_batched(units, size), "transforming", total=-(-n_units // size))
            for chunk in bar:
                outcomes = self.make_variants(chunk)
                with self.store.transaction() as db:
                    RunStore.insert(db, "variants", [variant_row(o) for o in outcomes])
                    RunStore.insert(db, "errors", [r for o in outcomes
                                                   for r in error_rows(o, "variants")])  # fmt: skip
            with self.store.transaction() as db:
                for f in pending_specs:
                    self.store.mark_done(db, f"variants:{f.name}")

    def make_variants(self, units: Sequence[VariantUnit]) -> list[VariantOutcome]:
        """The outcomes of `units`; a worker process that dies (out of memory, a crash in
        native code) costs only the unit that killed it, found by running the units alone."""
        try:
            return list(self.executor.map(make_variant, units))
        except BrokenExecutor:
            self.executor.close()
        outcomes = []
        for unit in units:
            try:
                outcomes.extend(self.executor.map(make_variant, [unit]))
            except BrokenExecutor:
                self.executor.close()
                outcomes.append(VariantOutcome(unit.example_id, unit.followup.name, ERROR,
                                               WORKER_DIED, unit.seed))  # fmt: skip
        return outcomes

    # -- stage 3 -------------------------------------------------------------------------------
    def attacks(self) -> None:
        cfg = self.config
        every: tuple[Example, ...] | None = None
        for spec in cfg.followups:
            if spec.kind == "transform" or self.store.is_done(f"variants:{spec.name}"):
                continue
            with self.timer.stage("attacks"):
                every = every if every is not None else tuple(queries.examples(self.store))
                size = max(1, -(-len(every) // self.executor.model_workers))
                shards = [
                    AttackShard(spec, every, start, min(start + size, len(every)), cfg.lang,
                                cfg.seed)
                    for start in range(0, len(every), size)
                ]  # fmt: skip
                outcomes = [
                    outcome
                    for part in self.executor.map_with_models(attack_shard, shards, self.models)
                    for outcome in part
                ]
                with self.store.transaction() as db:
                    RunStore.insert(db, "variants", [variant_row(o.variant) for o in outcomes])
                    results = "attack_results" if spec.kind == "attack" else "search_results"
                    RunStore.insert(db, results, [o.row for o in outcomes if o.row])
                    RunStore.insert(db, "errors", [r for o in outcomes
                                                   for r in error_rows(o.variant, "attack")])  # fmt: skip
                    self.store.mark_done(db, f"variants:{spec.name}")

    # -- stage 4 -------------------------------------------------------------------------------
    def want_hidden(self) -> bool:
        if self.config.hidden == "auto":
            return any(needs_hidden(r) for _, r in self.relations)
        return self.config.hidden == "always"

    def inference(self) -> None:
        cfg = self.config
        hidden = self.want_hidden()
        for role in cfg.model_names:
            if self.store.is_done(f"inference:{role}"):
                continue
            with self.timer.stage("inference"):
                pending = token_sorted(self.models[role], queries.pending_inputs(self.store, role),
                                       lambda part: [i for _, i in queries.inputs_of(self.store, part)])  # fmt: skip
                chunks = list(_chunks(pending, cfg.batch_size * INFERENCE_BATCHES_PER_CHUNK))
                scored = self._scored(role, chunks, hidden)
                computed, seconds = inference_cost(self.store, role)
                for chunk in progress(scored, f"scoring ({role})", total=len(chunks)):
                    if chunk.computed:
                        computed, seconds = computed + chunk.computed, seconds + chunk.seconds
                    with self.store.transaction() as db:
                        RunStore.insert(db, "outputs", [o.row(role) for o in chunk.outputs])
                        RunStore.insert(db, "errors", [
                            ("inference", o.input_key, "", role, "error", o.reason)
                            for o in chunk.outputs if o.status != OK
                        ])  # fmt: skip
                        record_inference_cost(db, role, computed, seconds)
                with self.store.transaction() as db:
                    self.store.mark_done(db, f"inference:{role}")

    def _scored(
        self, role: str, chunks: Sequence[np.ndarray], hidden: bool
    ) -> Iterator[ScoredChunk]:
        """The outputs of every chunk of variants rowids, in chunk order."""
        window = INFERENCE_CHUNKS_PER_WINDOW * self.executor.model_workers
        for part in _chunks(chunks, window):
            units = [(role, queries.inputs_of(self.store, chunk), hidden) for chunk in part]
            yield from self.executor.map_with_models(score_chunk, units, self.models)

    # -- stage 5 -------------------------------------------------------------------------------
    def relation_stage(self) -> None:
        """Every relation on every follow-up set, for every teacher-student pair; then
        set-level relations on each pool. A set is committed with all its pairs at once."""
        hidden = self.want_hidden()
        students = [s.name for s in self.config.students]
        for name in [SOURCE, *(f.name for f in self.config.followups)]:
            if self.store.is_done(f"relations:{name}"):
                continue
            with self.timer.stage("relations"), self.store.transaction() as db:
                for student in students:
                    outputs, skipped = followup_outputs(self.store, name, hidden, student)
                    for rows in evaluate_relations(outputs, self.relations, student):
                        self._insert_relation_rows(db, rows)
                    RunStore.insert(db, "errors", skipped)
                self.store.mark_done(db, f"relations:{name}")
        whole_set = [(i, r) for i, r in self.relations if is_set_level(r)]
        for pool, members in self.config.pools().items():
            if self.store.is_done(f"relations:{pool}"):
                continue
            with self.timer.stage("relations"), self.store.transaction() as db:
                for student in students:
                    outputs = pooled_outputs(self.store, pool, members, hidden, student)
                    for rows in evaluate_relations(outputs, whole_set, student):
                        self._insert_relation_rows(db, rows)
                self.store.mark_done(db, f"relations:{pool}")

    @staticmethod
    def _insert_relation_rows(db: sqlite3.Connection, rows: RelationRows) -> None:
        RunStore.insert(db, "verdicts", rows.verdicts)
        RunStore.insert(db, "set_level", rows.set_level)
        RunStore.insert(db, "errors", rows.errors)

    # -- stage 6 -------------------------------------------------------------------------------
    def aggregate(self) -> dict[str, Any]:
        with self.timer.stage("aggregate"):
            tables = agg.aggregate(self.store, self.config, self.relations, self.want_hidden())
            queries.replace_results(
                self.store, "aggregate",
                {name: [row.row() for row in rows] for name, rows in tables.rows.items()},
            )  # fmt: skip
            set_level = queries.set_level_rows(self.store)
            first = self.config.students[0].name
            pairs = {"pairs": tables.gaps} if len(self.config.students) > 1 else {}
            return {
                "gaps": tables.gaps[first],
                **pairs,
                **{name: [asdict(row) for row in rows] for name, rows in tables.rows.items()},
                "set_level": [
                    {"relation": r, "followup": f, "key": k, "value": v, "student": s}
                    for r, f, k, v, s in set_level
                ],
            }


def _no_examples(data: Mapping[str, Any], skipped: Sequence[Any]) -> str:
    """The error for data that gave no example: where it came from and why rows were skipped."""
    where = data.get("path") or f"format {data.get('format')}"
    reasons = ", ".join(f"{n} {reason}" for reason, n in _counts(s.reason for s in skipped))
    because = f"; {len(skipped)} rows were skipped ({reasons})" if skipped else ""
    return f"the data {where} gave no example to test{because}; fix: check the data and its columns"


def _counts(items: Any) -> list[tuple[str, int]]:
    counts: dict[str, int] = {}
    for item in items:
        counts[item] = counts.get(item, 0) + 1
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str))


def _write_reports(run_dir: Path, formats: Sequence[str]) -> str | None:
    """Call `metacompress.report.write_reports` when that module exists; its error, if any."""
    try:
        from metacompress.report import write_reports
    except ImportError:
        return None
    try:
        write_reports(run_dir, list(formats))
    except Exception as error:  # the tables and summary are safe; say what went wrong
        message = f"{type(error).__name__}: {error}"
        print(f"metacompress: warning: reports not written: {message}", file=sys.stderr)
        return message
    return None


def run_experiment(
    config: RunConfig,
    *,
    resume: bool = False,
    data: Any | None = None,
    models: Mapping[str, Any] | None = None,
    executor: Executor | None = None,
) -> RunOutcome:
    """Run (or, with `resume`, continue) the experiment of `config` in `config.output`.

    `data` (a LoadResult or a list of Examples) and `models` ({"teacher": ..., STUDENT NAME:
    ...}, e.g. {"teacher": ..., "student": ...} for a run of one pair) replace the config's
    data and model specs when given (tests, notebooks).
    """
    started, started_cpu = time.time(), time.process_time()
    run_dir = Path(config.output)
    check_writable(run_dir)
    with RunStore(run_dir) as store:
        settings = {k: v for k, v in config.to_dict().items() if k not in NOT_RESULT_KEYS}
        resumed = check_resume(store, config.result_hash(), settings, run_dir, resume)
        given = dict(models or {})
        missing = [name for name in config.model_names if name not in given]
        raw_models = {**(load_models(config, missing) if missing else {}), **given}
        check_models(config, raw_models)
        fingerprints = {n: m.fingerprint for n, m in raw_models.items()}
        check_fingerprints(store, fingerprints, run_dir)
        write_atomic(run_dir / CONFIG_NAME, config.to_yaml())
        cached = cached_models(raw_models, run_dir, config.cache)
        own_executor = executor is None
        gpus = 1.0 if config.device.startswith("cuda") else 0.0
        executor = executor or make_executor(
            config.backend, config.workers, config.ray_address, gpus
        )
        try:
            runner = Runner(config, store, executor, cached)
            runner.load(data, run_identity(config.result_hash(), fingerprints))
            runner.variants()
            runner.attacks()
            runner.inference()
            with runner.timer.stage("facts"):
                measure_facts(store, config, raw_models)
            runner.relation_stage()
            results = runner.aggregate()
        finally:
            if own_executor:
                executor.close()
            for model in cached.values():
                model.close()
        rates = [Rate(**r) for r in results["rates"]]
        gate_results = evaluate_gates(config.gates, rates)
        with runner.timer.stage("export"):
            store.export(run_dir / TABLES_DIR)
        counts = queries.counts(store)
        failed = health.failed_followups(
            counts["variants"], lambda followup: queries.first_error(store, followup)
        )
        summary = {
            "metacompress": __version__,
            "format_version": store.get_meta("format_version"),
            "config": CONFIG_NAME,
            "config_sha256": config.result_hash(),
            "task": config.task,
            "lang": config.lang,
            "seed": config.seed,
            "resumed": resumed,
            "provenance": {
                "versions": provenance.versions(),
                "git_commit": provenance.git_commit(),
                "host": provenance.host(),
                "started": time.strftime("%Y-%m-%dT%H:%M:%S%z", time.localtime(started)),
            },
            "models": {
                name: provenance.describe_model(raw_models[name], config.model_spec(name))
                for name in config.model_names
            },
            "cache": {name: cached[name].counters() for name in config.model_names},
            "timings": {**runner.timer.seconds, "total": round(time.time() - started, 3)},
            "cpu_timings": {**runner.timer.cpu_seconds,
                            "total": round(time.process_time() - started_cpu, 3)},  # fmt: skip
            "counts": counts,
            "failed_followups": failed,
            "warnings": health.run_warnings(results["scores"], failed)
            + health.constant_output_warnings(store),
            "results": results,
            "gates": [g.to_dict() for g in gate_results],
            "passed": all(g.passed for g in gate_results),
            "tables": {"sqlite": DB_NAME, "exports": TABLES_DIR},
        }
        write_summary(run_dir, summary)
    report_error = _write_reports(run_dir, config.report)
    if report_error:
        summary["report_error"] = report_error
        write_summary(run_dir, summary)
    return RunOutcome(run_dir, summary, gate_results)
