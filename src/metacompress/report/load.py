"""Build a `ReportData` from a run directory (read through `metacompress.rundir.RunReader`).

Numbers are read from the tables the run saved; nothing runs a model. Derived views:

- clean scores: the `scores` rows of follow-up ``source``; ECE and reliability bins from the
  source outputs of labelled examples (`stats.calibration`, 10 equal-width bins);
- confidence scatter: teacher vs student P(positive) on follow-up inputs (first
  `max_points` by variant id, so the picture is deterministic);
- threshold sweeps: each input-level relation's violation rate on all follow-ups at 21
  thresholds spanning its observed scores, its configured threshold included
  (`relations.sweep.sweep`, from the saved scores);
- attacks: per attack follow-up and victim, from ``attack_results``: of n examples, c were
  classified correctly (attacked: status success or failed) and s attacks succeeded; clean
  accuracy c / n, adversarial accuracy (c - s) / n, relative drop s / c; the student-vs-teacher
  gap is (drop_student / drop_teacher - 1) x 100 %;
- violations: (source, follow-up) pairs with at least one applicable, non-holding verdict, in
  data order, at most `max_violations` of them with their code and both models' outputs.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np

from metacompress.report.model import (
    AttackRow,
    Gate,
    Interval,
    ModelScores,
    RelationRate,
    ReliabilityBins,
    ReportData,
    Sweep,
    Violation,
)
from metacompress.rundir import RunReader
from metacompress.rundir.layout import ROLES


def _nan_to_none(value: Any) -> float | None:
    return None if value is None or not np.isfinite(value) else float(value)


def _model_scores(
    run: RunReader, role: str, name: str
) -> tuple[ModelScores, ReliabilityBins | None]:
    from metacompress.stats.calibration import reliability_bins

    labelled, acc, f1 = run.scores(role)
    probs = run.labelled_source_outputs(role)
    ece, bins = None, None
    if probs:
        p = np.array([[a, b] for a, b, _ in probs], dtype=float)
        labels = np.array([y for _, _, y in probs], dtype=int)
        rel = reliability_bins(p.max(axis=1), np.argmax(p, axis=1) == labels)
        ece = rel.ece()
        bins = ReliabilityBins(
            role,
            tuple(float(x) for x in np.nan_to_num(rel.mean_confidence)),
            tuple(float(x) for x in np.nan_to_num(rel.accuracy)),
            tuple(int(x) for x in rel.counts),
        )
    scores = ModelScores(name, _nan_to_none(acc), _nan_to_none(f1), _nan_to_none(ece), labelled)
    return scores, bins


def _relations(run: RunReader) -> tuple[RelationRate, ...]:
    order = run.followup_order()
    rows = run.rates()
    rows.sort(key=lambda r: (r[0], order.get(r[1], len(order))))
    return tuple(
        RelationRate(
            relation,
            followup,
            applicable,
            violations,
            Interval(
                float(rate) if rate is not None else float("nan"),
                float(low) if low is not None else float(rate or 0.0),
                float(high) if high is not None else float(rate or 0.0),
            ),
        )
        for relation, followup, applicable, violations, rate, low, high in rows
        if applicable
    )


def _sweeps(run: RunReader) -> tuple[Sweep, ...]:
    from metacompress.relations.base import RELATIONS
    from metacompress.relations.sweep import sweep

    sweeps = []
    for relation_id, name, params in run.relations():
        relation = RELATIONS.create(name, **params)
        if relation.threshold_param is None:
            continue
        rows = run.followup_scores(relation_id)
        scores = np.array([s if s is not None else np.nan for s, _ in rows], dtype=float)
        applicable = np.array([a for _, a in rows], dtype=bool)
        if not applicable.any():
            continue
        observed = scores[applicable]
        low, high = float(np.nanmin(observed)), float(np.nanmax(observed))
        grid = np.unique(
            np.append(np.linspace(low, high if high > low else low + 1.0, 21), relation.threshold)
        )
        rates = sweep(relation, scores, applicable, grid)
        sweeps.append(
            Sweep(
                relation_id,
                tuple(float(t) for t in grid),
                tuple(float(r) for r in rates),
                relation.threshold,
            )
        )
    return tuple(sweeps)


def _attacks(run: RunReader) -> tuple[tuple[AttackRow, ...], dict[str, float]]:
    counts: dict[tuple[str, str], dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for followup, victim, status, queries in run.attack_rows():
        entry = counts[(followup, victim)]
        entry["n"] += 1
        entry[status] += 1
        if status in ("success", "failed"):
            entry["queries"] += queries
    rows, drops = [], {}
    for (followup, victim), c in sorted(counts.items()):
        attacked = int(c["success"] + c["failed"])
        clean = attacked / c["n"] if c["n"] else None
        adversarial = c["failed"] / c["n"] if c["n"] else None
        drop = c["success"] / attacked if attacked else None
        attack = followup.split("@", 1)[0]
        rows.append(
            AttackRow(
                attack,
                victim,
                attacked,
                c["success"] / attacked if attacked else 0.0,
                clean,
                adversarial,
                drop,
                c["queries"] / attacked if attacked else None,
            )
        )
        drops[(attack, victim)] = drop
    gap = {
        attack: (drops[(attack, "student")] / drops[(attack, "teacher")] - 1.0) * 100.0
        for attack, victim in drops
        if victim == "teacher"
        and drops.get((attack, "student")) is not None
        and drops[(attack, "teacher")]
    }
    return tuple(rows), gap


def _outputs(
    run: RunReader, keys: set[str]
) -> dict[tuple[str, str], tuple[tuple[float, float], bool]]:
    return {
        found: ((float(p0), float(p1)), bool(truncated))
        for found, (p0, p1, truncated) in run.outputs(keys).items()
    }


def _violations(run: RunReader, limit: int) -> tuple[tuple[Violation, ...], int]:
    rows = run.violating_pairs()
    total = len(rows)
    rows = rows[:limit]
    if not rows:
        return (), total
    ids = tuple(r[0] for r in rows)
    variants = run.variant_inputs(ids)
    sources = run.source_inputs(tuple({r[1] for r in rows}))
    keys = {variants[v][1] for v in ids} | {s[2] for s in sources.values()}
    outputs = _outputs(run, keys)
    missing = ((float("nan"), float("nan")), False)
    result = []
    for variant_id, example_id, followup, relations in rows:
        followup_inputs, fkey = variants[variant_id]
        source_inputs, label, skey = sources[example_id]
        probs = {
            (role, which): outputs.get((role, key), missing)
            for role in ROLES
            for which, key in (("source", skey), ("followup", fkey))
        }
        result.append(
            Violation(
                example_id=example_id,
                variant_id=variant_id,
                origin=followup,
                relations=tuple(sorted(relations)),
                source=source_inputs,
                followup=followup_inputs,
                teacher_source=probs[("teacher", "source")][0],
                teacher_followup=probs[("teacher", "followup")][0],
                student_source=probs[("student", "source")][0],
                student_followup=probs[("student", "followup")][0],
                label=label,
                truncated={role: probs[(role, "followup")][1] for role in ROLES},
            )
        )
    return tuple(result), total


def load_report_data(
    run_dir: Path | str, max_violations: int = 200, max_points: int = 2000
) -> ReportData:
    """Everything the reports show about the run in `run_dir`."""
    with RunReader(Path(run_dir)) as run:
        summary = run.summary
        models = summary.get("models", {})
        names = {role: str(models.get(role, {}).get("name", role)) for role in ROLES}
        (teacher, teacher_bins), (student, student_bins) = (
            _model_scores(run, role, names[role]) for role in ROLES
        )
        gap = None
        if teacher.accuracy is not None and student.accuracy is not None:
            gap = teacher.accuracy - student.accuracy
        mcnemar = {
            followup: {"b": b, "c": c, "p_value": p if p is not None else float("nan")}
            for followup, b, c, p in run.mcnemar()
        }
        gates = tuple(
            Gate(
                name=g["name"],
                value=float("nan") if g.get("value") is None else float(g["value"]),
                limit=float(g["limit"]),
                passed=bool(g["passed"]),
                message=str(g.get("message", "")),
                relation=g.get("relation"),
            )
            for g in summary.get("gates", [])
        )
        points = run.followup_confidences(max_points)
        violations, total = _violations(run, max_violations)
        attacks, attack_gap = _attacks(run)
        counts = {**run.report_counts(), "violations_total": total}
        set_level = {
            f"{relation}@{followup}: {key}": value
            for relation, followup, key, value in run.set_level()
        }
        meta = {
            k: summary[k]
            for k in ("metacompress", "seed", "task", "provenance", "timings", "models", "cache")
            if k in summary
        }
        return ReportData(
            title=f"MetaCompress: {names['teacher']} vs {names['student']}",
            task=str(summary.get("task", "")),
            meta=meta,
            teacher=teacher,
            student=student,
            accuracy_gap=gap,
            mcnemar=mcnemar,
            relations=_relations(run),
            gates=gates,
            counts=counts,
            confidence_pairs=tuple((float(a), float(b)) for a, b in points),
            reliability=tuple(b for b in (teacher_bins, student_bins) if b is not None),
            sweeps=_sweeps(run),
            attacks=attacks,
            attack_gap=attack_gap,
            violations=violations,
            set_level=set_level,
        )
