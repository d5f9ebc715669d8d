"""The Ray backend on a local two-worker cluster: order, streaming, crashes, identical tables.

One Ray instance serves the whole module (starting one takes tens of seconds on a busy
machine): the fixture's `RayExecutor` starts it itself (no cluster address) and must shut it
down on close. The test doubles are pickled by value, so the workers need no test paths.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path

import numpy as np
import pipeline_doubles
import pytest
from pipeline_doubles import examples, flipping_student, teacher, teacher_fn

from metacompress.errors import ConfigError
from metacompress.models import CachedClassifier, CallableClassifier
from metacompress.pipeline.executors import make_executor
from metacompress.pipeline.executors.local import LocalExecutor
from metacompress.pipeline.runner import run_experiment
from metacompress.rundir.exports import EXPORTS

ray = pytest.importorskip("ray")

#: Transformations and an attack against each model: every kind of sharded work.
FOLLOWUPS = [
    "rename-locals",
    "for-to-while",
    {"combine": 2},
    {"attack": "mhm", "against": "both", "params": {"budget": 30}},
]


@pytest.fixture(scope="module")
def cluster():
    """A RayExecutor with two workers on a local Ray instance it starts itself."""
    from metacompress.pipeline.executors.ray_actors import RayExecutor

    assert not ray.is_initialized()
    for module in (pipeline_doubles, sys.modules[__name__]):
        ray.cloudpickle.register_pickle_by_value(module)
    executor = RayExecutor(2, init_options={"num_cpus": 2})
    yield executor
    executor.close()
    assert not ray.is_initialized(), "the executor started Ray, so it must shut it down"


def table_bytes(run_dir: Path) -> dict[str, bytes]:
    return {
        f"{t.name}.{ext}": (run_dir / "tables" / f"{t.name}.{ext}").read_bytes()
        for t in EXPORTS
        for ext in ("csv", "parquet")
    }


def square(x: int) -> int:
    return x * x


def square_and_pid(x: int) -> tuple[int, int]:
    time.sleep(0.02)
    return x * x, os.getpid()


def score(models: dict, batch: list[tuple[str, ...]]) -> list[float]:
    """A model-bound unit: the teacher's P(positive) on a batch, after a pause."""
    time.sleep(0.3)
    return models["teacher"].predict_proba(batch)[:, 1].tolist()


class DiesOnce:
    """The teacher, except that the first call anywhere kills its own process (SIGKILL)."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __call__(self, batch: list[tuple[str, ...]]) -> np.ndarray:
        if not self.marker.exists():
            self.marker.touch()
            os.kill(os.getpid(), signal.SIGKILL)
        return teacher_fn(batch)


def test_map_keeps_unit_order_and_uses_both_workers(cluster):
    results = list(cluster.map(square_and_pid, range(40)))
    assert [r for r, _ in results] == [x * x for x in range(40)]
    assert {pid for _, pid in results} == set(cluster.worker_pids())
    assert list(cluster.map(square, [])) == []


def test_a_killed_worker_is_restarted_and_its_lost_calls_are_retried(cluster):
    inputs = [(pipeline_doubles.example_code(i),) for i in range(24)]
    models = {"teacher": CachedClassifier(teacher())}
    units = [inputs[i : i + 2] for i in range(0, 24, 2)]
    stream = cluster.map_with_models(score, units, models)
    first = next(stream)
    before = cluster.worker_pids()
    os.kill(before[0], signal.SIGKILL)
    rest = list(stream)
    expected = teacher_fn(inputs)[:, 1].tolist()
    assert [p for part in [first, *rest] for p in part] == expected
    after = cluster.worker_pids()
    assert after[1] == before[1] and after[0] != before[0], "only the killed actor restarts"
    # the workers' cache counters are added to the driver's model
    assert models["teacher"].counters() == {"queries": 24, "hits": 0, "misses": 24}


def kill_myself(unit: int) -> int:
    if unit == 3:
        os.kill(os.getpid(), signal.SIGKILL)
    return unit


def test_a_unit_that_always_kills_its_worker_breaks_the_map_then_fresh_workers_start(cluster):
    from concurrent.futures import BrokenExecutor

    from metacompress.pipeline.executors.ray_actors import RayExecutor

    fragile = RayExecutor(1, num_cpus=0, retries=1)  # joins the module's Ray instance
    try:
        with pytest.raises(BrokenExecutor, match="died more than 1 times"):
            list(fragile.map(kill_myself, range(8)))
        assert list(fragile.map(kill_myself, [1, 2])) == [1, 2]
    finally:
        fragile.close()
    assert ray.is_initialized()


def _run(make_config, name: str, executor, teacher_model=None, student=None):
    config = make_config(name, followups=FOLLOWUPS)
    models = {
        "teacher": teacher_model or teacher(),
        "student": student or flipping_student({"f1", "f4"}),
    }
    return run_experiment(config, data=examples(), models=models, executor=executor)


def test_ray_with_a_worker_killed_gives_the_tables_of_a_local_run(cluster, make_config, tmp_path):
    """Two Ray workers, one of them killed by the model mid-run, vs one local process."""
    local = _run(make_config, "local", LocalExecutor(1))
    dying = CallableClassifier(DiesOnce(tmp_path / "died"), "teacher", fingerprint="teacher-v1")
    remote = _run(make_config, "ray", cluster, teacher_model=dying)
    assert (tmp_path / "died").exists(), "the teacher never killed its worker"
    assert table_bytes(remote.run_dir) == table_bytes(local.run_dir)
    assert remote.summary["counts"] == local.summary["counts"]
    for role in ("teacher", "student"):
        queries = local.summary["cache"][role]["queries"]
        assert remote.summary["cache"][role]["queries"] == queries > 0


def test_one_ray_worker_gives_the_tables_of_two_local_processes(cluster, make_config):
    from metacompress.pipeline.executors.ray_actors import RayExecutor

    with LocalExecutor(2) as pool:
        local = _run(make_config, "local2", pool)
    # joins the module's Ray instance (whose CPUs the cluster's actors hold); closing leaves it
    single = RayExecutor(1, num_cpus=0)
    try:
        remote = _run(make_config, "ray1", single)
    finally:
        single.close()
    assert ray.is_initialized()
    assert table_bytes(remote.run_dir) == table_bytes(local.run_dir)


def test_backend_settings_are_checked_and_do_not_change_the_result_hash(make_config):
    base = make_config()
    ray_config = make_config(backend="ray", ray_address="auto", workers=4)
    assert (ray_config.backend, ray_config.ray_address) == ("ray", "auto")
    assert ray_config.result_hash() == base.result_hash()
    with pytest.raises(ConfigError, match="backend: expected one of local, ray, got 'spark'"):
        make_config(backend="spark")
    with pytest.raises(
        ConfigError, match="ray_address: a cluster address .* needs the ray backend"
    ):
        make_config(ray_address="auto")
    with pytest.raises(ConfigError, match="needs the ray backend"):
        make_executor("local", 1, address="auto")
    with pytest.raises(ConfigError, match="workers"):
        make_executor("ray", 0)


def test_the_command_line_chooses_the_backend(tmp_path, monkeypatch):
    import yaml

    from metacompress.cli import main
    from metacompress.pipeline import runner

    seen = []

    def fake_run(config, resume=False):
        seen.append((config.backend, config.ray_address, config.workers))
        raise ConfigError("stop here")

    monkeypatch.setattr(runner, "run_experiment", fake_run)
    config = tmp_path / "exp.yaml"
    raw = {"task": "vulnerability", "data": {"format": "synth", "n": 4}, "teacher": "t",
           "student": "s", "followups": ["rename-locals"], "relations": ["prediction-agreement"]}  # fmt: skip
    config.write_text(yaml.safe_dump(raw))
    assert main(["run", str(config)]) == 2
    assert main(["run", str(config), "--backend", "ray", "--workers", "3"]) == 2
    assert main(["run", str(config), "--ray-address", "10.0.0.1:6379"]) == 2
    assert seen == [("local", None, 1), ("ray", None, 3), ("ray", "10.0.0.1:6379", 1)]
    assert main(["run", str(config), "--backend", "local", "--ray-address", "auto"]) == 2
    assert len(seen) == 3


def test_a_study_on_ray_gives_the_tables_of_a_local_run(cluster, tmp_path, monkeypatch):
    """A teacher and three students: the Ray workers hold every model; every table file is
    byte-identical (the measured speed fixed, as in test_pipeline_study)."""
    import study_design
    from test_pipeline_study import N, fix_speed, study_config, table_bytes

    fix_speed(monkeypatch)
    ray.cloudpickle.register_pickle_by_value(study_design)
    design = study_design.Design(N)
    local = run_experiment(study_config(tmp_path / "local"), data=study_design.examples(N),
                           models=design.models(), executor=LocalExecutor(1))  # fmt: skip
    remote = run_experiment(study_config(tmp_path / "ray"), data=study_design.examples(N),
                            models=design.models(), executor=cluster)  # fmt: skip
    assert table_bytes(remote.run_dir) == table_bytes(local.run_dir)
