"""The run directory: the one owner of its layout, its tables and the queries on them.

- `layout`: file names and the follow-up names the tables share (``source``, ``all``);
- `schema`: the SQL of run.sqlite and what every column holds;
- `store`: `RunStore`, the read-write store a run commits to in chunks;
- `queries`: the questions the pipeline's stages ask the store;
- `resume`: the checks that let a run continue only itself;
- `summary`: summary.json;
- `exports`: the deterministic tables/ exports (Parquet, CSV);
- `reader`: `RunReader`, the read-only access reports and `compare` use;
- `storage`: writing safely (storage errors named, files never half-written).

Nothing here imports the pipeline, a model or a report.
"""

from metacompress.rundir.layout import (
    CACHE_PATH,
    CONFIG_NAME,
    DB_NAME,
    POOLED,
    ROLES,
    SOURCE,
    SUMMARY_NAME,
    TABLES_DIR,
)
from metacompress.rundir.reader import RunReader
from metacompress.rundir.storage import StorageError
from metacompress.rundir.store import DuplicateRowError, RunStore

__all__ = [
    "CACHE_PATH",
    "CONFIG_NAME",
    "DB_NAME",
    "DuplicateRowError",
    "POOLED",
    "ROLES",
    "SOURCE",
    "SUMMARY_NAME",
    "TABLES_DIR",
    "RunReader",
    "RunStore",
    "StorageError",
]
