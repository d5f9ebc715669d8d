"""Build a `ReportData` from a run directory (read through `metacompress.rundir.RunReader`).

Numbers are read from the tables the run saved; nothing runs a model. Derived views:

- clean scores: the `scores` rows of follow-up ``source``; ECE and reliability bins of each
  model on the labelled inputs of the source set, of each pool and of each follow-up set
  (`stats.calibration`, 10 equal-width bins);
- relation rates: the ``rates`` rows, baseline (``source``) first, then the pools, then each
  follow-up set; rows with nothing applicable are kept, as n/a with their reason;
- confidence scatter: teacher vs student P(positive) on follow-up inputs (first
  `max_points` by variant id, so the picture is deterministic);
- threshold sweeps: each input-level relation's violation rate on all follow-ups at 21
  thresholds spanning its observed scores, its configured threshold included
  (`relations.sweep.sweep`, from the saved scores);
- attacks: the ``robustness`` and ``robustness_gaps`` rows, the numbers of
  `metacompress.attacks.summary` the run saved (nothing recomputed here);
- violations: (source, follow-up) pairs with at least one applicable, non-holding verdict, in
  data order, at most `max_violations` of them with their code and both models' outputs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from metacompress.report.model import (
    AttackGap,
    AttackRow,
    Deviation,
    Gate,
    Interval,
    McNemarRow,
    ModelScores,
    RelationRate,
    ReliabilityBins,
    ReportData,
    Sweep,
    Violation,
)
from metacompress.rundir import RunReader
from metacompress.rundir.layout import POOLED, POOLS, ROLES, SOURCE


def _nan_to_none(value: Any) -> float | None:
    return None if value is None or not np.isfinite(value) else float(value)


def _nan(value: Any) -> float:
    return float("nan") if value is None else float(value)


def _interval(row: dict[str, Any], name: str, low: str | None = None) -> Interval | None:
    """The interval of column `name` (bounds `name`_low/_high, or `low`/"high"); None when the
    number itself is NULL."""
    if row.get(name) is None:
        return None
    lo, hi = (f"{name}_low", f"{name}_high") if low is None else (low, "high")
    return Interval(float(row[name]), _nan(row.get(lo)), _nan(row.get(hi)))


def _reliability(
    run: RunReader, role: str, followup: str, members: list[str]
) -> ReliabilityBins | None:
    from metacompress.stats.calibration import reliability_bins

    probs = run.labelled_outputs(run.pair[role], members)
    if not probs:
        return None
    p = np.array([[a, b] for a, b, _ in probs], dtype=float)
    labels = np.array([y for _, _, y in probs], dtype=int)
    rel = reliability_bins(p.max(axis=1), np.argmax(p, axis=1) == labels)
    return ReliabilityBins(
        role,
        tuple(float(x) for x in np.nan_to_num(rel.mean_confidence)),
        tuple(float(x) for x in np.nan_to_num(rel.accuracy)),
        tuple(int(x) for x in rel.counts),
        followup,
        _nan_to_none(rel.ece()),
    )


def _sets(run: RunReader) -> dict[str, tuple[str, list[str]]]:
    """set name -> (kind, member follow-ups): the source, the pools, then each follow-up."""
    kinds = run.followup_kinds()
    followups = [n for n, k in kinds.items() if k != "source"]
    members = {
        "transformations": [n for n in followups if kinds[n] == "transform"],
        "attacks": [n for n in followups if kinds[n] == "attack"],
        POOLED: followups,
    }
    sets = {SOURCE: ("source", [SOURCE])}
    sets.update({p: ("pool", members[p]) for p in POOLS if members[p]})
    sets.update({n: (kinds[n], [n]) for n in followups})
    return sets


def _model_scores(run: RunReader, role: str, name: str, ece: float | None) -> ModelScores:
    labelled, acc, f1 = run.scores(run.pair[role])
    return ModelScores(name, _nan_to_none(acc), _nan_to_none(f1), ece, labelled)


def _relations(run: RunReader, sets: dict[str, tuple[str, list[str]]]) -> tuple[RelationRate, ...]:
    """The rates rows, relations in config order, each with its baseline first, then the
    pools, then each follow-up set."""
    order = {name: i for i, name in enumerate(sets)}
    rows = run.rates()
    relation_order = {r: i for i, r in enumerate(dict.fromkeys(row["relation"] for row in rows))}
    result = [
        RelationRate(
            relation=row["relation"],
            origin=row["followup"],
            kind=sets.get(row["followup"], ("pool", []))[0],
            level=row["level"],
            applicable=row["applicable"],
            violations=row["violations"],
            n_examples=row["n_examples"],
            rate=_interval(row, "rate", "low"),
            method=row["method"],
            source_rate=row["source_rate"],
            induced=_interval(row, "induced"),
            induced_applicable=row["induced_applicable"],
            induced_violations=row["induced_violations"],
            difference=_interval(row, "difference"),
            value=_interval(row, "value"),
            holds=None if row["holds"] is None else bool(row["holds"]),
            reason=row["reason"],
        )
        for row in rows
    ]
    result.sort(key=lambda r: (relation_order[r.relation], order.get(r.origin, len(order))))
    return tuple(result)


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


def _attacks(run: RunReader) -> tuple[tuple[AttackRow, ...], tuple[AttackGap, ...]]:
    rows = tuple(
        AttackRow(
            followup=r["followup"],
            attack=r["attack"],
            victim=r["victim"],
            metric=r["metric"],
            examples=r["examples"],
            correct=r["correct"],
            attacked=r["attacked"],
            succeeded=r["succeeded"],
            failed=r["failed"],
            no_identifier=r["no_identifier"],
            errors=r["errors"],
            not_attacked_other=r["not_attacked_other"],
            success_rate=_interval(r, "success_rate"),
            clean=_interval(r, "clean"),
            adversarial=_interval(r, "adversarial"),
            relative_drop=_interval(r, "relative_drop"),
            mean_queries=r["mean_queries"],
        )  # fmt: skip
        for r in run.robustness()
    )
    gaps = tuple(
        AttackGap(g["attack"], _interval(g, "drop_increase"), _interval(g, "drop_ratio"))
        for g in run.robustness_gaps()
    )
    return rows, gaps


#: (model, input key) -> ((P(0), P(1)), truncated)
Evidence = dict[tuple[str, str], tuple[tuple[float, float], bool]]


def _outputs(run: RunReader, keys: set[str]) -> Evidence:
    return {
        found: ((float(p0), float(p1)), bool(truncated))
        for found, (p0, p1, truncated) in run.outputs(keys).items()
    }


def _evidence(
    run: RunReader, variant_ids: tuple[str, ...], example_ids: tuple[str, ...]
) -> tuple[dict, dict, Evidence]:
    """The follow-ups' inputs, the sources' inputs and labels, and both models' outputs on
    all of them."""
    variants = run.variant_inputs(variant_ids)
    sources = run.source_inputs(tuple(set(example_ids)))
    keys = {variants[v][1] for v in variant_ids} | {s[2] for s in sources.values()}
    return variants, sources, _outputs(run, keys)


def _pair_probs(run: RunReader, outputs: Evidence, source_key: str, followup_key: str) -> dict:
    """(role, "source" | "followup") -> ((P(0), P(1)), truncated) of the pair's models, NaN
    where missing."""
    missing = ((float("nan"), float("nan")), False)
    return {
        (role, which): outputs.get((run.pair[role], key), missing)
        for role in ROLES
        for which, key in (("source", source_key), ("followup", followup_key))
    }


def _probabilities(probs: dict) -> dict[str, tuple[float, float]]:
    """The four probability fields of a Violation or Deviation, from `_pair_probs`."""
    return {
        f"{role}_{which}": probs[(role, which)][0]
        for role in ROLES
        for which in ("source", "followup")
    }


def _with_evidence(run: RunReader, rows: list[tuple]) -> list[tuple]:
    """(row, follow-up inputs, source inputs, label, `_pair_probs`) for each row whose first
    two cells are a variant id and its example id."""
    if not rows:
        return []
    variants, sources, outputs = _evidence(
        run, tuple(r[0] for r in rows), tuple(r[1] for r in rows)
    )
    found = []
    for row in rows:
        followup_inputs, fkey = variants[row[0]]
        source_inputs, label, skey = sources[row[1]]
        probs = _pair_probs(run, outputs, skey, fkey)
        found.append((row, followup_inputs, source_inputs, label, probs))
    return found


def _violations(run: RunReader, limit: int) -> tuple[tuple[Violation, ...], int]:
    rows = run.violating_pairs()
    shown = (
        Violation(
            example_id=example_id,
            variant_id=variant_id,
            origin=followup,
            relations=tuple(sorted(relations)),
            source=source_inputs,
            followup=followup_inputs,
            label=label,
            truncated={role: probs[(role, "followup")][1] for role in ROLES},
            attack_status=attack_status,
            **_probabilities(probs),
        )
        for row, followup_inputs, source_inputs, label, probs in _with_evidence(run, rows[:limit])
        for variant_id, example_id, followup, relations, attack_status in [row]
    )
    return tuple(shown), len(rows)


def _deviations(run: RunReader, limit: int) -> tuple[tuple[Deviation, ...], int]:
    rows = run.deviations()
    shown = (
        Deviation(
            example_id=example_id,
            origin=followup,
            queries=int(queries),
            source=source_inputs,
            followup=followup_inputs,
            label=label,
            **_probabilities(probs),
        )
        for row, followup_inputs, source_inputs, label, probs in _with_evidence(run, rows[:limit])
        for _, example_id, followup, queries in [row]
    )
    return tuple(shown), len(rows)


def load_report_data(
    run_dir: Path | str, max_violations: int = 200, max_points: int = 2000,
    student: str | None = None,
) -> ReportData:  # fmt: skip
    """Everything the reports show about the run in `run_dir`, for the teacher and `student`
    (the run's first student when None)."""
    with RunReader(Path(run_dir), student) as run:
        summary = run.summary
        models = summary.get("models", {})
        names = {role: str(models.get(name, {}).get("name", name))
                 for role, name in run.pair.items()}  # fmt: skip
        sets = _sets(run)
        reliability = tuple(
            bins
            for name, (_, members) in sets.items()
            for role in ROLES
            if (bins := _reliability(run, role, name, members)) is not None
        )
        clean_ece = {b.model: b.ece for b in reliability if b.followup == SOURCE}
        teacher, student = (_model_scores(run, r, names[r], clean_ece.get(r)) for r in ROLES)
        gap = None
        if teacher.accuracy is not None and student.accuracy is not None:
            gap = teacher.accuracy - student.accuracy
        mcnemar = tuple(
            McNemarRow(
                m["followup"],
                m["test"],
                m["n"],
                m["clusters"],
                m["teacher_only"],
                m["student_only"],
                m["p_value"],
            )  # fmt: skip
            for m in sorted(
                run.mcnemar(),
                key=lambda m: (
                    list(sets).index(m["followup"]) if m["followup"] in sets else len(sets)
                ),
            )  # fmt: skip
        )
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
        deviations, deviations_total = _deviations(run, max_violations)
        attacks, attack_gaps = _attacks(run)
        counts = {**run.report_counts(), "violations_total": total}
        if deviations_total:
            counts["deviations_total"] = deviations_total
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
            relations=_relations(run, sets),
            gates=gates,
            counts=counts,
            confidence_pairs=tuple((float(a), float(b)) for a, b in points),
            reliability=reliability,
            sweeps=_sweeps(run),
            attacks=attacks,
            attack_gaps=attack_gaps,
            violations=violations,
            deviations=deviations,
            set_level=set_level,
        )
