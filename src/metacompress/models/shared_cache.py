"""The prediction cache shared by every run on one machine: one SQLite file per model.

Where: ``$METACOMPRESS_CACHE_DIR``, else ``$XDG_CACHE_HOME/metacompress``, else
``~/.cache/metacompress``. The predictions of the model with fingerprint F live in
``predictions-v2/H[:2]/H.sqlite``, H = sha256(F) (so any fingerprint makes a safe file name),
with the schema and keys of `metacompress.models.cache` (key = `cache_key(F, inputs)`).

Why sharing is safe (no run is ever served an answer another model computed):

1. The file and every key hold the fingerprint, which hashes the weights, the tokenizer and
   the adapter settings: a changed model file is another fingerprint, hence another file.
2. A fingerprint that misses a change (a callable whose hidden state changed, a fingerprint
   given by hand) is caught by a probe. A file keeps the inputs of its first `PROBES` entries;
   the first time a process opens a file it did not create, it re-scores those inputs with the
   model and compares the probabilities with the stored ones (max |difference| <= `TOLERANCE`,
   which absorbs the float noise of another batch composition). On a mismatch the file is
   retired (renamed ``H.stale-N.sqlite``, kept for inspection), a warning names the model, and
   the model starts an empty file. The probe finds a change that shows on the probe inputs;
   a change invisible there and to the fingerprint is the one case it cannot see.
3. Every write is an SQLite transaction (WAL journal, busy timeout): concurrent runs and
   workers share a file, and a crash loses only the batch it was writing.

`LayeredStore(run, shared)` puts the shared file behind a run's own cache: reads look in the
run's cache first, then in the shared file (a shared hit is copied into the run's cache, so a
run directory resumes without the shared cache); writes go to both.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import threading
from collections.abc import Iterable, Mapping
from pathlib import Path

import numpy as np

from metacompress.models.base import Classifier, predict
from metacompress.models.cache import MemoryStore, Record, SQLiteStore, cache_key

#: Entries per file whose inputs are kept to re-check the model on reuse.
PROBES = 8
#: Largest difference in a probability between a stored and a recomputed probe.
TOLERANCE = 1e-5
#: v2: keys built on `metacompress.hashing.input_key` (v1 files are never read).
FOLDER = "predictions-v2"
ENV = "METACOMPRESS_CACHE_DIR"

_VERIFIED: set[tuple[str, str]] = set()
_VERIFIED_LOCK = threading.Lock()


def default_cache_dir() -> Path:
    """$METACOMPRESS_CACHE_DIR, else $XDG_CACHE_HOME/metacompress, else ~/.cache/metacompress."""
    if os.environ.get(ENV):
        return Path(os.environ[ENV]).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base).expanduser() / "metacompress"


class SharedStore(SQLiteStore):
    """A model's shared file: the records, and the inputs of its first `PROBES` entries."""

    def _connection(self):  # type: ignore[no-untyped-def]
        conn = super()._connection()
        if not getattr(self._local, "probes_ready", False):
            with conn:
                conn.execute(
                    "CREATE TABLE IF NOT EXISTS probes (key TEXT PRIMARY KEY, inputs TEXT NOT NULL)"
                )
            self._local.probes_ready = True
        return conn

    def put_many(
        self, records: dict[str, Record], inputs: Mapping[str, tuple[str, ...]] | None = None
    ) -> None:
        super().put_many(records)
        if not inputs:
            return
        conn = self._connection()
        held = int(conn.execute("SELECT COUNT(*) FROM probes").fetchone()[0])
        if held >= PROBES:
            return
        rows = [(k, json.dumps(list(inputs[k]))) for k in list(records)[: PROBES - held]
                if k in inputs]  # fmt: skip
        with conn:
            conn.executemany("INSERT OR IGNORE INTO probes VALUES (?, ?)", rows)

    def probes(self) -> dict[str, tuple[str, ...]]:
        """key -> inputs of the probe entries."""
        rows = self._connection().execute("SELECT key, inputs FROM probes ORDER BY key")
        return {key: tuple(json.loads(text)) for key, text in rows}


class SharedCache:
    """The shared cache folder (`default_cache_dir()` when `root` is None)."""

    def __init__(self, root: str | Path | None = None) -> None:
        self.root = Path(root).expanduser() if root is not None else default_cache_dir()

    def path_of(self, fingerprint: str) -> Path:
        name = hashlib.sha256(fingerprint.encode("utf-8")).hexdigest()
        return self.root / FOLDER / name[:2] / f"{name}.sqlite"

    def store_for(self, model: Classifier) -> SharedStore:
        """The shared file of `model`, verified against it once per process (see the module
        docstring); a file whose probes `model` no longer reproduces is retired first."""
        path = self.path_of(model.fingerprint)
        fresh = not path.exists()
        store = SharedStore(path)
        marker = (str(path), model.fingerprint)
        with _VERIFIED_LOCK:
            if fresh or marker in _VERIFIED:
                _VERIFIED.add(marker)
                return store
        stale = stale_probes(model, store)
        if stale:
            store.close()
            retired = retire(path)
            print(
                f"metacompress: warning: the shared prediction cache of model "
                f"{model.fingerprint[:12]} does not match the model on {stale} of its probe "
                f"inputs (the model changed but its fingerprint did not); retired it to "
                f"{retired} and starting an empty one",
                file=sys.stderr,
            )
            store = SharedStore(path)
        with _VERIFIED_LOCK:
            _VERIFIED.add(marker)
        return store


def stale_probes(model: Classifier, store: SharedStore) -> int:
    """How many probe entries of `store` `model` does not reproduce within `TOLERANCE`."""
    probes = store.probes()
    if not probes:
        return 0
    keys = [k for k in probes if cache_key(model.fingerprint, probes[k]) == k]
    stored = store.get_many(keys)
    keys = [k for k in keys if k in stored]
    if not keys:
        return 0
    fresh = np.asarray(predict(model, [probes[k] for k in keys]).probs, dtype=np.float64)
    old = np.stack([stored[k].probs for k in keys])
    if fresh.shape != old.shape:
        return len(keys)
    return int(np.sum(np.max(np.abs(fresh - old), axis=1) > TOLERANCE))


def retire(path: Path) -> Path:
    """Rename the cache file `path` (and its WAL files) to the first free `*.stale-N.sqlite`."""
    n = 1
    while (target := path.with_name(f"{path.stem}.stale-{n}.sqlite")).exists():
        n += 1
    for suffix in ("", "-wal", "-shm"):
        part = Path(f"{path}{suffix}")
        if part.exists():
            os.replace(part, Path(f"{target}{suffix}"))
    return target


class LayeredStore:
    """A run's own store in front of a model's shared store (see the module docstring).

    `shared_hits` counts the entries found only in the shared store.
    """

    def __init__(self, run: MemoryStore | SQLiteStore, shared: SharedStore) -> None:
        self.run = run
        self.shared = shared
        self.shared_hits = 0

    def get_many(self, keys: Iterable[str]) -> dict[str, Record]:
        keys = list(keys)
        found = self.run.get_many(keys)
        missing = [k for k in keys if k not in found]
        if missing:
            borrowed = self.shared.get_many(missing)
            if borrowed:
                self.run.put_many(borrowed)
                self.shared_hits += len(borrowed)
                found.update(borrowed)
        return found

    def put_many(
        self, records: dict[str, Record], inputs: Mapping[str, tuple[str, ...]] | None = None
    ) -> None:
        self.run.put_many(records)
        self.shared.put_many(records, inputs)

    def __len__(self) -> int:
        return len(self.run)

    def close(self) -> None:
        for store in (self.run, self.shared):
            close = getattr(store, "close", None)
            if close is not None:
                close()
