"""The run directory's file names and the values its tables share (the one owner of both).

Layout (stable; `metacompress.report` and `compare` read it through `metacompress.rundir`)::

    RUN_DIR/
      config.yaml          the resolved config: every default filled in, every path absolute;
                           written before any work starts, compared on --resume
      run.sqlite           every table of `metacompress.rundir.schema` (SQLite, WAL journal);
                           the source of truth
      cache/predictions.sqlite
                           the model layer's content-addressed prediction cache (model
                           fingerprint x exact input); attacks and inference share it
      tables/TABLE.parquet, tables/TABLE.csv
                           deterministic exports of the per-example tables
                           (`metacompress.rundir.exports`), rows sorted by their key;
                           byte-identical for the same config and seed
      summary.json         written last, atomically (`metacompress.rundir.summary`)
      run.lock             locked by the process writing the store (`metacompress.rundir.lock`)
      report.*             written by `metacompress.report.write_reports`

Follow-up names in the tables: ``source`` is the unmodified input (always present); the pools
are ``transformations`` (every transformation follow-up), ``attacks`` (every attack follow-up)
and ``all`` (POOLED: both, every follow-up but the source). A pool with no member follow-up is
not reported (``all`` always is).
"""

from __future__ import annotations

from pathlib import Path

from metacompress.data.types import SOURCE

__all__ = ["ATTACKS_POOL", "CACHE_PATH", "CONFIG_NAME", "DB_NAME", "FORMAT_VERSION", "LOCK_NAME",
           "POOLED", "POOLS", "ROLES", "SOURCE", "STUDENT", "SUMMARY_NAME", "TABLES_DIR", "TEACHER",
           "TRANSFORMATIONS_POOL"]  # fmt: skip

#: Format 2: rates with the baseline (source rate, induced rate, difference) and set-level
#: values with intervals; mcnemar with its test; robustness tables.
#: Format 3: one teacher and several students (``models`` table; verdicts, set-level numbers
#: and tests per teacher-student pair).
FORMAT_VERSION = "3"
DB_NAME = "run.sqlite"
CONFIG_NAME = "config.yaml"
SUMMARY_NAME = "summary.json"
LOCK_NAME = "run.lock"
TABLES_DIR = "tables"
CACHE_PATH = Path("cache") / "predictions.sqlite"
#: `SOURCE` (from `metacompress.data.types`) names the unmodified inputs; POOLED, the follow-up
#: name under which every follow-up but the source is pooled.
POOLED = "all"
TRANSFORMATIONS_POOL = "transformations"
ATTACKS_POOL = "attacks"
#: The pooled follow-up sets, in report order.
POOLS = (TRANSFORMATIONS_POOL, ATTACKS_POOL, POOLED)
#: The two models of a run of one pair, as the `model` column of `outputs` and `scores` names
#: them; a study names each student by its own name.
ROLES = ("teacher", "student")
TEACHER, STUDENT = ROLES
