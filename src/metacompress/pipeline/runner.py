"""One experiment end to end, resumable at any point: `run_experiment(config)`.

Stages, each committing its results to the run store in chunks (a crash loses at most the chunk
in flight) and marking itself done, so `resume=True` skips finished stages and finished units:

1. load: the examples (data loader or the given ones), bad rows into ``errors``, the source
   variant of every example, the follow-up and relation definitions;
2. variants: every (example, transformation follow-up) unit, through the executor, the
   examples read from the store a page at a time;
3. attacks: every attack follow-up, against its victim (see `adversarial`), the examples cut
   into one shard per model worker of the executor (`attack_shard`);
4. inference: each model on every unique input not yet scored (dedupe by content), in
   length-sorted chunks scored where the executor keeps the models (`score_chunk`); the
   inputs are read from the store a window of chunks at a time, so memory does not grow with
   the data;
5. relations: every relation on every follow-up set (the source baseline included);
6. aggregate: rates with intervals, scores, McNemar, gaps; recomputed from the tables;
7. gates, table exports, summary.json, and the reports when `metacompress.report` exists.

A resumed run must use the config it started with (every setting that can change a result, see
`RunConfig.result_hash`) and the same models (fingerprints); anything else is a ConfigError.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import math
import sqlite3
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import BrokenExecutor
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from metacompress import __version__
from metacompress.data.types import SOURCE, Example
from metacompress.errors import ConfigError
from metacompress.pipeline import aggregate as agg
from metacompress.pipeline import provenance
from metacompress.pipeline.adversarial import AttackOutcome, run_attack
from metacompress.pipeline.config import MODEL_ROLES, POOLED, FollowupSpec, RunConfig
from metacompress.pipeline.executor import Executor, make_executor
from metacompress.pipeline.gates import GateResult, evaluate_gates
from metacompress.pipeline.inference import ModelOutput, decode_hidden, score_inputs
from metacompress.pipeline.store import (
    CACHE_PATH,
    CONFIG_NAME,
    DB_NAME,
    SUMMARY_NAME,
    TABLES_DIR,
    RunStore,
    check_writable,
    dumps,
    input_key,
    write_atomic,
)
from metacompress.pipeline.variants import (
    ERROR,
    OK,
    TIMEOUT,
    VariantOutcome,
    VariantUnit,
    make_variant,
    unit_seed,
)
from metacompress.pipeline.verdicts import (
    HIDDEN_FIELDS,
    FollowupOutputs,
    RelationRows,
    evaluate_relations,
    is_set_level,
    needs_hidden,
)
from metacompress.progress import progress

WORKER_DIED = "the worker process died (out of memory or a crash in native code)"

#: Model batches per committed inference chunk: inputs are sorted by length and handed to the
#: model layer a chunk at a time, so its length buckets stay full.
INFERENCE_BATCHES_PER_CHUNK = 8
#: Examples read from the store at a time by the variants stage.
EXAMPLES_PER_PAGE = 500
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


class _Timer:
    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] = round(self.seconds.get(name, 0.0) + time.perf_counter() - start, 3)


def _chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _batched(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(items)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


def score_chunk(models: Mapping[str, Any], unit: tuple) -> list[ModelOutput]:
    """Unit of the inference stage: (role, [(input_key, inputs)], hidden) -> model outputs."""
    role, items, hidden = unit
    return score_inputs(models[role], items, hidden)


@dataclass(frozen=True)
class AttackShard:
    """Examples [start, stop) of one attack follow-up; `examples` holds every example."""

    spec: FollowupSpec
    examples: tuple[Example, ...]
    start: int
    stop: int
    lang: str
    seed: int


def attack_shard(models: Mapping[str, Any], shard: AttackShard) -> list[AttackOutcome]:
    """Unit of the attack stage: the outcomes of the shard's examples.

    The examples outside the shard stay in the call without their label, so the attack skips
    them unscored but still draws its vocabulary from every example; each example's search has
    its own seed and budget, so a shard's outcomes are those of one call over all examples.
    """
    examples = [
        e if shard.start <= i < shard.stop else dataclasses.replace(e, label=None)
        for i, e in enumerate(shard.examples)
    ]
    victim = models[shard.spec.victim]
    outcomes = run_attack(shard.spec, examples, victim, shard.lang, shard.seed)
    return outcomes[shard.start : shard.stop]


def _variant_row(o: VariantOutcome) -> tuple:
    steps = [list(s) for s in o.steps]
    edits = [[list(step) for step in side] for side in o.edits]
    inputs = None if o.inputs is None else dumps(list(o.inputs))
    key = None if o.inputs is None else input_key(o.inputs)
    return (o.variant_id, o.example_id, o.followup, o.status, o.reason, o.seed, dumps(steps),
            dumps(edits), inputs, key)  # fmt: skip


def _variant_error(o: VariantOutcome, stage: str) -> list[tuple]:
    if o.status not in (ERROR, TIMEOUT):
        return []
    return [(stage, o.example_id, o.followup, "", o.status, o.reason)]


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
    def load(self, data: Any | None) -> None:
        if self.store.is_done("load"):
            return
        from metacompress.pipeline.sources import load_data

        with self.timer.stage("load"):
            cfg = self.config
            result = data if data is not None else load_data(cfg.data, cfg.task, cfg.seed)
            examples = list(getattr(result, "examples", result))
            ids = [e.id for e in examples]
            if len(set(ids)) != len(ids):
                raise ConfigError("the examples given to the run have duplicate ids")
            rows = (  # generators: the store consumes them row by row
                (e.id, i, e.label, dumps(list(e.inputs)), dumps(_jsonable(e.meta)))
                for i, e in enumerate(examples)
            )
            sources = (
                _variant_row(VariantOutcome(e.id, SOURCE, OK, "", cfg.seed, (), (), e.inputs))
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
                (f.name, i + 1, "attack" if f.kind == "attack" else "transform", f.victim,
                 dumps(f.to_dict()))
                for i, f in enumerate(cfg.followups)
            ]  # fmt: skip
            relations = [
                (spec.id, i, spec.name, dumps(_jsonable(spec.params)))
                for i, spec in enumerate(cfg.relations)
            ]
            with self.store.transaction() as db:
                RunStore.insert(db, "examples", rows)
                RunStore.insert(db, "variants", sources)
                RunStore.insert(db, "errors", errors)
                RunStore.insert(db, "followups", followups)
                RunStore.insert(db, "relations", relations)
                db.execute("INSERT OR REPLACE INTO meta VALUES ('data', ?)", (dumps(info),))
                self.store.mark_done(db, "load")

    def examples(self) -> list[Example]:
        rows = self.store.query(
            "SELECT example_id, inputs, label, meta FROM examples ORDER BY position"
        )
        return [Example(i, tuple(json.loads(x)), label, json.loads(m)) for i, x, label, m in rows]

    def example_pages(self) -> Iterator[list[Example]]:
        """The examples in data order, EXAMPLES_PER_PAGE at a time (only the ids all at once)."""
        ids = [i for (i,) in self.store.query("SELECT example_id FROM examples ORDER BY position")]
        for page in _chunks(ids, EXAMPLES_PER_PAGE):
            marks = ",".join("?" * len(page))
            rows = {row[0]: row for row in self.store.query(
                "SELECT example_id, inputs, label, meta FROM examples"
                f" WHERE example_id IN ({marks})", page,
            )}  # fmt: skip
            yield [
                Example(i, tuple(json.loads(x)), label, json.loads(m))
                for i, x, label, m in (rows[i] for i in page)
            ]

    # -- stage 2 -------------------------------------------------------------------------------
    def variants(self) -> None:
        cfg = self.config
        specs = [f for f in cfg.followups if f.kind != "attack"]
        pending_specs = [f for f in specs if not self.store.is_done(f"variants:{f.name}")]
        if not pending_specs:
            return
        with self.timer.stage("variants"):
            done = {
                (e, f) for e, f in self.store.query("SELECT example_id, followup FROM variants")
            }
            units = (
                VariantUnit(e.id, e.inputs, f, cfg.lang, unit_seed(cfg.seed, e.id, f.name),
                            cfg.time_limit)
                for f in pending_specs
                for page in self.example_pages()
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
                    RunStore.insert(db, "variants", [_variant_row(o) for o in outcomes])
                    RunStore.insert(db, "errors", [r for o in outcomes
                                                   for r in _variant_error(o, "variants")])  # fmt: skip
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
            if spec.kind != "attack" or self.store.is_done(f"variants:{spec.name}"):
                continue
            with self.timer.stage("attacks"):
                every = every if every is not None else tuple(self.examples())
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
                    RunStore.insert(db, "variants", [_variant_row(o.variant) for o in outcomes])
                    RunStore.insert(db, "attack_results", [o.row for o in outcomes if o.row])
                    RunStore.insert(db, "errors", [r for o in outcomes
                                                   for r in _variant_error(o.variant, "attack")])  # fmt: skip
                    self.store.mark_done(db, f"variants:{spec.name}")

    # -- stage 4 -------------------------------------------------------------------------------
    def want_hidden(self) -> bool:
        if self.config.hidden == "auto":
            return any(needs_hidden(r) for _, r in self.relations)
        return self.config.hidden == "always"

    def inference(self) -> None:
        cfg = self.config
        hidden = self.want_hidden()
        for role in MODEL_ROLES:
            if self.store.is_done(f"inference:{role}"):
                continue
            with self.timer.stage("inference"):
                # one variants rowid per pending unique input (8 bytes each), shortest first
                pending = np.fromiter(
                    (rowid for (rowid,) in self.store.stream(
                        "SELECT MIN(rowid) FROM variants WHERE status = 'ok' AND input_key"
                        " NOT IN (SELECT input_key FROM outputs WHERE model = ?)"
                        " GROUP BY input_key ORDER BY MAX(LENGTH(inputs)), input_key",
                        (role,),
                    )),
                    dtype=np.int64,
                )  # fmt: skip
                chunks = list(_chunks(pending, cfg.batch_size * INFERENCE_BATCHES_PER_CHUNK))
                scored = self._scored(role, chunks, hidden)
                for outputs in progress(scored, f"scoring ({role})", total=len(chunks)):
                    with self.store.transaction() as db:
                        RunStore.insert(db, "outputs", [o.row(role) for o in outputs])
                        RunStore.insert(db, "errors", [
                            ("inference", o.input_key, "", role, "error", o.reason)
                            for o in outputs if o.status != OK
                        ])  # fmt: skip
                with self.store.transaction() as db:
                    self.store.mark_done(db, f"inference:{role}")

    def _scored(
        self, role: str, chunks: Sequence[np.ndarray], hidden: bool
    ) -> Iterator[list[ModelOutput]]:
        """The outputs of every chunk of variants rowids, in chunk order."""
        window = INFERENCE_CHUNKS_PER_WINDOW * self.executor.model_workers
        for part in _chunks(chunks, window):
            units = [(role, self._inputs(chunk), hidden) for chunk in part]
            yield from self.executor.map_with_models(score_chunk, units, self.models)

    def _inputs(self, rowids: np.ndarray) -> list[tuple[str, tuple[str, ...]]]:
        """(input_key, inputs) of the variants rows `rowids`, in their order."""
        found: dict[int, tuple[str, str]] = {}
        for part in _chunks(rowids.tolist(), 500):
            marks = ",".join("?" * len(part))
            for rowid, key, inputs in self.store.query(
                f"SELECT rowid, input_key, inputs FROM variants WHERE rowid IN ({marks})", part
            ):
                found[rowid] = (key, inputs)
        return [(found[r][0], tuple(json.loads(found[r][1]))) for r in rowids.tolist()]

    # -- stage 5 -------------------------------------------------------------------------------
    def relation_stage(self) -> None:
        """Every relation on every follow-up set; then set-level relations on the pooled set."""
        hidden = self.want_hidden()
        for name in [SOURCE, *(f.name for f in self.config.followups)]:
            if self.store.is_done(f"relations:{name}"):
                continue
            with self.timer.stage("relations"):
                outputs, skipped = self.followup_outputs(name, hidden)
                with self.store.transaction() as db:
                    for rows in evaluate_relations(outputs, self.relations):
                        self._insert_relation_rows(db, rows)
                    RunStore.insert(db, "errors", skipped)
                    self.store.mark_done(db, f"relations:{name}")
        if not self.store.is_done(f"relations:{POOLED}"):
            with self.timer.stage("relations"):
                whole_set = [(i, r) for i, r in self.relations if is_set_level(r)]
                with self.store.transaction() as db:
                    for rows in evaluate_relations(self.pooled_outputs(hidden), whole_set):
                        self._insert_relation_rows(db, rows)
                    self.store.mark_done(db, f"relations:{POOLED}")

    @staticmethod
    def _insert_relation_rows(db: sqlite3.Connection, rows: RelationRows) -> None:
        RunStore.insert(db, "verdicts", rows.verdicts)
        RunStore.insert(db, "set_level", rows.set_level)
        RunStore.insert(db, "errors", rows.errors)

    def pooled_outputs(self, hidden: bool) -> FollowupOutputs:
        """The outputs of every follow-up set but the source, concatenated, as set "all"."""
        parts = [self.followup_outputs(f.name, hidden)[0] for f in self.config.followups]
        return FollowupOutputs.concatenate(POOLED, parts)

    def followup_outputs(self, name: str, hidden: bool) -> tuple[FollowupOutputs, list[tuple]]:
        """The saved outputs of both models on the (source, follow-up) pairs of `name`."""
        cols = ", ".join(
            f"{a}.p_negative, {a}.p_positive, {a}.status, {a}.hidden"
            for a in ("ts", "ss", "tf", "sf")
        )
        rows = self.store.query(
            f"SELECT v.variant_id, v.example_id, e.label, {cols} FROM variants v"
            " JOIN examples e ON e.example_id = v.example_id"
            " JOIN variants s ON s.example_id = v.example_id AND s.followup = ?"
            " LEFT JOIN outputs ts ON ts.model = 'teacher' AND ts.input_key = s.input_key"
            " LEFT JOIN outputs ss ON ss.model = 'student' AND ss.input_key = s.input_key"
            " LEFT JOIN outputs tf ON tf.model = 'teacher' AND tf.input_key = v.input_key"
            " LEFT JOIN outputs sf ON sf.model = 'student' AND sf.input_key = v.input_key"
            " WHERE v.followup = ? AND v.status = 'ok' ORDER BY e.position",
            (SOURCE, name),
        )
        where = ("source", "source", "follow-up", "follow-up")
        kept, skipped = [], []
        for row in rows:
            statuses = row[5::4]
            bad = [
                f"{model} on the {w}" for model, w, s in
                zip(("teacher", "student") * 2, where, statuses, strict=True) if s != OK
            ]  # fmt: skip
            if bad:
                reason = "no output of the " + ", ".join(bad)
                skipped.append(("relations", row[1], name, "", "skipped", reason))
            else:
                kept.append(row)

        def probs(offset: int) -> np.ndarray:
            return np.array([[r[offset], r[offset + 1]] for r in kept], dtype=float).reshape(-1, 2)

        hidden_arrays: dict[str, np.ndarray] = {}
        if hidden and kept:
            for field_name, offset in zip(HIDDEN_FIELDS, (6, 10, 14, 18), strict=True):
                vectors = [decode_hidden(r[offset]) for r in kept]
                if all(v is not None for v in vectors) and len({len(v) for v in vectors}) == 1:
                    hidden_arrays[field_name] = np.stack(vectors)
        outputs = FollowupOutputs(
            followup=name,
            variant_ids=[r[0] for r in kept],
            example_ids=[r[1] for r in kept],
            labels=np.array([-1 if r[2] is None else r[2] for r in kept], dtype=int),
            teacher_source=probs(3),
            student_source=probs(7),
            teacher_followup=probs(11),
            student_followup=probs(15),
            hidden=hidden_arrays,
        )
        return outputs, skipped

    # -- stage 6 -------------------------------------------------------------------------------
    def aggregate(self) -> dict[str, Any]:
        with self.timer.stage("aggregate"):
            cfg = self.config
            followups = [SOURCE, *(f.name for f in cfg.followups)]
            rates = self._rates(followups)
            scores, tests = self._scores(followups)
            gaps = agg.gaps(
                self.followup_outputs(SOURCE, False)[0], self.pooled_outputs(False), rates,
                n_boot=cfg.bootstrap, confidence=cfg.confidence, seed=cfg.seed,
            )  # fmt: skip
            with self.store.transaction() as db:
                for table in ("rates", "scores", "mcnemar"):
                    db.execute(f"DELETE FROM {table}")
                RunStore.insert(db, "rates", [r.row() for r in rates])
                RunStore.insert(db, "scores", [s.row() for s in scores])
                RunStore.insert(db, "mcnemar", [t.row() for t in tests])
                self.store.mark_done(db, "aggregate")
            set_level = self.store.query(
                "SELECT relation, followup, key, value FROM set_level"
                " ORDER BY relation, followup, key"
            )
            return {
                "gaps": gaps,
                "rates": [asdict(r) for r in rates],
                "scores": [asdict(s) for s in scores],
                "mcnemar": [asdict(t) for t in tests],
                "set_level": [
                    {"relation": r, "followup": f, "key": k, "value": v} for r, f, k, v in set_level
                ],
            }

    def _rates(self, followups: Sequence[str]) -> list[agg.Rate]:
        cfg = self.config
        rates: list[agg.Rate] = []
        for relation_id, relation in self.relations:
            for followup in [*followups, POOLED]:
                set_level = None
                verdicts: list[tuple] = []
                if is_set_level(relation):
                    set_level = dict(self.store.query(
                        "SELECT key, value FROM set_level WHERE relation = ? AND followup = ?",
                        (relation_id, followup),
                    ))  # fmt: skip
                else:
                    where = "followup != ?" if followup == POOLED else "followup = ?"
                    verdicts = self.store.query(
                        "SELECT example_id, applicable, holds, score FROM verdicts"
                        f" WHERE relation = ? AND {where} ORDER BY variant_id",
                        (relation_id, SOURCE if followup == POOLED else followup),
                    )
                rates.append(
                    agg.relation_rate(
                        relation_id, followup, verdicts, set_level,
                        n_boot=cfg.bootstrap, confidence=cfg.confidence, seed=cfg.seed,
                    )
                )  # fmt: skip
        return rates

    def _scores(self, followups: Sequence[str]) -> tuple[list[agg.Score], list[agg.McNemar]]:
        """Accuracy/F1 and McNemar per follow-up set and on the pooled follow-ups. Each set is
        read as three integer columns (label, teacher's and student's prediction), so memory
        holds integers, not rows; the pooled set concatenates the follow-ups' columns (the
        scores are counts, so row order does not matter)."""
        columns = {f: self._prediction_columns(f) for f in followups}
        pooled = [c for f, c in columns.items() if f != SOURCE]
        columns[POOLED] = tuple(
            np.concatenate([c[i] for c in pooled]) if pooled else np.zeros(0, dtype=int)
            for i in range(3)
        )
        scores, tests = [], []
        for f, (labels, teacher, student) in columns.items():
            scores.append(agg.model_scores("teacher", f, teacher, labels))
            scores.append(agg.model_scores("student", f, student, labels))
            tests.append(agg.mcnemar_row(f, teacher, student, labels))
        return scores, tests

    def _prediction_columns(self, followup: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(labels with -1 for unknown, teacher predictions, student predictions) of the
        follow-up's variants that both models scored."""
        rows = self.store.stream(
            "SELECT COALESCE(e.label, -1), t.predicted, s.predicted FROM variants v"
            " JOIN examples e ON e.example_id = v.example_id"
            " JOIN outputs t ON t.model = 'teacher' AND t.input_key = v.input_key"
            " JOIN outputs s ON s.model = 'student' AND s.input_key = v.input_key"
            " WHERE v.followup = ? AND v.status = 'ok' AND t.status = 'ok' AND s.status = 'ok'",
            (followup,),
        )
        flat = np.fromiter(itertools.chain.from_iterable(rows), dtype=np.int64)
        table = flat.reshape(-1, 3)
        return table[:, 0], table[:, 1], table[:, 2]

    # -- summary -------------------------------------------------------------------------------
    def counts(self) -> dict[str, Any]:
        q = self.store.query
        variants: dict[str, dict[str, int]] = {}
        for followup, status, n in q(
            "SELECT followup, status, COUNT(*) FROM variants GROUP BY followup, status"
            " ORDER BY followup, status"
        ):
            variants.setdefault(followup, {})[status] = n
        outputs: dict[str, dict[str, int]] = {}
        for model, status, n, truncated in q(
            "SELECT model, status, COUNT(*), SUM(COALESCE(truncated, 0)) FROM outputs"
            " GROUP BY model, status ORDER BY model, status"
        ):
            entry = outputs.setdefault(model, {"truncated": 0})
            entry[status] = n
            entry["truncated"] += int(truncated or 0)
        errors = dict(q(
            "SELECT stage || ':' || kind, COUNT(*) FROM errors GROUP BY stage, kind"
            " ORDER BY stage, kind"
        ))  # fmt: skip
        return {
            "examples": self.store.count("examples"),
            "data": json.loads(self.store.get_meta("data") or "{}"),
            "unique_inputs": int(q("SELECT COUNT(DISTINCT input_key) FROM variants")[0][0]),
            "variants": variants,
            "outputs": outputs,
            "errors": errors,
            "attacks": {
                f: dict(
                    q(
                        "SELECT status, COUNT(*) FROM attack_results WHERE followup = ?"
                        " GROUP BY status ORDER BY status",
                        (f,),
                    )
                )
                for (f,) in q("SELECT DISTINCT followup FROM attack_results ORDER BY followup")
            },  # fmt: skip
        }


def _counts(items: Any) -> list[tuple[str, int]]:
    counts: dict[str, int] = {}
    for item in items:
        counts[item] = counts.get(item, 0) + 1
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


def _finite(value: Any) -> Any:
    """`value` with every NaN or infinity replaced by None (summary.json is strict JSON)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


def _write_summary(run_dir: Path, summary: dict[str, Any]) -> None:
    text = json.dumps(_finite(summary), indent=2, default=str, allow_nan=False)
    write_atomic(run_dir / SUMMARY_NAME, text + "\n")


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str))


def _check_resume(store: RunStore, config: RunConfig, run_dir: Path, resume: bool) -> bool:
    """Whether this continues an earlier run; refuse a mismatched or unasked-for one."""
    stored = store.get_meta("config_sha256")
    if stored is None:
        store.set_meta("config_sha256", config.result_hash())
        return False
    if not resume:
        raise ConfigError(
            f"run directory {run_dir} already holds a run; pass --resume to continue it, "
            "or choose another --out"
        )
    if stored != config.result_hash():
        old = _read_config(run_dir)
        new = config.to_dict()
        changed = sorted(k for k in new if old.get(k) != new[k]) if old else ["?"]
        raise ConfigError(
            f"cannot resume {run_dir}: its config differs in {', '.join(changed)}; "
            "resume with the config it was started with, or choose another --out"
        )
    return True


def _read_config(run_dir: Path) -> dict[str, Any]:
    import yaml

    try:
        return yaml.safe_load((run_dir / CONFIG_NAME).read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError):
        return {}


def _check_fingerprints(store: RunStore, models: Mapping[str, Any], run_dir: Path) -> None:
    for role in MODEL_ROLES:
        key = f"fingerprint:{role}"
        stored, current = store.get_meta(key), models[role].fingerprint
        if stored is None:
            store.set_meta(key, current)
        elif stored != current:
            raise ConfigError(
                f"cannot resume {run_dir}: the {role} model changed since the run started "
                f"(fingerprint {stored[:12]} -> {current[:12]})"
            )


def load_models(config: RunConfig) -> dict[str, Any]:
    """Load teacher and student from their specs (`metacompress.models.load_model`)."""
    from metacompress.models import load_model

    return {
        role: load_model(
            getattr(config, role),
            device=config.device,
            half=config.half,
            batch_size=config.batch_size,
            allow_pickle=config.allow_pickle,
            trust_remote_code=config.trust_remote_code,
        )
        for role in MODEL_ROLES
    }


def _cached(models: Mapping[str, Any], run_dir: Path) -> dict[str, Any]:
    from metacompress.models import CachedClassifier

    return {role: CachedClassifier(models[role], run_dir / CACHE_PATH) for role in MODEL_ROLES}


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
    load: Callable[[RunConfig], Mapping[str, Any]] = load_models,
) -> RunOutcome:
    """Run (or, with `resume`, continue) the experiment of `config` in `config.output`.

    `data` (a LoadResult or a list of Examples) and `models` ({"teacher": ..., "student": ...})
    replace the config's data and model specs when given (tests, notebooks).
    """
    started = time.time()
    run_dir = Path(config.output)
    check_writable(run_dir)
    with RunStore(run_dir) as store:
        resumed = _check_resume(store, config, run_dir, resume)
        write_atomic(run_dir / CONFIG_NAME, config.to_yaml())
        raw_models = dict(models) if models is not None else dict(load(config))
        _check_fingerprints(store, raw_models, run_dir)
        cached = _cached(raw_models, run_dir)
        own_executor = executor is None
        gpus = 1.0 if config.device == "cuda" else 0.0
        executor = executor or make_executor(
            config.backend, config.workers, config.ray_address, gpus
        )
        try:
            runner = Runner(config, store, executor, cached)
            runner.load(data)
            runner.variants()
            runner.attacks()
            runner.inference()
            runner.relation_stage()
            results = runner.aggregate()
        finally:
            if own_executor:
                executor.close()
            for model in cached.values():
                model.close()
        rates = [agg.Rate(**r) for r in results["rates"]]
        gate_results = evaluate_gates(config.gates, rates)
        with runner.timer.stage("export"):
            store.export(run_dir / TABLES_DIR)
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
                role: provenance.describe_model(raw_models[role], getattr(config, role))
                for role in MODEL_ROLES
            },
            "cache": {role: cached[role].counters() for role in MODEL_ROLES},
            "timings": {**runner.timer.seconds, "total": round(time.time() - started, 3)},
            "counts": runner.counts(),
            "results": results,
            "gates": [g.to_dict() for g in gate_results],
            "passed": all(g.passed for g in gate_results),
            "tables": {"sqlite": DB_NAME, "exports": TABLES_DIR},
        }
        _write_summary(run_dir, summary)
    report_error = _write_reports(run_dir, config.report)
    if report_error:
        summary["report_error"] = report_error
        _write_summary(run_dir, summary)
    return RunOutcome(run_dir, summary, gate_results)
