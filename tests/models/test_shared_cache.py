import multiprocessing
import shutil

import numpy as np
import pytest

from metacompress.errors import ConfigError
from metacompress.models import (
    CachedClassifier,
    CallableClassifier,
    load_model,
    predict,
    shared_cache,
)
from metacompress.models.shared_cache import PROBES, SharedCache, default_cache_dir


@pytest.fixture(autouse=True)
def _new_process():
    """Each test starts as a fresh process would: no shared file verified yet."""
    shared_cache._VERIFIED.clear()
    yield
    shared_cache._VERIFIED.clear()


def scaled(factor, calls=None):
    def fn(batch):
        if calls is not None:
            calls.extend(batch)
        p = np.array([min(factor * sum(len(x) for x in inputs) / 100.0, 1.0) for inputs in batch])
        return np.stack([1 - p, p], axis=1)

    return fn


BATCH = [(f"int f{i}() {{ return {i}; }}",) for i in range(20)]


def test_a_second_run_is_served_by_the_shared_cache_and_keeps_a_copy(tmp_path):
    shared = SharedCache(tmp_path / "shared")
    calls = []
    model = CallableClassifier(scaled(1.0, calls), "m", fingerprint="fp-1")
    first = CachedClassifier(model, tmp_path / "run1" / "c.sqlite", shared=shared)
    expected = first.predict_proba(BATCH)
    assert len(calls) == len(BATCH)
    second = CachedClassifier(model, tmp_path / "run2" / "c.sqlite", shared=shared)
    np.testing.assert_array_equal(second.predict_proba(BATCH[::-1]), expected[::-1])
    assert len(calls) == len(BATCH)  # nothing computed again
    assert second.counters() == {"queries": 20, "hits": 20, "misses": 0, "shared_hits": 20}
    alone = CachedClassifier(model, tmp_path / "run2" / "c.sqlite")  # the run's own copy
    np.testing.assert_array_equal(alone.predict_proba(BATCH), expected)
    assert alone.misses == 0 and len(calls) == len(BATCH)
    assert second.describe()["shared_cache"] == str(shared.path_of("fp-1"))


def test_a_changed_model_file_never_gets_the_old_answers(make_hf_model, tmp_path):
    shared = SharedCache(tmp_path / "shared")
    folder = make_hf_model(bias=(0.0, 2.0))
    old = load_model(folder)
    before = CachedClassifier(old, tmp_path / "r1.sqlite", shared=shared).predict_proba(BATCH[:4])
    changed = make_hf_model(bias=(2.0, 0.0))
    shutil.copy(changed / "model.safetensors", folder / "model.safetensors")  # new weights
    new = load_model(folder)
    assert new.fingerprint != old.fingerprint
    cached = CachedClassifier(new, tmp_path / "r2.sqlite", shared=shared)
    got = cached.predict_proba(BATCH[:4])
    assert cached.misses == 4 and cached.counters()["shared_hits"] == 0
    np.testing.assert_allclose(got, predict(new, BATCH[:4]).probs, atol=1e-6)
    assert not np.allclose(got, before, atol=1e-4)


def test_a_model_changed_under_the_same_fingerprint_is_caught_by_the_probes(tmp_path, capsys):
    shared = SharedCache(tmp_path / "shared")
    before = CallableClassifier(scaled(1.0), "m", fingerprint="same")
    CachedClassifier(before, None, shared=shared).predict_proba(BATCH)
    path = shared.path_of("same")
    assert len(shared_cache.SharedStore(path).probes()) == PROBES
    shared_cache._VERIFIED.clear()  # another process
    after = CallableClassifier(scaled(0.5), "m", fingerprint="same")
    cached = CachedClassifier(after, None, shared=shared)
    np.testing.assert_array_equal(cached.predict_proba(BATCH), scaled(0.5)(BATCH))
    assert cached.counters()["shared_hits"] == 0
    assert "does not match the model" in capsys.readouterr().err
    assert path.with_name(f"{path.stem}.stale-1.sqlite").exists()


def test_an_unchanged_model_passes_its_probes_and_keeps_its_file(tmp_path, capsys):
    shared = SharedCache(tmp_path / "shared")
    model = CallableClassifier(scaled(1.0), "m", fingerprint="fp")
    CachedClassifier(model, None, shared=shared).predict_proba(BATCH)
    shared_cache._VERIFIED.clear()
    again = CachedClassifier(model, None, shared=shared)
    again.predict_proba(BATCH)
    assert again.counters()["shared_hits"] == len(BATCH)
    assert capsys.readouterr().err == ""
    assert not list(shared.path_of("fp").parent.glob("*.stale-*"))


def _writer(root, start):
    model = CallableClassifier(scaled(1.0), "m", fingerprint="mp")
    cached = CachedClassifier(model, None, shared=SharedCache(root))
    for i in range(start, start + 15):
        cached.predict_proba([(str(i) * 3,)])


def test_concurrent_runs_share_one_file(tmp_path):
    """Four processes create, set up and fill one new file at once (opening a new file races
    on SQLite locks that its busy handler does not cover)."""
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(tmp_path, s)) for s in (0, 5, 10, 15)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    model = CallableClassifier(scaled(1.0), "m", fingerprint="mp")
    cached = CachedClassifier(model, None, shared=SharedCache(tmp_path))
    cached.predict_proba([(str(i) * 3,) for i in range(30)])
    assert cached.counters()["shared_hits"] == 30


def test_a_corrupt_shared_file_is_a_config_error_naming_it(tmp_path):
    shared = SharedCache(tmp_path)
    path = shared.path_of("fp")
    path.parent.mkdir(parents=True)
    path.write_bytes(b"not sqlite at all" * 100)
    model = CallableClassifier(scaled(1.0), "m", fingerprint="fp")
    with pytest.raises(ConfigError, match=path.name):
        CachedClassifier(model, None, shared=shared)


def test_the_default_folder_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("METACOMPRESS_CACHE_DIR", str(tmp_path / "a"))
    assert default_cache_dir() == tmp_path / "a"
    monkeypatch.delenv("METACOMPRESS_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "x"))
    assert default_cache_dir() == tmp_path / "x" / "metacompress"
