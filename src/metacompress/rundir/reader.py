"""Read-only access to a finished (or interrupted) run directory: what reports and `compare` ask.

`RunReader(run_dir)` opens run.sqlite read-only (a ConfigError naming the folder when it is not
a run directory or holds another format of the tables, a CorruptStoreError when the file is not
a readable database) and summary.json. A run directory on read-only storage is read as an
immutable file when its write-ahead log is empty (SQLite cannot open a WAL database read-only
without creating its shared-memory file); one whose log still holds commits (the run was
killed) cannot be read there, and says so. Each method answers one question with plain values.
Numbers are read as the run saved them: nothing here runs a model or derives a metric.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from metacompress.data.types import SOURCE
from metacompress.errors import ConfigError
from metacompress.paths import path_problem
from metacompress.rundir.layout import DB_NAME, STUDENT, TEACHER
from metacompress.rundir.queries import IN_LIST
from metacompress.rundir.resume import check_format
from metacompress.rundir.storage import store_guard
from metacompress.rundir.summary import read_summary


def _chunks(items: Sequence[Any], size: int = IN_LIST) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _open_read_only(path: Path) -> sqlite3.Connection:
    """A read-only connection to run.sqlite (see the module docstring for read-only storage)."""
    uri = path.resolve().as_uri()
    with store_guard(path):
        db = sqlite3.connect(f"{uri}?mode=ro", uri=True)
        try:
            db.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
            return db
        except sqlite3.OperationalError:
            db.close()
            if _can_create_files(path.parent):  # not read-only storage: a real error
                raise
        wal = path.with_name(path.name + "-wal")
        if wal.exists() and wal.stat().st_size > 0:
            raise ConfigError(
                f"{path} cannot be read on read-only storage: its write-ahead log {wal.name} "
                "still holds commits of an interrupted run; fix: make the folder writable "
                "once (any read will fold the log in), or copy the folder"
            )
        db = sqlite3.connect(f"{uri}?mode=ro&immutable=1", uri=True)
        db.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
        return db


def _can_create_files(folder: Path) -> bool:
    """Whether a file can be created in `folder` (asked by trying: `os.access` answers yes to
    root on storage that refuses every write)."""
    probe = folder / f".metacompress-read-test.{os.getpid()}"
    try:
        probe.touch()
    except OSError:
        return False
    probe.unlink()
    return True


class RunReader:
    """Read-only queries on one run directory (use as a context manager, or `close`).

    The queries about a teacher-student pair answer for `student` (the run's first student
    when None; ``student`` in a run of one pair); `students` lists them all.
    """

    def __init__(self, run_dir: Path | str, student: str | None = None) -> None:
        self.run_dir = Path(run_dir)
        self.path = self.run_dir / DB_NAME
        if not self.path.is_file():
            problem = path_problem(self.run_dir)  # a loop or a missing folder, said as such
            if problem is not None:
                raise ConfigError(f"run directory {self.run_dir} cannot be read: {problem}")
            raise ConfigError(f"{self.run_dir} is not a run directory: {DB_NAME} "
                              f"{path_problem(self.path) or 'is not a file'}")  # fmt: skip
        self.db = _open_read_only(self.path)
        try:
            version = self.q("SELECT value FROM meta WHERE key = 'format_version'")
            check_format(version[0][0] if version else None, self.run_dir)
        except (ConfigError, sqlite3.Error) as error:
            self.db.close()
            if isinstance(error, ConfigError):
                raise
            raise ConfigError(f"{self.run_dir} is not a run directory: {error}") from None
        self.summary: dict[str, Any] = read_summary(self.run_dir)
        self.students = [n for (n,) in self.q(
            "SELECT name FROM models WHERE role = 'student' ORDER BY position"
        )] or [STUDENT]  # fmt: skip
        if student is not None and student not in self.students:
            self.db.close()
            raise ConfigError(f"{self.run_dir} has no student {student!r}; its students: "
                              f"{', '.join(self.students)}")  # fmt: skip
        self.student = student or self.students[0]

    @property
    def pair(self) -> dict[str, str]:
        """role -> model name of the pair read: the teacher and `student`."""
        return {TEACHER: TEACHER, STUDENT: self.student}

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> RunReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def q(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with store_guard(self.path):
            return self.db.execute(sql, tuple(params)).fetchall()

    def count(self, table: str, where: str = "", params: Sequence[Any] = ()) -> int:
        sql = f"SELECT COUNT(*) FROM {table}" + (f" WHERE {where}" if where else "")
        return int(self.q(sql, params)[0][0])

    # -- scores and outputs --------------------------------------------------------------------
    def scores(self, model: str, followup: str = SOURCE) -> tuple[int, float | None, float | None]:
        """(labelled, accuracy, f1) of `model` on `followup`; (0, None, None) when absent."""
        rows = self.q(
            "SELECT labelled, accuracy, f1 FROM scores WHERE model = ? AND followup = ?",
            (model, followup),
        )
        return rows[0] if rows else (0, None, None)

    def labelled_outputs(
        self, model: str, followups: Sequence[str] = (SOURCE,)
    ) -> list[tuple[float, float, int]]:
        """(p_negative, p_positive, label) of `model` on every labelled input of the follow-up
        sets `followups` (the sources by default) that it scored, by variant id."""
        marks = ",".join("?" * len(followups))
        return self.q(
            "SELECT o.p_negative, o.p_positive, e.label FROM variants v"
            " JOIN examples e ON e.example_id = v.example_id"
            " JOIN outputs o ON o.input_key = v.input_key AND o.model = ?"
            f" WHERE v.followup IN ({marks}) AND v.status = 'ok' AND o.status = 'ok'"
            " AND e.label IS NOT NULL ORDER BY v.variant_id",
            (model, *followups),
        )

    def followup_confidences(self, limit: int) -> list[tuple[float, float]]:
        """(teacher, student) P(positive) on follow-up inputs both scored, the first `limit`
        by variant id."""
        return self.q(
            "SELECT t.p_positive, s.p_positive FROM variants v"
            " JOIN outputs t ON t.input_key = v.input_key AND t.model = ?"
            " AND t.status = 'ok'"
            " JOIN outputs s ON s.input_key = v.input_key AND s.model = ?"
            " AND s.status = 'ok'"
            " WHERE v.followup != ? AND v.status = 'ok' ORDER BY v.variant_id LIMIT ?",
            (TEACHER, self.student, SOURCE, limit),
        )

    def outputs(self, keys: Iterable[str]) -> dict[tuple[str, str], tuple[float, float, Any]]:
        """(model, input_key) -> (p_negative, p_positive, truncated) of the ok outputs."""
        found: dict[tuple[str, str], tuple[float, float, Any]] = {}
        for chunk in _chunks(sorted(keys)):
            marks = ",".join("?" * len(chunk))
            for model, key, p0, p1, truncated in self.q(
                "SELECT model, input_key, p_negative, p_positive, truncated FROM outputs"
                f" WHERE status = 'ok' AND input_key IN ({marks})",
                chunk,
            ):
                found[(model, key)] = (p0, p1, truncated)
        return found

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        """The rows of a query as dicts keyed by column name."""
        cursor = self.db.execute(sql, tuple(params))
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def mcnemar(self) -> list[dict[str, Any]]:
        """Every row of ``mcnemar`` (the teacher-vs-student test per set), by set."""
        return self.rows(
            "SELECT * FROM mcnemar WHERE student = ? ORDER BY followup", (self.student,)
        )

    # -- relations -----------------------------------------------------------------------------
    def followup_order(self) -> dict[str, int]:
        """follow-up name -> its position in the config (the source first)."""
        return {
            n: i for i, (n,) in enumerate(self.q("SELECT name FROM followups ORDER BY position"))
        }

    def followup_kinds(self) -> dict[str, str]:
        """follow-up name -> kind (source, transform, attack), in config order."""
        return dict(self.q("SELECT name, kind FROM followups ORDER BY position"))

    def rates(self) -> list[dict[str, Any]]:
        """Every row of ``rates`` (columns in `metacompress.rundir.schema`), relations in config
        order (``any-paper-relation`` last)."""
        return self.rows(
            "SELECT r.* FROM rates r LEFT JOIN relations x ON x.relation = r.relation"
            " WHERE r.pair = ? ORDER BY x.position IS NULL, x.position, r.followup",
            (f"{TEACHER}/{self.student}",),
        )

    def relations(self) -> list[tuple[str, str, dict[str, Any]]]:
        """(id, registry name, parameters) of every relation, in config order."""
        return [
            (relation_id, name, json.loads(params))
            for relation_id, name, params in self.q(
                "SELECT relation, name, params FROM relations ORDER BY position"
            )
        ]

    def followup_scores(self, relation: str) -> list[tuple[float | None, int]]:
        """(score, applicable) of every verdict of `relation` on the follow-ups."""
        return self.q(
            "SELECT score, applicable FROM verdicts WHERE relation = ? AND followup != ?"
            " AND student = ?",
            (relation, SOURCE, self.student),
        )

    def set_level(self) -> list[tuple[str, str, str, float]]:
        """(relation, followup, key, value) of the set-level numbers that are not NaN."""
        return self.q(
            "SELECT relation, followup, key, value FROM set_level WHERE value IS NOT NULL"
            " AND student = ? ORDER BY relation, followup, key",
            (self.student,),
        )

    # -- violations ----------------------------------------------------------------------------
    def violating_pairs(self) -> list[tuple[str, str, str, tuple[str, ...], str | None]]:
        """(variant_id, example_id, followup, violated relation ids, attack status or None) of
        every follow-up pair with at least one applicable, violated verdict, in data and config
        order; the attack status (success / failed) says whether an attack or deviation-search
        follow-up is what the search looked for or the final input of a failed search."""
        searched = self.has_table("search_results")
        rows = self.q(
            "SELECT v.variant_id, v.example_id, v.followup, json_group_array(v.relation),"
            f" MAX({'COALESCE(a.status, s.status)' if searched else 'a.status'})"
            " FROM verdicts v JOIN examples e ON e.example_id = v.example_id"
            " JOIN followups f ON f.name = v.followup LEFT JOIN attack_results a"
            " ON a.example_id = v.example_id AND a.followup = v.followup"
            + (" LEFT JOIN search_results s ON s.example_id = v.example_id"
               " AND s.followup = v.followup" if searched else "")
            + " WHERE v.applicable = 1 AND v.holds = 0 AND v.followup != ? AND v.student = ?"
            " GROUP BY v.variant_id ORDER BY e.position, f.position",
            (SOURCE, self.student),
        )  # fmt: skip
        return [
            (vid, eid, followup, tuple(json.loads(ids)), status)
            for vid, eid, followup, ids, status in rows
        ]

    def has_table(self, name: str) -> bool:
        """Whether the run's database has table `name` (runs written by an older version of
        the same format may lack a table added since)."""
        return bool(self.q("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                           (name,)))  # fmt: skip

    def deviations(self) -> list[tuple[str, str, str, int]]:
        """(variant_id, example_id, followup, queries) of every triggering input a deviation
        search of the pair found (its follow-up on which teacher and student disagree), in
        data and config order."""
        if not self.has_table("search_results"):
            return []
        return self.q(
            "SELECT v.variant_id, v.example_id, v.followup, r.queries FROM variants v"
            " JOIN search_results r ON r.example_id = v.example_id AND r.followup = v.followup"
            " JOIN examples e ON e.example_id = v.example_id"
            " JOIN followups f ON f.name = v.followup"
            " WHERE r.status = 'success' AND v.status = 'ok'"
            " AND (f.victim IS NULL OR f.victim = ?) ORDER BY e.position, f.position",
            (self.student,),
        )

    def variant_inputs(self, variant_ids: Sequence[str]) -> dict[str, tuple[tuple[str, ...], str]]:
        """variant_id -> (inputs, input_key)."""
        found = {}
        for chunk in _chunks(variant_ids):
            marks = ",".join("?" * len(chunk))
            for vid, inputs, key in self.q(
                f"SELECT variant_id, inputs, input_key FROM variants WHERE variant_id IN ({marks})",
                chunk,
            ):
                found[vid] = (tuple(json.loads(inputs)), key)
        return found

    def source_inputs(
        self, example_ids: Sequence[str]
    ) -> dict[str, tuple[tuple[str, ...], int | None, str]]:
        """example_id -> (inputs, label, input_key of its source variant)."""
        found = {}
        for chunk in _chunks(example_ids):
            marks = ",".join("?" * len(chunk))
            for eid, inputs, label, key in self.q(
                "SELECT e.example_id, e.inputs, e.label, v.input_key FROM examples e"
                " JOIN variants v ON v.example_id = e.example_id AND v.followup = ?"
                f" WHERE e.example_id IN ({marks})",
                (SOURCE, *chunk),
            ):
                found[eid] = (tuple(json.loads(inputs)), label, key)
        return found

    # -- attacks and counts --------------------------------------------------------------------
    def robustness(self) -> list[dict[str, Any]]:
        """The ``robustness`` rows of the pair's models (one per attack follow-up against the
        teacher or `student`), in config order."""
        return self.rows(
            "SELECT r.* FROM robustness r JOIN followups f ON f.name = r.followup"
            " WHERE r.victim IN (?, ?) ORDER BY f.position", (TEACHER, self.student),
        )

    def robustness_gaps(self) -> list[dict[str, Any]]:
        """The ``robustness_gaps`` rows of `student` (one per attack run against the teacher
        and this student)."""
        rows = self.rows("SELECT * FROM robustness_gaps ORDER BY attack")
        return [r for r in rows if r["student_followup"].rsplit("@", 1)[-1] == self.student]

    def report_counts(self) -> dict[str, int]:
        """examples, ok follow-ups, not-applicable variants, recorded errors."""
        return {
            "examples": self.count("examples"),
            "variants": self.count("variants", "status = 'ok' AND followup != ?", (SOURCE,)),
            "not_applicable": self.count("variants", "status = 'not-applicable'"),
            "errors": self.count("errors"),
        }
