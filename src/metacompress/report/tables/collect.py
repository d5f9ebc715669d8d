"""Read a `StudyResults` from a run or study directory (through `rundir.StudyReader`).

Nothing is computed here: predictions, attack results and relation flags are read as the run
saved them and put in example order. Derived facts:
- a follow-up's family: a transformation's catalogue family (the module that defines it; a
  combination of transformations is ``combined``), an attack's name;
- an attack result's probabilities are (1 - p, p) of the positive-class probabilities the
  attack recorded; its edits, those of the follow-up variant (none when it has no input);
- a model's size and speed: the ``size`` and ``speed`` the run recorded in its description
  (None for a run that did not measure them).
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np

from metacompress.attacks.base import AttackResult
from metacompress.data.types import SOURCE
from metacompress.relations.rates import align_source
from metacompress.report.tables.study import (
    ATTACK,
    AttackRecord,
    FollowupRecord,
    ModelRecord,
    PairRecord,
    SetRecord,
    StudyResults,
)
from metacompress.rundir.study_reader import StudyReader

DATASETS = {"devign": "Devign", "bigclonebench": "BigCloneBench", "synth": "synthetic"}
COMBINED = "combined"


def dataset_name(data: dict[str, Any]) -> str:
    """Devign, BigCloneBench, synthetic, or the data file's name."""
    fmt = str(data.get("format", ""))
    if fmt in DATASETS:
        return DATASETS[fmt]
    path = data.get("path")
    return Path(str(path)).name.split(".")[0] if path else fmt or "data"


def family(kind: str, spec: dict[str, Any]) -> str:
    """The family of a follow-up (see the module docstring)."""
    if kind == ATTACK:
        return str(spec.get("attack", ATTACK))
    from metacompress.code.transform import TRANSFORMS

    name = str(spec.get("transform", ""))
    if name not in TRANSFORMS:
        return name
    module = TRANSFORMS.get(name).__module__
    return COMBINED if module.endswith(".combine") else module.rsplit(".", 1)[-1]


def _column(values: dict[str, int], ids: list[str]) -> np.ndarray:
    return np.array([-1 if values.get(e) is None else values[e] for e in ids], dtype=int)


def _probs(p: float | None) -> tuple[float, float] | None:
    return None if p is None else (1.0 - p, p)


def _attack_results(run: StudyReader, followup: str, attack: str) -> tuple[AttackResult, ...]:
    results = []
    for eid, status, reason, queries, changed, p0, p1, label, edits in run.attack_results(followup):
        sides = json.loads(edits) if edits else []
        results.append(AttackResult(
            eid, status, reason, int(queries), int(changed),
            edits=tuple(tuple(e for step in side for e in step) for side in sides),
            original_probs=_probs(p0), final_probs=_probs(p1), label=label, attack=attack,
        ))  # fmt: skip
    return tuple(results)


def _models(run: StudyReader, ids: list[str]) -> tuple[ModelRecord, ...]:
    records = []
    for m in run.models():
        info = m["info"] or {}
        size, speed = info.get("size") or {}, info.get("speed") or {}
        records.append(ModelRecord(
            m["name"], m["role"], m["method"], _column(run.predictions(SOURCE, m["name"]), ids),
            seed=m["seed"], size_mb=size.get("size_mb"), parameters=size.get("parameters"),
            latency_ms=speed.get("latency_ms"), throughput=speed.get("throughput"),
            fingerprint=str(info.get("fingerprint", "")),
        ))  # fmt: skip
    return tuple(records)


def _pairs(run: StudyReader, ids: list[str]) -> list[PairRecord]:
    pairs = []
    for relation in run.input_relations():
        flags: dict[tuple[str, str], list[tuple]] = defaultdict(list)
        for student, followup, eid, applicable, holds in run.verdict_flags(relation):
            flags[(student, followup)].append((eid, applicable, holds))
        for (student, followup), rows in flags.items():
            if followup == SOURCE:
                continue
            source = flags.get((student, SOURCE), [])
            src_a, src_v = align_source(
                [e for e, _, _ in source], np.array([bool(a) for _, a, _ in source]),
                np.array([bool(a) and not h for _, a, h in source]), [e for e, _, _ in rows],
            )  # fmt: skip
            applicable = np.array([bool(a) for _, a, _ in rows])
            pairs.append(PairRecord(
                relation, student, followup, applicable,
                applicable & ~np.array([bool(h) for _, _, h in rows]), src_a, src_v,
                np.array([e for e, _, _ in rows], dtype=object),
            ))  # fmt: skip
    return pairs


def _set_level(run: StudyReader, input_relations: list[str]) -> list[SetRecord]:
    values: dict[tuple[str, str, str], dict[str, float | None]] = defaultdict(dict)
    for relation, student, followup, key, value in run.set_level_rows():
        if relation not in input_relations and followup != SOURCE:
            values[(relation, student, followup)][key] = value
    return [
        SetRecord(relation, student, followup, found.get("score"), found.get("low"),
                  found.get("high"))
        for (relation, student, followup), found in values.items()
        if "score" in found
    ]  # fmt: skip


def read_study(run_dir: Path | str) -> StudyResults:
    """The per-example results of the run or study in `run_dir`."""
    with StudyReader(run_dir) as run:
        config = run.config()
        rows = run.example_rows()
        ids = [e for e, _ in rows]
        labels = np.array([-1 if y is None else y for _, y in rows], dtype=int)
        models = _models(run, ids)
        followups, attacks = [], []
        for name, kind, victim, spec in run.followups():
            followups.append(FollowupRecord(name, kind, family(kind, spec)))
            if kind == ATTACK and victim is not None:
                attack = str(spec.get("id") or spec.get("attack"))
                finals = {m.name: _column(run.predictions(name, m.name), ids) for m in models}
                attacks.append(AttackRecord(attack, victim, _attack_results(run, name, attack),
                                            finals))  # fmt: skip
        relations = run.input_relations()
        statistics = config.get("statistics", {})
        return StudyResults(
            task=str(run.summary.get("task", config.get("task"))),
            dataset=dataset_name(config.get("data", {})),
            example_ids=tuple(ids), labels=labels, models=models, followups=tuple(followups),
            attacks=tuple(attacks), pairs=tuple(_pairs(run, ids)),
            set_level=tuple(_set_level(run, relations)), seed=int(config.get("seed", 0)),
            n_boot=int(statistics.get("bootstrap", 1000)),
            confidence=float(statistics.get("confidence", 0.95)), identity=run.identity(),
        )  # fmt: skip
