"""A content-addressed prediction cache in front of any Classifier.

Key of one prediction: sha256 over the model fingerprint and the content key of the exact
inputs (`metacompress.hashing.input_key`, the key the run store and the attacks use too),
    key = sha256(fingerprint || 0x00 || input_key(inputs)),
so a change of weights, tokenizer or adapter settings (which changes the fingerprint) or of a
single character of an input is a different key. A hit returns the stored float64 values, which
are the very values returned when the entry was computed: hits and misses give identical arrays.

Storage is a dict in memory, or an SQLite file (WAL journal, a busy timeout): several processes
may read while one writes. Counters: `queries` (inputs asked, hits + misses; attack budgets
count these, so a warm cache never changes what an attack does), `hits` and `misses` (inputs
computed by the inner model; duplicates within one batch are computed once).
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import threading
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from metacompress.errors import ConfigError
from metacompress.hashing import input_key
from metacompress.models.base import Classifier, Prediction, check_batch, predict


def cache_key(fingerprint: str, inputs: tuple[str, ...]) -> str:
    """The content address of `inputs` under the model `fingerprint` (hex sha256)."""
    text = f"{fingerprint}\0{input_key(inputs)}"
    return hashlib.sha256(text.encode("utf-8", errors="surrogatepass")).hexdigest()


@dataclass(frozen=True, eq=False)
class Record:
    """One stored prediction. `hidden` is None when never asked for, an empty array when the
    model has no hidden representation to give."""

    probs: np.ndarray
    truncated: bool
    visible_chars: np.ndarray | None
    hidden: np.ndarray | None
    truncated_inputs: np.ndarray | None = None


class MemoryStore:
    """Records in a dict (lost when the process ends)."""

    def __init__(self) -> None:
        self._data: dict[str, Record] = {}

    def get_many(self, keys: Iterable[str]) -> dict[str, Record]:
        return {k: self._data[k] for k in keys if k in self._data}

    def put_many(
        self, records: dict[str, Record], inputs: Mapping[str, tuple[str, ...]] | None = None
    ) -> None:
        """Store `records`; `inputs` (key -> inputs) is for stores that keep inputs."""
        self._data.update(records)

    def __len__(self) -> int:
        return len(self._data)


_SCHEMA = """
CREATE TABLE IF NOT EXISTS predictions (
    key TEXT PRIMARY KEY,
    probs BLOB NOT NULL,
    truncated INTEGER NOT NULL,
    visible BLOB,
    truncated_inputs BLOB,
    hidden BLOB,
    hidden_dtype TEXT
)
"""


def _blob(array: np.ndarray | None) -> bytes | None:
    return None if array is None else np.ascontiguousarray(array).tobytes()


class SQLiteStore:
    """Records in an SQLite file: one connection per process and thread, WAL journal."""

    def __init__(self, path: str | Path, timeout_s: float = 60.0) -> None:
        self.path = Path(path)
        self.timeout_s = timeout_s
        self._local = threading.local()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._connection()

    def _connection(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None or getattr(self._local, "pid", None) != os.getpid():
            conn = self._open()
            self._local.conn = conn
            self._local.pid = os.getpid()
        return conn

    def _open(self) -> sqlite3.Connection:
        """Connect and set up the file, retrying while another process holds a lock.

        SQLite does not call its busy handler for every lock met while a file is opened (the
        switch to the WAL journal and the first schema write of a new file can fail with
        "database is locked" at once), so those are retried, backing off from 10 ms, until
        `timeout_s` has passed."""
        deadline = time.monotonic() + self.timeout_s
        pause = 0.01
        while True:
            try:
                return self._set_up(sqlite3.connect(str(self.path), timeout=self.timeout_s))
            except sqlite3.OperationalError as error:
                locked = "locked" in str(error) or "busy" in str(error)
                if not locked or time.monotonic() + pause > deadline:
                    raise self._unusable(error) from None
                time.sleep(pause)
                pause = min(pause * 2, 0.5)
            except sqlite3.DatabaseError as error:  # not a database, or a damaged one
                raise self._unusable(error, "it holds cached predictions only: delete it, "
                                            "and the answers are computed again") from None

    def _set_up(self, conn: sqlite3.Connection) -> sqlite3.Connection:
        try:
            conn.execute(f"PRAGMA busy_timeout={int(self.timeout_s * 1000)}")
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute(_SCHEMA)
            conn.commit()
        except BaseException:
            conn.close()
            raise
        return conn

    def _unusable(self, error: sqlite3.DatabaseError, fix: str = "") -> ConfigError:
        fix = f"; {fix}" if fix else ""
        return ConfigError(
            f"prediction cache {self.path} is not a usable SQLite file: {error}{fix}"
        )

    def get_many(self, keys: Iterable[str]) -> dict[str, Record]:
        keys = list(keys)
        found: dict[str, Record] = {}
        conn = self._connection()
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            marks = ",".join("?" * len(chunk))
            rows = conn.execute(
                "SELECT key, probs, truncated, visible, truncated_inputs, hidden, hidden_dtype "
                f"FROM predictions WHERE key IN ({marks})",
                chunk,
            )
            for key, probs, truncated, visible, cut, hidden, hidden_dtype in rows:
                found[key] = Record(
                    probs=np.frombuffer(probs, dtype=np.float64).copy(),
                    truncated=bool(truncated),
                    visible_chars=None
                    if visible is None
                    else np.frombuffer(visible, dtype=np.int64).copy(),
                    hidden=None
                    if hidden is None
                    else np.frombuffer(hidden, dtype=np.dtype(hidden_dtype)).copy(),
                    truncated_inputs=None
                    if cut is None
                    else np.frombuffer(cut, dtype=np.uint8).astype(bool),
                )
        return found

    def put_many(
        self, records: dict[str, Record], inputs: Mapping[str, tuple[str, ...]] | None = None
    ) -> None:
        if not records:
            return
        rows = [
            (
                key,
                _blob(r.probs),
                int(r.truncated),
                _blob(r.visible_chars),
                _blob(None if r.truncated_inputs is None else r.truncated_inputs.astype(np.uint8)),
                _blob(r.hidden),
                None if r.hidden is None else r.hidden.dtype.str,
            )
            for key, r in records.items()
        ]
        conn = self._connection()
        with conn:
            conn.executemany(
                "INSERT OR REPLACE INTO predictions "
                "(key, probs, truncated, visible, truncated_inputs, hidden, hidden_dtype) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                rows,
            )

    def __len__(self) -> int:
        return int(self._connection().execute("SELECT COUNT(*) FROM predictions").fetchone()[0])

    def close(self) -> None:
        """Close this thread's connection now (it reopens on the next use). A connection left
        to the garbage collector stays open, and a process forked meanwhile inherits SQLite's
        view of its locks on the file, which SQLite does not support."""
        conn = getattr(self._local, "conn", None)
        if conn is not None and getattr(self._local, "pid", None) == os.getpid():
            conn.close()
        self._local.conn = None

    def __getstate__(self) -> dict[str, Any]:
        return {"path": self.path, "timeout_s": self.timeout_s}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.path = state["path"]
        self.timeout_s = state["timeout_s"]
        self._local = threading.local()


class CachedClassifier:
    """`inner` behind a prediction cache (SQLite at `cache_path`, else in memory), and behind
    the machine's shared cache too when `shared` (a `shared_cache.SharedCache`) is given.

    Same fingerprint as `inner`; `predict_proba` and `predict_detailed` return exactly what
    `inner` returned when the entry was first computed.
    """

    def __init__(
        self, inner: Classifier, cache_path: str | Path | None = None, shared: Any = None
    ) -> None:
        if not isinstance(inner, Classifier):
            raise ConfigError(
                f"CachedClassifier needs a Classifier (predict_proba and fingerprint), "
                f"got {type(inner).__name__}"
            )
        self.inner = inner
        self.cache_path = None if cache_path is None else Path(cache_path)
        self.store: Any = MemoryStore() if cache_path is None else SQLiteStore(cache_path)
        if shared is not None:
            from metacompress.models.shared_cache import LayeredStore

            self.store = LayeredStore(self.store, shared.store_for(inner))
        self.hits = 0
        self.misses = 0
        self.queries = 0
        self._lock = threading.Lock()

    @property
    def fingerprint(self) -> str:
        return self.inner.fingerprint

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        del state["_lock"]
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._lock = threading.Lock()

    def close(self) -> None:
        """Close the cache file's connection in this thread (the cache stays usable)."""
        close = getattr(self.store, "close", None)
        if close is not None:
            close()

    def reset_counters(self) -> None:
        with self._lock:
            self.hits = self.misses = self.queries = 0
            if hasattr(self.store, "shared_hits"):
                self.store.shared_hits = 0

    def counters(self) -> dict[str, int]:
        """queries, hits and misses; with a shared cache also `shared_hits`, the hits found only
        in the shared cache (counted since the store was made)."""
        found = {"queries": self.queries, "hits": self.hits, "misses": self.misses}
        if hasattr(self.store, "shared_hits"):
            found["shared_hits"] = self.store.shared_hits
        return found

    def predict_proba(self, batch: Sequence[tuple[str, ...]]) -> np.ndarray:
        return self.predict_detailed(batch).probs

    def predict_detailed(
        self, batch: Sequence[tuple[str, ...]], return_hidden: bool = False
    ) -> Prediction:
        batch = list(batch)
        check_batch(batch, f"cached model {type(self.inner).__name__}")
        fingerprint = self.inner.fingerprint
        keys = [cache_key(fingerprint, inputs) for inputs in batch]
        unique = list(dict.fromkeys(keys))
        stored = self.store.get_many(unique)
        missing = [
            k for k in unique if k not in stored or (return_hidden and stored[k].hidden is None)
        ]
        if missing:
            first: dict[str, tuple[str, ...]] = {}
            for key, inputs in zip(keys, batch, strict=True):
                first.setdefault(key, inputs)
            fresh = predict(self.inner, [first[k] for k in missing], return_hidden=return_hidden)
            new = {
                k: _record(fresh, i, return_hidden, stored.get(k)) for i, k in enumerate(missing)
            }
            self.store.put_many(new, {k: first[k] for k in missing})
            stored.update(new)
        with self._lock:
            self.queries += len(batch)
            self.misses += len(missing)
            self.hits += len(batch) - len(missing)
        return _assemble([stored[k] for k in keys], return_hidden)

    def describe(self) -> dict[str, Any]:
        inner = getattr(self.inner, "describe", None)
        info = dict(inner()) if inner is not None else {"fingerprint": self.fingerprint}
        info["cache"] = str(self.cache_path) if self.cache_path else "memory"
        shared = getattr(self.store, "shared", None)
        if shared is not None:
            info["shared_cache"] = str(shared.path)
        return info

    def __repr__(self) -> str:
        return f"CachedClassifier({self.inner!r}, cache={self.describe()['cache']!r})"


def _record(fresh: Prediction, i: int, return_hidden: bool, old: Record | None) -> Record:
    hidden = None
    if return_hidden:
        hidden = (
            np.zeros(0, dtype=np.float32)
            if fresh.hidden is None
            else np.asarray(fresh.hidden[i], dtype=np.float32)
        )
    elif old is not None:
        hidden = old.hidden
    visible = None if fresh.visible_chars is None else fresh.visible_chars[i].astype(np.int64)
    cut = None if fresh.truncated_inputs is None else fresh.truncated_inputs[i].astype(bool)
    return Record(
        probs=np.asarray(fresh.probs[i], dtype=np.float64).copy(),
        truncated=bool(fresh.truncated[i]),
        visible_chars=visible,
        hidden=hidden,
        truncated_inputs=cut,
    )


def _assemble(records: list[Record], return_hidden: bool) -> Prediction:
    n = len(records)
    probs = np.stack([r.probs for r in records]) if n else np.zeros((0, 2), dtype=np.float64)
    truncated = np.array([r.truncated for r in records], dtype=bool)
    visible = None
    if n and all(r.visible_chars is not None for r in records):
        visible = np.stack([r.visible_chars for r in records])
    cut = None
    if n and all(r.truncated_inputs is not None for r in records):
        cut = np.stack([r.truncated_inputs for r in records])
    hidden = None
    if return_hidden and n and all(r.hidden is not None and r.hidden.size for r in records):
        hidden = np.stack([r.hidden for r in records])
    return Prediction(
        probs=probs, truncated=truncated, hidden=hidden, visible_chars=visible, truncated_inputs=cut
    )
