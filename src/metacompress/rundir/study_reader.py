"""Read-only per-example answers for the comparison tables and `compare`.

`StudyReader(run_dir)` is a `RunReader` that also answers, per example and in data order, the
questions the paper tables ask: the models of the run, each model's prediction on each
follow-up set, the attack results, and each relation's flags per teacher-student pair. It
reads both a run of one pair (models ``teacher`` and ``student``) and a study of one teacher
and several students (a ``models`` table, verdicts and set-level rows with a ``student``
column); `identity` is what `compare` checks before merging runs.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from metacompress.data.types import SOURCE
from metacompress.rundir.layout import ROLES
from metacompress.rundir.reader import RunReader
from metacompress.rundir.resume import read_config

#: The student of a run of one pair, as its verdicts name it.
PAIR_STUDENT = "student"


def model_label(spec: Any, fallback: str) -> str:
    """A short name for a model spec: a path's folder or file name (without .yaml), a spec
    mapping's `name` or path, a hub id as given."""
    if isinstance(spec, dict):
        named = spec.get("name") or spec.get("path")
        return model_label(named, fallback) if named else fallback
    if not isinstance(spec, str) or not spec:
        return fallback
    name = Path(spec).name
    return name[: -len(".yaml")] if name.endswith(".yaml") else name


class StudyReader(RunReader):
    """A `RunReader` with the per-example queries of the comparison tables."""

    def has_column(self, table: str, column: str) -> bool:
        return any(row[1] == column for row in self.q(f"PRAGMA table_info({table})"))

    def config(self) -> dict[str, Any]:
        """The resolved config the run was started with."""
        return read_config(self.run_dir)

    def example_rows(self) -> list[tuple[str, int | None]]:
        """(example_id, label) in data order."""
        return self.q("SELECT example_id, label FROM examples ORDER BY position")

    def models(self) -> list[dict[str, Any]]:
        """name, role, method, seed and info (the run's description: size, speed, spec) of
        each model, the teacher first."""
        if self.has_table("models"):
            rows = self.q("SELECT name, role, method, seed, info FROM models ORDER BY position")
            return [{"name": n, "role": r, "method": m, "seed": s, "info": json.loads(i)}
                    for n, r, m, s, i in rows]  # fmt: skip
        described = self.summary.get("models", {})
        config = self.config()
        return [{"name": role, "role": role, "method": model_label(config.get(role), role),
                 "seed": None, "info": described.get(role, {})} for role in ROLES]  # fmt: skip

    def predictions(self, followup: str, model: str) -> dict[str, int]:
        """example_id -> `model`'s predicted label on the follow-up input of that example, for
        the examples that have one and that the model scored."""
        return dict(self.q(
            "SELECT v.example_id, o.predicted FROM variants v JOIN outputs o"
            " ON o.input_key = v.input_key AND o.model = ? AND o.status = 'ok'"
            " WHERE v.followup = ? AND v.status = 'ok'", (model, followup),
        ))  # fmt: skip

    def followups(self) -> list[tuple[str, str, str | None, dict[str, Any]]]:
        """(name, kind, victim, spec) of every follow-up but the source, in config order."""
        return [(name, kind, victim, json.loads(spec)) for name, kind, victim, spec in self.q(
            "SELECT name, kind, victim, spec FROM followups WHERE name != ? ORDER BY position",
            (SOURCE,),
        )]  # fmt: skip

    def attack_results(self, followup: str) -> list[tuple[Any, ...]]:
        """(example_id, status, reason, queries, identifiers_changed, original_p_positive,
        final_p_positive, label, edits JSON or None) of one attack follow-up, in data order."""
        return self.q(
            "SELECT a.example_id, a.status, a.reason, a.queries, a.identifiers_changed,"
            " a.original_p_positive, a.final_p_positive, e.label, v.edits FROM attack_results a"
            " JOIN examples e ON e.example_id = a.example_id"
            " LEFT JOIN variants v ON v.example_id = a.example_id AND v.followup = a.followup"
            " WHERE a.followup = ? ORDER BY e.position",
            (followup,),
        )

    def input_relations(self) -> list[str]:
        """The relations with per-pair verdicts, in config order."""
        return [r for (r,) in self.q(
            "SELECT x.relation FROM relations x WHERE EXISTS"
            " (SELECT 1 FROM verdicts v WHERE v.relation = x.relation) ORDER BY x.position"
        )]  # fmt: skip

    def _student(self, table: str) -> str:
        """The select expression naming a pair's student in `table` (a run of one pair has
        no such column: its student is PAIR_STUDENT)."""
        return "student" if self.has_column(table, "student") else f"'{PAIR_STUDENT}'"

    def verdict_flags(self, relation: str) -> list[tuple[str, str, str, int, int]]:
        """(student, followup, example_id, applicable, holds) of every verdict of `relation`,
        by student, follow-up and data order."""
        student = self._student("verdicts")
        return self.q(
            f"SELECT {student} AS s, v.followup, v.example_id, v.applicable, v.holds"
            " FROM verdicts v JOIN examples e ON e.example_id = v.example_id"
            " WHERE v.relation = ? ORDER BY s, v.followup, e.position",
            (relation,),
        )

    def set_level_rows(self) -> list[tuple[str, str, str, str, float | None]]:
        """(relation, student, followup, key, value) of every set-level number."""
        student = self._student("set_level")
        return self.q(
            f"SELECT relation, {student} AS s, followup, key, value FROM set_level"
            " ORDER BY relation, s, followup, key"
        )

    def _meta(self, key: str) -> str | None:
        rows = self.q("SELECT value FROM meta WHERE key = ?", (key,))
        return rows[0][0] if rows else None

    def identity(self) -> dict[str, Any]:
        """What must agree for two runs to be compared: the data sample (sha256 over every
        example's id, label and inputs in data order), the relations with their parameters,
        the confidence level and the versions of the format and of metacompress; and the
        teacher's fingerprint, which tells teachers of one name apart."""
        digest = hashlib.sha256()
        for example_id, label, inputs in self.q(
            "SELECT example_id, label, inputs FROM examples ORDER BY position"
        ):
            digest.update(json.dumps([example_id, label, inputs]).encode("utf-8"))
        config = self.config()
        return {
            "task": self.summary.get("task", config.get("task")),
            "data": digest.hexdigest(),
            "examples": self.count("examples"),
            "relations": [[r, n, p] for r, n, p in self.relations()],
            "confidence": config.get("statistics", {}).get("confidence"),
            "teacher": self._meta("fingerprint:teacher"),
            "format_version": self.summary.get("format_version"),
            "metacompress": self.summary.get("metacompress"),
        }
