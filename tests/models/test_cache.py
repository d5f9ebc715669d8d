import multiprocessing
import sqlite3

import numpy as np
import pytest

from metacompress.errors import ConfigError
from metacompress.models import CachedClassifier, CallableClassifier, cache_key, predict
from metacompress.models.cache import SQLiteStore


def length_model(batch):
    """P(positive) grows with the total length of the inputs."""
    p = np.array([min(sum(len(x) for x in inputs) / 100.0, 1.0) for inputs in batch])
    return np.stack([1 - p, p], axis=1)


def counted(calls):
    def fn(batch):
        calls.append(list(batch))
        return length_model(batch)

    return fn


def test_key_depends_on_fingerprint_and_every_character():
    k = cache_key("f1", ("int a;",))
    assert k != cache_key("f2", ("int a;",))
    assert k != cache_key("f1", ("int b;",))
    assert cache_key("f1", ("ab", "c")) != cache_key("f1", ("a", "bc"))


def test_memory_cache_hits_return_identical_arrays_and_count():
    calls = []
    model = CachedClassifier(CallableClassifier(counted(calls), "len", fingerprint="x"))
    batch = [("a",), ("bb",), ("a",)]
    first = model.predict_proba(batch)
    assert len(calls) == 1 and calls[0] == [("a",), ("bb",)]  # duplicate computed once
    assert (model.queries, model.misses, model.hits) == (3, 2, 1)
    second = model.predict_proba(list(reversed(batch)))
    assert len(calls) == 1
    np.testing.assert_array_equal(second, first[::-1])
    assert second.dtype == np.float64
    assert (model.queries, model.misses, model.hits) == (6, 2, 4)
    assert model.fingerprint == "x"


def test_sqlite_cache_persists_across_instances(tmp_path):
    path = tmp_path / "cache.sqlite"
    calls = []
    inner = CallableClassifier(counted(calls), "len", fingerprint="fp")
    first = CachedClassifier(inner, path).predict_proba([("abc",), ("de",)])
    again = CachedClassifier(inner, path)
    np.testing.assert_array_equal(again.predict_proba([("de",), ("abc",)]), first[::-1])
    assert len(calls) == 1 and again.hits == 2 and again.misses == 0
    other = CachedClassifier(CallableClassifier(counted(calls), "len", fingerprint="fp2"), path)
    other.predict_proba([("abc",)])
    assert other.misses == 1 and len(calls) == 2
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def _writer(path, start):
    inner = CallableClassifier(length_model, "len", fingerprint="mp")
    model = CachedClassifier(inner, path)
    for i in range(start, start + 20):
        model.predict_proba([(str(i) * 3,)])


def test_sqlite_cache_survives_concurrent_processes(tmp_path):
    path = tmp_path / "c.sqlite"
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(path, s)) for s in (0, 10)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    model = CachedClassifier(CallableClassifier(length_model, "len", fingerprint="mp"), path)
    model.predict_proba([(str(i) * 3,) for i in range(30)])
    assert model.hits == 30


def test_hidden_is_cached_only_when_asked():
    model = CachedClassifier(CallableClassifier(length_model, "len"))
    pred = predict(model, [("x",)], return_hidden=True)
    assert pred.hidden is None and not pred.truncated[0]
    assert model.misses == 1
    predict(model, [("x",)], return_hidden=True)
    assert model.hits == 1


def test_bad_inputs_are_refused_with_reasons():
    model = CachedClassifier(CallableClassifier(length_model, "len"))
    with pytest.raises(ConfigError, match="tuple"):
        model.predict_proba(["not a tuple"])
    with pytest.raises(ConfigError, match="input"):
        model.predict_proba([("a",), ("a", "b")])
    with pytest.raises(ConfigError, match="Classifier"):
        CachedClassifier(object())
    assert model.predict_proba([]).shape == (0, 2)


def test_corrupt_cache_file_is_a_config_error(tmp_path):
    path = tmp_path / "bad.sqlite"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(ConfigError, match="bad.sqlite is not a usable .*: delete it, and"):
        CachedClassifier(CallableClassifier(length_model, "len"), path)


def _locked_at_first(monkeypatch, times):
    """SQLiteStore._set_up fails `times` times with SQLite's immediate 'database is locked'."""
    real = SQLiteStore._set_up
    calls = []

    def flaky(self, conn):
        calls.append(1)
        if len(calls) <= times:
            conn.close()
            raise sqlite3.OperationalError("database is locked")
        return real(self, conn)

    monkeypatch.setattr(SQLiteStore, "_set_up", flaky)
    return calls


def test_a_lock_met_while_opening_is_waited_out(tmp_path, monkeypatch):
    calls = _locked_at_first(monkeypatch, times=3)
    store = SQLiteStore(tmp_path / "c.sqlite", timeout_s=5.0)
    assert len(calls) == 4
    assert store.get_many(["k"]) == {}


def test_a_lock_held_past_the_timeout_is_a_config_error_naming_the_file(tmp_path, monkeypatch):
    _locked_at_first(monkeypatch, times=10**6)
    with pytest.raises(ConfigError, match=r"c\.sqlite.*database is locked"):
        SQLiteStore(tmp_path / "c.sqlite", timeout_s=0.1)
